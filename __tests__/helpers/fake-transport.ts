// A transport with no socket under it: the test plays the peer (sends, FIN, RST, stops reading) and
// reads what porthole wrote. With it the real Connection, pipeline and controller run without a
// network and without sleeping.
import type { ErrorLike } from '../../src/core/outcome.js';
import type { Resolver } from '../../src/io/resolver.js';
import type { Dial, DialTarget, Transport, TransportHandlers } from '../../src/io/transport.js';

export class FakeTransport implements Transport {
  readonly kind = 'tcp' as const;
  readonly tls = null;
  readonly localAddress = '127.0.0.1';
  readonly localPort = 40000;
  remotePort = 0;
  /** Every write, in order, as porthole made it. */
  readonly writes: Buffer[] = [];
  ended = false;
  destroyed = false;
  paused = false;
  /** The peer does not read: writes queue up and return false. */
  stalled = false;
  private queuedBytes = 0;
  private handlers: TransportHandlers | null = null;

  attach(h: TransportHandlers): void {
    this.handlers = h;
  }

  detach(): void {
    this.handlers = null;
  }

  write(bytes: Uint8Array): boolean {
    this.writes.push(Buffer.from(bytes));
    if (this.stalled) {
      this.queuedBytes += bytes.length;
      return false;
    }
    return true;
  }

  get writableLength(): number {
    return this.queuedBytes;
  }

  end(): void {
    this.ended = true;
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.handlers?.close();
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
  }

  // --- the peer's side ---

  /** What porthole has written so far, as text. */
  sent(encoding: BufferEncoding = 'latin1'): string {
    return Buffer.concat(this.writes).toString(encoding);
  }

  send(data: string | Uint8Array): void {
    this.handlers!.data(typeof data === 'string' ? Buffer.from(data, 'latin1') : Buffer.from(data));
  }

  fin(): void {
    this.handlers!.end();
  }

  reset(): void {
    const err: ErrorLike = { code: 'ECONNRESET', syscall: 'read' };
    this.handlers!.error(err);
    this.destroyed = true;
    this.handlers!.close();
  }

  /** The peer reads again: what was queued is taken. */
  drain(): void {
    this.stalled = false;
    this.queuedBytes = 0;
    this.handlers!.drain();
  }
}

export type DialScript = (target: DialTarget) => FakeTransport | ErrorLike | 'hang';

/**
 * A dial that answers as the script says: a transport (connected), an error (refused...), or
 * 'hang' (nothing answers: the connect timer decides). Answers come a microtask later, as a real
 * connect's do; `dials` lists every attempt.
 */
export function fakeDial(script: DialScript): Dial & { dials: DialTarget[]; cancelled: number } {
  const dials: DialTarget[] = [];
  const dial = Object.assign(
    (target: DialTarget, done: Parameters<Dial>[1]) => {
      dials.push(target);
      let cancelled = false;
      const answer = script(target);
      if (answer !== 'hang') {
        queueMicrotask(() => {
          if (cancelled) return;
          if (answer instanceof FakeTransport) {
            answer.remotePort = target.port;
            done({ transport: answer });
          } else done({ error: answer });
        });
      }
      return () => {
        cancelled = true;
        dial.cancelled += 1;
      };
    },
    { dials, cancelled: 0 },
  );
  return dial;
}

/** A resolver that knows one answer for every name, at once. */
export const resolveTo =
  (...addresses: string[]): Resolver =>
  async () =>
    addresses.map((address) => ({ address, family: address.includes(':') ? (6 as const) : (4 as const) }));

/** Let promises and microtasks settle (the dial's answer, connect()'s awaits). */
export async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}
