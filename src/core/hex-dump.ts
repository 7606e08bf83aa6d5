// The hex view for binary services: `hexdump -C` style rows, and a bounded ring of the recent bytes
// whose offsets stay true (counted from the connection's first byte) after old bytes are dropped.

export const DEFAULT_BYTES_PER_LINE = 16;
/** Bytes kept for the hex view by default: 1 MiB, 65,536 rows of 16. */
export const DEFAULT_HEX_MAX_BYTES = 1024 * 1024;

const HEX = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));
/** The printable column shows only printable ASCII, so it can never carry a control to the terminal. */
const PRINTABLE = Array.from({ length: 256 }, (_, b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.'));

/**
 * One `hexdump -C` row of `bytes[from..to)` (at most `bytesPerLine` of them) at stream offset `offset`;
 * a short row pads its hex column so the text column lines up with full rows.
 */
export function hexDumpRow(bytes: Uint8Array, from: number, to: number, offset: number, bytesPerLine = DEFAULT_BYTES_PER_LINE): string {
  let hex = '';
  let text = '';
  for (let j = 0; j < bytesPerLine; j += 1) {
    // An extra space between groups of 8, as hexdump -C does; missing bytes pad so the text column lines up.
    if (j > 0) hex += j % 8 === 0 ? '  ' : ' ';
    const at = from + j;
    if (at < to) {
      const b = bytes[at]!;
      hex += HEX[b];
      text += PRINTABLE[b];
    } else {
      hex += '  ';
    }
  }
  return `${offset.toString(16).padStart(8, '0')}  ${hex}  |${text}|`;
}

/**
 * `bytes` as hex dump rows, the first at `startOffset` (the offset of `bytes[0]` in the stream):
 * `00000000  48 65 6c 6c 6f 20 77 6f  72 6c 64 0a              |Hello world.|`
 * Offsets have 8 hex digits, more once the stream passes 4 GiB. No closing offset-only row.
 */
export function hexDumpLines(bytes: Uint8Array, startOffset: number, bytesPerLine = DEFAULT_BYTES_PER_LINE): string[] {
  const perLine = Math.max(1, Math.floor(bytesPerLine));
  const rows: string[] = [];
  for (let from = 0; from < bytes.length; from += perLine) {
    rows.push(hexDumpRow(bytes, from, Math.min(from + perLine, bytes.length), startOffset + from, perLine));
  }
  return rows;
}

export interface ByteRingOptions {
  /** Most bytes kept (rounded down to whole rows); the oldest rows go first. Default 1 MiB. */
  maxBytes?: number;
  /** Row length of the view; eviction drops whole rows so rows keep their offsets. Default 16. */
  bytesPerLine?: number;
}

/**
 * Recent bytes of the stream for the hex view. Eviction drops whole rows, so `firstOffset` is always a
 * multiple of `bytesPerLine`, row r always covers offsets r*bytesPerLine.. and a row on screen does not
 * shift as old bytes go.
 *
 *        0                                              capacity = maxBytes
 *        +-----------------+----------------+-----------------+
 *        | newest bytes -> |     (free)     | oldest bytes -> |
 *        +-----------------+----------------+-----------------+
 *                          ^ tail            ^ head: offset firstOffset
 *
 *   byte at stream offset o (firstOffset <= o < endOffset) is at (head + o - firstOffset) % capacity
 *   append n bytes: O(n), copying in at most two pieces; a chunk larger than the ring keeps its tail.
 */
export class ByteRing {
  readonly bytesPerLine: number;
  readonly capacity: number;
  private readonly buffer: Uint8Array;
  private head = 0;
  private size = 0;
  private first = 0;
  private changes = 0;

  constructor(options: ByteRingOptions = {}) {
    this.bytesPerLine = Math.max(1, Math.floor(options.bytesPerLine ?? DEFAULT_BYTES_PER_LINE));
    const wanted = Math.floor(options.maxBytes ?? DEFAULT_HEX_MAX_BYTES);
    this.capacity = Math.max(this.bytesPerLine, wanted - (wanted % this.bytesPerLine));
    this.buffer = new Uint8Array(this.capacity);
  }

  /** Stream offset of the oldest byte kept. */
  get firstOffset(): number {
    return this.first;
  }

  /** Stream offset just after the newest byte: the total bytes ever appended. */
  get endOffset(): number {
    return this.first + this.size;
  }

  get length(): number {
    return this.size;
  }

  /** Absolute row number of the oldest row kept. */
  get firstRow(): number {
    return this.first / this.bytesPerLine;
  }

  /** Absolute row number after the newest row (the newest row may be partial). */
  get endRow(): number {
    return Math.ceil(this.endOffset / this.bytesPerLine);
  }

  /** Bumped by every append, for a view to tell whether to redraw. */
  get version(): number {
    return this.changes;
  }

  append(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    this.changes += 1;
    const end = this.endOffset + chunk.length;
    const overflow = end - this.capacity;
    const newFirst = Math.max(this.first, Math.ceil(overflow / this.bytesPerLine) * this.bytesPerLine);
    const drop = newFirst - this.first;
    const dropOld = Math.min(drop, this.size);
    this.head = (this.head + dropOld) % this.capacity;
    this.size -= dropOld;
    this.first = newFirst;
    const data = chunk.subarray(drop - dropOld);
    const tail = (this.head + this.size) % this.capacity;
    const firstPiece = Math.min(data.length, this.capacity - tail);
    this.buffer.set(data.subarray(0, firstPiece), tail);
    this.buffer.set(data.subarray(firstPiece), 0);
    this.size += data.length;
  }

  /** A copy of the bytes at stream offsets [from, to), clamped to what is kept. */
  read(from: number, to: number): Uint8Array {
    const start = Math.max(from, this.first);
    const stop = Math.min(to, this.endOffset);
    if (stop <= start) return new Uint8Array(0);
    const out = new Uint8Array(stop - start);
    const at = (this.head + start - this.first) % this.capacity;
    const firstPiece = Math.min(out.length, this.capacity - at);
    out.set(this.buffer.subarray(at, at + firstPiece), 0);
    out.set(this.buffer.subarray(0, out.length - firstPiece), firstPiece);
    return out;
  }

  /**
   * Hex dump rows for absolute rows startRow..startRow+count-1, clamped to the rows kept; a view
   * holding a row number keeps pointing at the same bytes while older rows are evicted.
   */
  rows(startRow: number, count: number): string[] {
    const start = Math.floor(startRow);
    const from = Math.max(start, this.firstRow);
    const to = Math.min(start + Math.max(0, Math.floor(count)), this.endRow);
    if (to <= from) return [];
    const offset = from * this.bytesPerLine;
    return hexDumpLines(this.read(offset, to * this.bytesPerLine), offset, this.bytesPerLine);
  }

  /** The last `count` rows kept: what a hex view following the tail shows. */
  tailRows(count: number): string[] {
    return this.rows(Math.max(this.firstRow, this.endRow - count), count);
  }
}
