// Probe mode (-z): is this port open, and if not, why not. Ports are probed in parallel up to a
// bound and reported in the order given. Never loads React or Ink.

import type { Clock } from '../core/clock.js';
import { ExitCode } from '../core/exit-codes.js';
import { makeOutcome, PortholeCode, type Outcome } from '../core/outcome.js';
import { wantsColour } from '../core/colour.js';
import { needsTlsConfig } from '../core/options.js';
import { attemptLine, failedLine, probeLine, probeRecord, probeSummary, safeJson, type ProbeCounts, type ProbeResult } from '../core/report.js';
import type { ProbePart, ProbeTarget, SessionPart, TlsPart } from '../core/options.js';
import { formatHostPort } from '../core/target.js';
import { realClock } from '../io/clock.js';
import type { Family, ResolvedAddress, Resolver } from '../io/resolver.js';
import { systemResolver } from '../io/resolver.js';
import { connect, resolveTarget, type Connection } from '../io/session.js';
import type { Dial } from '../io/transport.js';
import { probeDial } from '../io/fast-dial.js';
import { tcpBinding, type TcpWrap } from '../io/tcp-binding.js';
import { attemptOutcome, FD_LIMIT_CODES, PLANES, PortScanner, scanArrays, settledResult, SETTLED, targetAt, threadEnded, UNRESOLVED, type ScanArrays, type ScanTarget } from '../io/port-scan.js';
import { probeConnected } from '../io/port-scan-open.js';
import type { ScanMessage, ScanWork } from '../io/scan-worker.js';
import { canShare, dropSpareScanWorker, scanWorkerFile, takeScanWorker, WORKER_MIN_PORTS } from '../io/scan-worker-pool.js';
import { watchBanner } from '../io/banner.js';
import type { TlsConfig } from '../io/tls.js';
import { toVisible } from '../core/sanitize.js';
import { formatCount } from '../core/count.js';

export interface ProbeOptions extends ProbePart {
  /** How to open each connection: TCP by default, TLS with --tls (made by runProbe). */
  dial?: Dial;
  /** The TLS material, for --starttls (made by runProbe). */
  tlsConfig?: TlsConfig;
  /** What a session opened from the watch's table starts from (its host and port replaced). */
  session?: SessionPart;
  resolver?: Resolver;
  clock?: Clock;
  out?: (line: string) => void;
  err?: (line: string) => void;
}

/** A target made ready to probe: how to dial it and, for --starttls, the TLS material. */
export interface ReadyTarget extends ProbeTarget {
  dial?: Dial;
  tlsConfig?: TlsConfig;
}

/**
 * Each target's dial: TLS material read once for each set of TLS options (a file that cannot be
 * read is a usage error, said before anything connects). Loaded only for TLS: a plain probe does
 * not pay for node:tls. (Plain targets all: the range scanner, which dials for itself.)
 */
export async function readyTargets(opts: ProbeOptions): Promise<ReadyTarget[]> {
  const plain = opts.dial ?? probeDial();
  const made = new Map<string, { dial?: Dial; tlsConfig?: TlsConfig }>();
  const setup = async (tls: TlsPart) => {
    const key = JSON.stringify(tls);
    let m = made.get(key);
    if (!m) {
      const { config, dial } = (await import('../io/tls.js')).tlsSetup(tls, opts.clock);
      made.set(key, (m = { ...(dial ? { dial } : {}), ...(config ? { tlsConfig: config } : {}) }));
    }
    return m;
  };
  const out: ReadyTarget[] = [];
  for (const t of opts.targets) out.push(needsTlsConfig(t.tls) ? { ...t, ...(await setup(t.tls)) } : { ...t, dial: plain });
  return out;
}

/** Probe every port and print one line (or JSON record) each; resolves to the exit code. */
export async function runProbe(opts: ProbeOptions): Promise<number> {
  const targets = await readyTargets(opts);
  if (opts.watch) return (await import('./watch.js')).runWatch(opts, targets);
  return probeAll(opts, targets);
}

const outOfFds = (o: Outcome) => FD_LIMIT_CODES.has(o.code);

/** Where the results of a probe of several ports go as they come, printed in the order given. */
interface Report {
  /** Port i's result is known (the general path); the scanner's are in its arrays. */
  put(i: number, r: ProbeResult): void;
  /** Print every result that is next in order and known. */
  flush(): void;
  /** The descriptor limit was met (the error's label): said once. */
  fdLimit(label: string): void;
  /** Port i's result came and waits to be printed, or was printed. */
  has(i: number): boolean;
  /** A line on stderr. */
  note(line: string): void;
  /** Lines for a person without -v: a port that did not connect can be printed from its parts. */
  readonly plainLines: boolean;
  /** Prints (and counts) a port that did not connect, from its parts: see failedLine. */
  failure(name: string | null, host: string, port: number, address: string | null, outcome: Outcome, ms: number | null): void;
  readonly stopped: () => boolean;
}

async function probeAll(opts: ProbeOptions, targets: ReadyTarget[]): Promise<number> {
  const total = targets.reduce((n, t) => n + t.ports.length, 0);
  let stdoutGone = false;
  let stdoutFailed = false;
  if (!opts.out) {
    // The reader went away (`| head`): stop probing and end quietly, as pipe mode does; any other
    // failure to write stops it too, said once.
    process.stdout.on('error', (e: NodeJS.ErrnoException) => {
      stdoutGone = true;
      if (e.code !== 'EPIPE' && !stdoutFailed) {
        stdoutFailed = true;
        process.stderr.write(`porthole: cannot write output: ${e.code ?? e.message}\n`);
      }
    });
  }
  // Lines gathered and written together, 10 ms after the first of them or every 64 KB: a write a
  // line was a tenth of a full range's time (65,535 writes to a terminal or a file), and a write
  // at each turn of the loop (a few dozen lines) still 2,000 writes, ~10 ms of it. 10 ms is well
  // under what a person sees; a probe's last lines are written as it ends, not 10 ms later.
  let pending: string[] = [];
  let pendingChars = 0;
  let timer: NodeJS.Timeout | null = null;
  const flushOut = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    if (pending.length === 0) return;
    const text = `${pending.join('\n')}\n`;
    pending = [];
    pendingChars = 0;
    if (!stdoutGone) process.stdout.write(text);
  };
  const out =
    opts.out ??
    ((l: string) => {
      pending.push(l);
      pendingChars += l.length;
      if (pendingChars >= 65536) flushOut();
      else timer ??= setTimeout(flushOut, 10);
    });
  // What waits for stdout goes first: -v's lines and a note keep their place among the results.
  const err =
    opts.err ??
    ((l: string) => {
      flushOut();
      process.stderr.write(l + '\n');
    });
  // Lines for a person (JSON never): coloured on a terminal, or as --color, NO_COLOR, FORCE_COLOR say.
  const colour = !opts.json && wantsColour(opts.colour, Boolean(process.stdout.isTTY), process.env);
  // Of several ports, each outcome's explanation is said on the first line it ends, not 65,535 times.
  const hintsSaid = total > 1 ? new Set<string>() : undefined;
  const clock = opts.clock ?? realClock;
  const started = clock.now();
  const expect = expectMatcher(opts.expect);
  // Results wait only until every earlier one is printed: a range of 65,535 ports holds the few in
  // flight, not all of them. The exit code and the summary are counted as they go.
  const known = new Map<number, ProbeResult>();
  const counts: ProbeCounts = {};
  let exit: number = ExitCode.ok;
  let printed = 0;
  const tally = (o: Outcome) => {
    counts[o.kind] = (counts[o.kind] ?? 0) + 1;
    if (exit === ExitCode.ok && o.kind !== 'open') exit = o.exit;
  };
  const print = (r: ProbeResult) => {
    tally(r.outcome);
    if (opts.verbose) for (const a of r.attempts) err(`${formatHostPort(r.host, r.port)}: ${attemptLine(a)}`);
    if (opts.openOnly && r.outcome.kind !== 'open') return;
    out(opts.json ? safeJson(probeRecord(r)) : probeLine(r, colour, hintsSaid));
  };
  let saidLimit = false;
  // settled(i): port i's result from elsewhere (the scanner's arrays), or true if it printed it itself.
  const report = (settled?: (i: number) => ProbeResult | true | undefined): Report => ({
    put: (i, r) => known.set(i, r),
    flush() {
      for (;;) {
        let r: ProbeResult | true | undefined = known.get(printed);
        if (r) known.delete(printed);
        else r = settled?.(printed);
        if (!r) return;
        printed++;
        if (r !== true) print(r);
      }
    },
    plainLines: !opts.json && !opts.verbose,
    failure(name, host, port, address, outcome, ms) {
      tally(outcome);
      if (!opts.openOnly) out(failedLine(name, host, port, address, outcome, ms, colour, hintsSaid));
    },
    fdLimit(label) {
      if (saidLimit) return;
      saidLimit = true;
      err(`porthole: out of file descriptors (${label.toLowerCase()}; see ulimit -n): fewer ports are probed at a time, and each that met the limit is probed again.`);
    },
    has: (i) => i < printed || known.has(i),
    note: err,
    stopped: () => stdoutGone,
  });
  const tcp = scannable(opts, targets);
  if (!tcp) void dropSpareScanWorker();
  try {
    if (tcp) await scanTargets(opts, targets, total, tcp, expect, report);
    else await probeEach(opts, targets, total, expect, report());
  } finally {
    // (Failed too: what was printed so far goes before the internal error is said.)
    flushOut();
  }
  // (What a slow reader has not taken yet goes before the exit: cli.ts waits for it.)
  if (stdoutGone) return stdoutFailed ? ExitCode.internal : ExitCode.ok;
  // Several ports: how they went, on stderr, so stdout stays one line (or object) a port.
  if (total > 1) err(`porthole: ${probeSummary(counts, clock.now() - started, !opts.json && wantsColour(opts.colour, Boolean(process.stderr.isTTY), process.env), targets.length > 1 ? 'target' : 'port')}`);
  return exit;
}

/** Each port by connect() (TLS, STARTTLS, an injected dial): a promise a port, bounded by --parallel. */
async function probeEach(opts: ProbeOptions, targets: ReadyTarget[], total: number, expect: ExpectMatcher, report: Report): Promise<void> {
  const resolver = memoResolver(opts.resolver ?? systemResolver);
  // Sockets in flight, bounded by --parallel, and lowered to what the machine allows once a
  // connect fails for want of descriptors (ulimit -n): that port waits for one to close and is
  // probed again, so a low limit costs time, never a wrong answer.
  let limit = Math.max(1, Math.min(opts.parallel, total));
  let inFlight = 0;
  const waiting: (() => void)[] = [];
  const slot = async () => {
    while (inFlight >= limit) await new Promise<void>((r) => waiting.push(r));
    inFlight++;
  };
  const free = () => {
    inFlight--;
    waiting.shift()?.();
  };
  // The next port to probe, walked target by target: a range is one target, not 65,535 objects.
  let next = 0;
  let ti = 0;
  let pi = 0;
  const worker = async () => {
    while (next < total && !report.stopped()) {
      const i = next++;
      while (pi >= targets[ti]!.ports.length) {
        ti++;
        pi = 0;
      }
      const target = targets[ti]!;
      const port = target.ports[pi++]!;
      for (;;) {
        await slot();
        const r = await probeOne(opts, target, port, resolver, expect);
        free();
        // With nothing else open, the limit is the machine's own: that is this port's answer.
        if (outOfFds(r.outcome) && inFlight > 0) {
          limit = Math.max(1, inFlight);
          report.fdLimit(r.outcome.label);
          continue;
        }
        report.put(i, r);
        break;
      }
      report.flush();
    }
  };
  await Promise.all(Array.from({ length: limit }, worker));
}

/** The range scanner's binding, when every target is plain TCP on the real dial; else null. */
function scannable(opts: ProbeOptions, targets: readonly ReadyTarget[]): TcpWrap | null {
  if (opts.dial) return null;
  if (!targets.every((t) => !t.tls.implicit && t.tls.starttls === null)) return null;
  return tcpBinding();
}

/** Plain TCP targets by the range scanner (io/port-scan), with a worker thread for a big range. */
async function scanTargets(
  opts: ProbeOptions,
  targets: readonly ReadyTarget[],
  total: number,
  tcp: TcpWrap,
  expect: ExpectMatcher,
  makeReport: (settled: (i: number) => ProbeResult | true | undefined) => Report,
): Promise<void> {
  const clock = opts.clock ?? realClock;
  const resolver = memoResolver(opts.resolver ?? systemResolver);
  let first = 0;
  const scan: ScanTarget[] = targets.map((t) => {
    const st: ScanTarget = { name: t.name, host: t.host, family: t.family, ports: t.ports, first, timeoutMs: t.connectTimeoutMs, bannerWaitMs: t.bannerWaitMs, encoding: t.encoding, addresses: null, resolveMs: 0, failure: null };
    first += t.ports.length;
    return st;
  });
  const lookups = new Map<ScanTarget, Promise<void>>();
  const resolve = (t: ScanTarget) => {
    let p = lookups.get(t);
    if (!p) {
      p = resolveTarget({ host: t.host, family: t.family, connectTimeoutMs: t.timeoutMs, resolver, clock }).then((r) => {
        t.resolveMs = r.resolveMs;
        if (r.ok) t.addresses = r.addresses;
        else t.failure = r.outcome;
      });
      lookups.set(t, p);
    }
    return p;
  };
  const limit = Math.max(1, Math.min(opts.parallel, total));
  // A worker costs ~30 ms and ~10 MB to start: worth it for a big range of one name, on a second core.
  const workerFile = total >= WORKER_MIN_PORTS && limit >= 2 && !opts.clock && scan.length === 1 && canShare() ? scanWorkerFile() : null;
  if (workerFile) await resolve(scan[0]!);
  const useWorker = workerFile !== null && (scan[0]!.addresses?.length ?? 0) > 0 && scan[0]!.addresses!.length <= PLANES;
  if (!useWorker) void dropSpareScanWorker();
  const arrays = scanArrays(total, useWorker);
  let scanner: PortScanner | null = null;
  const report: Report = makeReport((i) => {
    if (i >= total) return undefined;
    const state = Atomics.load(arrays.state, i);
    if (state !== SETTLED && state !== UNRESOLVED) return undefined;
    const t = targetAt(scan, i);
    // Most of a range: one address, refused. Its line from the arrays, no result object made.
    if (report.plainLines && state === SETTLED && arrays.attempts[i] === 1) {
      const addr = t.addresses![0]!;
      report.failure(t.name, t.host, t.ports[i - t.first]!, addr.address, attemptOutcome(arrays.status[i]!, t.timeoutMs), arrays.ms[i]!);
      return true;
    }
    return settledResult(arrays, i, t, scanner!.overflow);
  });
  const rich = (i: number, r: ProbeResult) => {
    report.put(i, expectOutcome(r, expect));
    report.flush();
  };
  scanner = new PortScanner(scan, arrays, useWorker ? Math.ceil(limit / 2) : limit, clock, {
    rich,
    settled: () => {
      if (report.stopped()) scanner?.stop();
      report.flush();
    },
    fdLimit: (label) => report.fdLimit(label),
    resolve,
    banner: probeConnected,
  }, tcp);
  const helper = useWorker ? startScanWorker(workerFile!, scan, arrays, Math.floor(limit / 2), rich, (label) => report.fdLimit(label), () => report.flush()) : null;
  // The clock's timers hold nothing open, and a port waiting for a descriptor that the worker
  // holds has nothing else to: the process stays until the scan is done.
  const keep = setInterval(() => {}, 1 << 30);
  try {
    scanner.start();
    await scanner.done;
    const helped = helper ? await helper : null;
    if (helped?.ok && opts.verbose) report.note(`porthole: a worker thread shared the ports: it probed ${formatCount(helped.settled)} of ${formatCount(total)}`);
    // (A reader that went away wants no more lines: nothing is probed again for it.)
    if (helped && !helped.ok && !report.stopped()) {
      // The worker failed: what it claimed and did not settle is probed here, so no port goes unsaid.
      if (opts.verbose) report.note('porthole: the worker thread failed; the ports it had not finished are probed again here');
      const left: number[] = [];
      for (let i = 0; i < total; i++) if (!report.has(i) && Atomics.load(arrays.state, i) !== SETTLED && Atomics.load(arrays.state, i) !== UNRESOLVED) left.push(i);
      scanner.redo(left);
      await scanner.done;
    }
    report.flush();
  } finally {
    clearInterval(keep);
  }
}

/**
 * The worker's half of a range: it claims ports from the same counter and writes the same arrays;
 * a port it found open comes as a message. While it runs, what it settled is printed every 20 ms
 * (its ports are between ours). Resolves with its 'done' (ok) or its end before one (not ok).
 */
function startScanWorker(
  file: URL,
  targets: ScanTarget[],
  arrays: ScanArrays,
  limit: number,
  rich: (i: number, r: ProbeResult) => void,
  fdLimit: (label: string) => void,
  flush: () => void,
): Promise<{ ok: boolean; settled: number }> {
  const worker = takeScanWorker(file, targets.some((t) => t.bannerWaitMs > 0));
  worker.postMessage({ targets, arrays, limit } satisfies ScanWork);
  const tick = setInterval(flush, 20);
  return new Promise((resolve) => {
    // Its 'done' comes after every result it sent: the probe goes on without waiting for the
    // thread to wind down (the process's exit ends it).
    worker.on('message', (m: ScanMessage) => {
      if (m.type === 'rich') rich(m.i, m.r);
      else if (m.type === 'fd-limit') fdLimit(m.label);
      else {
        clearInterval(tick);
        resolve({ ok: true, settled: m.settled });
      }
    });
    // A worker that failed to start or crashed: its ports are probed by the main thread instead.
    worker.on('error', () => {});
    // Ended before its 'done' (a crash, a limit): not a success, whatever its exit code. Its
    // sockets closed with it: the main thread no longer counts them against the descriptor limit.
    worker.on('exit', () => {
      clearInterval(tick);
      threadEnded(arrays, 1);
      resolve({ ok: false, settled: 0 });
    });
  });
}

/**
 * One lookup per host, however many ports: a range must not become a thousand DNS queries. A
 * watch passes `ttlMs` (its interval): a name is looked up again then, so a changed address is seen.
 */
export function memoResolver(resolver: Resolver, ttlMs = Infinity, clock: Clock = realClock): Resolver {
  const cache = new Map<string, { at: number; p: Promise<ResolvedAddress[]> }>();
  return (host, family) => {
    const key = `${family}/${host}`;
    const hit = cache.get(key);
    // (A range asks once a port: no clock read when nothing expires.)
    if (hit && (ttlMs === Infinity || clock.now() - hit.at < ttlMs)) return hit.p;
    const p = resolver(host, family);
    cache.set(key, { at: clock.now(), p });
    return p;
  };
}

/** --expect's test of a banner (null: anything goes). */
export type ExpectMatcher = ((banner: string | null) => boolean) | null;

export function expectMatcher(pattern: string | null): ExpectMatcher {
  if (pattern === null) return null;
  const re = new RegExp(pattern);
  return (banner) => banner !== null && re.test(banner);
}

/** Probe one port of a target: connect, TLS or STARTTLS as asked, the banner, then hang up. */
export async function probeOne(opts: ProbeOptions, target: ReadyTarget, port: number, resolver: Resolver, expect: ExpectMatcher = null): Promise<ProbeResult> {
  return expectOutcome(await probeConnect(opts, target, port, resolver), expect);
}

/** --expect: open, but not the service wanted, is a state of its own. */
function expectOutcome(r: ProbeResult, expect: ExpectMatcher): ProbeResult {
  if (!expect || r.outcome.kind !== 'open' || expect(r.banner)) return r;
  return {
    ...r,
    outcome: makeOutcome('unexpected-banner', PortholeCode.unexpectedBanner, r.banner === null ? { meaning: 'The port is open, but the service said nothing within the banner wait, and --expect wants a banner.' } : {}),
  };
}

async function probeConnect(opts: ProbeOptions, target: ReadyTarget, port: number, resolver: Resolver): Promise<ProbeResult> {
  const clock = opts.clock ?? realClock;
  const r = await connect({
    host: target.host,
    port,
    family: target.family,
    connectTimeoutMs: target.connectTimeoutMs,
    resolver,
    clock,
    ...(target.dial ? { dial: target.dial } : {}),
    // STARTTLS reads the greeting itself, through its hold: nothing may be read before.
    ...(target.tls.starttls ? { paused: true } : {}),
  });
  const base = { name: target.name, host: target.host, port, attempts: r.attempts, resolveMs: r.resolveMs, bannerAwaited: target.bannerWaitMs > 0 };
  if (!r.ok) {
    const last = r.attempts.at(-1);
    const reported = r.attempts.find((a) => a.address === r.address) ?? last;
    return {
      ...base,
      address: r.address ?? null,
      family: r.family ?? null,
      outcome: r.outcome,
      ms: reported ? reported.ms : null,
      banner: null,
      tls: r.tls ?? null,
    };
  }
  const c = r.connection;
  if (target.tls.starttls && target.tlsConfig) return { ...base, address: c.address, family: c.family, ms: c.connectMs, ...(await upgrade(c, opts, target, port, clock)) };
  const tls = c.tls;
  const { outcome, banner } = await watchBanner(c, target.bannerWaitMs, target.encoding, clock);
  return { ...base, address: c.address, family: c.family, outcome, ms: c.connectMs, banner, tls };
}

/** --starttls: the protocol's dialogue, then TLS, then hang up; the greeting is the banner. */
async function upgrade(c: Connection, opts: ProbeOptions, target: ReadyTarget, port: number, clock: Clock): Promise<Pick<ProbeResult, 'outcome' | 'banner' | 'tls'>> {
  const { startTls, localName } = await import('../io/starttls.js');
  const r = await startTls(c, {
    protocol: target.tls.starttls!,
    full: true,
    config: target.tlsConfig!,
    host: target.host,
    port,
    timeoutMs: target.connectTimeoutMs,
    ehloName: localName(),
    clock,
    onLine: (dir, text) => {
      if (opts.verbose) (opts.err ?? ((l: string) => process.stderr.write(l + '\n')))(`${formatHostPort(target.host, port)}: ${dir === 'in' ? '<-' : '->'} ${toVisible(text)}`);
    },
  });
  c.close();
  const banner = r.greeting === null ? null : `${r.greeting}\r\n`;
  if (!r.ok) return { outcome: r.outcome, banner, tls: r.tls ?? null };
  return { outcome: makeOutcome('open', PortholeCode.open), banner, tls: r.tls };
}
