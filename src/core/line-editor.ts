// The input line as a reducer: text and cursor, readline kills and yank, history with a kept draft,
// and the horizontally scrolled slice of the line that fits the terminal. A key reads only the
// graphemes near the cursor and a frame only what fits the view, so a line's length costs nothing per
// key; a line too long to edit at all is held whole, to be sent or discarded.

import stringWidth from 'string-width';
import { formatKey, keysFor, type Command } from './key-bindings.js';
import { PRINTABLE_ASCII, safeLine, type SafeText } from './sanitize.js';

/** The commands this reducer acts on; the others (scrolling, menu, eof...) belong to the UI. */
const EDITOR_COMMANDS = [
  'cursor-left',
  'cursor-right',
  'cursor-home',
  'cursor-end',
  'word-left',
  'word-right',
  'delete-back',
  'delete-forward',
  'kill-to-end',
  'kill-to-start',
  'kill-word-back',
  'kill-word-forward',
  'transpose-chars',
  'yank',
  'history-prev',
  'history-next',
  'submit',
  'interrupt',
] as const satisfies readonly Command[];

export type EditorCommand = (typeof EDITOR_COMMANDS)[number];

const EDITOR_COMMAND_SET: ReadonlySet<Command> = new Set<Command>(EDITOR_COMMANDS);

/** True for the commands `lineEditorReducer` handles, so the UI knows which to dispatch here. */
export function isEditorCommand(command: Command): command is EditorCommand {
  return EDITOR_COMMAND_SET.has(command);
}

export type LineEditorAction =
  /** Typed or pasted text, inserted as is (newlines too: what to do with them is the UI's call). */
  | { readonly type: 'insert'; readonly text: string }
  /** `interrupt` abandons the line as readline's Ctrl+C does; the kill buffer keeps nothing of it. */
  | { readonly type: EditorCommand }
  /** Replaces the history, e.g. with the entries saved for this host:port. Oldest first. */
  | { readonly type: 'load-history'; readonly entries: readonly string[] };

/**
 * Longest line, in UTF-16 units, that stays editable. A longer one is held: kept whole, sent whole
 * by Enter, discarded by Ctrl+U or Ctrl+C, and left alone by every other key. Keys and frames cost
 * the same on any editable line, but a few commands cover the whole line (a history recall, Ctrl+K
 * from the start, a yank, a word move over one long word); at 16 Ki the worst of them, on CJK
 * text (a grapheme a unit), stays within a frame: 8-10 ms measured, ASCII under 1 ms. It also
 * bounds the history's memory (1,000 lines). No line protocol wants more (SMTP allows 1000 octets a
 * line, HTTP servers refuse header lines over 8 KiB), and nobody edits 16 Ki characters through a
 * one-row window.
 */
export const HOLD_LIMIT = 16 * 1024;

/** A line too long to edit (see {@link HOLD_LIMIT}). `text` is always `head + tail`. */
export interface HeldLine {
  /** The line up to where the next piece of the paste goes. */
  readonly head: string;
  /** The line after that point, as it was when the line was held. */
  readonly tail: string;
  /** Characters (code points) in the line, for the note shown in its place. */
  readonly characters: number;
}

export interface LineEditorState {
  /** The whole line, held or not: what `submit` hands over. */
  readonly text: string;
  /** UTF-16 index into `text`, always at a grapheme boundary; in a held line, where pieces go. */
  readonly cursor: number;
  /** Columns the drawn line takes left of the cursor (marks as drawn), so the view need not measure from the start. */
  readonly column: number;
  /** Columns the whole drawn line takes, so End need not measure. */
  readonly columns: number;
  /** Set while the line is too long to edit; null for an editable line. */
  readonly held: HeldLine | null;
  /** The last killed text, for yank; consecutive kills add to it as in readline. */
  readonly killed: string;
  /** Whether the previous action was a kill, so that the next kill appends. */
  readonly killing: boolean;
  /** Submitted lines, oldest first, without consecutive duplicates, empty or held lines. */
  readonly history: readonly string[];
  /** Position while walking the history; `history.length` means the draft is showing. */
  readonly historyIndex: number;
  /** The line being edited before Up was first pressed, given back on the way down. */
  readonly draft: string;
  readonly historyLimit: number;
  /** The line the last action submitted (possibly ''), or null if it submitted nothing. */
  readonly submitted: string | null;
}

export interface LineEditorOptions {
  /** Earlier lines, oldest first. Default none. */
  readonly history?: readonly string[];
  /** Most lines kept; the oldest go first. Default 500. */
  readonly historyLimit?: number;
}

const DEFAULT_HISTORY_LIMIT = 500;

const EMPTY_LINE = { text: '', cursor: 0, column: 0, columns: 0, held: null } as const;

export function createLineEditorState(options: LineEditorOptions = {}): LineEditorState {
  const historyLimit = Math.max(0, Math.floor(options.historyLimit ?? DEFAULT_HISTORY_LIMIT));
  const history = normalizeHistory(options.history ?? [], historyLimit);
  return {
    ...EMPTY_LINE,
    killed: '',
    killing: false,
    history,
    historyIndex: history.length,
    draft: '',
    historyLimit,
    submitted: null,
  };
}

export function lineEditorReducer(state: LineEditorState, action: LineEditorAction): LineEditorState {
  const s = state.submitted === null ? state : { ...state, submitted: null };
  if (s.held !== null) return heldReducer(s, s.held, action);
  const { text, cursor } = s;
  switch (action.type) {
    case 'insert':
      return action.text === '' ? s : insert({ ...s, killing: false }, action.text);
    case 'load-history':
      return loadHistory(s, action.entries);
    case 'cursor-left': {
      const [from] = graphemeBefore(text, cursor);
      return moved(s, from, s.column - cellWidth(text.slice(from, cursor)));
    }
    case 'cursor-right': {
      const [, to] = graphemeAt(text, cursor);
      return moved(s, to, s.column + cellWidth(text.slice(cursor, to)));
    }
    case 'cursor-home':
      return moved(s, 0, 0);
    case 'cursor-end':
      return moved(s, text.length, s.columns);
    case 'word-left': {
      const word = wordStartBefore(text, cursor, isWordChar);
      return moved(s, word.at, s.column - word.width);
    }
    case 'word-right': {
      const word = wordEndAfter(text, cursor);
      return moved(s, word.at, s.column + word.width);
    }
    case 'delete-back': {
      const [from] = graphemeBefore(text, cursor);
      return replace({ ...s, killing: false }, from, cursor, '', from);
    }
    case 'delete-forward': {
      const [, to] = graphemeAt(text, cursor);
      return replace({ ...s, killing: false }, cursor, to, '', cursor);
    }
    case 'kill-to-end':
      return kill(s, cursor, text.length);
    case 'kill-to-start':
      return kill(s, 0, cursor);
    case 'kill-word-back':
      // Ctrl+W stops at whitespace, as in bash: "GET /a/b HTTP/1.1" loses "HTTP/1.1" at once.
      return kill(s, wordStartBefore(text, cursor, isNonSpace).at, cursor);
    case 'kill-word-forward':
      return kill(s, cursor, wordEndAfter(text, cursor).at);
    case 'transpose-chars':
      return transpose({ ...s, killing: false });
    case 'yank':
      return s.killed === '' ? { ...s, killing: false } : insert({ ...s, killing: false }, s.killed);
    case 'history-prev':
      return walkHistory(s, -1);
    case 'history-next':
      return walkHistory(s, +1);
    case 'submit':
      return submit(s);
    case 'interrupt':
      return interrupt(s);
  }
}

/** A held line can only grow (the rest of its paste), be sent, or be discarded; other keys do nothing. */
function heldReducer(s: LineEditorState, held: HeldLine, action: LineEditorAction): LineEditorState {
  switch (action.type) {
    case 'insert':
      return action.text === '' ? s : appendHeld({ ...s, killing: false }, held, action.text);
    case 'load-history':
      return loadHistory(s, action.entries);
    case 'submit':
      return submit(s);
    case 'interrupt':
    case 'kill-to-start':
      // Ctrl+U discards the whole line: a held line has no parts to cut, and the kill buffer stays
      // small (a yank of it would only hold it again).
      return interrupt(s);
    default:
      return s.killing ? { ...s, killing: false } : s;
  }
}

function moved(s: LineEditorState, cursor: number, column: number): LineEditorState {
  return { ...s, cursor, column, killing: false };
}

function interrupt(s: LineEditorState): LineEditorState {
  return { ...s, ...EMPTY_LINE, killing: false, historyIndex: s.history.length, draft: '' };
}

function loadHistory(s: LineEditorState, entries: readonly string[]): LineEditorState {
  const history = normalizeHistory(entries, s.historyLimit);
  return { ...s, history, historyIndex: history.length, draft: '', killing: false };
}

/** Lines too long to edit are left out: recalling one could only send it again. */
function normalizeHistory(entries: readonly string[], limit: number): string[] {
  const out: string[] = [];
  for (const entry of entries) {
    if (entry !== '' && entry.length <= HOLD_LIMIT && entry !== out[out.length - 1]) out.push(entry);
  }
  return out.slice(Math.max(0, out.length - limit));
}

function submit(s: LineEditorState): LineEditorState {
  const line = s.text;
  let history = s.history;
  if (s.held === null && line !== '' && line !== history[history.length - 1]) {
    history = [...history, line].slice(Math.max(0, history.length + 1 - s.historyLimit));
  }
  return { ...s, ...EMPTY_LINE, killing: false, history, historyIndex: history.length, draft: '', submitted: line };
}

function walkHistory(s: LineEditorState, step: -1 | 1): LineEditorState {
  const index = s.historyIndex + step;
  if (index < 0 || index > s.history.length) return { ...s, killing: false };
  // Leaving the draft: remember it. Edits to a recalled line are dropped when moving on.
  const draft = s.historyIndex === s.history.length ? s.text : s.draft;
  const text = index === s.history.length ? draft : s.history[index]!;
  const columns = measure(text, 0, text.length);
  return { ...s, text, cursor: text.length, column: columns, columns, historyIndex: index, draft, killing: false };
}

function insert(s: LineEditorState, text: string): LineEditorState {
  if (s.text.length + text.length > HOLD_LIMIT) return hold(s, text);
  return replace(s, s.cursor, s.cursor, text, s.cursor + text.length);
}

function hold(s: LineEditorState, text: string): LineEditorState {
  const head = s.text.slice(0, s.cursor) + text;
  const tail = s.text.slice(s.cursor);
  const held = { head, tail, characters: codePoints(s.text) + codePoints(text) };
  return { ...s, text: head + tail, cursor: head.length, column: 0, columns: 0, held };
}

/**
 * The next piece goes after the last. Strings joined with + are ropes in V8, flattened once when
 * read: as long as nothing reads the held text before it is sent, each piece costs its own length.
 */
function appendHeld(s: LineEditorState, held: HeldLine, text: string): LineEditorState {
  const head = held.head + text;
  return {
    ...s,
    text: head + held.tail,
    cursor: head.length,
    held: { ...held, head, characters: held.characters + codePoints(text) },
  };
}

function codePoints(text: string): number {
  let pairs = 0;
  for (let i = 1; i < text.length; i++) {
    if (isLow(text.charCodeAt(i)) && isHigh(text.charCodeAt(i - 1))) pairs++;
  }
  return text.length - pairs;
}

function kill(s: LineEditorState, from: number, to: number): LineEditorState {
  if (from >= to) return s;
  const cut = s.text.slice(from, to);
  // Killing backwards puts the text in front of what the previous kill took, as readline does.
  const killed = !s.killing ? cut : from < s.cursor ? cut + s.killed : s.killed + cut;
  return { ...replace(s, from, to, '', from), killed, killing: true };
}

function transpose(s: LineEditorState): LineEditorState {
  const { text, cursor } = s;
  if (cursor === 0) return s; // at the start there is nothing before the cursor to swap
  // At the end, swap the last two as readline does.
  const right = cursor === text.length ? graphemeBefore(text, cursor) : graphemeAt(text, cursor);
  if (right[0] === 0) return s;
  const left = graphemeBefore(text, right[0]);
  const swapped = text.slice(right[0], right[1]) + text.slice(left[0], left[1]);
  return replace(s, left[0], right[1], swapped, right[1]);
}

/**
 * Replaces `text[from, to)` (grapheme boundaries, `from` not after the cursor) with `insert` and puts
 * the cursor on the first boundary at or after `target` in the new text. Only the edit and the
 * graphemes it can regroup are measured: the one before `from`, which a mark or ZWJ at the start of
 * `insert` would join, up to the first break after `to` that nothing before it can undo.
 */
function replace(s: LineEditorState, from: number, to: number, insert: string, target: number): LineEditorState {
  if (from === to && insert === '') return s;
  const old = s.text;
  const text = old.slice(0, from) + insert + old.slice(to);
  // Boundaries before `from` stay boundaries: the grapheme rules look only back from a break and at
  // the character after it, and neither changed.
  const start = from === 0 ? 0 : graphemeBefore(old, from)[0];
  const startColumn = start === 0 ? 0 : s.column - measure(old, start, s.cursor);
  const oldEnd = fixedBreakAfter(old, to);
  const newEnd = oldEnd + text.length - old.length;
  const region = text.slice(start, newEnd);
  if (PRINTABLE_ASCII.test(region)) {
    // One grapheme and one column a character: typing and pasting plain text need no segmenting.
    const columns = s.columns - measure(old, start, oldEnd) + region.length;
    return { ...s, text, cursor: target, column: startColumn + target - start, columns };
  }
  let cursor = newEnd;
  let column = startColumn;
  let regionColumns = 0;
  for (const [a, b] of graphemesAfter(text, start)) {
    if (a >= newEnd) break;
    if (cursor === newEnd && a >= target) {
      cursor = a;
      column = startColumn + regionColumns;
    }
    regionColumns += cellWidth(text.slice(a, b));
  }
  if (cursor === newEnd) column = startColumn + regionColumns;
  const columns = s.columns - measure(old, start, oldEnd) + regionColumns;
  return { ...s, text, cursor, column, columns };
}

function isWordChar(grapheme: string): boolean {
  return /^[\p{L}\p{N}_]/u.test(grapheme);
}

function isNonSpace(grapheme: string): boolean {
  return !/^\s/u.test(grapheme);
}

/** Where a word move lands, and the columns it crosses. */
interface WordMove {
  readonly at: number;
  readonly width: number;
}

/** Back over non-word graphemes, then over word graphemes: where Alt+B lands. */
function wordStartBefore(text: string, cursor: number, inWord: (g: string) => boolean): WordMove {
  let at = cursor;
  let width = 0;
  let inside = false;
  for (const [a, b] of graphemesBefore(text, cursor)) {
    const g = text.slice(a, b);
    const word = inWord(g);
    if (inside && !word) break;
    inside ||= word;
    at = a;
    width += cellWidth(g);
  }
  return { at, width };
}

/** Over non-word graphemes, then over word graphemes: where Alt+F lands (the end of the word). */
function wordEndAfter(text: string, cursor: number): WordMove {
  let at = cursor;
  let width = 0;
  let inside = false;
  for (const [a, b] of graphemesAfter(text, cursor)) {
    const g = text.slice(a, b);
    const word = isWordChar(g);
    if (inside && !word) break;
    inside ||= word;
    at = b;
    width += cellWidth(g);
  }
  return { at, width };
}

// ---------------------------------------------------------------------------------------------
// Graphemes near a position. Intl.Segmenter is exact but must start at a known boundary, and in V8
// its cost per grapheme grows with the length of the string it was given (10k characters: 3 µs
// each, 50k: 12 µs). So it is only ever given a short window that starts at a boundary: the cursor,
// a boundary found before, or a break that no context can undo (below).

/** Units segmented at a time; measured fastest between 64 and 256. */
const WINDOW = 128;

const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

function isHigh(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

function isLow(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

/**
 * A break between two code points that holds whatever comes before them (UAX #29 looks only back
 * from a break and at the character after it). The first is a letter, digit, punctuation, symbol,
 * space or control, but not CR (CR LF), a regional indicator (flags pair up from the start of
 * their run), a Hangul jamo, nor one of the Prepend letters; the second is one of the same kinds
 * that never joins what precedes it (marks, ZWJ and ZWNJ are none of these kinds; left out too:
 * emoji skin tones, halfwidth sound marks, the Thai/Lao AM, Hangul vowel and final jamo).
 */
const PLAIN = '\\p{L}\\p{N}\\p{P}\\p{S}\\p{Zs}\\p{Cc}';
const JAMO = '\\u1100-\\u11ff\\ua960-\\ua97f\\ud7b0-\\ud7ff';
const NOT_FIRST = `\\r\\p{Regional_Indicator}${JAMO}\\u0d4e\\u{111c2}\\u{111c3}\\u{1193f}\\u{11941}\\u{11a3a}\\u{11a84}-\\u{11a89}\\u{11d46}\\u{11f02}\\u{113d1}`;
const NOT_SECOND = `${JAMO}\\u0e33\\u0eb3\\uff9e\\uff9f\\u{1f3fb}-\\u{1f3ff}`;
const FIXED_BREAK = new RegExp(`(?![${NOT_FIRST}])[${PLAIN}](?![${NOT_SECOND}])(?=[${PLAIN}])`, 'uy');

/** Whether there is a fixed break before `i` (a code point boundary inside the text). */
function fixedBreak(text: string, i: number): boolean {
  FIXED_BREAK.lastIndex = previousCodePoint(text, i);
  return FIXED_BREAK.test(text);
}

function previousCodePoint(text: string, i: number): number {
  return i >= 2 && isLow(text.charCodeAt(i - 1)) && isHigh(text.charCodeAt(i - 2)) ? i - 2 : i - 1;
}

function nextCodePoint(text: string, i: number): number {
  return isHigh(text.charCodeAt(i)) && isLow(text.charCodeAt(i + 1)) ? i + 2 : i + 1;
}

/** A boundary at or before `p`: the nearest fixed break, or the start. */
function boundaryAtOrBefore(text: string, p: number): number {
  if (p <= 0) return 0;
  let at = isLow(text.charCodeAt(p)) && isHigh(text.charCodeAt(p - 1)) ? p - 1 : p;
  // Only a run of joined characters (marks, flags) is walked for long; nothing else joins.
  while (at > 0 && !fixedBreak(text, at)) at = previousCodePoint(text, at);
  return at;
}

/** The first fixed break after `to`, or the end: an edit ending at `to` cannot regroup past it. */
function fixedBreakAfter(text: string, to: number): number {
  if (to >= text.length) return text.length;
  let at = nextCodePoint(text, to);
  while (at < text.length && !fixedBreak(text, at)) at = nextCodePoint(text, at);
  return at;
}

/** Graphemes from the boundary `pos` on, as [start, end) pairs. */
function* graphemesAfter(text: string, pos: number): Generator<readonly [number, number]> {
  let start = pos;
  let size = WINDOW;
  while (start < text.length) {
    let end = Math.min(text.length, start + size);
    // Never cut a surrogate pair: the half left would read as a control, a break of its own.
    if (end < text.length && isHigh(text.charCodeAt(end - 1))) end++;
    let next = start;
    for (const { index, segment } of segmenter.segment(text.slice(start, end))) {
      const to = start + index + segment.length;
      // The last grapheme may go on past the window; only those that end inside it are known.
      if (to === end && end < text.length) break;
      yield [start + index, to];
      next = to;
    }
    if (next === start) size *= 2;
    else [start, size] = [next, WINDOW];
  }
}

/** Graphemes before the boundary `pos`, nearest first, as [start, end) pairs. */
function* graphemesBefore(text: string, pos: number, batch = WINDOW): Generator<readonly [number, number]> {
  let end = pos;
  while (end > 0) {
    const start = boundaryAtOrBefore(text, end - batch);
    const starts: number[] = [];
    for (const { index } of segmenter.segment(text.slice(start, end))) starts.push(start + index);
    for (let k = starts.length - 1; k >= 0; k--) yield [starts[k]!, k + 1 < starts.length ? starts[k + 1]! : end];
    end = start;
  }
}

/** The grapheme ending at the boundary `pos`; [0, 0] at the start. */
function graphemeBefore(text: string, pos: number): readonly [number, number] {
  for (const g of graphemesBefore(text, pos, 1)) return g;
  return [0, 0];
}

/** The grapheme starting at the boundary `pos`; [pos, pos] at the end. */
function graphemeAt(text: string, pos: number): readonly [number, number] {
  for (const g of graphemesAfter(text, pos)) return g;
  return [pos, pos];
}

// ---------------------------------------------------------------------------------------------
// Columns, counted on the line as drawn: each grapheme through the sanitizer's marks (one
// definition of unsafe with the output pane), measured by string-width as Ink measures the row.

const widths = new Map<string, number>();

function cellWidth(grapheme: string): number {
  if (grapheme.length === 1 && PRINTABLE_ASCII.test(grapheme)) return 1;
  let known = widths.get(grapheme);
  if (known === undefined) {
    known = stringWidth(safeLine(grapheme));
    // Graphemes repeat; a paste of distinct ones only costs the cache a restart.
    if (widths.size >= 4096) widths.clear();
    widths.set(grapheme, known);
  }
  return known;
}

/** Columns of `text[from, to)`, both grapheme boundaries. */
function measure(text: string, from: number, to: number): number {
  if (from >= to) return 0;
  const part = text.slice(from, to);
  // Printable ASCII is one grapheme and one column a character.
  if (PRINTABLE_ASCII.test(part)) return part.length;
  let width = 0;
  for (const [a, b] of graphemesAfter(text, from)) {
    if (a >= to) break;
    width += cellWidth(text.slice(a, b));
  }
  return width;
}

// ---------------------------------------------------------------------------------------------
// The view.

export interface LineView {
  /** The visible graphemes left of the cursor, as drawn; for a held line, the note in its place. */
  readonly before: SafeText;
  /** The grapheme under the cursor, whole (a ZWJ sequence, a mark such as <U+202E>); a space at the end. */
  readonly under: SafeText;
  /** The visible graphemes right of the cursor. */
  readonly after: SafeText;
  /** Column of the cursor within the view: the width of `before`. */
  readonly cursorColumn: number;
  /** Part of the line is hidden to the left / to the right. */
  readonly clippedLeft: boolean;
  readonly clippedRight: boolean;
  /** The line is too long to edit: `before` is the note that stands for it. */
  readonly held: boolean;
}

const SPACE = safeLine(' ');
const NOTHING = safeLine('');

/**
 * The slice of the line to draw in `width` terminal columns, keeping the cursor in view. It
 * scrolls by half a width at a time (like readline's horizontal-scroll-mode) so the text does
 * not shift on every key. Wide characters count two columns, marks as many as they take. Costs
 * what fits in the view, whatever the length of the line.
 */
export function view(state: LineEditorState, width: number): LineView {
  const columns = Math.max(1, Math.floor(width));
  if (state.held !== null) return heldView(state.held, columns);
  const { text, cursor, column } = state;
  const following = graphemesAfter(text, cursor);
  const first = following.next();
  const underEnd = first.done ? cursor : first.value[1];
  const underWidth = first.done ? 1 : cellWidth(text.slice(cursor, underEnd));
  // The cursor needs its whole cell in view: a wide character under it, or one cell at the end.
  const cursorEnd = column + Math.max(1, underWidth);
  const step = Math.max(1, Math.floor(columns / 2));
  // Never past the cursor itself (a wide character in a one-column view cannot fit at all).
  const wantStart = cursorEnd <= columns ? 0 : Math.min(column, Math.ceil((cursorEnd - columns) / step) * step);

  // Back to the first grapheme that starts at or after wantStart: a wide one cut by the edge is left out.
  let start = cursor;
  let startColumn = column;
  for (const [a, b] of graphemesBefore(text, cursor)) {
    const w = cellWidth(text.slice(a, b));
    if (startColumn - w < wantStart) break;
    start = a;
    startColumn -= w;
  }
  let used = column - startColumn;
  const underFits = !first.done && used + underWidth <= columns;
  let end = cursor;
  if (underFits) {
    used += underWidth;
    end = underEnd;
    for (const [a, b] of following) {
      const w = cellWidth(text.slice(a, b));
      if (used + w > columns) break;
      used += w;
      end = b;
    }
  }
  return {
    before: safeLine(text.slice(start, cursor)),
    under: underFits ? safeLine(text.slice(cursor, underEnd)) : SPACE,
    after: underFits ? safeLine(text.slice(underEnd, end)) : NOTHING,
    cursorColumn: column - startColumn,
    clippedLeft: start > 0,
    clippedRight: end < text.length,
    held: false,
  };
}

function keyFor(command: Command): string {
  return formatKey(keysFor(command)[0]!);
}

const SEND = keyFor('submit');
const DISCARD = keyFor('kill-to-start');
const DISCARD_TOO = keyFor('interrupt');

/** What a held line says in its place, longest first: the first that fits is shown. */
const HELD_NOTES: readonly ((count: string) => string)[] = [
  (n) => `[${n} characters pasted, too long to edit: ${SEND} sends it, ${DISCARD} or ${DISCARD_TOO} discards it]`,
  (n) => `[${n} characters, too long to edit: ${SEND} sends, ${DISCARD} discards]`,
  (n) => `[${n} chars: ${SEND} sends, ${DISCARD} discards]`,
  (n) => `[${n} chars held]`,
];

function heldView(held: HeldLine, columns: number): LineView {
  const count = String(held.characters).replace(/\B(?=(\d{3})+$)/g, ',');
  const room = columns - 1; // the cursor's cell
  const notes = HELD_NOTES.map((note) => note(count));
  const note = notes.find((n) => n.length <= room) ?? notes[notes.length - 1]!.slice(0, Math.max(0, room));
  return {
    before: safeLine(note),
    under: SPACE,
    after: NOTHING,
    cursorColumn: note.length,
    clippedLeft: false,
    clippedRight: false,
    held: true,
  };
}

/** The input line as drawn: the prompt, then the line's view in the columns the prompt leaves. */
export interface PromptedView extends LineView {
  readonly prompt: SafeText;
}

/**
 * The view after a prompt in a row `width` columns wide. One column stays free, as before, so
 * the row never reaches the terminal's last column (where some terminals wrap).
 */
export function promptedView(state: LineEditorState, prompt: string, width: number): PromptedView {
  const shown = safeLine(prompt);
  return { prompt: shown, ...view(state, Math.max(1, width - stringWidth(shown) - 1)) };
}

/**
 * A line with a secret (a password a composer asks for, or the part of a typed line after PASS):
 * one mark per character of the secret, the cursor where it is; the secret itself is never drawn.
 */
export function maskedView(state: LineEditorState, prompt: string, width: number, spans: readonly (readonly [number, number])[] = [[0, state.text.length]]): PromptedView {
  const count = (t: string) => Array.from(t).length;
  let text = state.text;
  for (const [from, to] of [...spans].sort((a, b) => b[0] - a[0])) text = text.slice(0, from) + '*'.repeat(count(text.slice(from, to))) + text.slice(to);
  let masked = lineEditorReducer(createLineEditorState(), { type: 'insert', text });
  // The cursor where it was: counted in characters from the end, which the mask keeps.
  for (let i = count(state.text.slice(state.cursor)); i > 0; i--) masked = lineEditorReducer(masked, { type: 'cursor-left' });
  return promptedView(masked, prompt, width);
}
