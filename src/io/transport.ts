// The seam under a connection: a byte stream both ways with FIN, RST and backpressure, whatever
// carries it. TCP today; TLS (and TLS upgraded in place, for STARTTLS) later, on the same seam.
// A Connection holds exactly one Transport at a time and never sees a socket.

import net from 'node:net';
import type { ErrorLike, Outcome } from '../core/outcome.js';
import type { TlsReport } from '../core/tls.js';
import type { Family } from './resolver.js';
import { ReadBuffers, type ReadBufferOptions } from './read-buffers.js';

/** What a transport reports; set once by the connection that owns it. */
export interface TransportHandlers {
  /** Bytes from the peer. With `release`, they are lent until it is called (once). */
  data(bytes: Buffer, release?: () => void): void;
  /** The peer sent FIN: nothing more will arrive; we may still write. */
  end(): void;
  /** Writes queued past the kernel's buffer have been taken. */
  drain(): void;
  error(err: ErrorLike): void;
  /** The stream is gone; after this nothing is reported. */
  close(): void;
}

export interface Transport {
  /** What carries the bytes, for the status bar and the transcript's marks. */
  readonly kind: 'tcp' | 'tls';
  /** The TLS session's verdict and chain, for a TLS transport; null for TCP. */
  readonly tls: TlsReport | null;
  /** Made by an upgrade in place: bytes the old stream held past the cut, dropped unread. */
  readonly discardedAtUpgrade?: number;
  readonly localAddress: string;
  readonly localPort: number;
  readonly remotePort: number;
  /** Starts reporting to `handlers`; nothing is read before. */
  attach(handlers: TransportHandlers): void;
  /** Stops reporting (for an upgrade in place); the stream stays open for the next transport. */
  detach(): void;
  /** False: queued behind a full kernel buffer; wait for drain. */
  write(bytes: Uint8Array): boolean;
  /** Bytes accepted by write() that the peer has not taken yet. */
  readonly writableLength: number;
  /** Half-close: send FIN, keep reading. */
  end(): void;
  /** Close at once; queued bytes are dropped. */
  destroy(): void;
  /** Stop taking bytes from the kernel (the peer's sending then backs up), and start again. */
  pause(): void;
  resume(): void;
}

export interface DialTarget {
  /** The name asked for (SNI and the certificate's check need it); the address when none. */
  host?: string;
  address: string;
  family: Family;
  port: number;
  /** Read into reused buffers (pipe mode's bulk receive); see ReadBufferOptions. */
  readBuffers?: ReadBufferOptions;
  /** TCP is up and the handshake began: a timeout from here on is the handshake's. */
  onHandshake?: () => void;
}

/**
 * The transport, or why there is none: a system error to classify, or an outcome the dial
 * decided itself (a TLS handshake that failed, a certificate refused: `tls` then says what was seen).
 */
export type DialResult = { transport: Transport } | { error: ErrorLike } | { outcome: Outcome; tls?: TlsReport };

/**
 * Opens a transport to one address: `done` is called once, with the transport or with the error
 * that classifies the failure. The function returned cancels an attempt still in progress.
 */
export type Dial = (target: DialTarget, done: (result: DialResult) => void) => () => void;

/** TCP: the default dial. */
export const tcpDial: Dial = (target, done) => {
  const reads = target.readBuffers ? new ReadBuffers(target.readBuffers) : null;
  const socket = net.connect({
    host: target.address,
    port: target.port,
    family: target.family,
    // Addresses are tried one by one by the caller, telnet-style, so each gets its own verdict.
    autoSelectFamily: false,
    // A peer's FIN must not close our side: half-close is part of what we show.
    allowHalfOpen: true,
    noDelay: true,
    ...(reads ? { onread: reads.onread } : {}),
  });
  let settled = false;
  const settle = (r: DialResult) => {
    if (settled) return;
    settled = true;
    socket.removeListener('error', onError);
    socket.removeListener('connect', onConnect);
    done(r);
  };
  const onError = (err: ErrorLike) => {
    socket.destroy();
    settle({ error: err });
  };
  const onConnect = () => settle({ transport: new TcpTransport(socket, reads) });
  socket.once('connect', onConnect);
  socket.once('error', onError);
  return () => {
    if (settled) return;
    settled = true;
    socket.removeListener('error', onError);
    socket.removeListener('connect', onConnect);
    // A late error of the destroyed socket must not become an unhandled one.
    socket.on('error', () => {});
    socket.destroy();
  };
};

/** A connected TCP socket as a Transport (and, as a TLSSocket is one, a TLS one: see io/tls). */
export class TcpTransport implements Transport {
  readonly kind: Transport['kind'] = 'tcp';
  readonly tls: TlsReport | null = null;
  readonly localAddress: string;
  readonly localPort: number;
  readonly remotePort: number;
  private handlers: TransportHandlers | null = null;
  private readonly listeners: [string, (...args: any[]) => void][] = [];

  constructor(
    private readonly socket: net.Socket,
    private readonly reads: ReadBuffers | null = null,
  ) {
    this.localAddress = socket.localAddress ?? '';
    this.localPort = socket.localPort ?? 0;
    this.remotePort = socket.remotePort ?? 0;
  }

  attach(handlers: TransportHandlers): void {
    this.handlers = handlers;
    const on = (event: string, fn: (...args: any[]) => void) => {
      this.socket.on(event, fn);
      this.listeners.push([event, fn]);
    };
    if (this.reads) this.reads.deliver = (bytes, release) => handlers.data(bytes, release);
    else on('data', (bytes: Buffer) => handlers.data(bytes));
    on('end', () => handlers.end());
    on('drain', () => handlers.drain());
    on('error', (err: ErrorLike) => handlers.error(err));
    on('close', () => handlers.close());
  }

  write(bytes: Uint8Array): boolean {
    return this.socket.write(bytes);
  }

  get writableLength(): number {
    return this.socket.writableLength;
  }

  end(): void {
    this.socket.end();
  }

  destroy(): void {
    this.socket.destroy();
  }

  pause(): void {
    this.socket.pause();
  }

  resume(): void {
    this.socket.resume();
  }

  detach(): void {
    this.socket.pause();
    for (const [event, fn] of this.listeners) this.socket.removeListener(event, fn);
    this.listeners.length = 0;
    if (this.reads) this.reads.deliver = (_bytes, release) => release();
    this.handlers = null;
  }

  /**
   * Hands the socket over for an upgrade in place (STARTTLS): this transport stops reporting.
   * `discarded` counts what the socket's stream had already read past the cut and not delivered
   * (a paused socket without `onread` may still have pulled up to its high-water mark from the
   * kernel): bytes that arrived after the go-ahead are not to be trusted (the STARTTLS injection
   * class of bugs). They are taken out of the stream and dropped here, because tls.connect({socket})
   * feeds whatever the stream still holds to OpenSSL. Whatever arrives later goes to the TLS layer,
   * which fails the handshake on plaintext: the server sends nothing of TLS before our hello.
   */
  release(): { socket: net.Socket; discarded: number } {
    this.detach();
    let discarded = 0;
    for (let chunk: Buffer | null; (chunk = this.socket.read() as Buffer | null) !== null; ) discarded += chunk.length;
    return { socket: this.socket, discarded };
  }
}
