// STARTTLS on a live connection against a scripted server on 127.0.0.1: replies cut anywhere,
// plaintext injected after the go-ahead (CVE-2011-0411's class) discarded, then TLS in place.
import fs from 'node:fs';
import net from 'node:net';
import tls from 'node:tls';
import { DEFAULT_TLS } from '../../src/core/options.js';
import { connect, type Connection } from '../../src/io/session.js';
import { startTls } from '../../src/io/starttls.js';
import { loadTlsConfig } from '../../src/io/tls.js';
import { makePki, opensslMissing, type Pki } from '../helpers/pki.js';
import { describeRequiring } from '../helpers/prerequisite.js';

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

describeRequiring(opensslMissing(), 'STARTTLS on a live connection', () => {
  let pki: Pki;
  const servers: net.Server[] = [];
  const sockets: net.Socket[] = [];
  beforeAll(() => {
    pki = makePki();
  });
  afterAll(async () => {
    sockets.forEach((s) => s.destroy());
    await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
    pki?.cleanup();
  });

  /** An SMTP server scripted a line at a time; `upgrade` wraps its socket in TLS. */
  const smtp = async (script: (line: string, s: { write(t: string): Promise<void>; upgrade(goAhead: string): void }) => Promise<void>, greeting: string[]) => {
    const server = net.createServer((socket) => {
      sockets.push(socket);
      socket.on('error', () => {});
      let stream: net.Socket | tls.TLSSocket = socket;
      let buffer = '';
      const io = {
        write: async (t: string) => {
          stream.write(t);
          await wait(5);
        },
        // The go-ahead and the switch at once, as a server must: the ClientHello follows at once.
        upgrade: (goAhead: string) => {
          socket.write(goAhead);
          socket.removeAllListeners('data');
          const secure = new tls.TLSSocket(socket, { isServer: true, cert: fs.readFileSync(pki.leafChain), key: fs.readFileSync(pki.leafKey) });
          secure.on('error', () => {});
          secure.on('data', onData);
          stream = secure;
        },
      };
      const onData = (d: Buffer) => {
        buffer += d.toString('latin1');
        for (let i = buffer.indexOf('\n'); i !== -1; i = buffer.indexOf('\n')) {
          const line = buffer.slice(0, i).replace(/\r$/, '');
          buffer = buffer.slice(i + 1);
          void script(line, io);
        }
      };
      socket.on('data', onData);
      void (async () => {
        for (const piece of greeting) await io.write(piece);
      })();
    });
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    return (server.address() as net.AddressInfo).port;
  };

  const run = async (port: number, timeoutMs = 3000) => {
    const r = await connect({ host: 'localhost', port, connectTimeoutMs: 3000, paused: true });
    if (!r.ok) throw new Error(r.outcome.label);
    const lines: string[] = [];
    const result = await startTls(r.connection, {
      protocol: 'smtp',
      full: true,
      config: loadTlsConfig({ ...DEFAULT_TLS, caFiles: [pki.rootCa] }),
      host: 'localhost',
      port,
      timeoutMs,
      ehloName: 'me.test',
      onLine: (dir, text) => lines.push(`${dir} ${text}`),
    });
    return { conn: r.connection, result, lines };
  };

  /** Everything the connection delivers from now on, until `pattern` shows. */
  const read = (c: Connection, pattern: RegExp) =>
    new Promise<string>((resolve) => {
      let text = '';
      c.on((e) => {
        if (e.type !== 'data') return;
        text += e.bytes.toString('latin1');
        if (pattern.test(text)) resolve(text);
      });
    });

  test('replies cut anywhere, and what the server sends after its go-ahead is discarded, never read', async () => {
    const port = await smtp(
      async (line, s) => {
        if (line.startsWith('EHLO')) {
          await s.write('250-mail.te');
          await s.write('st\r\n250-STA');
          await s.write('RTTLS\r\n250 8BITMIME\r\n');
        } else if (line === 'STARTTLS') {
          // The go-ahead and a forged reply in one segment: the forged one must never count.
          s.upgrade('220 2.0.0 Ready\r\n250-INJECTED fake reply\r\n');
        } else if (line === 'NOOP') {
          await s.write('250 2.0.0 Ok over TLS\r\n');
        }
      },
      ['22', '0 mail.test ES', 'MTP\r', '\n'],
    );
    const { conn, result, lines } = await run(port);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.discarded).toBe('250-INJECTED fake reply\r\n'.length);
    expect(result.tls.verified).toBe(true);
    expect(lines).toEqual([
      'in 220 mail.test ESMTP',
      'out EHLO me.test',
      'in 250-mail.test',
      'in 250-STARTTLS',
      'in 250 8BITMIME',
      'out STARTTLS',
      'in 220 2.0.0 Ready',
    ]);
    expect(conn.kind).toBe('tls');
    const after = read(conn, /Ok over TLS\r\n/);
    conn.write(Buffer.from('NOOP\r\n'));
    const text = await after;
    expect(text).toBe('250 2.0.0 Ok over TLS\r\n');
    expect(text).not.toMatch(/INJECTED/);
    conn.close();
  });

  test('no STARTTLS offered: a clear failure, and the plaintext connection goes on', async () => {
    const port = await smtp(
      async (line, s) => {
        if (line.startsWith('EHLO')) await s.write('250-mail.test\r\n250 8BITMIME\r\n');
        if (line === 'NOOP') await s.write('250 2.0.0 still plain\r\n');
      },
      ['220 mail.test ESMTP\r\n'],
    );
    const { conn, result } = await run(port);
    expect(result).toMatchObject({ ok: false, closed: false, outcome: { code: 'PH_STARTTLS_NOT_OFFERED', exit: 8 } });
    const after = read(conn, /still plain/);
    conn.write(Buffer.from('NOOP\r\n'));
    expect(await after).toMatch(/250 2\.0\.0 still plain/);
    conn.close();
  });

  test('a server that says nothing: the dialogue gives up at the timeout, not never', async () => {
    const port = await smtp(async () => {}, []);
    const t0 = Date.now();
    const { conn, result } = await run(port, 300);
    expect(result).toMatchObject({ ok: false, outcome: { code: 'PH_STARTTLS_TIMEOUT' } });
    expect(Date.now() - t0).toBeLessThan(3000);
    conn.close();
  });

  test('the go-ahead, then a certificate that does not verify: the connection closes and says why', async () => {
    const port = await smtp(
      async (line, s) => {
        if (line.startsWith('EHLO')) await s.write('250 STARTTLS\r\n');
        if (line === 'STARTTLS') s.upgrade('220 go\r\n');
      },
      ['220 mail.test ESMTP\r\n'],
    );
    const r = await connect({ host: 'localhost', port, connectTimeoutMs: 3000, paused: true });
    if (!r.ok) throw new Error(r.outcome.label);
    const result = await startTls(r.connection, {
      protocol: 'auto',
      full: true,
      config: loadTlsConfig(DEFAULT_TLS, `${pki.dir}/none`),
      host: 'localhost',
      port,
      timeoutMs: 3000,
      ehloName: 'me.test',
    });
    expect(result).toMatchObject({ ok: false, closed: true, outcome: { kind: 'tls-failure', code: 'PH_TLS_UNTRUSTED_CA' } });
    expect(result.ok === false && result.tls?.chain.length).toBeGreaterThan(0);
    await wait(20);
    expect(r.connection.closed).toBe(true);
  });
});
