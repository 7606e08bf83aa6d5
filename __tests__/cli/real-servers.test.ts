// TLS and STARTTLS against the real servers people meet: Debian's postfix, dovecot and nginx on
// 127.0.0.1, started by scripts/servers (.ci/run does) with a CA of its own making.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { runCli } from '../helpers/cli.js';
import { describeRequiring } from '../helpers/prerequisite.js';
import { Tui, tmuxMissing } from '../helpers/tmux.js';

const DIR = process.env.PORTHOLE_SERVERS ?? '/tmp/porthole-servers';
const CA = path.join(DIR, 'ca.pem');
const PORTS = { smtp: 25, pop3: 110, imap: 143, imaps: 993, pop3s: 995, https: 443 } as const;

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
});
