// The built CLI in a real terminal (tmux) against the lab on loopback: what a person sees.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startLab, type Lab } from '../../src/lab/lab.js';
import { CLI } from '../helpers/cli.js';
import { closedPort } from '../helpers/servers.js';
import { describeRequiring } from '../helpers/prerequisite.js';
import { Tui, tmuxMissing } from '../helpers/tmux.js';
import { readTranscript } from '../helpers/transcript.js';

describeRequiring(tmuxMissing(), 'the interactive session in a terminal', () => {
  let lab: Lab;
  const tuis: Tui[] = [];
  const open = (args: string[], cols?: number, rows?: number, stdout?: string) => {
    const t = new Tui(args, cols, rows, stdout ? { stdout } : {});
    tuis.push(t);
    return t;
  };
  beforeAll(async () => {
    lab = await startLab({ floodBytes: 64 * 3000 });
  });
  afterEach(() => tuis.splice(0).forEach((t) => t.kill()));
  /** A session on the lab's SMTP server writing a transcript to `file`, one NOOP answered. */
  const smtpWithLog = async (file: string) => {
    const t = open(['127.0.0.1', String(lab.ports.smtp)]);
    await t.waitFor(/220 /);
    t.keys('C-]');
    await t.waitFor(/porthole>/);
    t.type(`log ${file}`);
    t.keys('Enter');
    await t.waitFor(/Writing a transcript to/);
    t.type('NOOP');
    t.keys('Enter');
    await t.waitFor(/250 2\.0\.0 Ok/);
    return t;
  };
  afterAll(async () => lab.close());

  test('connects, shows the banner and the status, echoes what is typed and shows the reply', async () => {
    const t = open(['127.0.0.1', String(lab.ports.smtp)]);
    let s = await t.waitFor(/220 lab\.porthole\.test ESMTP/);
    expect(s).toMatch(new RegExp(`Connected to 127\\.0\\.0\\.1:${lab.ports.smtp} in [\\d.]+ ms`));
    expect(s).toMatch(/line | CRLF | utf-8/);
    expect(t.alternateScreen()).toBe(true);
    t.type('EHLO me');
    await t.waitFor(/> EHLO me/);
    t.keys('Enter');
    s = await t.waitFor(/250 STARTTLS/);
    expect(s).toMatch(/^EHLO me$/m);
    expect(s).toMatch(/out 9 B/);
  });

  test('the SMTP helper: named in the status bar, the EHLO reply in words, a refusal explained beneath it', async () => {
    const t = open(['127.0.0.1', String(lab.ports.smtp)], 220, 30);
    let s = await t.waitFor(/220 lab\.porthole\.test/);
    expect(s).toMatch(/\| smtp helper \|/);
    t.type('EHLO me.test');
    t.keys('Enter');
    s = await t.waitFor(/The server offers: TLS \(STARTTLS: starttls in the prompt\), login with AUTH PLAIN LOGIN, messages up to 1\.0 MiB, pipelining, 8-bit MIME/);
    t.type('MAIL FROM:<me@example.test>');
    t.keys('Enter');
    t.type('RCPT TO:<nobody@lab.porthole.test>');
    t.keys('Enter');
    s = await t.waitFor(/5\.1\.1: no such mailbox at that domain\. Next: check the spelling of the address\./);
    // Beneath the reply it explains.
    const lines = s.split('\n');
    const at = lines.findIndex((l) => l.startsWith('550 5.1.1'));
    expect(lines.slice(at + 1).find((l) => l.trim() !== '')).toMatch(/^\u21b3 550 \(permanent\)/);
  });

  test('a password typed at PASS reaches the server, and is masked in the pane and the transcript, and not kept in the history', async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'porthole-secret-')), 'pop3.log');
    const t = open(['127.0.0.1', String(lab.ports.pop3)], 120, 24);
    await t.waitFor(/\+OK Porthole Lab POP3 ready/);
    t.keys('C-]');
    await t.waitFor(/porthole>/);
    t.type(`log ${file}`);
    t.keys('Enter');
    await t.waitFor(/Writing a transcript/);
    t.type('USER alice');
    t.keys('Enter');
    t.type('PASS wonderland');
    // Masked as it is typed, too: a mark a character.
    await t.waitFor(/^> PASS \*{10}\s*$/m);
    t.keys('Enter');
    // The server took it: the password went as typed.
    let s = await t.waitFor(/\+OK Logged in/);
    expect(s).toMatch(/^PASS \*{8}$/m);
    // (The lab's greeting names the practice password itself; no line of ours does.)
    expect(s).not.toMatch(/^PASS wonderland/m);
    // Up recalls what was kept: the line up to its secret, ready for a password.
    t.keys('Up');
    s = await t.waitFor(/^> PASS\s*$/m);
    t.keys('C-u');
    t.type('QUIT');
    t.keys('Enter');
    await t.waitFor(/\+OK/);
    await new Promise((r) => setTimeout(r, 200));
    const log = readTranscript(file);
    expect(log).toMatch(/^ -> PASS \*{8}$/m);
    expect(log).not.toMatch(/-> .*wonderland/);
  });

  test('the IMAP helper tags what is typed without a tag, and masks the password', async () => {
    const t = open(['127.0.0.1', String(lab.ports.imap)], 140, 24);
    let s = await t.waitFor(/\* OK \[CAPABILITY/);
    expect(s).toMatch(/\| imap helper \|/);
    t.type('LOGIN alice wonderland');
    t.keys('Enter');
    s = await t.waitFor(/^A001 OK \[CAPABILITY [^\]]*\] Logged in$/m);
    expect(s).toMatch(/^A001 LOGIN alice \*{8}$/m);
    t.type('SELECT INBOX');
    t.keys('Enter');
    await t.waitFor(/^A002 OK \[READ-WRITE\]/m);
    // F1: the IMAP commands in a panel; Esc and the session is back.
    t.keys('F1');
    s = await t.waitFor(/IMAP, typed as is:/);
    expect(s).toMatch(/FETCH 1 \(FLAGS BODY\[HEADER\]\)/);
    t.keys('Escape');
    await t.waitFor(/^A002 OK \[READ-WRITE\]/m);
  });

  test('the HTTP helper: told by the answer, its status in words, and whether the connection stays open', async () => {
    const t = open(['127.0.0.1', String(lab.ports.http)], 160, 30);
    await t.waitFor(/Connected to/);
    for (const line of ['GET /no-such-page HTTP/1.1', 'Host: 127.0.0.1', '']) {
      t.type(line);
      t.keys('Enter');
    }
    const s = await t.waitFor(/The server keeps the connection open after this answer/);
    expect(s).toMatch(/^HTTP\/1\.1 404 /m);
    expect(s).toMatch(/\u21b3 404: not found: nothing at this path/);
    expect(s).toMatch(/\| http helper \|/);
  });

  test('Ctrl+] opens the prompt over the session; Esc returns; quit leaves a clean terminal', async () => {
    const t = open(['127.0.0.1', String(lab.ports.smtp)]);
    await t.waitFor(/220 /);
    t.keys('C-]');
    let s = await t.waitFor(/porthole>/);
    expect(s).toMatch(/quit\s+close the connection and leave porthole/);
    expect(s).toMatch(/open HOST \[PORT\]/);
    t.keys('Escape');
    await t.waitFor(/^>/m);
    t.keys('C-]');
    await t.waitFor(/porthole>/);
    t.type('frob');
    t.keys('Enter');
    s = await t.waitFor(/unknown command "frob"/);
    expect(s).toMatch(/Commands: quit, close, open/);
    t.type('quit');
    t.keys('Enter');
    s = await t.waitFor(/EXIT=\d+/);
    expect(s).toMatch(/EXIT=0/);
    await t.waitFor(/TTY=icanon/);
    expect(t.alternateScreen()).toBe(false);
  });

  test('refused: the status says so, with the next step; the screen stays; exit 4', async () => {
    const port = await closedPort();
    const t = open(['127.0.0.1', String(port)]);
    const s = await t.waitFor(/Connection refused: 127\.0\.0\.1:\d+/);
    expect(s).toMatch(/nothing listens/);
    expect(s).toMatch(/Ctrl\+\] then: reconnect, open HOST \[PORT\], quit/);
    t.keys('C-]');
    await t.waitFor(/porthole>/);
    t.type('quit');
    t.keys('Enter');
    expect(await t.waitFor(/EXIT=\d+/)).toMatch(/EXIT=4/);
  });

  test('closed by foreign host right after connecting', async () => {
    const t = open(['127.0.0.1', String(lab.ports.close)]);
    const s = await t.waitFor(/Connection closed by foreign host/);
    expect(s).toMatch(/access rule/);
  });

  test('Ctrl+C does not kill the session in line mode', async () => {
    const t = open(['127.0.0.1', String(lab.ports.smtp)]);
    await t.waitFor(/220 /);
    t.type('half a line');
    t.keys('C-c');
    const s = await t.waitFor(/Ctrl\+C clears the line here/);
    expect(s).not.toMatch(/half a line/);
    expect(s).not.toMatch(/EXIT=/);
  });

  test('a multi-line paste sends each line in order', async () => {
    const t = open(['127.0.0.1', String(lab.ports.echo)]);
    await t.waitFor(/Connected to/);
    t.paste('first line\nsecond line\nthird');
    const s = await t.waitFor(/second line[\s\S]*second line[\s\S]*> third/);
    const lines = s.split('\n');
    // Echo on, so each sent line shows, then the peer's echo of it.
    expect(lines.filter((l) => l === 'first line')).toHaveLength(2);
    expect(lines.filter((l) => l === 'second line')).toHaveLength(2);
    expect(lines.lastIndexOf('second line')).toBeGreaterThan(lines.indexOf('first line'));
  });

  test('scrolls back with PageUp, counts new lines, and returns to the tail', async () => {
    const t = open(['127.0.0.1', String(lab.ports.flood)], 100, 24);
    let s = await t.waitFor(/000000002999/);
    t.keys('PageUp');
    s = await t.waitFor(/scrolled back/);
    expect(s).not.toMatch(/000000002999/);
    t.keys('S-End');
    s = await t.waitFor(/000000002999/);
    expect(s).not.toMatch(/scrolled back/);
  });

  test('resize re-lays out at once: long lines wrap at the new width', async () => {
    const t = open(['127.0.0.1', String(lab.ports.echo)], 100, 24);
    await t.waitFor(/Connected to/);
    t.type('x'.repeat(70));
    t.keys('Enter');
    await t.waitFor(/^x{70}$/m);
    t.resize(50, 20);
    // Ink's own layout at the new width (not the terminal reflowing the old frame): 50, then 20.
    await t.waitFor(/^x{50}\nx{20}$/m);
  });

  test('bytes from the wire never act on the terminal: escape sequences show as marks', async () => {
    const t = open(['127.0.0.1', String(lab.ports.binary)]);
    const s = await t.waitFor(/␛/);
    expect(s).toMatch(/Connected to/);
    expect(t.alternateScreen()).toBe(true);
  });

  test('log FILE writes a transcript with direction marks; toggle hex shows the bytes', async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'porthole-')), 'smtp.log');
    const t = await smtpWithLog(file);
    t.keys('C-]');
    t.type('toggle hex');
    t.keys('Enter');
    // Both directions, marked: what the server sent (<) and what we sent (>), each from offset 0.
    await t.waitFor(/^< 00000000  32 32 30 20/m);
    expect(t.screen()).toMatch(/^> 00000000  4e 4f 4f 50 0d 0a/m);
    t.keys('C-]');
    t.type('toggle hex');
    t.keys('Enter');
    await t.waitFor(/hex: off/);
    t.keys('C-]');
    t.type('log off');
    t.keys('Enter');
    await t.waitFor(/Transcript written to/);
    const log = readTranscript(file);
    expect(log).toMatch(/^ -> NOOP$/m);
    expect(log).toMatch(/^<- {2}250 2\.0\.0 Ok$/m);
    expect(log).toMatch(/^=== Writing a transcript to /m);
  });

  test('CI in the user\'s environment does not blind the session: every frame is drawn', async () => {
    const t = new Tui(['127.0.0.1', String(lab.ports.smtp)], 100, 24, { env: { CI: '1', CONTINUOUS_INTEGRATION: 'true' } });
    tuis.push(t);
    await t.waitFor(/220 lab\.porthole\.test/);
    t.type('NOOP');
    await t.waitFor(/> NOOP/);
    t.keys('Enter');
    await t.waitFor(/250 2\.0\.0 Ok/);
  });

  test('stdout redirected from a terminal: pipe mode, the session\'s text in the file, no screen codes', async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'porthole-')), 'out.txt');
    const t = open(['127.0.0.1', String(lab.ports.smtp)], 100, 24, file);
    await t.waitFor(/stdout is not a terminal: pipe mode/);
    t.type('QUIT');
    t.keys('Enter');
    // The server closed; as nc, porthole goes on until stdin ends.
    await new Promise((r) => setTimeout(r, 300));
    t.keys('C-d');
    expect(await t.waitFor(/EXIT=\d+/)).toMatch(/EXIT=0/);
    const out = readFileSync(file, 'latin1');
    expect(out).toMatch(/^220 lab\.porthole\.test ESMTP/);
    expect(out).toMatch(/221 /);
    expect(out).not.toMatch(/\x1b/);
  });

  test('quit leaves the session\'s last screen of output in the terminal, as telnet does', async () => {
    const t = open(['127.0.0.1', String(lab.ports.smtp)]);
    await t.waitFor(/220 /);
    t.type('NOOP');
    t.keys('Enter');
    await t.waitFor(/250 2\.0\.0 Ok/);
    t.keys('C-]');
    t.type('quit');
    t.keys('Enter');
    await t.waitFor(/EXIT=0/);
    expect(t.alternateScreen()).toBe(false);
    const after = t.history();
    expect(after).toMatch(/220 lab\.porthole\.test ESMTP/);
    expect(after).toMatch(/^NOOP$/m);
    expect(after).toMatch(/250 2\.0\.0 Ok/);
    expect(after).toMatch(/porthole: Connection to 127\.0\.0\.1:\d+ closed \(by you\)/);
  });

  test('keys typed before the screen is up are kept and sent once', async () => {
    const t = open(['127.0.0.1', String(lab.ports.echo)]);
    // At once, before anything is drawn: the line is queued until connected.
    t.type('early bird');
    t.keys('Enter');
    const s = await t.waitFor(/early bird[\s\S]*early bird/);
    // Once as sent, once as echoed by the peer: never twice sent.
    expect(s.split('\n').filter((l) => l === 'early bird')).toHaveLength(2);
    await new Promise((r) => setTimeout(r, 200));
    expect(t.screen().split('\n').filter((l) => l === 'early bird')).toHaveLength(2);
  });

  test('a long paste without a newline costs its length: the screen moves, and the prompt still quits', async () => {
    const t = open(['127.0.0.1', String(lab.ports.echo)]);
    await t.waitFor(/Connected to/);
    t.paste('y'.repeat(200_000));
    await t.waitFor(/200,000 characters pasted, too long to edit/, 10_000);
    t.keys('C-]');
    await t.waitFor(/porthole>/);
    t.type('quit');
    t.keys('Enter');
    expect(await t.waitFor(/EXIT=\d+/, 5000)).toMatch(/EXIT=0/);
  });

  test('a line too long to edit may still be sent, whole', async () => {
    const t = open(['127.0.0.1', String(lab.ports.echo)]);
    await t.waitFor(/Connected to/);
    t.paste('z'.repeat(30_000));
    await t.waitFor(/30,000 characters pasted/);
    t.keys('Enter');
    // Out 30,000 characters and CRLF; the echo comes back as much.
    await t.waitFor(/out 29\.3 KB/);
    await t.waitFor(/in 29\.3 KB/);
  });

  test("the peer's half-close is said, and what we type still reaches it", async () => {
    const t = open(['127.0.0.1', String(lab.ports['half-close'])]);
    let s = await t.waitFor(/stopped sending \(FIN\)/);
    expect(s).toMatch(/it may still read what you send/);
    t.type('after the FIN');
    t.keys('Enter');
    s = await t.waitFor(/out 15 B/);
    expect(s).not.toMatch(/Not sent/);
  });

  test('at 20x5 the prompt row is drawn', async () => {
    const t = open(['127.0.0.1', String(lab.ports.smtp)], 20, 5);
    await t.waitFor(/Connected/);
    t.type('ab');
    await t.waitFor(/^> ab/m);
    t.keys('C-]');
    await t.waitFor(/^porthole>/m);
  });

  test('SIGTERM gives the terminal back, and the transcript has everything up to it', async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'porthole-')), 'term.log');
    const t = await smtpWithLog(file);
    const child = execFileSync('pgrep', ['-P', String(t.panePid()), 'node'], { encoding: 'utf8' }).trim();
    process.kill(Number(child), 'SIGTERM');
    const s = await t.waitFor(/EXIT=\d+/);
    expect(s).toMatch(/EXIT=143/);
    await t.waitFor(/TTY=icanon/);
    expect(t.alternateScreen()).toBe(false);
    const log = readTranscript(file);
    expect(log).toMatch(/^ -> NOOP$/m);
    expect(log).toMatch(/^<- {2}250 2\.0\.0 Ok$/m);
  });

  test('SIGHUP in the middle of a long paste gives the terminal back (the session never stops listening)', async () => {
    const t = open(['127.0.0.1', String(lab.ports.echo)]);
    await t.waitFor(/Connected to/);
    t.paste('w'.repeat(100_000));
    const child = execFileSync('pgrep', ['-P', String(t.panePid()), 'node'], { encoding: 'utf8' }).trim();
    process.kill(Number(child), 'SIGHUP');
    expect(await t.waitFor(/EXIT=\d+/)).toMatch(/EXIT=129/);
    await t.waitFor(/TTY=icanon/);
    expect(t.alternateScreen()).toBe(false);
  });

  /** porthole started from an interactive shell with job control, as a user starts it. */
  const fromShell = async () => {
    const t = new Tui([], 100, 24, { program: "PS1='$ ' bash --norc --noprofile -i" });
    tuis.push(t);
    await t.waitFor(/^\$/m);
    t.type(`${CLI} 127.0.0.1 ${lab.ports.smtp}`);
    t.keys('Enter');
    await t.waitFor(/220 lab\.porthole\.test/);
    return t;
  };
  /** Suspended: the shell has its terminal back, cooked, on the main screen; fg brings the session back drawn whole, still connected. */
  const suspendedThenBack = async (t: Tui) => {
    let s = await t.waitFor(/Stopped\s+.*porthole\.cjs/);
    expect(t.alternateScreen()).toBe(false);
    t.type("stty -a | tr ' ;' '\\n\\n' | grep -x -- '-\\?icanon' | sed 's/^/TTY=/'");
    t.keys('Enter');
    s = await t.waitFor(/^TTY=-?icanon/m);
    expect(s).toMatch(/^TTY=icanon$/m);
    t.type('fg');
    t.keys('Enter');
    s = await t.waitFor(/\| smtp helper \|/);
    expect(t.alternateScreen()).toBe(true);
    expect(s).toMatch(/220 lab\.porthole\.test ESMTP/);
    t.type('NOOP');
    t.keys('Enter');
    await t.waitFor(/250 2\.0\.0 Ok/);
  };

  test("z in the prompt suspends as telnet's z does; fg brings the screen back, connected", async () => {
    const t = await fromShell();
    t.keys('C-]');
    await t.waitFor(/porthole>/);
    t.type('z');
    t.keys('Enter');
    await suspendedThenBack(t);
  });

  test('SIGTSTP from outside gives the terminal back before stopping; fg brings the screen back', async () => {
    const t = await fromShell();
    const shell = t.panePid();
    const bash = execFileSync('pgrep', ['-P', String(shell)], { encoding: 'utf8' }).trim().split('\n')[0]!;
    const node = execFileSync('pgrep', ['-P', bash, 'node'], { encoding: 'utf8' }).trim();
    process.kill(Number(node), 'SIGTSTP');
    await suspendedThenBack(t);
  });
});
