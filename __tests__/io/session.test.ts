// The engine against real loopback listeners: every outcome that can be made unprivileged.
import { connect, type Connection, type ConnectionEvent, type ProgressEvent } from '../../src/io/session.js';
import type { Resolver } from '../../src/io/resolver.js';
import { startFiltered } from '../../src/lab/filtered-listener.js';
import { fakeClock } from '../helpers/fake-clock.js';
import { closedPort, readAll, serve, type Fixture } from '../helpers/servers.js';

const fixtures: Fixture[] = [];
const live: Connection[] = [];
afterEach(async () => {
  for (const c of live.splice(0)) c.close();
  await Promise.all(fixtures.splice(0).map((f) => f.close()));
});

async function fixture(onConnection: Parameters<typeof serve>[0], host?: string) {
  const f = await serve(onConnection, host);
  fixtures.push(f);
  return f;
}

/** Resolve a name to fixed addresses, asynchronously as a real resolver does. */
const resolveTo =
  (...addresses: string[]): Resolver =>
  async () =>
    addresses.map((address) => ({ address, family: address.includes(':') ? (6 as const) : (4 as const) }));

const dnsError = (code: string): Resolver => async () => {
  throw Object.assign(new Error(`getaddrinfo ${code} nowhere`), { code, syscall: 'getaddrinfo', hostname: 'nowhere' });
};

async function open(port: number, extra: Partial<Parameters<typeof connect>[0]> = {}) {
  const r = await connect({ host: '127.0.0.1', port, connectTimeoutMs: 5000, ...extra });
  if (!r.ok) throw new Error(`expected to connect, got ${r.outcome.kind}`);
  live.push(r.connection);
  return r;
}

/** Events of a connection until it closes. */
function eventsUntilClosed(c: Connection): Promise<ConnectionEvent[]> {
  return new Promise((resolve) => {
    const seen: ConnectionEvent[] = [];
    c.on((e) => {
      seen.push(e);
      if (e.type === 'closed') resolve(seen);
    });
  });
}

test('connects, reports the attempt and counts the banner bytes', async () => {
  const f = await fixture((s) => s.write('220 lab ESMTP\r\n'));
  const progress: ProgressEvent['type'][] = [];
  const r = await open(f.port, { onProgress: (e) => progress.push(e.type) });
  const c = r.connection;
  const banner = await new Promise<Buffer>((resolve) => c.on((e) => e.type === 'data' && resolve(e.bytes)));
  expect(banner.toString()).toBe('220 lab ESMTP\r\n');
  expect(c.bytesIn).toBe(15);
  expect(c.firstByteAt).not.toBeNull();
  expect(r.attempts).toHaveLength(1);
  expect(r.attempts[0]).toMatchObject({ address: '127.0.0.1', family: 4, outcome: { kind: 'open' } });
  expect(c.connectMs).toBeGreaterThanOrEqual(0);
  expect(c.localAddress).toBe('127.0.0.1');
  expect(c.localPort).toBeGreaterThan(0);
  expect(progress).toEqual(['resolving', 'resolved', 'trying', 'attempt', 'connected']);
});

test('refused: nothing listens', async () => {
  const port = await closedPort();
  const r = await connect({ host: '127.0.0.1', port, connectTimeoutMs: 5000 });
  expect(r.ok).toBe(false);
  if (r.ok) return;
  expect(r.outcome).toMatchObject({ kind: 'refused', code: 'ECONNREFUSED', exit: 4 });
  expect(r.address).toBe('127.0.0.1');
  expect(r.attempts.map((a) => a.outcome.kind)).toEqual(['refused']);
});

test('tries every address in turn, as telnet does, and says what happened to each', async () => {
  const f = await fixture((s) => s.end('hi\r\n'));
  // Nothing listens on ::1 at this port, so the first address is refused and the second connects.
  const r = await open(f.port, { host: 'dual.test', resolver: resolveTo('::1', '127.0.0.1') });
  expect(r.attempts.map((a) => [a.address, a.outcome.kind])).toEqual([
    ['::1', 'refused'],
    ['127.0.0.1', 'open'],
  ]);
});

test('when every address fails, the most telling failure is reported', async () => {
  const port = await closedPort();
  const r = await connect({ host: 'x.test', port, connectTimeoutMs: 5000, resolver: resolveTo('::1', '127.0.0.1') });
  expect(r.ok).toBe(false);
  if (r.ok) return;
  expect(r.outcome.kind).toBe('refused');
  expect(r.attempts).toHaveLength(2);
});

test('-4 and -6 restrict the addresses tried', async () => {
  const f = await fixture(() => {});
  const r = await open(f.port, { host: 'dual.test', family: 4, resolver: resolveTo('::1', '127.0.0.1') });
  expect(r.attempts.map((a) => a.address)).toEqual(['127.0.0.1']);
  const none = await connect({ host: 'v4only.test', port: f.port, family: 6, connectTimeoutMs: 1000, resolver: resolveTo('127.0.0.1') });
  expect(none.ok).toBe(false);
  if (!none.ok) expect(none.outcome).toMatchObject({ kind: 'dns-not-found', code: 'PH_NO_ADDRESS', label: 'No IPv6 address' });
});

test('IPv6 loopback works with a bracketless literal', async () => {
  const f = await fixture((s) => s.write('v6\n'), '::1');
  const r = await open(f.port, { host: '::1' });
  expect(r.connection.family).toBe(6);
  expect(r.connection.address).toBe('::1');
});

test('a name that does not exist and a resolver that does not answer are different outcomes', async () => {
  const a = await connect({ host: 'nowhere', port: 25, connectTimeoutMs: 1000, resolver: dnsError('ENOTFOUND') });
  const b = await connect({ host: 'nowhere', port: 25, connectTimeoutMs: 1000, resolver: dnsError('EAI_AGAIN') });
  expect(a.ok || b.ok).toBe(false);
  if (a.ok || b.ok) return;
  expect(a.outcome).toMatchObject({ kind: 'dns-not-found', exit: 3 });
  expect(b.outcome).toMatchObject({ kind: 'dns-unavailable', exit: 3 });
  expect(a.attempts).toEqual([]);
});

test('a resolver that never answers is bounded by the connect timeout, as an unanswered SYN is', async () => {
  const clock = fakeClock();
  const never: Resolver = () => new Promise(() => {});
  const pending = connect({ host: 'mail.example.test', port: 25, connectTimeoutMs: 2000, resolver: never, clock });
  clock.advance(1999);
  await Promise.resolve();
  let settled = false;
  void pending.then(() => (settled = true));
  await Promise.resolve();
  expect(settled).toBe(false);
  clock.advance(1);
  const r = await pending;
  expect(r.ok).toBe(false);
  if (r.ok) return;
  expect(r.outcome).toMatchObject({ kind: 'dns-unavailable', code: 'PH_RESOLVE_TIMEOUT', label: 'Name lookup timed out after 2 s', exit: 3 });
  expect(r.attempts).toEqual([]);
});

test('closed by foreign host right after connecting (FIN, no data)', async () => {
  const f = await fixture((s) => s.end());
  const { connection: c } = await open(f.port);
  // Our side stays open after the peer's FIN (a half-closing server may still read), so the
  // consumer decides when to close; the verdict is known at the FIN.
  const done = eventsUntilClosed(c);
  c.on((e) => e.type === 'peer-eof' && c.close());
  const events = await done;
  const eof = events.find((e) => e.type === 'peer-eof');
  expect(eof).toMatchObject({ outcome: { kind: 'closed-by-peer', label: 'Connection closed by foreign host' } });
  if (eof?.type === 'peer-eof') expect(eof.outcome.meaning).toMatch(/access rule/);
  expect(events.at(-1)).toMatchObject({ type: 'closed', outcome: { kind: 'closed-by-peer' } });
  expect(c.bytesIn).toBe(0);
});

test('closing ourselves is not an error', async () => {
  const f = await fixture(() => {});
  const { connection: c } = await open(f.port);
  const done = eventsUntilClosed(c);
  c.close();
  expect((await done).at(-1)).toEqual({ type: 'closed', outcome: null });
});

test('reset by peer at once is told apart from a FIN', async () => {
  const f = await fixture((s) => s.resetAndDestroy());
  const r = await connect({ host: '127.0.0.1', port: f.port, connectTimeoutMs: 5000 });
  // The RST can beat the connect event (ECONNRESET, syscall connect) or follow it: either way the
  // verdict is a reset, never a refusal or a clean close.
  if (r.ok) {
    live.push(r.connection);
    const events = await eventsUntilClosed(r.connection);
    expect(events.at(-1)).toMatchObject({ type: 'closed', outcome: { kind: 'reset-by-peer' } });
  } else {
    expect(r.outcome.kind).toBe('reset-by-peer');
    expect(r.attempts).toHaveLength(1);
  }
});

test('reset mid-session, after a banner', async () => {
  const f = await fixture((s) => s.write('hello\r\n', () => setTimeout(() => s.resetAndDestroy(), 20)));
  const { connection: c } = await open(f.port);
  const events = await eventsUntilClosed(c);
  expect(events.some((e) => e.type === 'data')).toBe(true);
  const closed = events.at(-1);
  expect(closed).toMatchObject({ type: 'closed', outcome: { kind: 'reset-by-peer' } });
  if (closed?.type === 'closed') expect(closed.outcome!.meaning).toMatch(/after it had sent data/);
});

test('half-close: our FIN goes out, the reply still comes in', async () => {
  const f = await fixture((s) => {
    readAll(s).then((got) => s.end(`you sent ${got.length} bytes\r\n`));
  });
  const { connection: c } = await open(f.port);
  const done = eventsUntilClosed(c);
  c.write(Buffer.from('QUIT\r\n'));
  c.sendEof();
  const events = await done;
  const text = Buffer.concat(events.flatMap((e) => (e.type === 'data' ? [e.bytes] : []))).toString();
  expect(text).toBe('you sent 6 bytes\r\n');
  expect(events.at(-1)).toMatchObject({ type: 'closed', outcome: { kind: 'closed-by-peer' } });
  expect(c.bytesOut).toBe(6);
});

test('the server half-closes but keeps reading: we can still send', async () => {
  let received = '';
  const gotIt = new Promise<void>((resolve) => {
    void fixture((s) => {
      s.end('bye\r\n');
      s.on('data', (d) => {
        received += d.toString();
        if (received.includes('\n')) resolve();
      });
    }).then((f) => open(f.port).then(({ connection: c }) => {
      c.on((e) => {
        if (e.type === 'peer-eof') c.write(Buffer.from('still here\n'));
      });
    }));
  });
  await gotIt;
  expect(received).toBe('still here\n');
});

test('a server that never reads: writes queue up and say so, nothing errors', async () => {
  const f = await fixture((s) => s.pause());
  const { connection: c } = await open(f.port);
  const stalls: number[] = [];
  c.on((e) => e.type === 'backpressure' && e.stalled && stalls.push(e.queued));
  const chunk = Buffer.alloc(1 << 20, 0x61);
  let accepted = 0;
  for (let i = 0; i < 64 && c.write(chunk); i++) accepted++;
  expect(accepted).toBeLessThan(64);
  expect(stalls.length).toBeGreaterThan(0);
  expect(c.queued).toBeGreaterThan(0);
  expect(c.closed).toBe(false);
});

test('our own connect timer: a full accept queue drops the SYN and the attempt times out', async () => {
  // A listener that never accepts: with its queue full, further SYNs are dropped, as by a firewall.
  const filtered = await startFiltered('127.0.0.1', 0);
  try {
    const clock = fakeClock();
    const pending = connect({ host: '127.0.0.1', port: filtered.port, connectTimeoutMs: 3000, clock });
    // Let the SYN go out, then move time past the timer.
    await new Promise((r) => setTimeout(r, 50));
    clock.advance(2999);
    expect(clock.pending()).toBe(1);
    clock.advance(1);
    const r = await pending;
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.outcome).toMatchObject({ kind: 'timeout', code: 'PH_CONNECT_TIMEOUT', exit: 5 });
    expect(r.outcome.label).toBe('Timed out after 3 s (filtered?)');
    expect(r.attempts[0]!.ms).toBe(3000);
  } finally {
    await filtered.close();
  }
});

test('an abort cancels the attempt in progress', async () => {
  const filtered = await startFiltered('127.0.0.1', 0);
  try {
    const ac = new AbortController();
    const pending = connect({ host: '127.0.0.1', port: filtered.port, connectTimeoutMs: 60000, signal: ac.signal });
    setTimeout(() => ac.abort(), 20);
    const r = await pending;
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.outcome.code).toBe('ABORT_ERR');
  } finally {
    await filtered.close();
  }
});

test('-6 on a name that has only IPv4 addresses says so, rather than "unknown host"', async () => {
  const v4only: Resolver = async (_host, family) => {
    if (family === 6) throw Object.assign(new Error('getaddrinfo ENOTFOUND localhost'), { code: 'ENOTFOUND', syscall: 'getaddrinfo' });
    return [{ address: '127.0.0.1', family: 4 }];
  };
  const r = await connect({ host: 'localhost', port: 1, family: 6, connectTimeoutMs: 1000, resolver: v4only });
  expect(r.ok).toBe(false);
  if (r.ok) return;
  expect(r.outcome).toMatchObject({ kind: 'dns-not-found', code: 'PH_NO_ADDRESS', label: 'No IPv6 address' });
  expect(r.outcome.meaning).toBe('localhost exists but has no IPv6 address; it has IPv4 only (127.0.0.1).');
  expect(r.outcome.next).toMatch(/Leave out -6/);
  // A name that exists in neither family is still unknown.
  const none = await connect({ host: 'nowhere', port: 1, family: 6, connectTimeoutMs: 1000, resolver: dnsError('ENOTFOUND') });
  expect(!none.ok && none.outcome.label).toBe('Unknown host');
});

describe('holding the inbound flow for an upgrade in place (STARTTLS)', () => {
  /** A connection and the server's end of it, for the test to play the peer. */
  const withServer = async () => {
    let server!: import('node:net').Socket;
    const f = await fixture((s) => {
      server = s;
    });
    const { connection: c } = await open(f.port);
    return { server, c };
  };

  /** Cut after the first LF: where a go-ahead line ends. */
  const afterFirstLf = (bytes: Uint8Array) => {
    const i = bytes.indexOf(0x0a);
    return i === -1 ? null : i + 1;
  };

  test('bytes after the go-ahead in the same read are discarded and counted, never delivered', async () => {
    const { server, c } = await withServer();
    const seen: string[] = [];
    c.on((e) => e.type === 'data' && seen.push(e.bytes.toString()));
    const reached = c.holdInbound(afterFirstLf);
    server.write('220 2.0.0 Ready to start TLS\r\n250 INJECTED\r\n');
    const hold = await reached;
    expect(seen.join('')).toBe('220 2.0.0 Ready to start TLS\r\n');
    expect(hold.discarded).toBe('250 INJECTED\r\n'.length);
    // Reading stops at the cut: what the peer sends next stays in the kernel for the upgraded
    // transport (where forged plaintext fails the handshake), and nothing more is delivered.
    server.write('MORE');
    await new Promise((r) => setTimeout(r, 100));
    expect(seen.join('')).toBe('220 2.0.0 Ready to start TLS\r\n');
    expect(c.discardedInbound).toBe(14);
    expect(c.bytesIn).toBe(30 + 14);
  });

  test('lines before the go-ahead pass through; the cut waits for the chunk that holds it', async () => {
    const { server, c } = await withServer();
    const seen: string[] = [];
    c.on((e) => e.type === 'data' && seen.push(e.bytes.toString()));
    let calls = 0;
    const reached = c.holdInbound((bytes) => (++calls === 1 ? null : afterFirstLf(bytes)));
    server.write('250-first\r\n');
    await new Promise((r) => setTimeout(r, 50));
    server.write('220 go\r\nX');
    const hold = await reached;
    expect(seen.join('')).toBe('250-first\r\n220 go\r\n');
    expect(hold.discarded).toBe(1);
  });

  test('a hold that never finds its cut ends when the connection does (no STARTTLS hang)', async () => {
    const { server, c } = await withServer();
    const reached = c.holdInbound(afterFirstLf);
    expect(() => c.holdInbound(afterFirstLf)).toThrow(/already on/);
    server.write('554 no TLS for you');
    server.destroy();
    expect(await reached).toEqual({ reached: false, discarded: 0 });
  });

  test('pausing and resuming reading before the cut (backpressure) does not stall the hold', async () => {
    const { server, c } = await withServer();
    const reached = c.holdInbound(afterFirstLf);
    c.pauseReading();
    server.write('220 go\r\n');
    await new Promise((r) => setTimeout(r, 50));
    c.resumeReading();
    expect((await reached).reached).toBe(true);
  });

  test('an upgrade that fails closes the connection, and says so: nothing hangs, no uncaught error', async () => {
    const { server, c } = await withServer();
    const reached = c.holdInbound(afterFirstLf);
    server.write('220 go\r\n');
    await reached;
    const ended = eventsUntilClosed(c);
    await expect(c.upgrade(() => Promise.reject(new Error('handshake failed')))).rejects.toThrow('handshake failed');
    expect((await ended).at(-1)).toMatchObject({ type: 'closed' });
    expect(c.closed).toBe(true);
  });

  test('a hold begun after the peer stopped sending ends at once: no cut can come', async () => {
    const f = await fixture((s) => s.end());
    const { connection: c } = await open(f.port);
    await new Promise<void>((r) => c.on((e) => e.type === 'peer-eof' && r()));
    expect(await c.holdInbound(afterFirstLf)).toEqual({ reached: false, discarded: 0 });
  });

  test('upgrade swaps the transport under the connection: counters go on, the new one carries the bytes', async () => {
    const { TcpTransport } = await import('../../src/io/transport.js');
    let server!: import('node:net').Socket;
    const f = await fixture((s) => {
      server = s;
      s.on('data', (d) => {
        if (d.toString() === 'STARTTLS\r\n') s.write('220 go\r\n');
        else s.write(`echo ${d}`);
      });
    });
    const { connection: c } = await open(f.port);
    const seen: string[] = [];
    c.on((e) => e.type === 'data' && seen.push(e.bytes.toString()));
    const reached = c.holdInbound(afterFirstLf);
    c.write(Buffer.from('STARTTLS\r\n'));
    await reached;
    let released = 0;
    await c.upgrade((old) => {
      // A real upgrade hands the socket to tls.connect; a fresh TCP transport over it is enough here.
      const r = (old as InstanceType<typeof TcpTransport>).release();
      released = r.discarded;
      return new TcpTransport(r.socket);
    });
    expect(released).toBe(0);
    c.write(Buffer.from('after'));
    await new Promise<void>((r) => c.on((e) => e.type === 'data' && r()));
    expect(seen.join('')).toBe('220 go\r\necho after');
    expect(c.bytesOut).toBe(15);
    expect(c.bytesIn).toBe(8 + 10);
    // FIN/RST logic still works on the new transport.
    const ended = eventsUntilClosed(c);
    server.end();
    c.sendEof();
    expect((await ended).map((e) => e.type)).toContain('peer-eof');
    void server;
  });
});
