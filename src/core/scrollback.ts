// The output pane's memory: a bounded ring of sanitized lines from the wire, the user and porthole,
// and the layout of only the rows in view, so a long session and a flood both stay cheap.

import { LineAssembler, type LineSink } from './line-assembler.js';
import { concatSafe, displayWidth, forEachCluster, MAX_VISIBLE_GROWTH, PRINTABLE_ASCII, sliceSafe, toVisible, toVisibleTabbed, type SafeText } from './sanitize.js';

/** Who a line came from: the server ('in'), what the user sent ('out'), or porthole itself ('info'). */
export type LineSource = 'in' | 'out' | 'info';

/**
 * How a stored line ended on the wire: CRLF, a bare LF (worth seeing: SMTP and HTTP peers disagree
 * about bare LF, and smuggling lives in that gap), or null: not ended yet (the last, partial line),
 * split at the line cap, or cut short when another source wrote before its end arrived.
 */
export type LineEnding = 'crlf' | 'lf' | null;

/** One stored line, its text already made visible by `toVisible`. */
export interface ScrollbackLine {
  readonly text: SafeText;
  readonly source: LineSource;
  /** The caller's clock when the line's first text arrived (core has no clock of its own). */
  readonly time: number | undefined;
  readonly eol: LineEnding;
  /** This line continues the previous one: the peer's line was longer than `maxLineLength`. */
  readonly continued: boolean;
}

interface StoredLine {
  /** What is visible of the line so far. */
  text: SafeText;
  /**
   * What came after `text`, decoded but not yet made visible (see `addText`): made visible the
   * first time the line is read, which most lines of a flood never are.
   */
  raw: string;
  source: LineSource;
  time: number | undefined;
  eol: LineEnding;
  continued: boolean;
}

export interface ScrollbackOptions {
  /** Most lines kept; the oldest go first. Default 10,000. */
  maxLines?: number;
  /**
   * Most bytes kept, estimated as 2 bytes per UTF-16 code unit (what V8 needs at worst) plus
   * {@link LINE_OVERHEAD_BYTES} per line for the line's object. Default 16 MiB.
   */
  maxBytes?: number;
  /**
   * Longest stored line in UTF-16 code units (after tab expansion and marks); a longer line is split
   * into several stored lines, the rest marked `continued`, so a peer sending 100 MB without a newline
   * cannot grow one line without bound. Default 65,536. Lowered if needed so one line fits `maxBytes`.
   */
  maxLineLength?: number;
}

export const DEFAULT_MAX_LINES = 10_000;
export const DEFAULT_MAX_BYTES = 16 * 1024 * 1024;
export const DEFAULT_MAX_LINE_LENGTH = 64 * 1024;
/** Starts a stored line that continues the one before it (a line longer than the cap). */
export const CONTINUED_MARK = '\u21aa';
/**
 * The cost of one line besides its characters, as measured on Node 20 (heap held per line of
 * 10,000, 1 to 20 characters): the object and its fields (~64 bytes), its time boxed as a heap
 * number (16), the ring slot (8), the string's header (16; 32 for a slice). 64 was the object alone.
 */
export const LINE_OVERHEAD_BYTES = 128;
/**
 * Pieces a growing line may be a rope of before they are joined: a line that arrives a byte at a
 * time is copied once every this many bytes, and is never more than this many rope nodes.
 */
const MAX_PIECES = 32;

/** What the scroll reducer needs to know of the lines: which exist, and how many rows each wraps to. */
export interface LineLayout {
  readonly firstSeq: number;
  readonly endSeq: number;
  rowCount(seq: number, width: number): number;
}

/** The sealed line of a source another source interrupted, waiting for its line ending. */
interface Owed {
  sealedSeq: number | null;
}

function lineCost(line: StoredLine): number {
  return (line.text.length + line.raw.length) * 2 + LINE_OVERHEAD_BYTES;
}

/**
 * A copy that shares no memory with a larger string: V8 keeps a slice's whole parent alive, and a
 * slice of a 100 MB chunk would otherwise pin it while the byte count says 128 KB. The round trip
 * turns a lone surrogate into U+FFFD, which is what the sanitizer shows for one. Also a flat string: a rope
 * of many pieces costs ~32 bytes a piece beyond its characters.
 */
const encoder = new TextEncoder();
const decoder = new TextDecoder();
function detached<T extends string>(text: T): T {
  return decoder.decode(encoder.encode(text)) as T;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

/**
 * Lines live in a ring of `maxLines` slots; a line's seq (its number since the store was made) never
 * changes, so positions held by the UI stay valid across eviction.
 *
 *        slot:   0        1        2        3        4          capacity = maxLines = 5
 *             +--------+--------+--------+--------+--------+
 *             | seq 7  | seq 8  |        | seq 5  | seq 6  |    count = 4
 *             +--------+--------+--------+--------+--------+
 *                         ^ newest          ^ head = oldest, seq firstSeq = 5; endSeq = 9
 *
 *   slot of seq s = (head + s - firstSeq) % capacity
 *   append: write the slot of endSeq (evicting the head first when full)    O(1)
 *   evict:  clear the head slot, head = (head + 1) % capacity, firstSeq++   O(1)
 *
 * The newest line may be open (partial): a prompt or banner without a newline is shown at once and
 * the next chunk completes it in place.
 */
export class Scrollback implements LineLayout {
  readonly maxLines: number;
  readonly maxBytes: number;
  readonly maxLineLength: number;

  private readonly ring: (StoredLine | undefined)[];
  private head = 0;
  private count = 0;
  private first = 0;
  private bytes = 0;

  // The stream being written: one source at a time owns the open line.
  private current: LineSource | null = null;
  private openLine: StoredLine | null = null;
  /**
   * Known once a tab needed it: the display column at the end of the open line is this plus the
   * widths of the `unmeasured` pieces of it, each measured on its own when a tab needs the column
   * (most lines end first, and then nobody needs it). Null: measure the whole line.
   */
  private openColumn: number | null = null;
  /** One CR/LF state machine per source, for text handed over in chunks (see append). */
  private readonly assemblers: Partial<Record<LineSource, LineAssembler>> = {};
  /** Start and end offsets in the open line's text of the pieces after `openColumn`, in pairs. */
  private readonly unmeasured: number[] = [];
  /** The next line ending completes this sealed line instead of making an empty one. */
  private swallowSeq: number | null = null;
  private readonly owed: Partial<Record<LineSource, Owed>> = {};

  private readonly wrapCache = new Map<number, { text: string; width: number; starts: number[] }>();

  /**
   * The line that grew by concatenation, and its pieces: `+=` makes a rope whose nodes and pieces
   * cost far more than the characters counted, so the pieces are joined into one flat string once
   * there are MAX_PIECES, and when another line grows or starts. Only this line is ever a rope, in
   * one of its two fields.
   */
  private ropeLine: StoredLine | null = null;
  private ropeField: 'text' | 'raw' = 'text';
  private readonly ropePieces: string[] = [];
  /** The last text added had marks, so its chunk is binary-ish: a clean slice of it gets a copy. */
  private lastMarked = false;


  constructor(options: ScrollbackOptions = {}) {
    this.maxLines = Math.max(1, Math.floor(options.maxLines ?? DEFAULT_MAX_LINES));
    this.maxBytes = Math.max(1024, Math.floor(options.maxBytes ?? DEFAULT_MAX_BYTES));
    const fits = Math.floor((this.maxBytes - LINE_OVERHEAD_BYTES) / 2);
    this.maxLineLength = Math.max(16, Math.min(fits, Math.floor(options.maxLineLength ?? DEFAULT_MAX_LINE_LENGTH)));
    this.ring = new Array<StoredLine | undefined>(this.maxLines);
  }

  /** Seq of the oldest line kept. */
  get firstSeq(): number {
    return this.first;
  }

  /** Seq the next new line will get; lines kept are firstSeq..endSeq-1. */
  get endSeq(): number {
    return this.first + this.count;
  }

  get lineCount(): number {
    return this.count;
  }

  /** Estimated bytes held (see `maxBytes`). */
  get byteCount(): number {
    return this.bytes;
  }

  /**
   * Line `seq`, made visible if it was not yet. That may cost memory and so evict lines older than
   * it, never it or a newer one (the pane reads its lines top down: the ones it is about to draw
   * stay); what that leaves over the byte cap goes at the next write. A caller walking the lines
   * reads `firstSeq` and `endSeq` as it goes.
   */
  line(seq: number): ScrollbackLine | undefined {
    const line = this.stored(seq);
    if (line !== undefined && line.raw.length > 0) this.makeVisible(line, seq);
    return line;
  }

  private stored(seq: number): StoredLine | undefined {
    if (seq < this.first || seq >= this.first + this.count) return undefined;
    return this.ring[(this.head + seq - this.first) % this.maxLines];
  }

  /**
   * Adds a decoded chunk: any number of lines, the last possibly partial, split by the shared line
   * assembler (CRLF cut between chunks stays one line end). A bare CR is kept as a visible ␍ in the
   * line rather than rewinding it: a progress bar looks busier, but nothing the peer sent is hidden
   * (a bare CR that hides a prefix is what a protocol debugger must show). A chunk from another source
   * ends the open line where it is; its source's next line ending then completes it rather than
   * adding an empty line ("Password: ", the user's line, then the server's "\r\nWelcome"). Record
   * what the user sent a line at a time, or each keystroke will interrupt the server's line.
   */
  append(text: string, source: LineSource, time?: number): void {
    if (text.length === 0) return;
    const assembler = (this.assemblers[source] ??= new LineAssembler());
    assembler.push(text, this.sinkFor(source, time));
  }

  /**
   * A line sink that stores into this scrollback as `source`: for a caller that runs the line
   * assembler itself and fans its output out to other sinks too (the session's inbound stream).
   */
  sinkFor(source: LineSource, time?: number): LineSink {
    return {
      text: (fragment) => this.addFragment(fragment, source, time),
      end: (eol) => this.endLineOf(eol, source, time),
    };
  }

  /** More text of `source`'s current line (no LF in it). */
  addFragment(fragment: string, source: LineSource, time?: number): void {
    if (fragment.length === 0) return;
    if (this.current !== source) this.switchTo(source);
    this.addText(fragment, source, time, fragment.length > 4 * this.maxLineLength);
  }

  /** `source`'s current line ended on the wire with `eol`. */
  endLineOf(eol: 'crlf' | 'lf', source: LineSource, time?: number): void {
    if (this.current !== source) this.switchTo(source);
    this.endLine(eol, source, time);
  }

  /** Adds one whole line (porthole's own info lines, a line the user sent). */
  appendLine(text: string, source: LineSource, time?: number): void {
    this.append(text + '\n', source, time);
  }

  /** Drops every line; seqs keep counting, so positions held elsewhere fall before `firstSeq`. */
  clear(): void {
    while (this.count > 0) this.evictOldest();
    this.lastMarked = false;
    this.ropeLine = null;
    this.ropePieces.length = 0;
    this.unmeasured.length = 0;
    this.openLine = null;
    this.openColumn = null;
    this.swallowSeq = null;
    this.current = null;
    for (const key of Object.keys(this.owed) as LineSource[]) delete this.owed[key];
    for (const key of Object.keys(this.assemblers) as LineSource[]) delete this.assemblers[key];
    this.wrapCache.clear();
  }

  // ----- layout -----

  /** Start offsets of the rows line `seq` wraps to at `width` columns (see `wrapRows`); cached. */
  rowStarts(seq: number, width: number): readonly number[] {
    const line = this.line(seq);
    if (line === undefined) return [0];
    const hit = this.wrapCache.get(seq);
    // Same string object for an unchanged line, so the comparison is a pointer check.
    if (hit !== undefined && hit.width === width && hit.text === line.text) {
      // Equal but not the same object (the line was joined flat): hold the line's own, not its rope.
      hit.text = line.text;
      return hit.starts;
    }
    const starts = wrapRows(line.text, width);
    // Frames touch only the lines near the window; a full cache is stale lines, so start afresh.
    if (this.wrapCache.size >= 4096) this.wrapCache.clear();
    this.wrapCache.set(seq, { text: line.text, width, starts });
    return starts;
  }

  rowCount(seq: number, width: number): number {
    return this.rowStarts(seq, width).length;
  }

  // ----- the stream -----

  private switchTo(source: LineSource): void {
    const prev = this.current;
    if (prev !== null && (this.openLine !== null || this.swallowSeq !== null)) {
      this.owed[prev] = { sealedSeq: this.openLine !== null ? this.endSeq - 1 : this.swallowSeq };
    }
    this.openLine = null;
    this.openColumn = null;
    const owed = this.owed[source];
    delete this.owed[source];
    this.swallowSeq = owed?.sealedSeq ?? null;
    this.current = source;
  }

  private addText(raw: string, source: LineSource, time: number | undefined, detach: boolean): void {
    if (raw.length === 0) return;
    this.swallowSeq = null;
    let line = this.openLine ?? this.startLine(source, time, false);
    // Made visible later, if ever: in a flood most lines leave the store unread, and making them
    // visible was most of the cost of a binary one. Only while whatever the line holds is sure to
    // fit the line cap once visible, so the cap still splits lines as they arrive.
    // A slice of the caller's chunk, copied when what came before it was a copy (see below).
    if (!detach && line.text.length + (line.raw.length + raw.length) * MAX_VISIBLE_GROWTH <= this.maxLineLength) {
      this.grow(line, 'raw', (this.lastMarked ? detached(raw) : raw) as SafeText);
      this.lastMarked = false;
      return;
    }
    if (line.raw.length > 0) this.makeVisible(line);
    let text: SafeText;
    if (!raw.includes('\t')) {
      text = toVisible(raw);
      if (this.openColumn !== null) this.measureLater(line.text.length, line.text.length + text.length, line);
    } else {
      const run = toVisibleTabbed(raw, this.openColumn === null ? displayWidth(line.text) : this.openColumn + this.measure(line));
      text = run.text;
      this.openColumn = run.tabColumn;
      this.unmeasured.length = 0;
      this.measureLater(line.text.length + run.afterTab, line.text.length + text.length, line);
    }
    // A slice keeps its whole parent alive. Marked text is a string of its own (see sanitize's
    // render), cut here only if longer than a line: then its pieces are all kept, in order, unless
    // the text is huge (`detach`), when every piece is copied. Unmarked, it is `raw`, likely a slice
    // of the caller's chunk: no waste when the chunk's other lines are slices too (a text flood),
    // so it is copied only when the chunk is huge or binary-ish, the text before it marked: then
    // this slice may be all that is left of the chunk beside their copies (random bytes: up to
    // twice the memory counted, without the copy).
    const unmarked = text === raw;
    const copy = detach || (unmarked && this.lastMarked);
    this.lastMarked = !unmarked;
    for (;;) {
      const room = this.maxLineLength - line.text.length;
      if (text.length <= room) {
        this.grow(line, 'text', copy ? detached(text) : text);
        return;
      }
      let cut = room;
      // Never split a surrogate pair: half of one is not text.
      if (cut > 0 && isHighSurrogate(text.charCodeAt(cut - 1))) cut -= 1;
      this.grow(line, 'text', copy ? detached(sliceSafe(text, 0, cut)) : sliceSafe(text, 0, cut));
      text = sliceSafe(text, cut);
      // Tab stops of a continuation restart at its own column 0.
      this.openColumn = null;
      line = this.startLine(source, time, true);
      // Seen at a glance: this row goes on from the line above, cut at the line cap.
      this.grow(line, 'text', CONTINUED_MARK as SafeText);
    }
  }

  /**
   * The line's raw text made visible after its text. Its tab stops count from the column where
   * `text` ends: the line's own start, as if it had been made visible as it came.
   */
  private makeVisible(line: StoredLine, keepFrom = Number.POSITIVE_INFINITY): void {
    const raw = line.raw;
    this.bytes -= raw.length * 2;
    if (this.ropeLine === line && this.ropeField === 'raw') {
      this.ropeLine = null;
      this.ropePieces.length = 0;
    }
    line.raw = '';
    const visible = raw.includes('\t') ? toVisibleTabbed(raw, line.text.length === 0 ? 0 : displayWidth(line.text)).text : toVisible(raw);
    // An open line's tab stops are measured afresh from here (see openColumn).
    if (line === this.openLine) {
      this.openColumn = null;
      this.unmeasured.length = 0;
    }
    this.grow(line, 'text', visible, keepFrom);
  }

  /** Widths of the unmeasured pieces of `line`, summed. */
  private measure(line: StoredLine): number {
    let width = 0;
    for (let i = 0; i < this.unmeasured.length; i += 2) width += displayWidth(line.text.slice(this.unmeasured[i], this.unmeasured[i + 1]));
    this.unmeasured.length = 0;
    return width;
  }

  /** Called before the piece at start..end is added to the line: the pieces listed are in it. */
  private measureLater(start: number, end: number, line: StoredLine): void {
    // A line that comes a character at a time after a tab: measure now and then, not all at the end.
    if (this.unmeasured.length >= 64) this.openColumn! += this.measure(line);
    if (end > start) this.unmeasured.push(start, end);
  }

  private endLine(eol: 'crlf' | 'lf', source: LineSource, time: number | undefined): void {
    if (this.openLine !== null) {
      this.openLine.eol = eol;
    } else if (this.swallowSeq !== null) {
      const sealed = this.stored(this.swallowSeq);
      if (sealed !== undefined) sealed.eol = eol;
    } else {
      this.pushLine({ text: '' as SafeText, raw: '', source, time, eol, continued: false });
    }
    this.openLine = null;
    this.openColumn = null;
    this.swallowSeq = null;
  }

  private startLine(source: LineSource, time: number | undefined, continued: boolean): StoredLine {
    const line: StoredLine = { text: '' as SafeText, raw: '', source, time, eol: null, continued };
    this.pushLine(line);
    this.openLine = line;
    return line;
  }

  /** Adds `text` to the line's visible text or to its raw text, `field`. */
  private grow(line: StoredLine, field: 'text' | 'raw', text: SafeText, keepFrom = Number.POSITIVE_INFINITY): void {
    if (text.length === 0) return;
    if (line[field].length === 0) {
      line[field] = text;
    } else {
      if (this.ropeLine !== line || this.ropeField !== field) {
        this.joinRope();
        this.ropeLine = line;
        this.ropeField = field;
        this.ropePieces.push(line[field]);
      }
      this.ropePieces.push(text);
      line[field] = concatSafe(line[field] as SafeText, text);
      if (this.ropePieces.length >= MAX_PIECES) this.joinRope();
    }
    this.bytes += text.length * 2;
    this.enforceBytes(keepFrom);
  }

  /** Makes the rope line one flat string (join copies; the pieces and their chunks can go). */
  private joinRope(): void {
    if (this.ropeLine === null) return;
    this.ropeLine[this.ropeField] = this.ropePieces.join('') as SafeText;
    this.ropeLine = null;
    this.ropePieces.length = 0;
  }

  private pushLine(line: StoredLine): void {
    // The line before is done growing (or its source was interrupted): flat from here on.
    this.joinRope();
    if (this.count === this.maxLines) this.evictOldest();
    this.ring[(this.head + this.count) % this.maxLines] = line;
    this.count += 1;
    this.bytes += lineCost(line);
    this.enforceBytes();
  }

  /** Evicts the oldest lines while over the cap, none from `keepFrom` on. */
  private enforceBytes(keepFrom = Number.POSITIVE_INFINITY): void {
    // The newest line is never evicted: it may be open, and maxLineLength guarantees it fits.
    while (this.bytes > this.maxBytes && this.count > 1 && this.first < keepFrom) this.evictOldest();
  }

  private evictOldest(): void {
    const line = this.ring[this.head]!;
    this.ring[this.head] = undefined;
    // A layout kept for a line that is gone would keep its text alive, uncounted.
    this.wrapCache.delete(this.first);
    if (line === this.ropeLine) {
      this.ropeLine = null;
      this.ropePieces.length = 0;
    }
    this.head = (this.head + 1) % this.maxLines;
    this.count -= 1;
    this.first += 1;
    this.bytes -= lineCost(line);
    if (line === this.openLine) {
      this.openLine = null;
      this.openColumn = null;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Wrapping


/**
 * Where each row starts when `text` (already visible, no controls) is wrapped at `width` columns:
 * clusters are never split (combining marks stay with their base, ZWJ emoji stay whole), and a wide
 * character (CJK, emoji: 2 columns) that would straddle the edge moves to the next row whole, leaving
 * the edge column blank, as terminals do. A cluster wider than `width` gets a row of its own. An empty
 * line is one row. Returns code-unit offsets; row r is `text.slice(starts[r], starts[r + 1])`.
 */
export function wrapRows(text: string, width: number): number[] {
  const w = Math.max(1, Math.floor(width));
  const starts = [0];
  if (PRINTABLE_ASCII.test(text)) {
    for (let at = w; at < text.length; at += w) starts.push(at);
    return starts;
  }
  let column = 0;
  forEachCluster(text, (index, length, cells, asciiRun) => {
    if (asciiRun) {
      // One column per character: fill the row, then whole rows, then the remainder.
      for (let at = index, left = length; left > 0; ) {
        if (column >= w) {
          starts.push(at);
          column = 0;
        }
        const take = Math.min(left, w - column);
        at += take;
        left -= take;
        column += take;
      }
      return;
    }
    if (column + cells > w && column > 0) {
      starts.push(index);
      column = 0;
    }
    column += cells;
  });
  return starts;
}

// ---------------------------------------------------------------------------------------------
// Scrolling

/** A row of the wrapped scrollback: row `row` of line `seq`. */
export interface RowPosition {
  readonly seq: number;
  readonly row: number;
}

export interface ScrollState {
  /** Pane size in terminal columns and rows. */
  readonly width: number;
  readonly height: number;
  /** Following the tail: new lines scroll into view. */
  readonly follow: boolean;
  /** The top row shown while scrolled back (ignored while following); stays put as lines arrive. */
  readonly anchor: RowPosition;
  /** endSeq when the view left the tail: lines from here on are the "N new lines". */
  readonly mark: number;
}

export type ScrollAction =
  | { readonly type: 'lineUp'; readonly count?: number }
  | { readonly type: 'lineDown'; readonly count?: number }
  | { readonly type: 'pageUp' }
  | { readonly type: 'pageDown' }
  | { readonly type: 'top' }
  | { readonly type: 'bottom' }
  | { readonly type: 'resize'; readonly width: number; readonly height: number };

export function initialScroll(width: number, height: number): ScrollState {
  return {
    width: Math.max(1, Math.floor(width)),
    height: Math.max(1, Math.floor(height)),
    follow: true,
    anchor: { seq: 0, row: 0 },
    mark: 0,
  };
}

function compare(a: RowPosition, b: RowPosition): number {
  return a.seq - b.seq || a.row - b.row;
}

/** The top row of the last page: what is shown while following. */
function tailTop(lines: LineLayout, width: number, height: number): RowPosition {
  let need = height;
  for (let seq = lines.endSeq - 1; seq >= lines.firstSeq; seq -= 1) {
    const rows = lines.rowCount(seq, width);
    if (rows >= need) return { seq, row: rows - need };
    need -= rows;
  }
  return { seq: lines.firstSeq, row: 0 };
}

/** The anchor made valid for the lines as they are now: an evicted line clamps to the top. */
function clampAnchor(anchor: RowPosition, lines: LineLayout, width: number): RowPosition {
  if (anchor.seq < lines.firstSeq) return { seq: lines.firstSeq, row: 0 };
  if (anchor.seq >= lines.endSeq) return { seq: Math.max(lines.firstSeq, lines.endSeq - 1), row: 0 };
  const rows = lines.rowCount(anchor.seq, width);
  return anchor.row < rows ? anchor : { seq: anchor.seq, row: rows - 1 };
}

function moveUp(from: RowPosition, by: number, lines: LineLayout, width: number): RowPosition {
  let { seq, row } = from;
  let n = by;
  while (n > row) {
    n -= row + 1;
    seq -= 1;
    if (seq < lines.firstSeq) return { seq: lines.firstSeq, row: 0 };
    row = lines.rowCount(seq, width) - 1;
  }
  return { seq, row: row - n };
}

function moveDown(from: RowPosition, by: number, lines: LineLayout, width: number): RowPosition {
  let { seq, row } = from;
  let n = by;
  for (;;) {
    const rows = lines.rowCount(seq, width);
    if (row + n < rows) return { seq, row: row + n };
    n -= rows - row;
    seq += 1;
    row = 0;
    if (seq >= lines.endSeq) return { seq: lines.endSeq, row: 0 };
  }
}

/** The top row shown for this state: the last page while following, else the (clamped) anchor. */
export function topRow(state: ScrollState, lines: LineLayout): RowPosition {
  return state.follow ? tailTop(lines, state.width, state.height) : clampAnchor(state.anchor, lines, state.width);
}

/** Lines that arrived since the view left the tail (0 while following). */
export function newLineCount(state: ScrollState, lines: LineLayout): number {
  return state.follow ? 0 : Math.max(0, lines.endSeq - state.mark);
}

/** Lands on `to`, following again if that reaches the last page. */
function settle(state: ScrollState, to: RowPosition, lines: LineLayout): ScrollState {
  const tail = tailTop(lines, state.width, state.height);
  if (compare(to, tail) >= 0) return { ...state, follow: true, anchor: tail };
  return { ...state, follow: false, anchor: to, mark: state.follow ? lines.endSeq : state.mark };
}

/**
 * The scroll position as a reducer over the lines as they are now. Up moves leave the tail; reaching
 * the last page again (down moves, bottom) resumes following. A page keeps one row of the previous
 * page in view so the reader keeps their place.
 */
export function scrollReducer(state: ScrollState, action: ScrollAction, lines: LineLayout): ScrollState {
  if (action.type === 'resize') {
    const resized = {
      ...state,
      width: Math.max(1, Math.floor(action.width)),
      height: Math.max(1, Math.floor(action.height)),
    };
    return resized.follow ? resized : settle(resized, clampAnchor(resized.anchor, lines, resized.width), lines);
  }
  if (lines.endSeq === lines.firstSeq) return { ...state, follow: true };
  const top = topRow(state, lines);
  const page = Math.max(1, state.height - 1);
  switch (action.type) {
    case 'lineUp':
      return settle(state, moveUp(top, Math.max(1, action.count ?? 1), lines, state.width), lines);
    case 'pageUp':
      return settle(state, moveUp(top, page, lines, state.width), lines);
    case 'lineDown':
      return state.follow ? state : settle(state, moveDown(top, Math.max(1, action.count ?? 1), lines, state.width), lines);
    case 'pageDown':
      return state.follow ? state : settle(state, moveDown(top, page, lines, state.width), lines);
    case 'top':
      return settle(state, { seq: lines.firstSeq, row: 0 }, lines);
    case 'bottom':
      return { ...state, follow: true };
  }
}

// ---------------------------------------------------------------------------------------------
// The visible window

/** One terminal row of the pane. */
export interface ViewRow {
  readonly text: SafeText;
  /** Who sent the line, so the pane can style the user's lines apart. */
  readonly source: LineSource;
  readonly seq: number;
  /** Which wrapped row of its line this is (0 = the line's start). */
  readonly row: number;
  /** The line's last row (where an end-of-line mark would go). */
  readonly lastRow: boolean;
  readonly line: ScrollbackLine;
}

export interface Viewport {
  /** At most `height` rows, top first; fewer when the lines do not fill the pane. */
  readonly rows: ViewRow[];
  readonly top: RowPosition;
  readonly following: boolean;
  /** For the status bar: "N new lines" while scrolled back. */
  readonly newLines: number;
  /** Nothing older is kept above the top row. */
  readonly atTop: boolean;
}

/**
 * The rows in view for `state`. Wraps only the lines it shows (plus, when following, the lines that
 * make up the last page), each cached until it changes: the cost depends on the pane, not on the
 * scrollback's length.
 */
export function viewport(store: Scrollback, state: ScrollState): Viewport {
  const top = topRow(state, store);
  const rows: ViewRow[] = [];
  for (let seq = top.seq, row = top.row; rows.length < state.height && seq < store.endSeq; seq += 1, row = 0) {
    const line = store.line(seq);
    // Made visible, a line may have cost the oldest ones their place.
    if (line === undefined) continue;
    const starts = store.rowStarts(seq, state.width);
    for (let r = row; r < starts.length && rows.length < state.height; r += 1) {
      const end = r + 1 < starts.length ? starts[r + 1] : line.text.length;
      rows.push({
        text: sliceSafe(line.text, starts[r]!, end),
        source: line.source,
        seq,
        row: r,
        lastRow: r === starts.length - 1,
        line,
      });
    }
  }
  return {
    rows,
    top,
    following: state.follow,
    newLines: newLineCount(state, store),
    atTop: top.seq === store.firstSeq && top.row === 0,
  };
}
