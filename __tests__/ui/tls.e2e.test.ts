// The session over TLS in a real terminal (tmux): the verdict in the status bar, the handshake's
// summary in the pane, the chain behind `tls` in the prompt, and a refused certificate explained.
import fs from 'node:fs';
import tls from 'node:tls';
import { makePki, opensslMissing, type Pki } from '../helpers/pki.js';
import { describeRequiring } from '../helpers/prerequisite.js';
import { Tui, tmuxMissing } from '../helpers/tmux.js';

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
  beforeAll(() => {
    pki = makePki();
  });
  afterEach(() => tuis.splice(0).forEach((t) => t.kill()));
  afterAll(async () => {
    raw.forEach((c) => c.destroy());
    await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
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
});
