// The TLS dial against a TLS server of the test's own on 127.0.0.1: the system's trust store is
// trusted, and the connection over TLS keeps its half-close and its counters.
import fs from 'node:fs';
import tls from 'node:tls';
import { DEFAULT_TLS, type TlsPart } from '../../src/core/options.js';
import { connect, type ConnectionEvent } from '../../src/io/session.js';
import { loadTlsConfig, tlsDial } from '../../src/io/tls.js';
import { makePki, opensslMissing, type Pki } from '../helpers/pki.js';
import { describeRequiring } from '../helpers/prerequisite.js';

const PART: TlsPart = { ...DEFAULT_TLS, implicit: true };

describeRequiring(opensslMissing(), 'the TLS dial', () => {
  let pki: Pki;
  let server: tls.Server;
  let port = 0;
  const received: string[] = [];
  /** Every TCP connection, handshaken or not: close() waits for them all. */
  const sockets: { destroy(): void }[] = [];
  beforeAll(async () => {
    pki = makePki();
    server = tls.createServer(
      { cert: fs.readFileSync(pki.leafChain), key: fs.readFileSync(pki.leafKey), allowHalfOpen: true, ALPNProtocols: ['imap', 'h2'] },
      (s) => {
        let got = '';
        s.on('data', (d) => (got += d));
        s.on('end', () => {
          received.push(got);
          s.end();
        });
        s.on('error', () => {});
        // A greeting, then our side done: the client may still talk.
        s.end('* OK ready\r\n');
      },
    );
    server.on('connection', (raw) => sockets.push(raw));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    port = (server.address() as { port: number }).port;
  });
  afterAll(async () => {
    for (const s of sockets) s.destroy();
    await new Promise((r) => server?.close(r));
    pki?.cleanup();
  });

  test('a CA in the system bundle is trusted without --ca (Node\'s own list alone would refuse it)', async () => {
    const bundle = `${pki.dir}/system-bundle.crt`;
    fs.writeFileSync(bundle, fs.readFileSync(pki.rootCa));
    const trusted = await connect({ host: 'localhost', port, connectTimeoutMs: 5000, dial: tlsDial(loadTlsConfig(PART, bundle)) });
    expect(trusted.ok).toBe(true);
    if (!trusted.ok) return;
    expect(trusted.connection.kind).toBe('tls');
    expect(trusted.connection.tls).toMatchObject({ verified: true, servername: 'localhost' });
    trusted.connection.close();
    const without = await connect({ host: 'localhost', port, connectTimeoutMs: 5000, dial: tlsDial(loadTlsConfig(PART, `${pki.dir}/no-such-bundle.crt`)) });
    expect(without.ok).toBe(false);
    if (without.ok) return;
    expect(without.outcome).toMatchObject({ kind: 'tls-failure', code: 'PH_TLS_UNTRUSTED_CA' });
    expect(without.tls?.chain[0]?.subject).toMatch(/CN=localhost/);
  });

  test('over TLS the peer\'s end is a half-close: we still send, then close, and the counters count the plaintext', async () => {
    const r = await connect({ host: 'localhost', port, connectTimeoutMs: 5000, dial: tlsDial(loadTlsConfig({ ...PART, caFiles: [pki.rootCa], alpn: ['imap'] })) });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const c = r.connection;
    expect(c.tls?.alpn).toBe('imap');
    const events: ConnectionEvent['type'][] = [];
    let text = '';
    const closed = new Promise<ConnectionEvent>((resolve) =>
      c.on((e) => {
        events.push(e.type);
        if (e.type === 'data') text += e.bytes.toString();
        if (e.type === 'peer-eof') {
          c.write(Buffer.from('a1 LOGOUT\r\n'));
          c.sendEof();
        }
        if (e.type === 'closed') resolve(e);
      }),
    );
    const end = await closed;
    expect(text).toBe('* OK ready\r\n');
    expect(events).toEqual(['data', 'peer-eof', 'closed']);
    expect(end.type === 'closed' && end.outcome?.kind).toBe('closed-by-peer');
    expect(c.bytesIn).toBe(12);
    expect(c.bytesOut).toBe(11);
    await new Promise((r) => setTimeout(r, 50));
    expect(received.at(-1)).toBe('a1 LOGOUT\r\n');
  });
});
