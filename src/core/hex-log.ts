// The hex pane's memory: both directions in wire order as `hexdump -C` rows marked with their
// direction, a marker row per connection, offsets per direction and connection, in a bounded store.

import { DEFAULT_BYTES_PER_LINE, DEFAULT_HEX_MAX_BYTES, hexDumpRow } from './hex-dump.js';
import { safe, toVisible, type SafeText } from './sanitize.js';
import type { ScrollAction } from './scrollback.js';

export type HexDirection = 'in' | 'out';
/** What a row shows: bytes received, bytes sent, or the start of a connection. */
export type HexRowKind = HexDirection | 'connection';

/** One row of the hex pane. */
export interface HexRow {
  /** Absolute row number: counted from the store's first row ever, unchanged by eviction. */
  readonly row: number;
  /** So the pane can colour sent rows apart, as it does the scrollback's. */
  readonly kind: HexRowKind;
  /** Printable ASCII only. */
  readonly text: SafeText;
}

export interface HexLogOptions {
  /**
   * Most bytes the store may cost: the bytes kept plus {@link RUN_OVERHEAD_BYTES} per run (a run is
   * one direction's bytes between changes of direction, or one connection marker) plus each marker's
   * label. The oldest rows go first. Default 1 MiB. Raised if needed to {@link MIN_HEX_LOG_BYTES}.
   */
  maxBytes?: number;
  /** Bytes per hex row. Default 16, as `hexdump -C`. */
  bytesPerLine?: number;
}

/**
 * What one run costs besides its bytes: its slot in the run ring (a kind byte, four doubles and a
 * label reference, ~41 bytes) with some slack. Charged so that a flood of 1-byte chunks alternating
 * in and out, a run each, stays as bounded as a flood of full rows.
 */
export const RUN_OVERHEAD_BYTES = 48;
/** Longest connection label kept, in characters after it was made ASCII; longer ones end in "...". */
export const MAX_LABEL_LENGTH = 200;

/**
 * Direction marks. The sense is the transcript's (`<-` received, ` ->` sent), one character wide so
 * that a row of 16 bytes is 80 columns, the width of a classic terminal: `hexdump -C` rows are 78.
 */
const MARKS: Readonly<Record<HexDirection, string>> = { in: '< ', out: '> ' };
const CONNECTION_MARK = '===';

/** Kinds as stored in the run ring. */
const KIND_CODES: Readonly<Record<HexRowKind, number>> = { in: 0, out: 1, connection: 2 };
const KINDS: readonly HexRowKind[] = ['in', 'out', 'connection'];
const CONNECTION = KIND_CODES.connection;

/** Smallest budget: room for a longest marker and for one run's row as it fills (see `append`). */
export const MIN_HEX_LOG_BYTES = 2 * RUN_OVERHEAD_BYTES + MAX_LABEL_LENGTH + 256;

/** U+2400 + c is the Control Picture `toVisible` draws for C0 control c; U+2421 is its DEL. */
const CONTROL_PICTURES = 0x2400;
const DEL_PICTURE = 0x2421;

/**
 * `label` as printable ASCII. `toVisible` first, so it is marked exactly as peer text would be, then
 * the marks it leaves outside ASCII made ASCII too: Control Pictures become caret notation (␛ -> ^[,
 * the way `cat -v` shows controls), any other character `<U+XXXX>`, as `toVisible` names C1 and bidi.
 */
export function asciiLabel(label: string): string {
  // Every character comes out as one or more, so what lies past the cut need not be made visible.
  const visible = toVisible(label.slice(0, MAX_LABEL_LENGTH + 1));
  let out = '';
  for (const ch of visible) {
    const code = ch.codePointAt(0)!;
    if (code >= 0x20 && code < 0x7f) out += ch;
    else if (code >= CONTROL_PICTURES && code < CONTROL_PICTURES + 0x20) out += `^${String.fromCharCode(code - CONTROL_PICTURES + 0x40)}`;
    else if (code === DEL_PICTURE) out += '^?';
    else out += `<U+${code.toString(16).toUpperCase().padStart(4, '0')}>`;
    if (out.length > MAX_LABEL_LENGTH) break;
  }
  return out.length > MAX_LABEL_LENGTH ? `${out.slice(0, MAX_LABEL_LENGTH - 3)}...` : out;
}

const INITIAL_RUN_SLOTS = 64;

/**
 * Two rings. Bytes, both directions interleaved in wire order, at absolute byte numbers (every byte
 * ever appended counts, kept or not); byte b lives at b % capacity:
 *
 *        0                                              capacity = maxBytes
 *        +-----------------+----------------+-----------------+
 *        | newest bytes -> |     (free)     | oldest bytes -> |
 *        +-----------------+----------------+-----------------+
 *                          ^ endByte         ^ firstByte
 *
 * Runs, one slot per run: a direction's bytes until the direction changes, or one connection marker.
 *
 *        slot:   0          1          2          3          4        capacity grows x2 to maxRuns
 *             +----------+----------+----------+----------+----------+
 *             | out run  | in run   |          | mark     | in run   |    count = 4
 *             | row 9    | row 10   |          | row 5    | row 6    |
 *             +----------+----------+----------+----------+----------+
 *                          ^ newest (the tail)   ^ head = oldest
 *
 *   a run holds: kind, first row (absolute), first byte (absolute), length, the offset of its first
 *   byte in its direction's stream; a hex run of length n has ceil(n / bytesPerLine) rows, a marker 1.
 *   row r of the store: binary search for the last run whose first row <= r      O(log runs)
 *   append n bytes: extend the tail run or start one, copy in at most two pieces  O(n)
 *   evict: the head run's first kept row; the run goes with its last row          O(1) a row
 *
 * Eviction takes whole rows from the head, and a run's rows are cut from its own first byte, so a
 * row keeps its bytes and its number until it goes.
 */
export class HexLog {
  readonly bytesPerLine: number;
  /** The budget in bytes (see {@link HexLogOptions.maxBytes}). */
  readonly maxBytes: number;
  private readonly bytes: Uint8Array;
  private readonly scratch: Uint8Array;
  private firstByte = 0;
  private endByte = 0;
  private first = 0;
  private end = 0;
  private charged = 0;
  /** The next byte's offset in each direction's stream of the current connection. */
  private offsets: Record<HexDirection, number> = { in: 0, out: 0 };

  private readonly maxRuns: number;
  private head = 0;
  private count = 0;
  private kind = new Uint8Array(INITIAL_RUN_SLOTS);
  private runRow = new Float64Array(INITIAL_RUN_SLOTS);
  private runByte = new Float64Array(INITIAL_RUN_SLOTS);
  private runLength = new Float64Array(INITIAL_RUN_SLOTS);
  private runOffset = new Float64Array(INITIAL_RUN_SLOTS);
  private labels: (string | undefined)[] = new Array<string | undefined>(INITIAL_RUN_SLOTS);

  constructor(options: HexLogOptions = {}) {
    this.bytesPerLine = Math.max(1, Math.min(256, Math.floor(options.bytesPerLine ?? DEFAULT_BYTES_PER_LINE)));
    this.maxBytes = Math.max(MIN_HEX_LOG_BYTES, Math.floor(options.maxBytes ?? DEFAULT_HEX_MAX_BYTES));
    this.bytes = new Uint8Array(this.maxBytes);
    this.scratch = new Uint8Array(this.bytesPerLine);
    this.maxRuns = Math.ceil(this.maxBytes / RUN_OVERHEAD_BYTES);
  }

  /** Absolute row number of the oldest row kept. */
  get firstRow(): number {
    return this.first;
  }

  /** Absolute row number after the newest row (the newest hex row may be partial and still filling). */
  get endRow(): number {
    return this.end;
  }

  /** Bytes kept, both directions. */
  get byteCount(): number {
    return this.endByte - this.firstByte;
  }

  /** What the store costs against `maxBytes`: bytes, run overheads and labels. */
  get cost(): number {
    return this.charged;
  }


  /**
   * Bytes as they crossed the wire, received ('in') or sent ('out'). A chunk of the direction the
   * last one had continues its run and its last row; a change of direction starts a new row.
   */
  append(direction: HexDirection, chunk: Uint8Array): void {
    const n = chunk.length;
    if (n === 0) return;
    const code = KIND_CODES[direction];
    if (this.count === 0 || this.kind[this.slot(this.count - 1)] !== code) {
      this.makeRoom(RUN_OVERHEAD_BYTES, false);
      this.push(code, this.offsets[direction], undefined);
    }
    const tail = this.slot(this.count - 1);
    this.makeRoom(n, true);
    const length = this.runLength[tail]!;
    let keepFrom = length;
    if (this.charged + n > this.maxBytes) {
      // Larger than the budget: every older row is gone already (makeRoom took them). Keep the run's
      // last rows that fit, cut at the run's own row boundaries, and skip copying the rest.
      const room = this.maxBytes - RUN_OVERHEAD_BYTES;
      const per = this.bytesPerLine;
      keepFrom = Math.ceil((length + n - room) / per) * per;
      this.first = this.runRow[tail]! + keepFrom / per;
      this.firstByte = this.runByte[tail]! + keepFrom;
      this.charged = RUN_OVERHEAD_BYTES;
    }
    const start = this.runByte[tail]! + keepFrom;
    this.write(chunk.subarray(keepFrom - length), start);
    this.runLength[tail] = length + n;
    this.endByte = this.runByte[tail]! + length + n;
    this.charged += this.endByte - start;
    this.end = this.runRow[tail]! + Math.ceil((length + n) / this.bytesPerLine);
    this.offsets[direction] += n;
  }

  /**
   * Marks the start of a connection with a row of its own (`=== label ===`, the label made ASCII);
   * both directions' offsets start again at 0, as `hexdump -C` of the new connection's streams would.
   */
  connection(label: string): void {
    const text = asciiLabel(label);
    this.makeRoom(RUN_OVERHEAD_BYTES + text.length, false);
    this.push(CONNECTION, 0, text);
    this.charged += text.length;
    this.end += 1;
    this.offsets = { in: 0, out: 0 };
  }

  /**
   * Rows startRow..startRow+count-1, clamped to the rows kept. A row number names the same bytes
   * until the row is evicted, so a scrolled-back view stays put as rows arrive and old ones go.
   * Costs O(log runs) to find the first row, then O(count).
   */
  rows(startRow: number, count: number): HexRow[] {
    const start = Math.floor(startRow);
    const from = Math.max(start, this.first);
    const to = Math.min(start + Math.max(0, Math.floor(count)), this.end);
    const out: HexRow[] = [];
    if (to <= from) return out;
    let k = this.runAt(from);
    let slot = this.slot(k);
    for (let r = from; r < to; r += 1) {
      while (r >= this.runEnd(slot)) {
        k += 1;
        slot = this.slot(k);
      }
      out.push(this.row(slot, r));
    }
    return out;
  }

  /** The last `count` rows kept: what a hex view following the tail shows. */
  tailRows(count: number): HexRow[] {
    return this.rows(Math.max(this.first, this.end - count), count);
  }

  /**
   * What a pane of `height` rows shows: the tail while `top` is null, else `height` rows from `top`
   * (a top that was evicted meanwhile clamps to the oldest row, a top past the last page to it).
   */
  view(top: number | null, height: number): HexRow[] {
    const last = Math.max(this.first, this.end - height);
    return this.rows(top === null ? last : Math.min(Math.max(top, this.first), last), height);
  }

  // --- the rings ---

  private slot(k: number): number {
    return (this.head + k) % this.kind.length;
  }

  private runEnd(slot: number): number {
    const rows = this.kind[slot] === CONNECTION ? 1 : Math.ceil(this.runLength[slot]! / this.bytesPerLine);
    return this.runRow[slot]! + rows;
  }

  /** Index (0 = head) of the run holding row r, which must be kept. */
  private runAt(r: number): number {
    let lo = 0;
    let hi = this.count - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.runRow[this.slot(mid)]! <= r) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  private row(slot: number, r: number): HexRow {
    const kind = KINDS[this.kind[slot]!]!;
    if (kind === 'connection') return { row: r, kind, text: safe(`${CONNECTION_MARK} ${this.labels[slot]} ${CONNECTION_MARK}`) };
    const per = this.bytesPerLine;
    const at = (r - this.runRow[slot]!) * per;
    const n = Math.min(per, this.runLength[slot]! - at);
    this.read(this.runByte[slot]! + at, n);
    // safe() of printable ASCII only brands it; the hex row has nothing else.
    return { row: r, kind, text: safe(MARKS[kind] + hexDumpRow(this.scratch, 0, n, this.runOffset[slot]! + at, per)) };
  }

  private write(data: Uint8Array, at: number): void {
    const capacity = this.bytes.length;
    const pos = at % capacity;
    const firstPiece = Math.min(data.length, capacity - pos);
    this.bytes.set(data.subarray(0, firstPiece), pos);
    this.bytes.set(data.subarray(firstPiece), 0);
  }

  /** Copies n kept bytes from absolute byte `at` into the scratch row. */
  private read(at: number, n: number): void {
    const capacity = this.bytes.length;
    const pos = at % capacity;
    const firstPiece = Math.min(n, capacity - pos);
    this.scratch.set(this.bytes.subarray(pos, pos + firstPiece), 0);
    this.scratch.set(this.bytes.subarray(0, n - firstPiece), firstPiece);
  }

  private push(kind: number, offset: number, label: string | undefined): void {
    if (this.count === this.kind.length) this.grow();
    const slot = this.slot(this.count);
    this.kind[slot] = kind;
    this.runRow[slot] = this.end;
    this.runByte[slot] = this.endByte;
    this.runLength[slot] = 0;
    this.runOffset[slot] = offset;
    this.labels[slot] = label;
    this.count += 1;
    this.charged += RUN_OVERHEAD_BYTES;
  }

  private grow(): void {
    // The budget bounds the runs (each costs RUN_OVERHEAD_BYTES), so the ring never outgrows maxRuns.
    const size = Math.max(this.count + 1, Math.min(this.kind.length * 2, this.maxRuns));
    const order = Array.from({ length: this.count }, (_, k) => this.slot(k));
    const copy = <T extends Uint8Array | Float64Array>(from: T, to: T): T => {
      order.forEach((s, k) => (to[k] = from[s]!));
      return to;
    };
    this.kind = copy(this.kind, new Uint8Array(size));
    this.runRow = copy(this.runRow, new Float64Array(size));
    this.runByte = copy(this.runByte, new Float64Array(size));
    this.runLength = copy(this.runLength, new Float64Array(size));
    this.runOffset = copy(this.runOffset, new Float64Array(size));
    const labels = new Array<string | undefined>(size);
    order.forEach((s, k) => (labels[k] = this.labels[s]));
    this.labels = labels;
    this.head = 0;
  }

  /**
   * Evicts the oldest rows until `need` more bytes fit the budget, or nothing more may go. While the
   * tail run is `extending`, its partial last row (the one the new bytes continue) and its slot stay.
   */
  private makeRoom(need: number, extending: boolean): void {
    while (this.charged + need > this.maxBytes) {
      const wanted = Math.ceil((this.charged + need - this.maxBytes) / this.bytesPerLine);
      if (!this.evictFullRows(wanted) && !this.evictRow(extending)) return;
    }
  }

  /**
   * Up to `wanted` of the head run's rows before its last one, in one step: those are always full
   * rows. A flood evicts a chunk's worth of rows per chunk, and one at a time that was 4,096 calls
   * for every 64 KiB. False when the head is a marker or at its last row (evictRow decides those).
   */
  private evictFullRows(wanted: number): boolean {
    if (this.count === 0 || this.first >= this.end) return false;
    const slot = this.head;
    if (this.kind[slot] === CONNECTION) return false;
    const per = this.bytesPerLine;
    const index = this.first - this.runRow[slot]!;
    const lastRow = Math.ceil(this.runLength[slot]! / per) - 1;
    const n = Math.min(wanted, lastRow - index);
    if (n <= 0) return false;
    this.firstByte += n * per;
    this.charged -= n * per;
    this.first += n;
    return true;
  }

  private evictRow(extending: boolean): boolean {
    if (this.count === 0 || this.first >= this.end) return false;
    const slot = this.head;
    const isTail = this.count === 1;
    if (this.kind[slot] === CONNECTION) {
      this.charged -= RUN_OVERHEAD_BYTES + this.labels[slot]!.length;
      this.first += 1;
      this.dropHead();
      return true;
    }
    const per = this.bytesPerLine;
    const length = this.runLength[slot]!;
    const index = this.first - this.runRow[slot]!;
    const lastRow = index === Math.ceil(length / per) - 1;
    const kept = extending && isTail;
    if (kept && lastRow && length % per !== 0) return false;
    const rowBytes = Math.min(per, length - index * per);
    this.firstByte += rowBytes;
    this.charged -= rowBytes;
    this.first += 1;
    if (lastRow && !kept) {
      this.charged -= RUN_OVERHEAD_BYTES;
      this.dropHead();
    }
    return true;
  }

  private dropHead(): void {
    this.labels[this.head] = undefined;
    this.head = (this.head + 1) % this.kind.length;
    this.count -= 1;
  }
}

/** The rows a scroll position moves over. */
export interface HexRowRange {
  readonly firstRow: number;
  readonly endRow: number;
}

type Move = (at: number, action: ScrollAction, page: number, rows: HexRowRange, last: number) => number;

const MOVES: Readonly<Record<ScrollAction['type'], Move>> = {
  lineUp: (at, a) => at - Math.max(1, (a.type === 'lineUp' && a.count) || 1),
  lineDown: (at, a) => at + Math.max(1, (a.type === 'lineDown' && a.count) || 1),
  pageUp: (at, _a, page) => at - page,
  pageDown: (at, _a, page) => at + page,
  top: (_at, _a, _page, rows) => rows.firstRow,
  bottom: (_at, _a, _page, _rows, last) => last,
  resize: (at) => at,
};

/**
 * The hex pane's top row as a reducer: null follows the tail; any move that reaches the last page
 * follows again. A page keeps one row of the previous page in view, as the text pane's does. The
 * top is an absolute row number, so it stays on the same bytes while older rows are evicted.
 */
export function hexScrollReducer(top: number | null, action: ScrollAction, rows: HexRowRange, height: number): number | null {
  const h = action.type === 'resize' ? Math.max(1, Math.floor(action.height)) : Math.max(1, Math.floor(height));
  const last = Math.max(rows.firstRow, rows.endRow - h);
  if (top === null && action.type === 'resize') return null;
  const at = top === null ? last : Math.min(Math.max(top, rows.firstRow), last);
  const next = Math.max(rows.firstRow, MOVES[action.type](at, action, Math.max(1, h - 1), rows, last));
  return next >= last ? null : next;
}
