// The random-byte flood: what a binary service (an image, a compressed stream, TLS to a plaintext
// client) looks like to a terminal client, as fast as it takes it, for exactly N bytes. It ends with
// the text flood's last line, so a benchmark sees the end on screen as it does for the text flood.

import type { Socket } from 'node:net';
import { FLOOD_LINE_BYTES, floodLine } from './flood.js';

/** Bytes per write; the pool is served from in place, so a write copies nothing. */
const CHUNK_BYTES = 512 * 1024;
/** Distinct random bytes before they repeat: more than any client keeps of a flood's text. */
const POOL_BYTES = 16 * CHUNK_BYTES;
/** Chunks handed to the socket and not yet written to the kernel, as in the text flood. */
const MAX_IN_FLIGHT = 3;
/** A fixed seed: every run, and every client, gets the same bytes, so figures compare. */
const SEED = 0x9e3779b9;

let pool: Buffer | undefined;

/**
 * `length` bytes of xorshift32 from `seed`. Not for secrets: a flood needs bytes with no structure,
 * made at hundreds of MB/s, the same each run (crypto's bytes would differ from run to run).
 */
export function randomBytes(length: number, seed = SEED): Buffer {
  const words = new Uint32Array(Math.ceil(length / 4));
  let x = seed >>> 0 || 1;
  for (let i = 0; i < words.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    words[i] = x >>> 0;
  }
  return Buffer.from(words.buffer, 0, length);
}

function randomPool(): Buffer {
  pool ??= randomBytes(POOL_BYTES);
  return pool;
}

/**
 * Exactly `totalBytes`: random bytes (an LF about every 256, every C0 and C1 control, bad UTF-8,
 * some valid multi-byte characters), the last of them an LF, then the text flood's last line (its
 * number `ceil(totalBytes / 64) - 1`, as the text flood of that size ends with). Then the end.
 */
export function randomFloodPlan(totalBytes: number): { randomBytes: number; trailer: Buffer } {
  const last = Math.max(0, Math.ceil(totalBytes / FLOOD_LINE_BYTES) - 1);
  const random = Math.max(0, totalBytes - FLOOD_LINE_BYTES);
  return { randomBytes: random, trailer: floodLine(last).subarray(0, totalBytes - random) };
}

export function serveRandomFlood(socket: Socket, totalBytes: number): void {
  const { randomBytes: random, trailer } = randomFloodPlan(totalBytes);
  const bytes = randomPool();
  let sent = 0;
  let inFlight = 0;
  let done = false;

  const pump = (): void => {
    while (inFlight < MAX_IN_FLIGHT && !done && !socket.destroyed) {
      let piece: Buffer;
      if (sent < random) {
        const at = sent % POOL_BYTES;
        const n = Math.min(CHUNK_BYTES, POOL_BYTES - at, random - sent);
        piece = bytes.subarray(at, at + n);
        if (sent + n === random) {
          // The pool is shared by every connection: the closing LF goes in a copy.
          piece = Buffer.from(piece);
          piece[n - 1] = 0x0a;
        }
        sent += n;
      } else {
        piece = trailer;
        done = true;
      }
      inFlight++;
      socket.write(piece, () => {
        inFlight--;
        pump();
      });
      if (done) socket.end();
    }
  };

  socket.resume(); // whatever the client sends is dropped
  if (totalBytes <= 0) socket.end();
  else pump();
}
