// The input line as a reducer: text and cursor, readline kills and yank, history with a kept draft,
// and the horizontally scrolled slice of the line that fits the terminal.

import stringWidth from 'string-width';
import type { Command } from './key-bindings.js';

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

export interface LineEditorState {
  readonly text: string;
  /** UTF-16 index into `text`, always at a grapheme boundary. */
  readonly cursor: number;
  /** The last killed text, for yank; consecutive kills add to it as in readline. */
  readonly killed: string;
  /** Whether the previous action was a kill, so that the next kill appends. */
  readonly killing: boolean;
  /** Submitted lines, oldest first, without consecutive duplicates or empty lines. */
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

export function createLineEditorState(options: LineEditorOptions = {}): LineEditorState {
  const historyLimit = Math.max(0, Math.floor(options.historyLimit ?? DEFAULT_HISTORY_LIMIT));
  const history = normalizeHistory(options.history ?? [], historyLimit);
  return {
    text: '',
    cursor: 0,
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
  switch (action.type) {
    case 'insert':
      return action.text === '' ? s : settle({ ...s, killing: false }, insertAt(s.text, s.cursor, action.text));
    case 'load-history': {
      const history = normalizeHistory(action.entries, s.historyLimit);
      return { ...s, history, historyIndex: history.length, draft: '', killing: false };
    }
    case 'cursor-left':
      return { ...s, cursor: previousBoundary(s.text, s.cursor), killing: false };
    case 'cursor-right':
      return { ...s, cursor: nextBoundary(s.text, s.cursor), killing: false };
    case 'cursor-home':
      return { ...s, cursor: 0, killing: false };
    case 'cursor-end':
      return { ...s, cursor: s.text.length, killing: false };
    case 'word-left':
      return { ...s, cursor: wordStartBefore(s.text, s.cursor, isWordChar), killing: false };
    case 'word-right':
      return { ...s, cursor: wordEndAfter(s.text, s.cursor), killing: false };
    case 'delete-back':
      return deleteRange({ ...s, killing: false }, previousBoundary(s.text, s.cursor), s.cursor);
    case 'delete-forward':
      return deleteRange({ ...s, killing: false }, s.cursor, nextBoundary(s.text, s.cursor));
    case 'kill-to-end':
      return kill(s, s.cursor, s.text.length);
    case 'kill-to-start':
      return kill(s, 0, s.cursor);
    case 'kill-word-back':
      // Ctrl+W stops at whitespace, as in bash: "GET /a/b HTTP/1.1" loses "HTTP/1.1" at once.
      return kill(s, wordStartBefore(s.text, s.cursor, isNonSpace), s.cursor);
    case 'kill-word-forward':
      return kill(s, s.cursor, wordEndAfter(s.text, s.cursor));
    case 'transpose-chars':
      return transpose({ ...s, killing: false });
    case 'yank':
      return s.killed === '' ? { ...s, killing: false } : settle({ ...s, killing: false }, insertAt(s.text, s.cursor, s.killed));
    case 'history-prev':
      return walkHistory(s, -1);
    case 'history-next':
      return walkHistory(s, +1);
    case 'submit':
      return submit(s);
    case 'interrupt':
      return { ...s, text: '', cursor: 0, killing: false, historyIndex: s.history.length, draft: '' };
  }
}

function normalizeHistory(entries: readonly string[], limit: number): string[] {
  const out: string[] = [];
  for (const entry of entries) {
    if (entry !== '' && entry !== out[out.length - 1]) out.push(entry);
  }
  return out.slice(Math.max(0, out.length - limit));
}

function submit(s: LineEditorState): LineEditorState {
  const line = s.text;
  let history = s.history;
  if (line !== '' && line !== history[history.length - 1]) {
    history = [...history, line].slice(Math.max(0, history.length + 1 - s.historyLimit));
  }
  return {
    ...s,
    text: '',
    cursor: 0,
    killing: false,
    history,
    historyIndex: history.length,
    draft: '',
    submitted: line,
  };
}

function walkHistory(s: LineEditorState, step: -1 | 1): LineEditorState {
  const index = s.historyIndex + step;
  if (index < 0 || index > s.history.length) return { ...s, killing: false };
  // Leaving the draft: remember it. Edits to a recalled line are dropped when moving on.
  const draft = s.historyIndex === s.history.length ? s.text : s.draft;
  const text = index === s.history.length ? draft : s.history[index]!;
  return { ...s, text, cursor: text.length, historyIndex: index, draft, killing: false };
}

function kill(s: LineEditorState, from: number, to: number): LineEditorState {
  if (from >= to) return s;
  const cut = s.text.slice(from, to);
  // Killing backwards puts the text in front of what the previous kill took, as readline does.
  const killed = !s.killing ? cut : from < s.cursor ? cut + s.killed : s.killed + cut;
  return { ...s, text: s.text.slice(0, from) + s.text.slice(to), cursor: from, killed, killing: true };
}

function deleteRange(s: LineEditorState, from: number, to: number): LineEditorState {
  if (from >= to) return s;
  return settle(s, { text: s.text.slice(0, from) + s.text.slice(to), cursor: from });
}

function transpose(s: LineEditorState): LineEditorState {
  const b = boundaries(s.text);
  const count = b.length - 1;
  if (count < 2) return s;
  let k = b.indexOf(s.cursor);
  if (k <= 0) return s; // at the start there is nothing before the cursor to swap
  if (k === count) k = count - 1; // at the end, swap the last two as readline does
  const left = s.text.slice(b[k - 1], b[k]);
  const right = s.text.slice(b[k], b[k + 1]);
  const text = s.text.slice(0, b[k - 1]) + right + left + s.text.slice(b[k + 1]);
  return settle(s, { text, cursor: b[k - 1]! + right.length + left.length });
}

function insertAt(text: string, cursor: number, insert: string): { text: string; cursor: number } {
  return { text: text.slice(0, cursor) + insert + text.slice(cursor), cursor: cursor + insert.length };
}

/** Applies new text and cursor, moving the cursor forward if the edit left it inside a grapheme. */
function settle(s: LineEditorState, edit: { text: string; cursor: number }): LineEditorState {
  const b = boundaries(edit.text);
  const cursor = b.find((x) => x >= edit.cursor) ?? edit.text.length;
  return { ...s, text: edit.text, cursor };
}

const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** Grapheme start offsets, followed by `text.length`. */
function boundaries(text: string): number[] {
  const out: number[] = [];
  for (const { index } of segmenter.segment(text)) out.push(index);
  out.push(text.length);
  return out;
}

function graphemes(text: string): string[] {
  return Array.from(segmenter.segment(text), (x) => x.segment);
}

function previousBoundary(text: string, cursor: number): number {
  const b = boundaries(text);
  let prev = 0;
  for (const x of b) {
    if (x >= cursor) break;
    prev = x;
  }
  return prev;
}

function nextBoundary(text: string, cursor: number): number {
  return boundaries(text).find((x) => x > cursor) ?? text.length;
}

function isWordChar(grapheme: string): boolean {
  return /^[\p{L}\p{N}_]/u.test(grapheme);
}

function isNonSpace(grapheme: string): boolean {
  return !/^\s/u.test(grapheme);
}

/** Back over non-word graphemes, then over word graphemes: where Alt+B lands. */
function wordStartBefore(text: string, cursor: number, inWord: (g: string) => boolean): number {
  const b = boundaries(text);
  let k = b.indexOf(cursor);
  if (k < 0) return cursor;
  const at = (i: number) => text.slice(b[i], b[i + 1]);
  while (k > 0 && !inWord(at(k - 1))) k--;
  while (k > 0 && inWord(at(k - 1))) k--;
  return b[k]!;
}

/** Over non-word graphemes, then over word graphemes: where Alt+F lands (the end of the word). */
function wordEndAfter(text: string, cursor: number): number {
  const b = boundaries(text);
  let k = b.indexOf(cursor);
  if (k < 0) return cursor;
  const last = b.length - 1;
  const at = (i: number) => text.slice(b[i], b[i + 1]);
  while (k < last && !isWordChar(at(k))) k++;
  while (k < last && isWordChar(at(k))) k++;
  return b[k]!;
}

export interface LineView {
  /** The visible part of the line, at most `width` columns, control characters made visible. */
  readonly text: string;
  /** Column of the cursor within `text`, from 0 to width - 1. */
  readonly cursorColumn: number;
  /** Part of the line is hidden to the left / to the right. */
  readonly clippedLeft: boolean;
  readonly clippedRight: boolean;
}

/**
 * The slice of the line to draw in `width` terminal columns, keeping the cursor in view. It
 * scrolls by half a width at a time (like readline's horizontal-scroll-mode) so the text does
 * not shift on every key. Wide characters count two columns.
 */
export function view(state: LineEditorState, width: number): LineView {
  const columns = Math.max(1, Math.floor(width));
  const raw = graphemes(state.text);
  const shown = raw.map(visibleGrapheme);
  const widths = shown.map((g) => stringWidth(g));
  // Which grapheme the cursor is on, and the column where it starts.
  let cursorIndex = 0;
  let cursorCol = 0;
  for (let offset = 0; cursorIndex < raw.length && offset < state.cursor; cursorIndex++) {
    offset += raw[cursorIndex]!.length;
    cursorCol += widths[cursorIndex]!;
  }
  // The cursor needs its whole cell in view: a wide character under it, or one cell at the end.
  const cursorEnd = cursorCol + Math.max(1, widths[cursorIndex] ?? 1);
  const step = Math.max(1, Math.floor(columns / 2));
  // Never past the cursor itself (a wide character in a one-column view cannot fit at all).
  const wantStart = cursorEnd <= columns ? 0 : Math.min(cursorCol, Math.ceil((cursorEnd - columns) / step) * step);

  // First grapheme that starts at or after wantStart: a wide one cut by the edge is left out.
  let first = 0;
  let startCol = 0;
  while (first < shown.length && startCol < wantStart) {
    startCol += widths[first]!;
    first++;
  }
  let last = first;
  let used = 0;
  while (last < shown.length && used + widths[last]! <= columns) {
    used += widths[last]!;
    last++;
  }
  return {
    text: shown.slice(first, last).join(''),
    cursorColumn: cursorCol - startCol,
    clippedLeft: first > 0,
    clippedRight: last < shown.length,
  };
}

/** Control characters as their Unicode control pictures, so the line never moves the terminal. */
function visibleGrapheme(g: string): string {
  return g.replace(/[\x00-\x1f\x7f\x80-\x9f]/g, (c) => {
    const code = c.charCodeAt(0);
    if (code < 0x20) return String.fromCharCode(0x2400 + code);
    return code === 0x7f ? '\u2421' : '\ufffd';
  });
}
