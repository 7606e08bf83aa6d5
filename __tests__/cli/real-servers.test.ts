// TLS, STARTTLS, the protocol helpers and telnet against the real servers people meet: Debian's
// postfix (AUTH through dovecot's SASL), dovecot, nginx and busybox's telnetd on 127.0.0.1, started
// by scripts/servers (.ci/run does) with a CA of its own making.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CLI, runCli } from '../helpers/cli.js';
import { describeRequiring } from '../helpers/prerequisite.js';
import { Tui, tmuxMissing } from '../helpers/tmux.js';
import { readTranscript } from '../helpers/transcript.js';

const DIR = process.env.PORTHOLE_SERVERS ?? '/tmp/porthole-servers';
const CA = path.join(DIR, 'ca.pem');
const PORTS = { telnet: 23, smtp: 25, pop3: 110, imap: 143, imaps: 993, pop3s: 995, http: 80, https: 443 } as const;

function serversMissing(): string | null {
  if (!fs.existsSync(CA)) return `the real servers are not running (no ${CA}): run scripts/servers start as root`;
  const down = Object.entries(PORTS).filter(([, port]) => spawnSync('bash', ['-c', `exec 3<>/dev/tcp/127.0.0.1/${port}`]).status !== 0);
  return down.length ? `nothing listens on 127.0.0.1 for ${down.map(([n, p]) => `${n} (${p})`).join(', ')}: run scripts/servers start as root` : null;
}

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

describeRequiring(serversMissing(), 'postfix, dovecot and nginx over TLS', () => {
  test('STARTTLS on postfix 25, dovecot 110 and 143; implicit TLS on 993, 995 and nginx 443: all verified', async () => {
    const starttls = await runCli(['-z', '--json', '--starttls', 'auto', '--ca', CA, '127.0.0.1', '25', '110', '143']);
    expect(starttls.code).toBe(0);
    const [smtp, pop3, imap] = starttls.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(smtp.banner).toMatch(/^220 mail\.porthole\.test ESMTP porthole test postfix/);
    expect(pop3.banner).toMatch(/^\+OK Dovecot/);
    expect(imap.banner).toMatch(/^\* OK \[CAPABILITY .*STARTTLS.*\] Dovecot/);
    for (const r of [smtp, pop3, imap]) expect(r.tls).toMatchObject({ verified: true, errors: [] });
    const implicit = await runCli(['-z', '--json', '--tls', '--ca', CA, 'localhost', '993', '995', '443']);
    expect(implicit.code).toBe(0);
    const [imaps, pop3s, https] = implicit.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(imaps.banner).toMatch(/^\* OK \[CAPABILITY IMAP4rev1/);
    expect(imaps.banner).not.toMatch(/STARTTLS/);
    expect(pop3s.banner).toMatch(/^\+OK Dovecot/);
    expect(https.tls).toMatchObject({ verified: true, servername: 'localhost' });
    expect(https.tls.chain[0].subject).toBe('CN=mail.porthole.test, O=porthole tests');
  });

  test('without the servers\' CA the system trust store refuses them: exit 8, the CA named', async () => {
    const r = await runCli(['-z', '--starttls', 'smtp', '127.0.0.1', '25']);
    expect(r.code).toBe(8);
    // The server sends its certificate alone, issued straight by a CA nobody here trusts.
    expect(r.stdout).toMatch(/TLS certificate not trusted: certificate issuer unknown/);
    expect(r.stdout).toMatch(/its issuer, porthole servers test CA, is neither sent nor trusted here/);
  });

  test('nginx over TLS in pipe mode: the page, and nothing of TLS on stdout', async () => {
    const r = await runCli(['--tls', '--ca', CA, 'localhost', '443'], { input: 'GET / HTTP/1.0\r\nHost: localhost\r\n\r\n' });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^HTTP\/1\.1 200 OK\r\nServer: nginx/);
    expect(r.stdout).toMatch(/\r\n\r\nporthole test nginx over TLS\n$/);
  });

  test('dovecot: a POP3 login over STLS in pipe mode', async () => {
    // --no-shutdown: dovecot drops a session whose client half-closed before it read the commands.
    const r = await runCli(['--starttls', 'pop3', '--no-shutdown', '--ca', CA, '127.0.0.1', '110'], { input: 'USER bob\r\nPASS builder\r\nSTAT\r\nQUIT\r\n' });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^\+OK\r\n\+OK Logged in\.\r\n\+OK \d+ \d+\r\n\+OK Logging out/);
  });

  describeRequiring(tmuxMissing(), 'a mail walked through postfix by hand', () => {
    let tui: Tui | null = null;
    afterEach(() => tui?.kill());

    test('EHLO, `starttls` in the prompt, EHLO again, the mail; it arrives received with ESMTPS', async () => {
      const subject = `porthole over STARTTLS ${Date.now()}`;
      const t = (tui = new Tui(['--ca', CA, '127.0.0.1', '25'], 140, 40));
      await t.waitFor(/^220 mail\.porthole\.test ESMTP/m);
      t.type('EHLO client.porthole.test');
      t.keys('Enter');
      await t.waitFor(/^250[ -]STARTTLS$/m);
      t.keys('C-]');
      await t.waitFor(/porthole>/);
      t.type('starttls');
      t.keys('Enter');
      await t.waitFor(/send EHLO again/);
      t.keys('Enter');
      await t.waitFor(/^250 (CHUNKING|SMTPUTF8|DSN)$/m);
      for (const line of ['MAIL FROM:<tester@example.test>', 'RCPT TO:<alice@porthole.test>', 'DATA']) {
        t.type(line);
        t.keys('Enter');
      }
      await t.waitFor(/^354 /m);
      for (const line of [`Subject: ${subject}`, '', 'sent over STARTTLS by hand', '.']) {
        t.type(line);
        t.keys('Enter');
      }
      await t.waitFor(/^250 2\.0\.0 Ok: queued as \w+$/m);
      t.type('QUIT');
      t.keys('Enter');
      await t.waitFor(/^221 2\.0\.0 Bye$/m);
      // Delivery is postfix's business: look for the mail over IMAPS until it is there.
      let received = '';
      for (let i = 0; i < 50 && !received.includes(subject); i++) {
        const r = await runCli(['--tls', '--no-shutdown', '--ca', CA, 'localhost', '993'], {
          input: `a1 LOGIN alice wonderland\r\na2 SELECT INBOX\r\na3 SEARCH SUBJECT "${subject}"\r\na4 FETCH 1:* (BODY[HEADER.FIELDS (SUBJECT RECEIVED)])\r\na5 LOGOUT\r\n`,
        });
        received = r.stdout;
        if (!received.includes(subject)) await wait(200);
      }
      expect(received).toContain(subject);
      // The Received header postfix wrote for this very mail: its FETCH block is the one with the subject.
      const block = received.split(/^\* \d+ FETCH /m).find((b) => b.includes(subject))!;
      expect(block).toMatch(/\(using TLSv1\.3 with cipher \S+/);
      expect(block).toMatch(/by mail\.porthole\.test \(Postfix\) with ESMTPS id/);
    }, 40_000);
  });

  /** A user's mail over IMAPS, whole, once a message with `subject` is there (delivery is postfix's business). */
  async function mailWith(subject: string, login = 'alice wonderland'): Promise<string> {
    for (let i = 0; i < 50; i++) {
      const r = await runCli(['--tls', '--no-shutdown', '--ca', CA, 'localhost', '993'], {
        input: `a1 LOGIN ${login}\r\na2 SELECT INBOX\r\na3 FETCH 1:* (BODY.PEEK[])\r\na4 LOGOUT\r\n`,
      });
      const block = r.stdout.split(/^\* \d+ FETCH /m).find((b) => b.includes(subject));
      if (block) return block;
      await wait(200);
    }
    throw new Error(`no mail with subject "${subject}" arrived`);
  }

  describeRequiring(tmuxMissing(), 'the protocol helpers against postfix, dovecot and nginx, in a terminal', () => {
    let tui: Tui | null = null;
    afterEach(() => tui?.kill());
    const prompt = async (t: Tui, command: string) => {
      t.keys('C-]');
      await t.waitFor(/porthole>/);
      t.type(command);
      t.keys('Enter');
    };

    test('a whole mail by hand, each step taken from the suggestion where it has one', async () => {
      const subject = `by hand ${Date.now()}`;
      const t = (tui = new Tui(['127.0.0.1', '25'], 140, 40));
      await t.waitFor(/^220 mail\.porthole\.test ESMTP/m);
      // The first step, suggested: EHLO with this machine's name; Tab takes it, Enter sends it.
      const ehlo = (await t.waitFor(/^> EHLO \S+/m)).match(/^> (EHLO \S+)/m)![1]!;
      t.keys('Tab', 'Enter');
      await t.waitFor(new RegExp(`^${ehlo}$`, 'm'));
      await t.waitFor(/The server offers: TLS/);
      await t.waitFor(/^> STARTTLS/m);
      t.type('MAIL FROM:<tester@example.test>');
      t.keys('Enter');
      await t.waitFor(/^> RCPT TO:</m);
      t.keys('Tab');
      t.type('alice@porthole.test>');
      t.keys('Enter');
      await t.waitFor(/^> DATA/m);
      t.keys('Tab', 'Enter');
      await t.waitFor(/^> From: <tester@example\.test>/m);
      t.keys('Tab', 'Enter');
      await t.waitFor(/^> To: <alice@porthole\.test>/m);
      t.keys('Tab', 'Enter');
      await t.waitFor(/^> Subject:\s*$/m);
      t.keys('Tab');
      t.type(subject);
      t.keys('Enter');
      await t.waitFor(/an empty line ends the headers/);
      t.keys('Enter');
      t.type('walked by hand');
      t.keys('Enter');
      await t.waitFor(/^> \.\s+\(a line with a single/m);
      t.keys('Tab', 'Enter');
      await t.waitFor(/^250 2\.0\.0 Ok: queued as \w+$/m);
      const mail = await mailWith(subject);
      expect(mail).toMatch(/^From: <tester@example\.test>\r$/m);
      expect(mail).toMatch(/^walked by hand\r$/m);
    }, 40_000);

    test('smtp send: a body with a line that starts with a dot and a line that is only a dot; both arrive', async () => {
      const subject = `composer ${Date.now()}`;
      const body = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'porthole-body-')), 'body.txt');
      fs.writeFileSync(body, 'first line\n.starts with a dot\n.\nlast line\n');
      const t = (tui = new Tui(['127.0.0.1', '25'], 140, 50));
      await t.waitFor(/^220 mail\.porthole\.test/m);
      await prompt(t, `smtp send --from tester@example.test --to alice@porthole.test --subject '${subject}' --body-file ${body}`);
      let s = await t.waitFor(/^smtp send: done\.$/m, 10_000);
      // Every line shown as it went, the stuffed ones as sent.
      expect(s).toMatch(/^\.\.starts with a dot$/m);
      expect(s).toMatch(/^\.\.$/m);
      s = await mailWith(subject);
      expect(s).toMatch(/\r\nfirst line\r\n\.starts with a dot\r\n\.\r\nlast line\r\n/);
    }, 40_000);

    test('AUTH PLAIN through dovecot\'s SASL: the password nowhere on screen', async () => {
      const t = (tui = new Tui(['127.0.0.1', '25'], 140, 40));
      await t.waitFor(/^220 mail\.porthole\.test/m);
      await prompt(t, 'smtp auth plain alice');
      await t.waitFor(/^Password for alice:/m);
      t.type('wonderland');
      let s = await t.waitFor(/^Password for alice: \*{10}/m);
      expect(s).not.toMatch(/wonderland/);
      t.keys('Enter');
      s = await t.waitFor(/^235 2\.7\.0 Authentication successful$/m);
      expect(s).toMatch(/^AUTH PLAIN \*{8}$/m);
      expect(s).not.toMatch(new RegExp(`wonderland|${Buffer.from('\0alice\0wonderland').toString('base64').slice(0, 12)}`));
      t.kill();
      const w = (tui = new Tui(['127.0.0.1', '25'], 140, 40));
      await w.waitFor(/^220 mail\.porthole\.test/m);
      await prompt(w, 'smtp auth plain bob');
      await w.waitFor(/^Password for bob:/m);
      w.type('not-his');
      w.keys('Enter');
      s = await w.waitFor(/smtp auth stopped at AUTH PLAIN/);
      expect(s).toMatch(/535 \(permanent\): authentication failed/);
    }, 30_000);

    test('the mail read back by hand over POP3, then over IMAP without typing a tag', async () => {
      const subject = `read back ${Date.now()}`;
      const sent = await runCli(['-c', `smtp send --from tester@example.test --to bob@porthole.test --subject '${subject}' --body '.dot line\\nend'`, '127.0.0.1', '25']);
      expect(sent.code).toBe(0);
      expect(sent.stdout).toMatch(/^ -> \.\.dot line$/m);
      // Delivered before POP3 counts the messages: the last one is this one.
      await mailWith(subject, 'bob builder');
      const p = (tui = new Tui(['127.0.0.1', '110'], 140, 50));
      await p.waitFor(/^\+OK Dovecot/m);
      await p.waitFor(/^> USER\s*$/m);
      p.keys('Tab');
      p.type('bob');
      p.keys('Enter');
      await p.waitFor(/^> PASS\s*$/m);
      p.keys('Tab');
      p.type('builder');
      p.keys('Enter');
      let s = await p.waitFor(/^\+OK Logged in\.$/m);
      expect(s).toMatch(/^PASS \*{8}$/m);
      expect(s).not.toMatch(/builder/);
      p.type('STAT');
      p.keys('Enter');
      const count = Number((await p.waitFor(/^\+OK (\d+) \d+$/m)).match(/^\+OK (\d+) \d+$/m)![1]);
      p.type(`RETR ${count}`);
      p.keys('Enter');
      s = await p.waitFor(/↳ RETR: \d+ lines, \d+ bytes, to the "\."/);
      expect(s).toMatch(new RegExp(`^Subject: ${subject}$`, 'm'));
      // Dovecot sends the stuffed line; the pane shows the message's own.
      expect(s).toMatch(/^\.dot line$/m);
      expect(s).not.toMatch(/^\.\.dot line$/m);
      p.kill();
      const i = (tui = new Tui(['127.0.0.1', '143'], 140, 50));
      await i.waitFor(/^\* OK .*Dovecot/m);
      i.type('LOGIN bob builder');
      i.keys('Enter');
      s = await i.waitFor(/^A001 OK /m);
      expect(s).toMatch(/^A001 LOGIN bob \*{8}$/m);
      expect(s).toMatch(/↳ A001 LOGIN: done in \d+ ms\./);
      i.type('SELECT INBOX');
      i.keys('Enter');
      await i.waitFor(/^A002 OK /m);
      i.type(`FETCH ${count} BODY[HEADER.FIELDS (SUBJECT)]`);
      i.keys('Enter');
      s = await i.waitFor(/^A003 OK /m);
      expect(s).toMatch(new RegExp(`^Subject: ${subject}`, 'm'));
    }, 40_000);

    test('a page from nginx by hand (Host from the suggestion) and by the composer', async () => {
      const t = (tui = new Tui(['127.0.0.1', '80'], 140, 40));
      await t.waitFor(/\| http helper \|/);
      await t.waitFor(/^> GET \/ HTTP\/1\.1/m);
      t.keys('Tab', 'Enter');
      await t.waitFor(/^> Host: 127\.0\.0\.1/m);
      t.keys('Tab', 'Enter');
      await t.waitFor(/an empty line ends the headers/);
      t.keys('Enter');
      let s = await t.waitFor(/^porthole test nginx over TLS$/m);
      expect(s).toMatch(/^HTTP\/1\.1 200 OK$/m);
      expect(s).toMatch(/The server keeps the connection open after this answer/);
      await prompt(t, 'http get /index.html');
      s = await t.waitFor(/^http get: done\.$/m);
      expect(s).toMatch(/↳ porthole added: Host: 127\.0\.0\.1/);
      // A chunked answer, shown decoded: no size lines; its framing said, and its timing.
      await prompt(t, 'clear');
      await prompt(t, 'http get /chunked');
      // (How many chunks is nginx's business: sub_filter passes on its buffers as they fill.)
      s = await t.waitFor(/body 78 bytes in \d+ chunks?, shown decoded/);
      expect(s).toMatch(/^Transfer-Encoding: chunked$/m);
      expect(s).toMatch(/^porthole \(chunked\) line 1\nporthole \(chunked\) line 2\nporthole \(chunked\) line 3$/m);
      expect(s).not.toMatch(/^4e$/m);
      expect(s).toMatch(/↳ 200: request sent -> first byte [\d.]+ ms -> last byte [\d.]+ ms/);
    }, 30_000);
  });

  describeRequiring(tmuxMissing(), 'telnet against busybox telnetd, in a terminal', () => {
    let tui: Tui | null = null;
    afterEach(() => tui?.kill());

    test('porthole 127.0.0.1: no negotiation on screen, the password not echoed nor logged, stty size the pane\'s, the close said', async () => {
      const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'porthole-telnet-')), 'session.log');
      const t = (tui = new Tui(['127.0.0.1'], 100, 24));
      let s = await t.waitFor(/login: *$/m);
      // The negotiation is the protocol's: none of its bytes as marks on screen.
      expect(s).not.toMatch(/[\ufffd␁␃␟␍]/);
      expect(s).toMatch(/\| telnet \| char: server echoes \|/);
      t.keys('C-]');
      await t.waitFor(/porthole>/);
      t.type(`log ${file}`);
      t.keys('Enter');
      await t.waitFor(/Writing a transcript/);
      t.type('porthole-test');
      t.keys('Enter');
      await t.waitFor(/Password: *$/m);
      t.type('telnet-pw');
      t.keys('Enter');
      s = await t.waitFor(/^\$ *$/m, 10_000);
      expect(s).not.toMatch(/telnet-pw/);
      t.type('stty size');
      t.keys('Enter');
      s = await t.waitFor(/^\d+ 100$/m);
      const rows = Number(s.match(/^(\d+) 100$/m)![1]);
      expect(rows).toBeGreaterThan(10);
      // A new size reaches the remote program (NAWS, at once).
      t.resize(120, 30);
      await new Promise((r) => setTimeout(r, 300));
      t.type('stty size');
      t.keys('Enter');
      s = await t.waitFor(/^\d+ 120$/m);
      expect(Number(s.match(/^(\d+) 120$/m)![1])).toBe(rows + 6);
      t.type('echo done-$((6*7))');
      t.keys('Enter');
      await t.waitFor(/^done-42$/m);
      t.type('exit');
      t.keys('Enter');
      s = await t.waitFor(/Connection closed by foreign host/, 10_000);
      const log = readTranscript(file);
      expect(log).not.toMatch(/telnet-pw/);
      expect(log).toMatch(/^<- {2}done-42$/m);
      expect(log).not.toMatch(/\xff/);
    }, 40_000);

    test('terminal mode: top full-screen on the real terminal, the whole terminal\'s size; back to an intact pane', async () => {
      const t = (tui = new Tui(['127.0.0.1'], 100, 24, { env: { TERM: 'xterm' } }));
      await t.waitFor(/login: *$/m);
      t.type('porthole-test');
      t.keys('Enter');
      await t.waitFor(/Password: *$/m);
      t.type('telnet-pw');
      t.keys('Enter');
      await t.waitFor(/^\$ *$/m, 10_000);
      t.type('echo before-terminal');
      t.keys('Enter');
      await t.waitFor(/^before-terminal$/m);
      t.keys('C-]');
      await t.waitFor(/porthole>/);
      t.type('mode terminal');
      t.keys('Enter');
      // The remote program has the terminal: its size is the terminal's, not the pane's.
      await new Promise((r) => setTimeout(r, 500));
      t.type('stty size');
      t.keys('Enter');
      await t.waitFor(/^24 100$/m);
      t.type('top -n 1');
      t.keys('Enter');
      let s = await t.waitFor(/PID +USER/);
      expect(s).toMatch(/^Tasks: /m);
      // The program's escape sequences drew it: none shows as a mark.
      expect(s).not.toMatch(/␛/);
      await new Promise((r) => setTimeout(r, 1500));
      t.keys('C-]');
      await t.waitFor(/porthole>/);
      s = await t.waitFor(/Terminal mode: [\d.]+ [KM]?B went to the terminal, not to this pane\./);
      expect(s).toMatch(/\| telnet \| terminal mode \|/);
      t.type('mode line');
      t.keys('Enter');
      s = await t.waitFor(/\| telnet \| line mode \|/);
      // porthole's pane as it was, and nothing of top's screen in it.
      expect(s).toMatch(/^before-terminal$/m);
      expect(s).not.toMatch(/␛|PID +USER/);
    }, 40_000);

    test('pipe mode on port 23 speaks telnet too: the negotiation answered, none of it on stdout; --raw gives the bytes', async () => {
      // Typed as a script would, a line at a time once the prompt is up.
      const piped = async (args: string[]) => {
        const child = spawn(process.execPath, [CLI, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
        const out: Buffer[] = [];
        child.stdout.on('data', (d: Buffer) => out.push(d));
        for (const [ms, line] of [[1500, 'porthole-test'], [1500, 'telnet-pw'], [1500, 'echo hi-$((6*7))'], [500, 'exit']] as const) {
          await wait(ms);
          child.stdin.write(`${line}\r\n`);
        }
        child.stdin.end();
        const code = await new Promise<number | null>((resolve) => {
          const timer = setTimeout(() => child.kill('SIGKILL'), 8000);
          child.on('close', (c) => {
            clearTimeout(timer);
            resolve(c);
          });
        });
        return { code, stdout: Buffer.concat(out) };
      };
      const telnet = await piped(['--no-shutdown', '-q', '3', '127.0.0.1', '23']);
      expect(telnet.code).toBe(0);
      expect(telnet.stdout.includes(0xff)).toBe(false);
      expect(telnet.stdout.toString('latin1')).toMatch(/^hi-42\r$/m);
      const raw = await runCli(['--raw', '-q', '1', '127.0.0.1', '23'], { input: '' });
      expect(Buffer.from(raw.stdout, 'latin1').length).toBeGreaterThan(0);
      expect(raw.stdout).toMatch(/\ufffd|\xff/);
    }, 30_000);

    test('--raw on port 23: every byte as it came, the negotiation as marks, as nc shows it', async () => {
      const t = (tui = new Tui(['--raw', '127.0.0.1'], 100, 24));
      const s = await t.waitFor(/login: *$/m);
      expect(s).toMatch(/\|\s*line\s*\|/);
      expect(s).not.toMatch(/\| telnet \|/);
    }, 20_000);
  });
});
