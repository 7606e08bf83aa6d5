// The session over TLS in a real terminal (tmux): the verdict in the status bar, the handshake's
// summary in the pane, the chain behind `tls` in the prompt, and a refused certificate explained.
import fs from 'node:fs';
import tls from 'node:tls';
import { LAB_CA, startLab, type Lab } from '../../src/lab/lab.js';
import { makePki, opensslMissing, type Pki } from '../helpers/pki.js';
import { describeRequiring } from '../helpers/prerequisite.js';
import { Tui, tmuxMissing } from '../helpers/tmux.js';
import { readTranscript } from '../helpers/transcript.js';

describeRequiring([tmuxMissing(), opensslMissing()], 'the session over TLS in a terminal', () => {
  let pki: Pki;
  const servers: tls.Server[] = [];
  const raw: { destroy(): void }[] = [];
  const tuis: Tui[] = [];
  const open = (args: string[]) => {
    const t = new Tui(args, 150, 50);
    tuis.push(t);
    return t;
  };
  /** An IMAPS-like server: a greeting, then an echo. */
  const imaps = async (cert: string, key: string) => {
    const server = tls.createServer({ cert: fs.readFileSync(cert), key: fs.readFileSync(key) }, (s) => {
      s.on('error', () => {});
      s.write('* OK [CAPABILITY IMAP4rev1] porthole test IMAPS ready\r\n');
      s.pipe(s);
    });
    server.on('connection', (c) => raw.push(c));
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    return (server.address() as { port: number }).port;
  };
  let lab: Lab;
  beforeAll(async () => {
    pki = makePki();
    lab = await startLab({ only: ['smtp', 'imap'] });
  });
  afterEach(() => tuis.splice(0).forEach((t) => t.kill()));
  afterAll(async () => {
    raw.forEach((c) => c.destroy());
    await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
    await lab?.close();
    pki?.cleanup();
  });

  test('verified: the bar says the version and the verdict, the pane the summary, `tls` the chain', async () => {
    const port = await imaps(pki.leafChain, pki.leafKey);
    const t = open(['--tls', '--ca', pki.rootCa, 'localhost', String(port)]);
    // The pane's lines (the status bar may say the banner a frame before the pane shows it).
    let s = await t.waitFor(/^\* OK \[CAPABILITY IMAP4rev1\] porthole test IMAPS ready$/m);
    expect(s).toMatch(new RegExp(`Connected to localhost:${port} \\(127\\.0\\.0\\.1\\) in [\\d.]+ ms, TLSv1\\.3 verified: \\* OK`));
    expect(s).toMatch(/TLS: TLSv1\.3 TLS_\S+, verified; localhost, issued by porthole test intermediate CA, 36\d days left/);
    expect(s).toMatch(/\| TLSv1\.3 TLS_AES_\S+ \|/);
    t.type('a1 NOOP');
    t.keys('Enter');
    await t.waitFor(/^a1 NOOP$/m);
    t.keys('C-]');
    await t.waitFor(/porthole>/);
    t.type('tls');
    t.keys('Enter');
    s = await t.waitFor(/2\. root: CN=porthole test root CA/);
    expect(s).toMatch(/SNI localhost: verified/);
    expect(s).toMatch(/0\. leaf: CN=localhost, O=porthole tests/);
    expect(s).toMatch(/1\. intermediate: CN=porthole test intermediate CA/);
    expect(s).toMatch(/key EC prime256v1, signed ecdsa-with-SHA256/);
    // A panel over the pane: the session's output is back when it closes.
    expect(s).toMatch(/TLS session and certificate chain.*Esc or q closes/);
    expect(s).not.toMatch(/^a1 NOOP$/m);
    t.keys('Escape');
    s = await t.waitFor(/^a1 NOOP$/m);
    expect(s).not.toMatch(/TLS session and certificate chain/);
  });

  test('a certificate refused: the session says which problems and what to do; `tls` still shows it', async () => {
    const port = await imaps(pki.selfSigned, pki.selfSignedKey);
    const t = open(['--tls', 'localhost', String(port)]);
    let s = await t.waitFor(/TLS certificate not trusted: self-signed certificate: localhost/);
    expect(s).toMatch(/is self-signed: it vouches for itself/);
    t.keys('C-]');
    await t.waitFor(/porthole>/);
    t.type('tls');
    t.keys('Enter');
    s = await t.waitFor(/0\. leaf: CN=localhost/);
    expect(s).toMatch(/not trusted: self-signed certificate/);
    t.keys('C-]');
    await t.waitFor(/porthole>/);
    t.type('quit');
    t.keys('Enter');
    s = await t.waitFor(/EXIT=\d+/);
    expect(s).toMatch(/EXIT=8/);
  });

  test('-k: connected, the bar marks it unverified, and the problem is in the pane', async () => {
    const port = await imaps(pki.selfSigned, pki.selfSignedKey);
    const t = open(['--tls', '-k', 'localhost', String(port)]);
    const s = await t.waitFor(/^\* OK \[CAPABILITY IMAP4rev1\] porthole test IMAPS ready$/m);
    expect(s).toMatch(/TLSv1\.3 unverified \(--insecure\): self-signed certificate/);
    expect(s).toMatch(/TLS problem: The certificate \(localhost\) is self-signed/);
  });

  test('`starttls` mid-session on SMTP: the go-ahead, TLS verified, and EHLO offered in the input line', async () => {
    const t = open(['--ca', LAB_CA, '127.0.0.1', String(lab.ports.smtp)]);
    await t.waitFor(/^220 lab\.porthole\.test/m);
    const log = `${pki.dir}/session.log`;
    t.keys('C-]');
    await t.waitFor(/porthole>/);
    t.type(`log ${log}`);
    t.keys('Enter');
    await t.waitFor(/Writing a transcript/);
    t.type('EHLO me.test');
    t.keys('Enter');
    await t.waitFor(/^250 STARTTLS$/m);
    t.keys('C-]');
    await t.waitFor(/porthole>/);
    t.type('starttls');
    t.keys('Enter');
    let s = await t.waitFor(/SMTP starts afresh over TLS: send EHLO again/);
    expect(s).toMatch(/^STARTTLS$/m);
    expect(s).toMatch(/^220 2\.0\.0 Ready to start TLS$/m);
    expect(s).toMatch(/TLS: TLSv1\.3 TLS_\S+, verified; lab\.porthole\.test, issued by porthole lab test CA/);
    expect(s).toMatch(/in [\d.]+ ms, TLSv1\.3 verified/);
    expect(s).toMatch(/^> EHLO \S+/m);
    t.keys('Enter');
    s = await t.waitFor(/^250 8BITMIME$/m);
    expect(s.split('250 STARTTLS').length).toBe(2);
    // The transcript tells plaintext from TLS, as swaks does.
    const text = readTranscript(log);
    expect(text).toMatch(/^ -> STARTTLS$/m);
    expect(text).toMatch(/^<- {2}220 2\.0\.0 Ready to start TLS$/m);
    expect(text).toMatch(/^ ~> EHLO \S+$/m);
    expect(text).toMatch(/^<~ {2}250 8BITMIME$/m);
  });

  test('--starttls imap: the dialogue in the pane, then the session over TLS; `starttls` again is refused', async () => {
    const t = open(['--starttls', 'imap', '--ca', LAB_CA, '127.0.0.1', String(lab.ports.imap)]);
    let s = await t.waitFor(/IMAP over TLS: ask CAPABILITY again/);
    expect(s).toMatch(/^ph1 CAPABILITY$/m);
    expect(s).toMatch(/^ph2 OK Begin TLS negotiation now$/m);
    t.type('a1 LOGIN alice wonderland');
    t.keys('Enter');
    await t.waitFor(/a1 OK \[CAPABILITY IMAP4rev1 ID UNSELECT\] Logged in/);
    t.keys('C-]');
    await t.waitFor(/porthole>/);
    t.type('starttls');
    t.keys('Enter');
    s = await t.waitFor(/Already over TLS/);
  });

  test('`starttls now` after a STARTTLS typed by hand and its 220', async () => {
    const t = open(['--ca', LAB_CA, '127.0.0.1', String(lab.ports.smtp)]);
    await t.waitFor(/^220 lab\.porthole\.test/m);
    t.type('STARTTLS');
    t.keys('Enter');
    await t.waitFor(/^220 2\.0\.0 Ready to start TLS$/m);
    t.keys('C-]');
    await t.waitFor(/porthole>/);
    t.type('starttls now');
    t.keys('Enter');
    const s = await t.waitFor(/TLS: TLSv1\.3 \S+, verified/);
    expect(s).toMatch(/TLS now, without asking/);
  });

  test('`starttls` to a certificate nobody here trusts: the session ends with the reason, and exits 8', async () => {
    const t = open(['127.0.0.1', String(lab.ports.smtp)]);
    await t.waitFor(/^220 lab\.porthole\.test/m);
    t.keys('C-]');
    await t.waitFor(/porthole>/);
    t.type('starttls');
    t.keys('Enter');
    let s = await t.waitFor(/TLS certificate not trusted/);
    expect(s).toMatch(/porthole lab test CA/);
    t.keys('C-]');
    await t.waitFor(/porthole>/);
    t.type('quit');
    t.keys('Enter');
    s = await t.waitFor(/EXIT=\d+/);
    expect(s).toMatch(/EXIT=8/);
  });

  test('a transcript of an implicit TLS session marks its lines as over TLS', async () => {
    const port = await imaps(pki.leafChain, pki.leafKey);
    const log = `${pki.dir}/implicit.log`;
    const t = open(['--tls', '--ca', pki.rootCa, 'localhost', String(port)]);
    await t.waitFor(/^\* OK \[CAPABILITY IMAP4rev1\] porthole test IMAPS ready$/m);
    t.keys('C-]');
    await t.waitFor(/porthole>/);
    t.type(`log ${log}`);
    t.keys('Enter');
    await t.waitFor(/Writing a transcript/);
    t.type('a1 NOOP');
    t.keys('Enter');
    await t.waitFor(/^a1 NOOP$/m);
    await new Promise((r) => setTimeout(r, 200));
    expect(readTranscript(log)).toMatch(/^ ~> a1 NOOP$/m);
  });
});
