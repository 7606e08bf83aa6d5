// The range scanner on real loopback sockets: every port settled once, the outcome connect() would
// give (refused, open with its banner, timed out by the one timer, the next address after a
// refusal, a name that does not resolve), two scanners sharing one claim counter as the main
// thread and the worker do, and a thread's unfinished ports probed again by another.
import net from 'node:net';
import type { Outcome } from '../../src/core/outcome.js';
import type { ProbeResult } from '../../src/core/report.js';
import { realClock } from '../../src/io/clock.js';
import { PortScanner, RICH, scanArrays, settledResult, SETTLED, threadEnded, UNRESOLVED, type ScanArrays, type ScanHooks, type ScanTarget } from '../../src/io/port-scan.js';
import { probeConnected } from '../../src/io/port-scan-open.js';
import { tcpBinding } from '../../src/io/tcp-binding.js';
import { startFiltered } from '../../src/lab/filtered-listener.js';
import { closedPort, serve, type Fixture } from '../helpers/servers.js';

const tcp = tcpBinding()!;
const fixtures: Fixture[] = [];
afterAll(async () => Promise.all(fixtures.map((f) => f.close())));

let banner: number, silent: number, refused: number, refused2: number;
beforeAll(async () => {
  const b = await serve((s: net.Socket) => s.write('220 scan.test ready\r\n'));
  const q = await serve(() => {});
  fixtures.push(b, q);
  banner = b.port;
  silent = q.port;
  refused = await closedPort();
  refused2 = await closedPort();
});

const target = (ports: number[], over: Partial<ScanTarget> = {}): ScanTarget => ({
  name: null,
  host: '127.0.0.1',
  family: 0,
  ports,
  first: 0,
  timeoutMs: 2000,
  bannerWaitMs: 300,
  encoding: 'utf-8',
  addresses: [{ address: '127.0.0.1', family: 4 }],
  resolveMs: 0,
  failure: null,
  ...over,
});

interface Run {
  arrays: ScanArrays;
  rich: Map<number, ProbeResult>;
  result(i: number): ProbeResult;
  fdLimits: string[];
}

/** Scans `targets` with one scanner (or `threads` sharing the arrays) and collects what each port gave. */
async function scan(targets: ScanTarget[], opts: { limit?: number; threads?: number; hooks?: Partial<ScanHooks>; shared?: boolean } = {}): Promise<Run & { scanners: PortScanner[] }> {
  const total = targets.reduce((n, t) => n + t.ports.length, 0);
  const arrays = scanArrays(total, opts.shared ?? false);
  const rich = new Map<number, ProbeResult>();
  const fdLimits: string[] = [];
  const scanners = Array.from({ length: opts.threads ?? 1 }, () => {
    const hooks: ScanHooks = {
      rich: (i, r) => {
        expect(rich.has(i)).toBe(false);
        rich.set(i, r);
      },
      settled: () => {},
      fdLimit: (label) => fdLimits.push(label),
      banner: probeConnected,
      ...opts.hooks,
    };
    return new PortScanner(targets, arrays, opts.limit ?? 4, realClock, hooks, tcp);
  });
  for (const s of scanners) s.start();
  await Promise.all(scanners.map((s) => s.done));
  const targetOf = (i: number) => [...targets].reverse().find((t) => t.first <= i)!;
  return {
    arrays,
    rich,
    fdLimits,
    scanners,
    result: (i) => rich.get(i) ?? settledResult(arrays, i, targetOf(i), scanners[0]!.overflow),
  };
}

const kinds = (run: Run, n: number) => Array.from({ length: n }, (_, i) => run.result(i).outcome.kind);

test('refused, open with a banner, open and silent: each port once, as connect() would say', async () => {
  const t = target([refused, banner, silent, refused2]);
  const run = await scan([t], { limit: 2 });
  expect(kinds(run, 4)).toEqual(['refused', 'open', 'open', 'refused']);
  const r = run.result(0);
  expect(r).toMatchObject({ host: '127.0.0.1', port: refused, address: '127.0.0.1', family: 4, banner: null, tls: null });
  expect(r.outcome).toMatchObject({ code: 'ECONNREFUSED', label: 'Connection refused' });
  expect(r.attempts).toEqual([{ address: '127.0.0.1', family: 4, outcome: r.outcome, ms: expect.any(Number) }]);
  expect(r.ms).toBe(r.attempts[0]!.ms);
  expect(run.result(1)).toMatchObject({ port: banner, banner: '220 scan.test ready\r\n', bannerAwaited: true });
  expect(run.result(1).attempts.map((a) => a.outcome.kind)).toEqual(['open']);
  expect(run.result(2)).toMatchObject({ port: silent, banner: null });
  expect([...run.rich.keys()].sort()).toEqual([1, 2]);
  expect(Array.from(run.arrays.state)).toEqual([SETTLED, RICH, RICH, SETTLED]);
  expect(run.fdLimits).toEqual([]);
});

test('a port whose SYN goes unanswered ends on the scanner\'s timer, as "timed out (filtered?)"', async () => {
  const filtered = await startFiltered('127.0.0.1', 0);
  try {
    const t0 = performance.now();
    const run = await scan([target([filtered.port, refused], { timeoutMs: 400 })]);
    const r = run.result(0);
    expect(r.outcome.kind).toBe('timeout');
    expect(r.outcome.label).toBe('Timed out after 0.4 s (filtered?)');
    expect(r.ms).toBeGreaterThanOrEqual(390);
    expect(run.result(1).outcome.kind).toBe('refused');
    // The refused port did not wait for the filtered one's timer.
    expect(run.result(1).ms!).toBeLessThan(390);
    expect(performance.now() - t0).toBeLessThan(5000);
  } finally {
    await filtered.close();
  }
});

test('a name with two addresses: refused on the first, the second is tried; refused on both, both said', async () => {
  // The fixtures listen on 127.0.0.1 only: on ::1 the same ports are refused (or, without IPv6
  // loopback, the address is not available: a local error, also not the port's answer).
  const twoAddresses = target([banner, refused], { host: 'localhost', addresses: [{ address: '::1', family: 6 }, { address: '127.0.0.1', family: 4 }] });
  const run = await scan([twoAddresses]);
  const open = run.result(0);
  expect(open.outcome.kind).toBe('open');
  expect(open.address).toBe('127.0.0.1');
  const v6 = open.attempts[0]!.outcome.kind;
  expect(['refused', 'local-error']).toContain(v6);
  expect(open.attempts.map((a) => [a.address, a.outcome.kind])).toEqual([
    ['::1', v6],
    ['127.0.0.1', 'open'],
  ]);
  const both = run.result(1);
  expect(both.attempts.map((a) => [a.address, a.outcome.kind])).toEqual([
    ['::1', v6],
    ['127.0.0.1', 'refused'],
  ]);
  // Reported as connect() reports it: the most telling attempt (refused over a local error).
  expect(both.outcome.kind).toBe('refused');
  expect(both.address).toBe(v6 === 'refused' ? '::1' : '127.0.0.1');
});

test('a name that does not resolve: each of its ports says why, nothing is dialled, the next name goes on', async () => {
  const noSuch: Outcome = { kind: 'dns-not-found', code: 'ENOTFOUND', label: 'Unknown host', meaning: 'm', next: 'n', exit: 3 } as Outcome;
  const unknown = target([1, 2, 3], { host: 'nosuch.invalid', addresses: null });
  const known = target([refused], { first: 3, addresses: null });
  const run = await scan([unknown, known], {
    hooks: {
      resolve: async (t) => {
        if (t === unknown) t.failure = noSuch;
        else t.addresses = [{ address: '127.0.0.1', family: 4 }];
      },
    },
  });
  expect(kinds(run, 4)).toEqual(['dns-not-found', 'dns-not-found', 'dns-not-found', 'refused']);
  expect(run.result(0)).toMatchObject({ address: null, family: null, ms: null, attempts: [] });
  expect(Array.from(run.arrays.state.slice(0, 3))).toEqual([UNRESOLVED, UNRESOLVED, UNRESOLVED]);
});

test('two scanners on one set of arrays (the main thread and the worker): every port settled by exactly one', async () => {
  const ports = Array.from({ length: 400 }, (_, k) => (k === 123 ? banner : k % 2 ? refused : refused2));
  const run = await scan([target(ports, { bannerWaitMs: 0 })], { threads: 2, limit: 3, shared: true });
  const [a, b] = run.scanners;
  expect(a!.settledCount + b!.settledCount).toBe(400);
  expect(a!.settledCount).toBeGreaterThan(0);
  expect(b!.settledCount).toBeGreaterThan(0);
  const ks = kinds(run, 400);
  expect(ks.filter((k) => k === 'open')).toHaveLength(1);
  expect(ks[123]).toBe('open');
  expect(run.result(123).banner).toBeNull();
  expect(run.result(123).bannerAwaited).toBe(false);
});

test('redo: ports another thread claimed and never settled are probed here, and done waits for them', async () => {
  const t = target([refused, banner, refused2], { bannerWaitMs: 0 });
  const arrays = scanArrays(3, false);
  // Another thread claimed all three, then died.
  arrays.control[0] = 3;
  const rich = new Map<number, ProbeResult>();
  const s = new PortScanner([t], arrays, 2, realClock, { rich: (i, r) => rich.set(i, r), settled: () => {}, fdLimit: () => {} }, tcp);
  s.start();
  await s.done;
  expect(s.settledCount).toBe(0);
  s.redo([0, 1, 2]);
  await s.done;
  expect(s.settledCount).toBe(3);
  expect(settledResult(arrays, 0, t, s.overflow).outcome.kind).toBe('refused');
  expect(rich.get(1)?.outcome.kind).toBe('open');
  expect(settledResult(arrays, 2, t, s.overflow).outcome.kind).toBe('refused');
});

test('stop: no port is claimed after it, what was in flight ends', async () => {
  const ports = Array.from({ length: 200 }, () => refused);
  const total = ports.length;
  const arrays = scanArrays(total, false);
  let settled = 0;
  const s: PortScanner = new PortScanner([target(ports)], arrays, 2, realClock, {
    rich: () => {},
    settled: () => {
      if (++settled === 10) s.stop();
    },
    fdLimit: () => {},
  }, tcp);
  s.start();
  await s.done;
  // The tenth, and at most what was in flight with it (2 at a time).
  expect(s.settledCount).toBeGreaterThanOrEqual(10);
  expect(s.settledCount).toBeLessThanOrEqual(12);
});

/**
 * libuv's binding, faked: `answer` says how each connect ends (a libuv error number, 0 for
 * connected, 'never' for a SYN nobody answers), and at most `fds` handles are open at once, as
 * ulimit -n makes it: one more, and connect fails at once with EMFILE, as libuv's socket() does.
 */
function fakeTcp(answer: (address: string, port: number) => number | 'never', fds = Infinity) {
  let open = 0;
  let peak = 0;
  class TCP {
    private closed = false;
    private counted = false;
    connect(req: { oncomplete: (...a: unknown[]) => void }, address: string, port: number): number {
      if (open >= fds) return -24;
      open++;
      this.counted = true;
      peak = Math.max(peak, open);
      const r = answer(address, port);
      if (r !== 'never') setImmediate(() => !this.closed && req.oncomplete(r, this, req, true, true));
      return 0;
    }
    connect6(req: { oncomplete: (...a: unknown[]) => void }, address: string, port: number): number {
      return this.connect(req, address, port);
    }
    close(): void {
      if (this.closed) return;
      this.closed = true;
      if (this.counted) open--;
    }
  }
  class TCPConnectWrap {
    oncomplete = () => {};
  }
  return { tcp: { TCP, TCPConnectWrap, constants: { SOCKET: 0 } } as unknown as NonNullable<ReturnType<typeof tcpBinding>>, peak: () => peak, open: () => open };
}

async function fakeScan(targets: ScanTarget[], tcpFake: ReturnType<typeof fakeTcp>, limit: number) {
  const total = targets.reduce((n, t) => n + t.ports.length, 0);
  const arrays = scanArrays(total, false);
  const fdLimits: string[] = [];
  const s = new PortScanner(targets, arrays, limit, realClock, { rich: () => {}, settled: () => {}, fdLimit: (l) => fdLimits.push(l) }, tcpFake.tcp);
  s.start();
  await s.done;
  return { result: (i: number) => settledResult(arrays, i, [...targets].reverse().find((t) => t.first <= i)!, s.overflow), fdLimits, s };
}

test('out of descriptors: fewer at a time, each port that met the limit probed again, said once; never a port\'s answer', async () => {
  const fake = fakeTcp(() => -111, 3);
  const ports = Array.from({ length: 50 }, (_, k) => 1000 + k);
  const { result, fdLimits, s } = await fakeScan([target(ports)], fake, 8);
  expect(Array.from({ length: 50 }, (_, i) => result(i).outcome.code)).toEqual(Array(50).fill('ECONNREFUSED'));
  expect(fdLimits).toEqual(['Too many open files']);
  expect(fake.peak()).toBe(3);
  expect(fake.open()).toBe(0);
  expect(s.settledCount).toBe(50);
});

test('with nothing else open, the descriptor limit is the port\'s own answer (a local error), not an endless retry', async () => {
  const fake = fakeTcp(() => -111, 0);
  const { result } = await fakeScan([target([1, 2])], fake, 4);
  expect(result(0).outcome).toMatchObject({ kind: 'local-error', code: 'EMFILE' });
  expect(result(1).outcome.code).toBe('EMFILE');
});

test('a reset from the first address ends the walk, as connect() does; a refusal goes on to the next', async () => {
  const fake = fakeTcp((address, port) => (port === 1 && address === '10.0.0.1' ? -104 : -111));
  const two = [{ address: '10.0.0.1', family: 4 as const }, { address: '10.0.0.2', family: 4 as const }];
  const { result } = await fakeScan([target([1, 2], { host: 'two.test', addresses: two })], fake, 2);
  expect(result(0).attempts.map((a) => [a.address, a.outcome.kind])).toEqual([['10.0.0.1', 'reset-by-peer']]);
  expect(result(0).outcome.kind).toBe('reset-by-peer');
  expect(result(1).attempts.map((a) => a.address)).toEqual(['10.0.0.1', '10.0.0.2']);
});

test('a name with more addresses than the arrays hold: every attempt kept, in order', async () => {
  const fake = fakeTcp(() => -111);
  const six = Array.from({ length: 6 }, (_, k) => ({ address: `10.0.0.${k + 1}`, family: 4 as const }));
  const { result } = await fakeScan([target([7, 8], { host: 'six.test', addresses: six })], fake, 2);
  for (const i of [0, 1]) expect(result(i).attempts.map((a) => a.address)).toEqual(six.map((a) => a.address));
});

test('targets with different timeouts: a shorter one started later still ends on time (the one timer is armed again)', async () => {
  const fake = fakeTcp(() => 'never');
  const slow = target([1], { timeoutMs: 600, addresses: [{ address: '10.0.0.1', family: 4 }] });
  const quick = target([2], { first: 1, timeoutMs: 100, addresses: [{ address: '10.0.0.2', family: 4 }] });
  const { result } = await fakeScan([slow, quick], fake, 2);
  expect(result(1).outcome.label).toBe('Timed out after 0.1 s (filtered?)');
  expect(result(1).ms!).toBeLessThan(550);
  expect(result(0).outcome.label).toBe('Timed out after 0.6 s (filtered?)');
  expect(result(0).ms!).toBeGreaterThanOrEqual(590);
  expect(fake.open()).toBe(0);
});

test('a stop while ports wait for a descriptor: the scan ends (those ports are not probed)', async () => {
  const fake = fakeTcp(() => 'never', 2);
  const ports = Array.from({ length: 20 }, (_, k) => 2000 + k);
  const arrays = scanArrays(20, false);
  const s: PortScanner = new PortScanner([target(ports, { timeoutMs: 200 })], arrays, 6, realClock, { rich: () => {}, settled: () => {}, fdLimit: () => s.stop() }, fake.tcp);
  s.start();
  await s.done;
  // The two that had a descriptor timed out; nothing after the stop.
  expect(s.settledCount).toBe(2);
  expect(fake.open()).toBe(0);
});

test('a thread that ended takes its sockets with it: its count no longer makes a descriptor limit someone else\'s', async () => {
  const fake = fakeTcp(() => -111, 0);
  const arrays = scanArrays(1, true);
  // The worker (thread 1) held 5 sockets when it died.
  Atomics.store(arrays.control, 2 + 1, 5);
  const fdLimits: string[] = [];
  const s = new PortScanner([target([1])], arrays, 2, realClock, { rich: () => {}, settled: () => {}, fdLimit: (l) => fdLimits.push(l) }, fake.tcp);
  s.start();
  // While its count stands, the limit is taken as the other thread's: this port waits.
  await new Promise((r) => setTimeout(r, 30));
  expect(s.settledCount).toBe(0);
  expect(fdLimits).toHaveLength(1);
  threadEnded(arrays, 1);
  await s.done;
  expect(settledResult(arrays, 0, target([1]), s.overflow).outcome.code).toBe('EMFILE');
});
