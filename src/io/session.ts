// The connection engine: resolve every address, try each in turn with our own connect timer (the
// kernel's is ~134 s), report each attempt, then hand over a Connection that counts bytes and says
// precisely how it ended. Classification itself is pure and lives in core/outcome.

import type { Clock } from '../core/clock.js';
import {
  classifyError,
  connectTimeoutOutcome,
  endsAddressWalk,
  formatSeconds,
  OUTCOMES,
  makeOutcome,
  mostTelling,
  peerEnded,
  PortholeCode,
  type Attempt,
  type ErrorLike,
  type Outcome,
} from '../core/outcome.js';
import { realClock } from './clock.js';
import type { ReadBufferOptions } from './read-buffers.js';
import { systemResolver, type Family, type ResolvedAddress, type Resolver } from './resolver.js';
import { handshakeTimeoutOutcome } from '../core/tls-outcomes.js';
import type { TlsReport } from '../core/tls.js';
import { tcpDial, type Dial, type Transport, type TransportHandlers } from './transport.js';

export interface ConnectOptions {
  host: string;
  port: number;
  /** 0 for both families (the default), 4 or 6 to restrict as -4/-6. */
  family?: 0 | Family;
  /** Our own timer for each address; the kernel would wait ~134 s. */
  connectTimeoutMs: number;
  resolver?: Resolver;
  clock?: Clock;
  /** Cancels resolution or the attempt in progress (the TUI's close, Ctrl+C in probe). */
  signal?: AbortSignal;
  /** Called as the connection progresses: the source of `-v` lines and the status bar. */
  onProgress?: (event: ProgressEvent) => void;
  /**
   * Read into this many reused buffers instead of a fresh one per read: for a bulk receive (pipe
   * mode). Each 'data' event's bytes are then lent, valid until its release() is called.
   * Default: off, and the bytes of an event are the listener's to keep.
   */
  readBuffers?: ReadBufferOptions;
  /** How a transport to one address is opened; TCP by default, a fake in the controller's tests. */
  dial?: Dial;
  /**
   * Hand the connection over with reading paused, so no byte is delivered before its consumer
   * listens (the session adopts a connect begun before its code loaded); resumeReading() starts it.
   */
  paused?: boolean;
}

export type ProgressEvent =
  | { type: 'resolving'; host: string }
  | { type: 'resolved'; addresses: ResolvedAddress[]; ms: number }
  | { type: 'trying'; address: string; family: Family; port: number }
  | { type: 'attempt'; attempt: Attempt }
  | { type: 'connected'; connection: Connection };

export type ConnectResult =
  | { ok: true; connection: Connection; attempts: Attempt[]; resolveMs: number }
  | {
      ok: false;
      outcome: Outcome;
      attempts: Attempt[];
      /** The address whose failure is reported, when any address was tried. */
      address?: string;
      family?: Family;
      resolveMs: number;
      /** A certificate refused: what the handshake showed of it. */
      tls?: TlsReport;
    };

const aborted = (): Outcome =>
  makeOutcome('local-error', 'ABORT_ERR', { label: 'Cancelled', meaning: 'The connection attempt was cancelled.' });

export type Resolution =
  | { ok: true; addresses: ResolvedAddress[]; resolveMs: number }
  | { ok: false; outcome: Outcome; resolveMs: number };

/**
 * A name's addresses of the asked family, or the outcome that says why there are none: the first
 * step of connect, and what a scan of many ports does once for all of them.
 */
export async function resolveTarget(opts: Pick<ConnectOptions, 'host' | 'family' | 'connectTimeoutMs' | 'resolver' | 'clock'>): Promise<Resolution> {
  const clock = opts.clock ?? realClock;
  const resolver = opts.resolver ?? systemResolver;
  const family = opts.family ?? 0;
  const t0 = clock.now();
  // A resolver that never answers is bounded by -w as a SYN that is never answered is:
  // getaddrinfo's own retries (resolv.conf's timeout x attempts x servers) can run far longer.
  // (A lookup that timed out still holds one of libuv's threads until getaddrinfo gives up.)
  let cancelLookupTimer: () => void = () => {};
  const lookupTimedOut = new Promise<never>((_, reject) => {
    cancelLookupTimer = clock.setTimer(() => reject(Object.assign(new Error('resolve timeout'), { code: PortholeCode.resolveTimeout })), opts.connectTimeoutMs);
  });
  // The other family's lookup (is the name only IPv6?) is under the same deadline.
  const bounded: Resolver = (host, fam) => Promise.race([resolver(host, fam), lookupTimedOut]);
  const failed = (outcome: Outcome): Resolution => ({ ok: false, outcome, resolveMs: clock.now() - t0 });
  try {
    let addresses: ResolvedAddress[];
    try {
      addresses = (await bounded(opts.host, family)).filter((a) => family === 0 || a.family === family);
    } catch (err) {
      if ((err as ErrorLike).code === PortholeCode.resolveTimeout) {
        return failed(makeOutcome('dns-unavailable', PortholeCode.resolveTimeout, { label: `Name lookup timed out after ${formatSeconds(opts.connectTimeoutMs)}` }));
      }
      let outcome = classifyError(err as ErrorLike, 'resolve');
      // Asked for one family, getaddrinfo says "no such name" when the name has only the other.
      if (family !== 0 && outcome.kind === 'dns-not-found') outcome = (await otherFamily(bounded, opts.host, family)) ?? outcome;
      return failed(outcome);
    }
    if (addresses.length === 0) return failed((await otherFamily(bounded, opts.host, family as Family)) ?? noAddressOf(opts.host, family as Family, []));
    return { ok: true, addresses, resolveMs: clock.now() - t0 };
  } finally {
    // Every way out: a pending deadline would keep the process alive for -w.
    cancelLookupTimer();
  }
}

/** Resolve, then try each address in turn until one connects or a peer answers decisively. */
export async function connect(opts: ConnectOptions): Promise<ConnectResult> {
  const clock = opts.clock ?? realClock;
  const emit = opts.onProgress ?? (() => {});
  const attempts: Attempt[] = [];

  emit({ type: 'resolving', host: opts.host });
  const resolution = await resolveTarget(opts);
  const resolveMs = resolution.resolveMs;
  if (!resolution.ok) return { ok: false, outcome: resolution.outcome, attempts, resolveMs };
  const addresses = resolution.addresses;
  if (opts.signal?.aborted) return { ok: false, outcome: aborted(), attempts, resolveMs };
  emit({ type: 'resolved', addresses, ms: resolveMs });

  let tlsSeen: TlsReport | null = null;
  for (const a of addresses) {
    emit({ type: 'trying', address: a.address, family: a.family, port: opts.port });
    const r = await attempt(a, opts.port, opts, clock);
    if ('connection' in r) {
      attempts.push({ ...a, outcome: makeOutcome('open', PortholeCode.open), ms: r.connection.connectMs });
      emit({ type: 'attempt', attempt: attempts.at(-1)! });
      emit({ type: 'connected', connection: r.connection });
      return { ok: true, connection: r.connection, attempts, resolveMs };
    }
    attempts.push({ ...a, outcome: r.outcome, ms: r.ms });
    emit({ type: 'attempt', attempt: attempts.at(-1)! });
    if (r.tls) tlsSeen = r.tls;
    if (endsAddressWalk(r.outcome)) break;
  }
  const worst = mostTelling(attempts)!;
  return { ok: false, outcome: worst.outcome, attempts, address: worst.address, family: worst.family, resolveMs, ...(tlsSeen ? { tls: tlsSeen } : {}) };
}

/**
 * A connect in progress that someone else may take over: its progress so far is kept and replayed
 * to whoever follows it, so the session can adopt a connect begun while its own code was loading.
 */
export interface PendingConnect {
  readonly result: Promise<ConnectResult>;
  /** Replays the progress so far, then reports it as it comes; one follower at a time. */
  follow(onProgress: (e: ProgressEvent) => void): void;
  abort(): void;
}

export function startConnect(opts: Omit<ConnectOptions, 'signal' | 'onProgress'>): PendingConnect {
  const abort = new AbortController();
  const seen: ProgressEvent[] = [];
  let follower: ((e: ProgressEvent) => void) | null = null;
  const result = connect({
    ...opts,
    signal: abort.signal,
    onProgress: (e) => {
      seen.push(e);
      follower?.(e);
    },
  });
  return {
    result,
    follow(onProgress) {
      follower = onProgress;
      for (const e of seen) onProgress(e);
    },
    abort: () => abort.abort(),
  };
}

/** The name's addresses of the other family, as the outcome of a -4/-6 that finds none; null if none. */
async function otherFamily(resolver: Resolver, host: string, family: Family): Promise<Outcome | null> {
  try {
    const all = await resolver(host, 0);
    const others = all.filter((a) => a.family !== family).map((a) => a.address);
    return others.length ? noAddressOf(host, family, others) : null;
  } catch {
    return null;
  }
}

function noAddressOf(host: string, family: Family, others: string[]): Outcome {
  const other = family === 4 ? 6 : 4;
  const shown = others.slice(0, 3).join(', ') + (others.length > 3 ? ', ...' : '');
  return makeOutcome('dns-not-found', PortholeCode.noAddress, {
    label: `No IPv${family} address`,
    meaning: others.length
      ? `${host} exists but has no IPv${family} address; it has IPv${other} only (${shown}).`
      : `${host} has no IPv${family} address.`,
    next: others.length ? `Leave out -${family} (or use -${other}), or connect to an IPv${family} address.` : OUTCOMES['dns-not-found'].next,
  });
}

type AttemptResult = { connection: Connection } | { outcome: Outcome; ms: number; tls?: TlsReport };

function attempt(a: ResolvedAddress, port: number, opts: ConnectOptions, clock: Clock): Promise<AttemptResult> {
  const signal = opts.signal;
  return new Promise((resolve) => {
    const t0 = clock.now();
    if (signal?.aborted) return resolve({ outcome: aborted(), ms: 0 });
    const dial = opts.dial ?? tcpDial;
    let settled = false;
    const settle = (r: AttemptResult) => {
      if (settled) return;
      settled = true;
      cancelTimer();
      signal?.removeEventListener('abort', onAbort);
      resolve(r);
    };
    const fail = (outcome: Outcome) => {
      cancelDial();
      settle({ outcome, ms: clock.now() - t0 });
    };
    const onAbort = () => fail(aborted());
    // TCP connected and a TLS handshake began: a timeout from then on is the handshake's.
    let handshaking = false;
    const cancelTimer = clock.setTimer(
      () =>
        fail(
          handshaking
            ? handshakeTimeoutOutcome(formatSeconds(opts.connectTimeoutMs))
            : connectTimeoutOutcome(opts.connectTimeoutMs),
        ),
      opts.connectTimeoutMs,
    );
    signal?.addEventListener('abort', onAbort, { once: true });
    const target = {
      host: opts.host,
      address: a.address,
      family: a.family,
      port,
      ...(opts.readBuffers ? { readBuffers: opts.readBuffers } : {}),
      onHandshake: () => (handshaking = true),
    };
    const cancelDial = dial(target, (r) => {
      if ('error' in r) {
        if (!settled) settle({ outcome: classifyError(r.error, 'connect'), ms: clock.now() - t0 });
        return;
      }
      if ('outcome' in r) {
        if (!settled) settle({ outcome: r.outcome, ms: clock.now() - t0, ...(r.tls ? { tls: r.tls } : {}) });
        return;
      }
      // Too late (timed out or cancelled in the same turn): not ours to keep.
      if (settled) return r.transport.destroy();
      const connection = new Connection(r.transport, clock, clock.now() - t0, a);
      if (opts.paused) connection.pauseReading();
      settle({ connection });
    });
  });
}

export type ConnectionEvent =
  /** With readBuffers, `release` is set: the bytes are lent until it is called (once). */
  | { type: 'data'; bytes: Buffer; release?: () => void }
  /** The peer sent FIN: it will send nothing more; our side may still write. */
  | { type: 'peer-eof'; outcome: Outcome }
  /** Writes are queued beyond the kernel's buffer (the peer is not reading) or drained again. */
  | { type: 'backpressure'; stalled: boolean; queued: number }
  /** The socket is gone. `outcome` is null when we closed it and nothing went wrong. */
  | { type: 'closed'; outcome: Outcome | null };

/** Where inbound bytes stop while a transport is swapped (see Connection.holdInbound). */
export interface InboundHold {
  /** The cut was found; false when the connection ended first (nothing to upgrade then). */
  readonly reached: boolean;
  /** Bytes received after the cut and thrown away, so far. */
  readonly discarded: number;
}

/**
 * A live connection: bytes both ways with counters, half-close on purpose, and an ending that
 * tells FIN from RST, before and after the first byte. What carries the bytes is its Transport.
 */
export class Connection {
  readonly address: string;
  readonly family: Family;
  readonly remotePort: number;
  readonly localAddress: string;
  readonly localPort: number;
  /** Time from the SYN to the connect event. */
  readonly connectMs: number;
  readonly connectedAt: number;
  bytesIn = 0;
  bytesOut = 0;
  /** When the first byte arrived, on the injected clock; null before. */
  firstByteAt: number | null = null;
  /** How the connection ended; null while it is open or when we ended it cleanly. */
  ending: Outcome | null = null;
  peerEof = false;
  localEof = false;
  closed = false;
  private listeners = new Set<(e: ConnectionEvent) => void>();
  /** Events emitted while nobody listened, for the first listener. */
  private unheard: ConnectionEvent[] = [];
  private closedByUs = false;
  private transport: Transport;
  /** While a hold is on: where to cut the next chunk (null once it has cut), and how it ends. */
  private hold: { cut: ((bytes: Uint8Array) => number | null) | null; reached: (h: InboundHold) => void } | null = null;
  /** Bytes received past a cut and thrown away, over the connection's life. */
  private discarded = 0;
  /** The consumer paused reading (backpressure of its own): an upgrade must not resume it. */
  private consumerPaused = false;
  private readonly handlers: TransportHandlers;

  constructor(
    transport: Transport,
    private readonly clock: Clock,
    connectMs: number,
    target: ResolvedAddress,
  ) {
    this.transport = transport;
    this.connectMs = connectMs;
    this.connectedAt = clock.now();
    this.address = target.address;
    this.family = target.family;
    this.remotePort = transport.remotePort;
    this.localAddress = transport.localAddress;
    this.localPort = transport.localPort;
    this.handlers = {
      data: (bytes, release) => this.received(bytes, release),
      end: () => {
        this.peerEof = true;
        this.endHold();
        // A TLS alert comes as an error just before the end it causes (a TLS 1.3 server refusing
        // the client certificate): the alert is what ended it.
        this.ending = this.ending?.kind === 'tls-failure' ? this.ending : peerEnded('fin', this.bytesIn);
        this.emit({ type: 'peer-eof', outcome: this.ending });
      },
      drain: () => this.emit({ type: 'backpressure', stalled: false, queued: 0 }),
      error: (err) => {
        const o = classifyError(err, 'session');
        this.ending = o.kind === 'reset-by-peer' ? peerEnded(this.peerEof ? 'rst-after-fin' : 'rst', this.bytesIn) : o;
      },
      close: () => {
        this.closed = true;
        this.endHold();
        this.emit({ type: 'closed', outcome: this.closedByUs && !this.peerEof ? null : this.ending });
      },
    };
    transport.attach(this.handlers);
  }

  /** What carries the bytes now. */
  get kind(): Transport['kind'] {
    return this.transport.kind;
  }

  /** The TLS session's verdict and chain; null over plain TCP. */
  get tls(): TlsReport | null {
    return this.transport.tls;
  }

  private received(bytes: Buffer, release?: () => void): void {
    const hold = this.hold;
    if (!hold) return this.deliver(bytes, release);
    if (hold.cut) {
      const at = hold.cut(bytes);
      if (at === null) return this.deliver(bytes, release);
      const k = Math.max(0, Math.min(bytes.length, at));
      hold.cut = null;
      this.transport.pause();
      this.discard(bytes.length - k);
      if (k > 0) this.deliver(bytes.subarray(0, k), release);
      else release?.();
      hold.reached({ reached: true, discarded: this.discarded });
      return;
    }
    this.discard(bytes.length);
    release?.();
  }

  /** Nothing more will arrive: a hold still looking for its cut will never find it. */
  private endHold(): void {
    const hold = this.hold;
    if (!hold?.cut) return;
    // No upgrade can follow: the hold is over, not at a cut.
    this.hold = null;
    hold.reached({ reached: false, discarded: this.discarded });
  }

  private discard(n: number): void {
    this.discarded += n;
    // They crossed the wire: the counters say so, though nothing shows them.
    this.bytesIn += n;
  }

  private deliver(bytes: Buffer, release?: () => void): void {
    if (this.firstByteAt === null) this.firstByteAt = this.clock.now();
    this.bytesIn += bytes.length;
    this.emit(release ? { type: 'data', bytes, release } : { type: 'data', bytes });
  }

  /**
   * Listens to the connection. What happened before anyone listened (a connect adopted after the
   * peer's FIN or reset, which arrive even while reading is paused) is told to the first listener.
   */
  on(listener: (e: ConnectionEvent) => void): () => void {
    this.listeners.add(listener);
    const unheard = this.unheard;
    this.unheard = [];
    for (const e of unheard) listener(e);
    return () => this.listeners.delete(listener);
  }

  private emit(e: ConnectionEvent): void {
    if (this.listeners.size === 0) {
      this.unheard.push(e);
      return;
    }
    for (const l of this.listeners) l(e);
  }

  /**
   * Write bytes. False: queued behind a full kernel buffer (wait for drain), or, when `closed` or
   * `localEof` is set, not written at all: there is no drain to wait for then.
   */
  write(bytes: Uint8Array): boolean {
    if (this.closed || this.localEof) return false;
    this.bytesOut += bytes.length;
    const ok = this.transport.write(bytes);
    if (!ok) this.emit({ type: 'backpressure', stalled: true, queued: this.transport.writableLength });
    return ok;
  }

  /** Bytes accepted by write() that the kernel has not taken yet. */
  get queued(): number {
    return this.transport.writableLength;
  }

  /** Stop taking bytes from the kernel for a while (the peer's sending then backs up). */
  pauseReading(): void {
    this.consumerPaused = true;
    this.transport.pause();
  }

  resumeReading(): void {
    this.consumerPaused = false;
    // Past a cut, reading stays stopped until the upgrade.
    if (!this.closed && !(this.hold && this.hold.cut === null)) this.transport.resume();
  }

  /**
   * Stops the inbound flow at a known point, for an upgrade in place (STARTTLS): `cut` sees each
   * chunk before it is delivered and returns the offset to stop at (bytes before it are delivered),
   * or null to deliver the chunk and look at the next. From the cut on nothing is delivered until
   * upgrade(): bytes after it in that chunk, and any that arrive later, are discarded and counted,
   * so plaintext injected after the go-ahead never reaches the screen or a protocol reader.
   */
  holdInbound(cut: (bytes: Uint8Array) => number | null): Promise<InboundHold> {
    if (this.hold) throw new Error('holdInbound: a hold is already on');
    // After the peer's FIN nothing more arrives: no cut can come.
    if (this.closed || this.peerEof) return Promise.resolve({ reached: false, discarded: this.discarded });
    return new Promise((reached) => {
      this.hold = { cut, reached };
    });
  }

  /** Ends a hold that has not cut yet (the server refused the upgrade): bytes flow as before. */
  releaseHold(): void {
    const hold = this.hold;
    if (!hold?.cut) return;
    this.hold = null;
    hold.reached({ reached: false, discarded: this.discarded });
  }

  /**
   * Cuts the inbound flow here and now, for an upgrade without a go-ahead to wait for (the user
   * typed STARTTLS by hand and saw the server's 220): nothing more is delivered until upgrade().
   */
  holdNow(): InboundHold {
    if (this.hold) throw new Error('holdNow: a hold is already on');
    this.hold = { cut: null, reached: () => {} };
    this.transport.pause();
    return { reached: true, discarded: this.discarded };
  }

  /** Bytes thrown away past cuts, so far. */
  get discardedInbound(): number {
    return this.discarded;
  }

  /**
   * Swaps the transport under this connection, once holdInbound() reached its cut: the old
   * transport stops reporting, `next` gets it (to take its socket) and returns the new one.
   * Counters, listeners and the FIN/RST logic carry on; reading resumes on the new transport
   * unless the consumer has it paused.
   */
  async upgrade(next: (old: Transport) => Transport | Promise<Transport>): Promise<void> {
    if (this.closed || !this.hold || this.hold.cut !== null) throw new Error('upgrade: the inbound flow is not held at a cut');
    const old = this.transport;
    old.detach();
    let t: Transport;
    try {
      t = await next(old);
    } catch (err) {
      // No new transport: the old one reports again, and goes, so the ending is said as ever
      // (and a late reset of its socket is heard, not an uncaught error). An upgrade that failed
      // with an outcome (a refused certificate) ends the connection with it, not as closed by us.
      this.hold = null;
      old.attach(this.handlers);
      const outcome = (err as { outcome?: Outcome }).outcome;
      if (outcome) {
        this.ending = outcome;
        this.transport.destroy();
      } else {
        this.close();
      }
      throw err;
    }
    this.transport = t;
    this.hold = null;
    // What the old stream had buffered past the cut, taken and dropped as the socket changed hands.
    this.discard(t.discardedAtUpgrade ?? 0);
    t.attach(this.handlers);
    if (!this.consumerPaused) t.resume();
  }

  /** Half-close: send FIN, keep reading until the peer closes (telnet's `send eof`, nc -N). */
  sendEof(): void {
    if (this.localEof || this.closed) return;
    this.localEof = true;
    this.transport.end();
  }

  /** Close our side for good; queued bytes are dropped. */
  close(): void {
    this.closedByUs = true;
    this.transport.destroy();
  }

  /** Milliseconds since connect, on the injected clock. */
  elapsed(): number {
    return this.clock.now() - this.connectedAt;
  }
}
