// The flood scenario: numbered text lines as fast as the client takes them, for exactly N bytes,
// cheap enough to generate that the lab is never the bottleneck of a client benchmark.

import type { Socket } from 'node:net';

/**
 * Every line is 64 bytes: a 12-digit zero-based line number, a space, text, LF.
 *
 *   000000000000 porthole lab flood ...\n
 *   ^^^^^^^^----  8 high digits: the chunk number, the same on every line of a chunk
 *           ^^^^  4 low digits: the line within its chunk of 10 000, the same in every chunk
 *
 * So a chunk is a template with the high digits patched, one aligned 8-byte store per line.
 */
export const FLOOD_LINE_BYTES = 64;
const LINES_PER_CHUNK = 10_000;
const CHUNK_BYTES = FLOOD_LINE_BYTES * LINES_PER_CHUNK;
const HIGH_DIGITS = 8;
/** Chunks handed to the socket and not yet written to the kernel; bounds memory per client. */
const MAX_IN_FLIGHT = 3;

const FILLER = ' porthole lab flood: the quick brown fox jumps over the lazy dog again and again';

let template: Buffer | undefined;

function chunkTemplate(): Buffer {
  if (template) return template;
  const textBytes = FLOOD_LINE_BYTES - HIGH_DIGITS - 4 - 1;
  const lines: string[] = [];
  for (let i = 0; i < LINES_PER_CHUNK; i++) {
    lines.push(`${'0'.repeat(HIGH_DIGITS)}${String(i).padStart(4, '0')}${FILLER.slice(0, textBytes)}\n`);
  }
  template = Buffer.from(lines.join(''), 'latin1');
  return template;
}

/** The 8 ASCII digits of `chunk` as the float whose bytes they are (never a NaN: 0x3X top byte). */
function highDigitsAsFloat(chunk: number): number {
  const cell = new Float64Array(1);
  new Uint8Array(cell.buffer).set(Buffer.from(String(chunk % 10 ** HIGH_DIGITS).padStart(HIGH_DIGITS, '0'), 'latin1'));
  return cell[0]!;
}

function fillChunk(buf: Buffer, chunk: number, fresh: boolean): void {
  if (fresh) chunkTemplate().copy(buf);
  const cells = new Float64Array(buf.buffer, buf.byteOffset, CHUNK_BYTES / 8);
  const value = highDigitsAsFloat(chunk);
  const stride = FLOOD_LINE_BYTES / 8;
  for (let i = 0; i < CHUNK_BYTES / 8; i += stride) cells[i] = value;
}

/** Line `n` of the flood, the slow, obvious way: 64 bytes, LF included. */
export function floodLine(n: number): Buffer {
  const textBytes = FLOOD_LINE_BYTES - HIGH_DIGITS - 4 - 1;
  return Buffer.from(`${String(n).padStart(HIGH_DIGITS + 4, '0')}${FILLER.slice(0, textBytes)}\n`, 'latin1');
}

/** The first `bytes` bytes of the flood, built the slow, obvious way; tests compare against it. */
export function floodPrefix(bytes: number): Buffer {
  const lines: Buffer[] = [];
  for (let n = 0; n * FLOOD_LINE_BYTES < bytes; n++) lines.push(floodLine(n));
  return Buffer.concat(lines).subarray(0, bytes);
}

export function serveFlood(socket: Socket, totalBytes: number): void {
  let sent = 0;
  let chunk = 0;
  let inFlight = 0;
  // Buffers come back once the kernel has copied them, and are refilled in place.
  const spare: Buffer[] = [];

  const pump = (): void => {
    while (inFlight < MAX_IN_FLIGHT && sent < totalBytes && !socket.destroyed) {
      const reused = spare.pop();
      // allocUnsafeSlow: an ArrayBuffer of its own, so the Float64Array view is 8-byte aligned.
      const buf = reused ?? Buffer.allocUnsafeSlow(CHUNK_BYTES);
      fillChunk(buf, chunk++, reused === undefined);
      const n = Math.min(CHUNK_BYTES, totalBytes - sent);
      sent += n;
      inFlight++;
      socket.write(n === CHUNK_BYTES ? buf : buf.subarray(0, n), (err) => {
        inFlight--;
        if (err) return;
        spare.push(buf);
        pump();
      });
      if (sent >= totalBytes) socket.end();
    }
  };

  socket.resume(); // whatever the client sends is dropped
  if (totalBytes <= 0) socket.end();
  else pump();
}
