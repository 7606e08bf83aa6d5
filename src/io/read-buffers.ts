// Reused read buffers for a bulk receive: each read lands in a buffer of a fixed set, lent to the
// consumer until it releases it. Node's default reads into a fresh 64 KiB buffer each time, and
// at hundreds of MB/s that is ~150k page faults and 80 MB of garbage per GiB received.

import type { OnReadOpts } from 'node:net';

export interface ReadBufferOptions {
  /** Buffers kept for reuse; reading into a fresh one when all are lent never overwrites lent bytes. */
  count: number;
  /** Bytes per buffer: the most one read can take from the kernel. */
  size: number;
}

/** Where a read's bytes go; they stay valid until release() is called, once. */
export type LentBytes = (bytes: Buffer, release: () => void) => void;

export class ReadBuffers {
  private readonly free: Buffer[] = [];
  /** Set by the Connection once the socket is connected; no read happens before. */
  deliver: LentBytes = (_bytes, release) => release();

  constructor(private readonly opts: ReadBufferOptions) {
    for (let i = 0; i < opts.count; i++) this.free.push(Buffer.allocUnsafeSlow(opts.size));
  }

  /** net.connect's `onread`: Node asks for the next buffer after each read. */
  readonly onread: OnReadOpts = {
    buffer: () => this.free.pop() ?? Buffer.allocUnsafeSlow(this.opts.size),
    callback: (n, buf) => {
      const b = buf as Buffer;
      let released = false;
      this.deliver(b.subarray(0, n), () => {
        // Twice would put one buffer in the free list twice: two reads into the same memory.
        if (released) return;
        released = true;
        if (this.free.length < this.opts.count) this.free.push(b);
      });
      return true;
    },
  };
}
