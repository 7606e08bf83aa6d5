// The range scanner: a probe of many plain TCP ports with as little as possible per port, since
// nearly every port of a range is refused. Each connect is libuv's TCP handle and request, its
// state a plain object the request points to (no closure, no promise, no timer of its own: one
// timer for every connect in flight), and a port that did not connect is a few numbers in typed
// arrays until it is printed. A port that connects gets the probe's banner wait through the `banner` hook
// (io/port-scan-open: a net.Socket over the handle).
//
// The same code runs on the main thread and in a worker (io/scan-worker): both claim ports from
// one counter, so a range is shared between two cores as they are free. The arrays are then a
// SharedArrayBuffer: a port's numbers are written before its state says so (Atomics), and read after.

import { getSystemErrorName } from 'node:util';
import type { Clock } from '../core/clock.js';
import { classifyError, connectTimeoutOutcome, endsAddressWalk, makeOutcome, mostTelling, PortholeCode, type Attempt, type Outcome } from '../core/outcome.js';
import type { ProbeResult } from '../core/report.js';
import type { ConnectReq, TcpHandle, TcpWrap } from './tcp-binding.js';
import type { Family, ResolvedAddress } from './resolver.js';

/** A port's state, in `state`. */
export const PENDING = 0;
/** Its attempts are in the arrays. */
export const SETTLED = 1;
/** It connected: its whole result was handed to `rich` (from a worker: a message on its way). */
export const RICH = 2;
/** Its target's name did not resolve: the target's `failure` is its outcome. */
export const UNRESOLVED = 3;

/** An attempt's status when our timer ended it; any other is a libuv error number (negative). */
export const TIMED_OUT = 1;
/** Addresses of a name whose attempts are kept in the arrays; a further one's go to a map. */
export const PLANES = 4;

/**
 * `control`'s cells: the next port to claim, a stop flag, then the sockets open in each thread (a
 * cell a thread: a thread that dies takes its sockets with it, and its cell is cleared).
 */
const NEXT = 0;
const STOP = 1;
const OPEN = 2;
/** The threads a scan can have: the main thread (0) and its worker (1). */
export const THREADS = 2;

export interface ScanTarget {
  /** The config target's name, or null. */
  name: string | null;
  host: string;
  family: 0 | Family;
  ports: readonly number[];
  /** Its first port's index among all ports scanned. */
  first: number;
  timeoutMs: number;
  bannerWaitMs: number;
  encoding: string;
  /** The name's addresses once resolved (null before, and after a failure). */
  addresses: ResolvedAddress[] | null;
  resolveMs: number;
  /** Why the name has no address to try. */
  failure: Outcome | null;
}

/** What a scan writes, a port an index: shared with a worker as plain buffers. */
export interface ScanArrays {
  total: number;
  control: Int32Array;
  state: Int32Array;
  /** Attempt `a` of port `i` at [a * total + i]: a plane an address, so one address touches one. */
  status: Int32Array;
  ms: Float64Array;
  attempts: Uint8Array;
}

export function scanArrays(total: number, shared: boolean): ScanArrays {
  const Buf = shared ? SharedArrayBuffer : ArrayBuffer;
  return {
    total,
    control: new Int32Array(new Buf((OPEN + THREADS) * 4)),
    state: new Int32Array(new Buf(total * 4)),
    status: new Int32Array(new Buf(total * PLANES * 4)),
    ms: new Float64Array(new Buf(total * PLANES * 8)),
    attempts: new Uint8Array(new Buf(total)),
  };
}

/** A connected port's banner wait and result (io/port-scan-open's probeConnected). */
export type BannerProbe = (handle: TcpHandle, readable: boolean, writable: boolean, t: ScanTarget, i: number, addr: ResolvedAddress, ms: number, attempts: Attempt[], clock: Clock) => Promise<ProbeResult>;

export interface ScanHooks {
  /** A port connected and its banner wait ended: its whole result. */
  rich(i: number, r: ProbeResult): void;
  /** Ports settled: print what is ready. Called often; cheap when nothing is. */
  settled(): void;
  /** Descriptors ran out while other sockets were open: fewer at a time from now on (the error's label). */
  fdLimit(label: string): void;
  /** Resolves a target's name (main thread): sets its addresses or its failure. */
  resolve?(t: ScanTarget): Promise<void>;
  /** The banner wait of a port that connected; needed unless every target's wait is 0. */
  banner?: BannerProbe;
}

/** A connect in flight, reached from its request: one property added to the host object, not nine. */
class Flight {
  /** Its place in the scanner's list for the timer; -1 once answered or timed out. */
  slot = -1;
  deadline = 0;
  constructor(
    readonly scan: PortScanner,
    readonly i: number,
    readonly target: ScanTarget,
    readonly a: number,
    readonly handle: TcpHandle,
    readonly t0: number,
  ) {}
}

interface ScanReq extends ConnectReq {
  flight: Flight;
}

/** The machine's descriptors ran out: a local limit, never a port's answer while others are open. */
export const FD_LIMIT_CODES: ReadonlySet<string> = new Set(['EMFILE', 'ENFILE']);
const isFdLimit = (status: number) => FD_LIMIT_CODES.has(getSystemErrorName(status));

export class PortScanner {
  private limit: number;
  /** Ports this thread holds a slot for: connecting, waiting for a banner, or resolving. */
  private busy = 0;
  /** Connects in flight, for the timer. */
  private live: Flight[] = [];
  private timerAt = Infinity;
  private cancelTimer: (() => void) | null = null;
  /** Ports claimed that met the descriptor limit: probed again before new ones. */
  private again: number[] = [];
  private retrying = false;
  /** Attempts past the arrays' planes (a name with many addresses): port -> its extra attempts. */
  readonly overflow = new Map<number, Attempt[]>();
  private resolveDone!: () => void;
  private rejectDone!: (err: unknown) => void;
  private ending = this.newEnding();
  private finished = false;
  private filling = false;
  private readonly socketType: number;
  private saidLimit = false;
  /** Ports this thread settled: what -v says of the worker's share. */
  settledCount = 0;
  private readonly openCell: number;

  /** `thread`: which of the THREADS this one is (its cell of open sockets). */
  constructor(
    private readonly targets: readonly ScanTarget[],
    private readonly arrays: ScanArrays,
    limit: number,
    private readonly clock: Clock,
    private readonly hooks: ScanHooks,
    private readonly tcp: TcpWrap,
    thread = 0,
  ) {
    this.limit = Math.max(1, limit);
    this.socketType = tcp.constants.SOCKET;
    this.openCell = OPEN + thread;
  }

  /** Resolves when this thread has nothing left in flight and nothing left to claim. */
  get done(): Promise<void> {
    return this.ending;
  }

  private newEnding(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.resolveDone = resolve;
      this.rejectDone = reject;
    });
  }

  /** A bug of ours in a callback: the scan ends with it (said as an internal error by the caller). */
  private fatal = (err: unknown): void => {
    this.finished = true;
    this.disarm();
    this.rejectDone(err);
  };

  start(): void {
    this.fill();
  }

  /**
   * Probes these ports (claimed by a thread that ended before settling them; see threadEnded),
   * then any left to claim.
   */
  redo(indexes: readonly number[]): void {
    if (this.finished) {
      this.finished = false;
      this.ending = this.newEnding();
    }
    for (let k = indexes.length - 1; k >= 0; k--) this.again.push(indexes[k]!);
    this.fill();
  }

  /** No new port from now on (the reader went away); what is in flight ends as it will. */
  stop(): void {
    Atomics.store(this.arrays.control, STOP, 1);
    this.fill();
  }

  private claim(): number {
    const c = this.arrays.control;
    if (Atomics.load(c, STOP)) return -1;
    if (this.again.length > 0) return this.again.pop()!;
    const i = Atomics.add(c, NEXT, 1);
    return i < this.arrays.total ? i : -1;
  }

  /** Starts ports while slots are free; ends the scan when nothing is left anywhere in this thread. */
  private fill(): void {
    // A port that fails at once settles inside this loop and asks for the next: the loop takes it.
    if (this.filling) return;
    this.filling = true;
    while (this.busy < this.limit && !this.retrying) {
      const i = this.claim();
      if (i < 0) break;
      this.busy++;
      this.begin(i, targetAt(this.targets, i));
    }
    this.filling = false;
    if (this.busy === 0 && !this.retrying && !this.finished && this.claimable() === false) {
      this.finished = true;
      this.disarm();
      this.resolveDone();
    }
  }

  private claimable(): boolean {
    // After a stop, nothing is: not even a port waiting for a descriptor.
    if (Atomics.load(this.arrays.control, STOP)) return false;
    return this.again.length > 0 || Atomics.load(this.arrays.control, NEXT) < this.arrays.total;
  }

  private begin(i: number, t: ScanTarget): void {
    if (t.addresses) {
      // A port probed again (it met the descriptor limit) starts its walk of the addresses afresh.
      this.overflow.delete(i);
      return this.dial(i, t, 0);
    }
    if (t.failure || !this.hooks.resolve) return this.settle(i, UNRESOLVED);
    // The first port of a name waits for its lookup; the ports claimed meanwhile wait for the same one.
    void this.hooks
      .resolve(t)
      .then(
        () => this.begin(i, t),
        (err: unknown) => {
          t.failure ??= internalError(err);
          this.begin(i, t);
        },
      )
      .catch(this.fatal);
  }

  private dial(i: number, t: ScanTarget, a: number): void {
    const addr = t.addresses![a]!;
    const port = t.ports[i - t.first]!;
    const handle = new this.tcp.TCP(this.socketType);
    const req = new this.tcp.TCPConnectWrap() as ScanReq;
    req.oncomplete = onComplete as ConnectReq['oncomplete'];
    const t0 = this.clock.now();
    const f = new Flight(this, i, t, a, handle, t0);
    req.flight = f;
    const status = addr.family === 6 ? handle.connect6(req, addr.address, port) : handle.connect(req, addr.address, port);
    if (status < 0) {
      handle.close();
      // Out of descriptors while other sockets are open (in any thread): a local limit, never this
      // port's answer. Fewer at a time, and this port again once one closes.
      if (isFdLimit(status) && openSockets(this.arrays) > 0) return this.metLimit(i, status);
      return this.failed(i, t, a, status, this.clock.now() - t0);
    }
    Atomics.add(this.arrays.control, this.openCell, 1);
    f.deadline = t0 + t.timeoutMs;
    f.slot = this.live.length;
    this.live.push(f);
    if (f.deadline < this.timerAt) this.arm(f.deadline);
  }

  private metLimit(i: number, status: number): void {
    this.busy--;
    // What this thread holds now is what it may hold: more would only meet the limit again.
    this.limit = Math.max(1, this.busy);
    this.again.push(i);
    if (!this.saidLimit) {
      this.saidLimit = true;
      this.hooks.fdLimit(attemptOutcome(status, 0).label);
    }
    // Nothing of ours will close to make room (the other thread holds them): look again shortly.
    if (this.busy === 0 && !this.retrying) {
      this.retrying = true;
      this.clock.setTimer(() => {
        this.retrying = false;
        this.fill();
      }, 5);
    }
  }

  /** The connect ended (answered, or our timer): out of the timer's list. */
  private ended(f: Flight): void {
    const last = this.live.pop()!;
    if (last !== f) {
      this.live[f.slot] = last;
      last.slot = f.slot;
    }
    f.slot = -1;
    Atomics.sub(this.arrays.control, this.openCell, 1);
  }

  answered(f: Flight, status: number, readable: boolean, writable: boolean): void {
    if (f.slot < 0) return;
    this.ended(f);
    const ms = this.clock.now() - f.t0;
    if (status < 0) {
      f.handle.close();
      return this.failed(f.i, f.target, f.a, status, ms);
    }
    this.connected(f, readable, writable, ms);
  }

  private failed(i: number, t: ScanTarget, a: number, status: number, ms: number): void {
    const { arrays } = this;
    if (a < PLANES) {
      arrays.status[a * arrays.total + i] = status;
      arrays.ms[a * arrays.total + i] = ms;
    } else {
      const extra = this.overflow.get(i) ?? [];
      extra.push({ address: t.addresses![a]!.address, family: t.addresses![a]!.family, outcome: attemptOutcome(status, t.timeoutMs), ms });
      this.overflow.set(i, extra);
    }
    arrays.attempts[i] = a + 1;
    // As connect does: the next address, unless this one's answer ends the walk.
    if (a + 1 < t.addresses!.length && !endsAddressWalk(attemptOutcome(status, t.timeoutMs))) return this.dial(i, t, a + 1);
    this.settle(i, SETTLED);
  }

  private settle(i: number, state: number): void {
    Atomics.store(this.arrays.state, i, state);
    this.settledCount++;
    this.busy--;
    this.hooks.settled();
    this.fill();
  }

  private connected(f: Flight, readable: boolean, writable: boolean, ms: number): void {
    const { i, target: t, a, handle } = f;
    const addr = t.addresses![a]!;
    const attempts = attemptsOf(this.arrays, i, t, this.overflow, a);
    attempts.push({ address: addr.address, family: addr.family, outcome: OPEN_OUTCOME, ms });
    // Counted as open until the banner wait ends: --parallel bounds sockets, not connects.
    Atomics.add(this.arrays.control, this.openCell, 1);
    const banner = this.hooks.banner;
    // --banner-wait 0: open is all there is to say, and the handle is closed as it is.
    const result = t.bannerWaitMs > 0 && banner ? banner(handle, readable, writable, t, i, addr, ms, attempts, this.clock) : Promise.resolve(openResult(handle, t, i, addr, ms, attempts));
    void result
      .catch((err: unknown) => {
        // (A handle closed already, by its socket, is let be: Node's close is a no-op then.)
        handle.close();
        return scanResult(t, i, { address: addr.address, family: addr.family, outcome: internalError(err), ms, attempts });
      })
      .then((r) => {
        Atomics.sub(this.arrays.control, this.openCell, 1);
        this.hooks.rich(i, r);
        this.settle(i, RICH);
      })
      .catch(this.fatal);
  }

  private arm(at: number): void {
    this.cancelTimer?.();
    this.timerAt = at;
    this.cancelTimer = this.clock.setTimer(() => this.expire(), Math.max(0, at - this.clock.now()));
  }

  private disarm(): void {
    this.cancelTimer?.();
    this.cancelTimer = null;
    this.timerAt = Infinity;
  }

  /** The timer: every connect past its deadline ends as timed out; then the next deadline. */
  private expire(): void {
    this.cancelTimer = null;
    this.timerAt = Infinity;
    const now = this.clock.now();
    const due = this.live.filter((f) => f.deadline <= now);
    for (const f of due) {
      this.ended(f);
      f.handle.close();
      this.failed(f.i, f.target, f.a, TIMED_OUT, now - f.t0);
    }
    let next = Infinity;
    for (const r of this.live) if (r.deadline < next) next = r.deadline;
    if (next < Infinity && next < this.timerAt) this.arm(next);
  }
}

/** Sockets open now in every thread. */
function openSockets(a: ScanArrays): number {
  let n = 0;
  for (let t = 0; t < THREADS; t++) n += Atomics.load(a.control, OPEN + t);
  return n;
}

/** A thread of the scan ended (its sockets closed with it): its count of open sockets is cleared. */
export function threadEnded(a: ScanArrays, thread: number): void {
  Atomics.store(a.control, OPEN + thread, 0);
}

/** Every connect's completion, with its state on the request: one function, not a closure a port. */
function onComplete(status: number, _handle: TcpHandle, req: ScanReq, readable: boolean, writable: boolean): void {
  req.flight.scan.answered(req.flight, status, readable, writable);
}

const outcomes = new Map<number, Outcome>();
const timeouts = new Map<number, Outcome>();
const OPEN_OUTCOME = makeOutcome('open', PortholeCode.open);
/** An attempt's outcome from its status: the same object for the same error or wait (never changed). */
export function attemptOutcome(status: number, timeoutMs: number): Outcome {
  if (status === TIMED_OUT) {
    let o = timeouts.get(timeoutMs);
    if (!o) timeouts.set(timeoutMs, (o = connectTimeoutOutcome(timeoutMs)));
    return o;
  }
  let o = outcomes.get(status);
  if (!o) outcomes.set(status, (o = classifyError({ code: getSystemErrorName(status), syscall: 'connect' }, 'connect')));
  return o;
}

// (No object spread here: it costs V8 ~4 µs an object, a fifth of a full range's time.)
function attemptsOf(arrays: ScanArrays, i: number, t: ScanTarget, overflow: ReadonlyMap<number, Attempt[]>, n = arrays.attempts[i]!): Attempt[] {
  const out: Attempt[] = [];
  for (let a = 0; a < Math.min(n, PLANES); a++) {
    const k = a * arrays.total + i;
    const addr = t.addresses![a]!;
    out.push({ address: addr.address, family: addr.family, outcome: attemptOutcome(arrays.status[k]!, t.timeoutMs), ms: arrays.ms[k]! });
  }
  if (n > PLANES) out.push(...(overflow.get(i) ?? []).slice(0, n - PLANES));
  return out;
}

/** The result of a port that settled in the arrays (read after its state said so), as probe prints it. */
export function settledResult(arrays: ScanArrays, i: number, t: ScanTarget, overflow: ReadonlyMap<number, Attempt[]>): ProbeResult {
  if (Atomics.load(arrays.state, i) === UNRESOLVED || !t.addresses) return scanResult(t, i, { address: null, family: null, outcome: t.failure!, ms: null, attempts: [] });
  const attempts = attemptsOf(arrays, i, t, overflow);
  const worst = attempts.length === 1 ? attempts[0]! : mostTelling(attempts)!;
  return scanResult(t, i, { address: worst.address, family: worst.family, outcome: worst.outcome, ms: worst.ms, attempts });
}

/** A port that connected, its banner not awaited (--banner-wait 0, or no banner hook): the handle closed. */
function openResult(handle: TcpHandle, t: ScanTarget, i: number, addr: ResolvedAddress, ms: number, attempts: Attempt[]): ProbeResult {
  handle.close();
  return { ...scanResult(t, i, { address: addr.address, family: addr.family, outcome: OPEN_OUTCOME, ms, attempts }), bannerAwaited: false };
}

/**
 * A scanned port's result from what its probe found: the rest is its target's. The lookup's
 * time belongs to the first port of a name; the others reused it (0).
 */
export function scanResult(
  t: ScanTarget,
  i: number,
  found: Pick<ProbeResult, 'address' | 'family' | 'outcome' | 'ms' | 'attempts'> & { banner?: string | null },
): ProbeResult {
  return {
    name: t.name,
    host: t.host,
    port: t.ports[i - t.first]!,
    address: found.address,
    family: found.family,
    outcome: found.outcome,
    ms: found.ms,
    banner: found.banner ?? null,
    bannerAwaited: t.bannerWaitMs > 0,
    attempts: found.attempts,
    resolveMs: i === t.first ? t.resolveMs : 0,
    tls: null,
  };
}

/** The target port i belongs to (targets in order of their first index). */
export function targetAt<T extends { first: number }>(targets: readonly T[], i: number): T {
  let lo = 0;
  let hi = targets.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (targets[mid]!.first <= i) lo = mid;
    else hi = mid - 1;
  }
  return targets[lo]!;
}

/** Something of ours failed where a port's answer was expected: said as such, not as the port's. */
function internalError(err: unknown): Outcome {
  return makeOutcome('local-error', PortholeCode.internal, { label: `Internal error: ${(err as Error)?.message ?? String(err)}` });
}
