// The connection engine: resolve every address, try each in turn with our own connect timer (the
// kernel's is ~134 s), report each attempt, then hand over a Connection that counts bytes and says
// precisely how it ended. Classification itself is pure and lives in core/outcome.

import net from 'node:net';
import type { Clock } from '../core/clock.js';
import {
  classifyError,
  makeOutcome,
  mostTelling,
  peerEnded,
  PortholeCode,
  type Attempt,
  type ErrorLike,
  type Outcome,
} from '../core/outcome.js';
import { realClock } from './clock.js';
import { ReadBuffers, type ReadBufferOptions } from './read-buffers.js';
import { systemResolver, type Family, type ResolvedAddress, type Resolver } from './resolver.js';

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
    };

const aborted = (): Outcome =>
  makeOutcome('local-error', 'ABORT_ERR', { label: 'Cancelled', meaning: 'The connection attempt was cancelled.' });

/** Resolve, then try each address in turn until one connects or a peer answers decisively. */
export async function connect(opts: ConnectOptions): Promise<ConnectResult> {
  const clock = opts.clock ?? realClock;
  const resolver = opts.resolver ?? systemResolver;
  const family = opts.family ?? 0;
  const emit = opts.onProgress ?? (() => {});
  const attempts: Attempt[] = [];

  emit({ type: 'resolving', host: opts.host });
  const t0 = clock.now();
  let addresses: ResolvedAddress[];
  try {
    addresses = (await resolver(opts.host, family)).filter((a) => family === 0 || a.family === family);
  } catch (err) {
    return { ok: false, outcome: classifyError(err as ErrorLike, 'resolve'), attempts, resolveMs: clock.now() - t0 };
  }
  const resolveMs = clock.now() - t0;
  if (opts.signal?.aborted) return { ok: false, outcome: aborted(), attempts, resolveMs };
  if (addresses.length === 0) {
    const outcome = makeOutcome('dns-not-found', PortholeCode.noAddress, {
      label: `No IPv${family} address`,
      meaning: `${opts.host} has no IPv${family} address.`,
    });
    return { ok: false, outcome, attempts, resolveMs };
  }
  emit({ type: 'resolved', addresses, ms: resolveMs });

  for (const a of addresses) {
    emit({ type: 'trying', address: a.address, family: a.family, port: opts.port });
    const r = await attempt(a, opts.port, opts.connectTimeoutMs, clock, opts.signal, opts.readBuffers);
    if ('connection' in r) {
      attempts.push({ ...a, outcome: makeOutcome('open', PortholeCode.open), ms: r.connection.connectMs });
      emit({ type: 'attempt', attempt: attempts.at(-1)! });
      emit({ type: 'connected', connection: r.connection });
      return { ok: true, connection: r.connection, attempts, resolveMs };
    }
    attempts.push({ ...a, outcome: r.outcome, ms: r.ms });
    emit({ type: 'attempt', attempt: attempts.at(-1)! });
    // A reset means a host took the connection and threw it away: the service has spoken, so
    // another address of the same name would only hide its answer.
    if (r.outcome.kind === 'reset-by-peer' || r.outcome.code === 'ABORT_ERR') break;
  }
  const worst = mostTelling(attempts)!;
  return { ok: false, outcome: worst.outcome, attempts, address: worst.address, family: worst.family, resolveMs };
}

type AttemptResult = { connection: Connection } | { outcome: Outcome; ms: number };

function attempt(
  a: ResolvedAddress,
  port: number,
  timeoutMs: number,
  clock: Clock,
  signal: AbortSignal | undefined,
  readBuffers: ReadBufferOptions | undefined,
): Promise<AttemptResult> {
  return new Promise((resolve) => {
    const t0 = clock.now();
    if (signal?.aborted) return resolve({ outcome: aborted(), ms: 0 });
    const reads = readBuffers ? new ReadBuffers(readBuffers) : null;
    const socket = net.connect({
      host: a.address,
      port,
      family: a.family,
      // We try addresses one by one ourselves, telnet-style, so each gets its own verdict.
      autoSelectFamily: false,
      // A peer's FIN must not close our side: half-close is part of what we show.
      allowHalfOpen: true,
      noDelay: true,
      ...(reads ? { onread: reads.onread } : {}),
    });
    const settle = (r: AttemptResult) => {
      cancelTimer();
      signal?.removeEventListener('abort', onAbort);
      socket.removeListener('error', onError);
      socket.removeListener('connect', onConnect);
      resolve(r);
    };
    const fail = (outcome: Outcome) => {
      socket.destroy();
      settle({ outcome, ms: clock.now() - t0 });
    };
    const onError = (err: ErrorLike) => fail(classifyError(err, 'connect'));
    const onConnect = () => settle({ connection: new Connection(socket, clock, clock.now() - t0, a, reads) });
    const onAbort = () => fail(aborted());
    const cancelTimer = clock.setTimer(
      () =>
        fail(
          makeOutcome('timeout', PortholeCode.connectTimeout, {
            label: `Timed out after ${formatSeconds(timeoutMs)} (filtered?)`,
          }),
        ),
      timeoutMs,
    );
    socket.once('connect', onConnect);
    socket.once('error', onError);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function formatSeconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
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

/**
 * A live TCP connection: bytes both ways with counters, half-close on purpose, and an ending
 * that tells FIN from RST, before and after the first byte.
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
  private closedByUs = false;

  constructor(
    readonly socket: net.Socket,
    private readonly clock: Clock,
    connectMs: number,
    target: ResolvedAddress,
    reads: ReadBuffers | null = null,
  ) {
    this.connectMs = connectMs;
    this.connectedAt = clock.now();
    this.address = target.address;
    this.family = target.family;
    this.remotePort = socket.remotePort ?? 0;
    this.localAddress = socket.localAddress ?? '';
    this.localPort = socket.localPort ?? 0;
    const received = (bytes: Buffer, release?: () => void) => {
      if (this.firstByteAt === null) this.firstByteAt = this.clock.now();
      this.bytesIn += bytes.length;
      this.emit(release ? { type: 'data', bytes, release } : { type: 'data', bytes });
    };
    if (reads) reads.deliver = received;
    else socket.on('data', received);
    socket.on('end', () => {
      this.peerEof = true;
      this.ending = peerEnded('fin', this.bytesIn);
      this.emit({ type: 'peer-eof', outcome: this.ending });
    });
    socket.on('drain', () => this.emit({ type: 'backpressure', stalled: false, queued: 0 }));
    socket.on('error', (err: ErrorLike) => {
      const o = classifyError(err, 'session');
      this.ending = o.kind === 'reset-by-peer' ? peerEnded('rst', this.bytesIn) : o;
    });
    socket.on('close', () => {
      this.closed = true;
      this.emit({ type: 'closed', outcome: this.closedByUs && !this.peerEof ? null : this.ending });
    });
  }

  on(listener: (e: ConnectionEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(e: ConnectionEvent): void {
    for (const l of this.listeners) l(e);
  }

  /** Write bytes; false means they are queued behind a full kernel buffer (wait for drain). */
  write(bytes: Uint8Array): boolean {
    if (this.closed || this.localEof) return false;
    this.bytesOut += bytes.length;
    const ok = this.socket.write(bytes);
    if (!ok) this.emit({ type: 'backpressure', stalled: true, queued: this.socket.writableLength });
    return ok;
  }

  /** Bytes accepted by write() that the kernel has not taken yet. */
  get queued(): number {
    return this.socket.writableLength;
  }

  /** Stop taking bytes from the kernel for a while (the peer's sending then backs up). */
  pauseReading(): void {
    this.socket.pause();
  }

  resumeReading(): void {
    if (!this.closed) this.socket.resume();
  }

  /** Half-close: send FIN, keep reading until the peer closes (telnet's `send eof`, nc -N). */
  sendEof(): void {
    if (this.localEof || this.closed) return;
    this.localEof = true;
    this.socket.end();
  }

  /** Close our side for good; queued bytes are dropped. */
  close(): void {
    this.closedByUs = true;
    this.socket.destroy();
  }

  /** Milliseconds since connect, on the injected clock. */
  elapsed(): number {
    return this.clock.now() - this.connectedAt;
  }
}
