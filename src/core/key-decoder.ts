// Raw stdin bytes (raw mode, bracketed paste on) -> key, text and paste events.
// Incremental and pure: a sequence, a UTF-8 character or a paste may be cut anywhere between chunks.

/** Keys that are not a printable character. Printable keys (Ctrl+A, Alt+B) use the character as name. */
export type SpecialKeyName =
  | 'up'
  | 'down'
  | 'left'
  | 'right'
  | 'home'
  | 'end'
  | 'pageup'
  | 'pagedown'
  | 'insert'
  | 'delete'
  | 'backspace'
  | 'enter'
  | 'tab'
  | 'escape'
  | 'space'
  | 'begin'
  | 'f1'
  | 'f2'
  | 'f3'
  | 'f4'
  | 'f5'
  | 'f6'
  | 'f7'
  | 'f8'
  | 'f9'
  | 'f10'
  | 'f11'
  | 'f12'
  | 'f13'
  | 'f14'
  | 'f15'
  | 'f16'
  | 'f17'
  | 'f18'
  | 'f19'
  | 'f20';

/**
 * A special key name, or a single lower-case character for a character key with a modifier:
 * Ctrl+A is `{name: 'a', ctrl: true}`, Alt+Shift+B is `{name: 'b', meta: true, shift: true}`,
 * Ctrl+] is `{name: ']', ctrl: true}`.
 */
export type KeyName = SpecialKeyName | (string & {});

export interface KeyEvent {
  readonly type: 'key';
  readonly name: KeyName;
  readonly ctrl: boolean;
  /** Alt (sent as an ESC prefix or as modifier bit 2) or the Meta/Super modifier bit. */
  readonly meta: boolean;
  readonly shift: boolean;
  /** The characters that made this key, for logs and for a "send literally" mode. */
  readonly sequence: string;
}

/** A run of printable characters typed outside a paste. */
export interface TextEvent {
  readonly type: 'text';
  readonly text: string;
}

/**
 * Bracketed-paste text, exactly as pasted (newlines and escape sequences included).
 * A long paste arrives in several events; `final` is true on the last one, which may be empty.
 */
export interface PasteEvent {
  readonly type: 'paste';
  readonly text: string;
  readonly final: boolean;
}

/** A focus report (ESC [ I / ESC [ O); safe to ignore. */
export interface FocusEvent {
  readonly type: 'focus';
  readonly focused: boolean;
}

/** An escape sequence or control character we do not know; never to be inserted as text. */
export interface UnknownEvent {
  readonly type: 'unknown';
  readonly sequence: string;
}

export type InputEvent = KeyEvent | TextEvent | PasteEvent | FocusEvent | UnknownEvent;

export interface KeyDecoderOptions {
  /** Most UTF-16 units in one paste event; a longer run of pasted input comes in several. Default 65536. */
  readonly maxPasteChunk?: number;
}

export interface DecoderState {
  /** `skip`: inside an overlong sequence, dropping its bytes up to its final byte. */
  readonly mode: 'keys' | 'paste' | 'skip';
  /**
   * Keys mode: an unfinished escape sequence. Paste mode: at most the start of an end marker, or a
   * CR or half a surrogate pair, kept until the next chunk says what they belong to.
   */
  readonly pending: string;
  /** The first bytes of a UTF-8 character whose remaining bytes have not arrived. */
  readonly partialUtf8: readonly number[];
}

export interface DecodeResult {
  readonly state: DecoderState;
  readonly events: InputEvent[];
}

export const initialDecoderState: DecoderState = { mode: 'keys', pending: '', partialUtf8: [] };

const ESC = '\x1b';
// Bracketed paste (xterm mode 2004) wraps pasted text in CSI 200 ~ ... CSI 201 ~. The start
// marker is found by the CSI parser; the end marker is searched for as text, since inside a paste
// nothing else is a sequence.
const PASTE_END = '\x1b[201~';
const DEFAULT_MAX_PASTE_CHUNK = 64 * 1024;
// No terminal sends a longer key sequence; past this the bytes are garbage, not a key to wait for.
const MAX_SEQUENCE = 32;

const utf8 = new TextDecoder('utf-8');

/**
 * Feeds one chunk from stdin. Events come out in input order. If `hasPendingEscape` is true
 * afterwards, the UI should call `flush` once no more input has arrived for a short while.
 */
export function decode(
  state: DecoderState,
  chunk: Uint8Array | string,
  options: KeyDecoderOptions = {},
): DecodeResult {
  let text: string;
  let partialUtf8: readonly number[];
  if (typeof chunk === 'string') {
    // A string chunk means the stream decodes UTF-8 itself; bytes left from before are broken.
    text = state.partialUtf8.length > 0 ? utf8.decode(Uint8Array.from(state.partialUtf8)) + chunk : chunk;
    partialUtf8 = [];
  } else {
    const bytes = joinBytes(state.partialUtf8, chunk);
    const complete = completeUtf8Length(bytes);
    text = utf8.decode(bytes.subarray(0, complete));
    partialUtf8 = Array.from(bytes.subarray(complete));
  }
  return run({ ...state, partialUtf8 }, text, false, options);
}

/**
 * Settles what was waiting for more input: a lone ESC becomes the Escape key, `ESC x` Alt+X,
 * a cut-off sequence an unknown event. It never ends a paste and never guesses a partial UTF-8
 * character (an ESC followed by one is Alt+that character, still on its way).
 */
export function flush(state: DecoderState, options: KeyDecoderOptions = {}): DecodeResult {
  if (!hasPendingEscape(state)) return { state, events: [] };
  return run(state, '', true, options);
}

/** True when an ESC is waiting to learn whether it starts a sequence: call `flush` after a pause. */
export function hasPendingEscape(state: DecoderState): boolean {
  return state.mode === 'keys' && state.pending !== '' && state.partialUtf8.length === 0;
}

export interface KeyDecoder {
  /** Decodes a chunk; see `decode`. */
  push(chunk: Uint8Array | string): InputEvent[];
  /** See `flush`. */
  flush(): InputEvent[];
  /** See `hasPendingEscape`. */
  readonly pendingEscape: boolean;
}

/** The same decoder with its state kept inside, for callers that do not want to thread it. */
export function createKeyDecoder(options: KeyDecoderOptions = {}): KeyDecoder {
  let state = initialDecoderState;
  return {
    push(chunk) {
      const result = decode(state, chunk, options);
      state = result.state;
      return result.events;
    },
    flush() {
      const result = flush(state, options);
      state = result.state;
      return result.events;
    },
    get pendingEscape() {
      return hasPendingEscape(state);
    },
  };
}

function joinBytes(head: readonly number[], tail: Uint8Array): Uint8Array {
  if (head.length === 0) return tail;
  const out = new Uint8Array(head.length + tail.length);
  out.set(head, 0);
  out.set(tail, head.length);
  return out;
}

/** Length of the longest prefix that does not end inside a UTF-8 character. */
function completeUtf8Length(bytes: Uint8Array): number {
  const n = bytes.length;
  // Walk back over at most three continuation bytes to the lead byte of the last character.
  for (let back = 1; back <= 4 && back <= n; back++) {
    const b = bytes[n - back]!;
    if ((b & 0xc0) === 0x80) continue;
    const need = b >= 0xf0 && b <= 0xf4 ? 4 : b >= 0xe0 && b < 0xf0 ? 3 : b >= 0xc2 && b < 0xe0 ? 2 : 1;
    return need > back ? n - back : n;
  }
  return n;
}

function run(state: DecoderState, input: string, final: boolean, options: KeyDecoderOptions): DecodeResult {
  const maxPaste = Math.max(PASTE_END.length, options.maxPasteChunk ?? DEFAULT_MAX_PASTE_CHUNK);
  const events: InputEvent[] = [];
  let mode = state.mode;
  let buf = state.pending + input;

  for (;;) {
    if (mode === 'paste') {
      const end = buf.indexOf(PASTE_END);
      if (end >= 0) {
        pushPaste(events, buf.slice(0, end), maxPaste, true);
        buf = buf.slice(end + PASTE_END.length);
        mode = 'keys';
        continue;
      }
      // Hand on what arrived at once: pasted text held until it grew would be copied and searched
      // again with every chunk, which costs the square of the paste when chunks are small.
      const keep = heldBack(buf);
      if (buf.length > keep) pushPaste(events, buf.slice(0, buf.length - keep), maxPaste, false);
      buf = buf.slice(buf.length - keep);
      break;
    }
    if (mode === 'skip') {
      let k = 0;
      while (k < buf.length && isSequenceByte(buf.charCodeAt(k))) k++;
      const ends = k < buf.length;
      // The final byte belongs to the sequence; any other byte is input again.
      if (ends && isFinalByte(buf.charCodeAt(k))) k++;
      if (k > 0) events.push({ type: 'unknown', sequence: buf.slice(0, k) });
      buf = buf.slice(k);
      if (!ends) break;
      mode = 'keys';
      continue;
    }
    const parsed = parseKeys(buf, final, events);
    buf = buf.slice(parsed.consumed);
    if (parsed.next === 'keys') break;
    mode = parsed.next;
  }
  return { state: { mode, pending: buf, partialUtf8: state.partialUtf8 }, events };
}

/**
 * Emits paste text in pieces of at most `max` units, never splitting a surrogate pair or a CR LF
 * (the UI splits each piece into lines, and would see two line ends).
 */
function pushPaste(events: InputEvent[], text: string, max: number, final: boolean): void {
  let start = 0;
  while (text.length - start > max) {
    let end = start + max;
    if (isHighSurrogate(text.charCodeAt(end - 1)) || (text[end - 1] === '\r' && text[end] === '\n')) end--;
    events.push({ type: 'paste', text: text.slice(start, end), final: false });
    start = end;
  }
  if (final || start < text.length) events.push({ type: 'paste', text: text.slice(start), final });
}

/**
 * How many trailing units of unfinished paste input wait for the next chunk: the start of an end
 * marker, or else a CR (a LF may follow) or the first half of a surrogate pair (a string chunk may
 * end between the halves).
 */
function heldBack(buf: string): number {
  const marker = markerPrefixLength(buf);
  if (marker > 0) return marker;
  const last = buf.charCodeAt(buf.length - 1);
  return last === 0x0d || isHighSurrogate(last) ? 1 : 0;
}

/** How many trailing units could be the start of a paste-end marker still on its way. */
function markerPrefixLength(buf: string): number {
  for (let k = Math.min(PASTE_END.length - 1, buf.length); k > 0; k--) {
    if (buf.endsWith(PASTE_END.slice(0, k))) return k;
  }
  return 0;
}

/** Parameter and intermediate bytes of a CSI sequence. */
function isSequenceByte(code: number): boolean {
  return code >= 0x20 && code <= 0x3f;
}

function isFinalByte(code: number): boolean {
  return code >= 0x40 && code <= 0x7e;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

type Parse =
  | { readonly kind: 'incomplete' }
  | { readonly kind: 'event'; readonly event: InputEvent; readonly end: number }
  | { readonly kind: 'paste-start'; readonly end: number }
  /** A sequence longer than any key: reported, and the rest of it skipped. */
  | { readonly kind: 'overlong'; readonly event: InputEvent; readonly end: number };

const INCOMPLETE: Parse = { kind: 'incomplete' };

/**
 * Decodes keys from `buf` into `events` until the input runs out, a sequence is unfinished
 * (unless `final`) or a paste starts. Returns how many units were used.
 */
function parseKeys(
  buf: string,
  final: boolean,
  events: InputEvent[],
): { consumed: number; next: 'keys' | 'paste' | 'skip' } {
  let i = 0;
  while (i < buf.length) {
    const code = buf.charCodeAt(i);
    if (isPrintable(code)) {
      let j = i + 1;
      while (j < buf.length && isPrintable(buf.charCodeAt(j))) j++;
      events.push({ type: 'text', text: buf.slice(i, j) });
      i = j;
      continue;
    }
    const parsed = code === 0x1b ? parseEscape(buf, i, final) : parseSingle(buf, i, false);
    if (parsed.kind === 'incomplete') return { consumed: i, next: 'keys' };
    if (parsed.kind === 'paste-start') return { consumed: parsed.end, next: 'paste' };
    if (parsed.kind === 'overlong') {
      events.push(parsed.event);
      return { consumed: parsed.end, next: 'skip' };
    }
    events.push(parsed.event);
    i = parsed.end;
  }
  return { consumed: i, next: 'keys' };
}

function isPrintable(code: number): boolean {
  // C0, DEL and the C1 range U+0080..U+009F (8-bit CSI and friends) are never text.
  return code >= 0x20 && code !== 0x7f && !(code >= 0x80 && code <= 0x9f);
}

function key(
  name: KeyName,
  sequence: string,
  mods: { ctrl?: boolean; meta?: boolean; shift?: boolean } = {},
): KeyEvent {
  return {
    type: 'key',
    name,
    ctrl: mods.ctrl ?? false,
    meta: mods.meta ?? false,
    shift: mods.shift ?? false,
    sequence,
  };
}

function unknown(sequence: string, end: number): Parse {
  return { kind: 'event', event: { type: 'unknown', sequence }, end };
}

function event(e: InputEvent, end: number): Parse {
  return { kind: 'event', event: e, end };
}

/** One control character or one code point at `i`, as a key; `meta` when it followed an ESC. */
function parseSingle(buf: string, i: number, meta: boolean): Parse {
  const code = buf.codePointAt(i)!;
  const width = code > 0xffff ? 2 : 1;
  const start = meta ? i - 1 : i;
  const sequence = buf.slice(start, i + width);
  const end = i + width;
  const control = controlKey(code);
  if (control) return event(key(control.name, sequence, { ctrl: control.ctrl, meta }), end);
  if (!isPrintable(code)) return unknown(sequence, end);
  const ch = String.fromCodePoint(code);
  const lower = ch.toLowerCase();
  if (ch === ' ') return event(key('space', sequence, { meta }), end);
  return event(key(lower, sequence, { meta, shift: lower !== ch }), end);
}

function controlKey(code: number): { name: KeyName; ctrl: boolean } | undefined {
  switch (code) {
    case 0x00:
      return { name: 'space', ctrl: true }; // Ctrl+Space and Ctrl+@ both send NUL
    case 0x08: // Ctrl+H, and what some terminals send for Backspace
    case 0x7f:
      return { name: 'backspace', ctrl: false };
    case 0x09:
      return { name: 'tab', ctrl: false };
    case 0x0a: // Ctrl+J
    case 0x0d:
      return { name: 'enter', ctrl: false };
    case 0x1b:
      return { name: 'escape', ctrl: false };
    case 0x1c:
      return { name: '\\', ctrl: true };
    case 0x1d:
      return { name: ']', ctrl: true };
    case 0x1e:
      return { name: '^', ctrl: true };
    case 0x1f:
      return { name: '_', ctrl: true };
  }
  if (code >= 0x01 && code <= 0x1a) return { name: String.fromCharCode(0x60 + code), ctrl: true };
  return undefined;
}

function parseEscape(buf: string, i: number, final: boolean): Parse {
  const n = buf.length;
  if (i + 1 >= n) return final ? event(key('escape', ESC), i + 1) : INCOMPLETE;
  const next = buf[i + 1];
  if (next === '[') return parseCsi(buf, i, final);
  if (next === 'O') return parseSs3(buf, i, final);
  if (next === ESC) {
    // rxvt and some others send Alt+arrow as ESC followed by the arrow's own sequence.
    if (i + 2 >= n) return final ? event(key('escape', ESC), i + 1) : INCOMPLETE;
    const third = buf[i + 2];
    if (third === '[' || third === 'O') {
      const inner = third === '[' ? parseCsi(buf, i + 1, final) : parseSs3(buf, i + 1, final);
      if (inner.kind === 'incomplete') return inner;
      if (inner.kind === 'event' && inner.event.type === 'key') {
        return event({ ...inner.event, meta: true, sequence: buf.slice(i, inner.end) }, inner.end);
      }
    }
    return event(key('escape', ESC), i + 1);
  }
  return parseSingle(buf, i + 1, true);
}

/** Modifier parameter of xterm-style sequences: 1 + (shift 1 | alt 2 | ctrl 4 | meta 8). */
function modifiers(param: number | undefined): { ctrl: boolean; meta: boolean; shift: boolean } {
  const bits = param !== undefined && param > 1 ? param - 1 : 0;
  return { shift: (bits & 1) !== 0, meta: (bits & 2) !== 0 || (bits & 8) !== 0, ctrl: (bits & 4) !== 0 };
}

/** Final letters shared by CSI and SS3 (xterm, VT220). */
const LETTER_KEYS: Readonly<Record<string, SpecialKeyName>> = {
  A: 'up',
  B: 'down',
  C: 'right',
  D: 'left',
  E: 'begin', // keypad 5 with Num Lock off
  F: 'end',
  H: 'home',
  P: 'f1',
  Q: 'f2',
  R: 'f3',
  S: 'f4',
};

/** `CSI n ~` keys (VT220, xterm, rxvt, linux console). */
const TILDE_KEYS: Readonly<Record<number, SpecialKeyName>> = {
  1: 'home', // VT220 Find; linux console and tmux Home
  2: 'insert',
  3: 'delete',
  4: 'end', // VT220 Select; linux console and tmux End
  5: 'pageup',
  6: 'pagedown',
  7: 'home', // rxvt
  8: 'end', // rxvt
  11: 'f1',
  12: 'f2',
  13: 'f3',
  14: 'f4',
  15: 'f5',
  17: 'f6',
  18: 'f7',
  19: 'f8',
  20: 'f9',
  21: 'f10',
  23: 'f11',
  24: 'f12',
  25: 'f13',
  26: 'f14',
  28: 'f15',
  29: 'f16',
  31: 'f17',
  32: 'f18',
  33: 'f19',
  34: 'f20',
};

/** rxvt's shifted arrows: ESC [ a..d. */
const RXVT_SHIFT_ARROWS: Readonly<Record<string, SpecialKeyName>> = { a: 'up', b: 'down', c: 'right', d: 'left' };

/** Linux console F1..F5: ESC [ [ A..E. */
const LINUX_FKEYS: Readonly<Record<string, SpecialKeyName>> = { A: 'f1', B: 'f2', C: 'f3', D: 'f4', E: 'f5' };

/** Application-keypad keys (ESC O j..y, M, X) that stand for characters. */
const KEYPAD_TEXT: Readonly<Record<string, string>> = {
  j: '*',
  k: '+',
  l: ',',
  m: '-',
  n: '.',
  o: '/',
  p: '0',
  q: '1',
  r: '2',
  s: '3',
  t: '4',
  u: '5',
  v: '6',
  w: '7',
  x: '8',
  y: '9',
  X: '=',
};

function parseCsi(buf: string, i: number, final: boolean): Parse {
  const n = buf.length;
  const j = i + 2;
  if (j >= n) return final ? event(key('[', '\x1b[', { meta: true }), j) : INCOMPLETE;
  if (buf[j] === '[') {
    if (j + 1 >= n) return final ? unknown(buf.slice(i), n) : INCOMPLETE;
    const name = LINUX_FKEYS[buf[j + 1]!];
    const sequence = buf.slice(i, j + 2);
    return name ? event(key(name, sequence), j + 2) : unknown(sequence, j + 2);
  }
  let params = '';
  let intermediates = '';
  for (let k = j; k < n; k++) {
    const c = buf.charCodeAt(k);
    const ch = buf[k]!;
    if (c >= 0x30 && c <= 0x3f && intermediates === '') {
      params += ch;
    } else if (ch === '$' && intermediates === '' && /^\d+$/.test(params)) {
      // rxvt ends shifted keys with '$' (ESC [ 3 $), a byte that is otherwise an intermediate.
      return interpretCsi(params, '', ch, buf.slice(i, k + 1), k + 1);
    } else if (c >= 0x20 && c <= 0x2f) {
      intermediates += ch;
    } else if (c >= 0x40 && c <= 0x7e) {
      return interpretCsi(params, intermediates, ch, buf.slice(i, k + 1), k + 1);
    } else {
      // A byte that cannot be inside a sequence: what came before was a broken sequence.
      return unknown(buf.slice(i, k), k);
    }
    if (k - i >= MAX_SEQUENCE) {
      return { kind: 'overlong', event: { type: 'unknown', sequence: buf.slice(i, k + 1) }, end: k + 1 };
    }
  }
  return final ? unknown(buf.slice(i), n) : INCOMPLETE;
}

function interpretCsi(params: string, intermediates: string, finalChar: string, sequence: string, end: number): Parse {
  // Private parameters (?, <, =, >) are replies and mouse reports we never asked for.
  if (intermediates !== '' || /^[<=>?]/.test(params)) return unknown(sequence, end);
  // Sub-parameters after ':' (kitty) refine a parameter; the first value is the one we need.
  const p = params === '' ? [] : params.split(';').map((s) => (s === '' ? undefined : Number(s.split(':')[0])));
  const first = p[0];
  if (params === '' && finalChar === 'I') return event({ type: 'focus', focused: true }, end);
  if (params === '' && finalChar === 'O') return event({ type: 'focus', focused: false }, end);
  if (finalChar === '~') {
    if (first === 200 && p.length === 1) return { kind: 'paste-start', end };
    // xterm modifyOtherKeys: CSI 27 ; modifier ; code ~
    if (first === 27 && p.length === 3) return codePointKey(p[2], p[1], sequence, end);
    const name = first === undefined ? undefined : TILDE_KEYS[first];
    return name ? event(key(name, sequence, modifiers(p[1])), end) : unknown(sequence, end);
  }
  if (finalChar === '^' || finalChar === '$' || finalChar === '@') {
    // rxvt: '^' ctrl, '$' shift, '@' ctrl+shift on the tilde keys.
    const name = first === undefined ? undefined : TILDE_KEYS[first];
    const mods = { ctrl: finalChar !== '$', shift: finalChar !== '^' };
    return name && p.length === 1 ? event(key(name, sequence, mods), end) : unknown(sequence, end);
  }
  if (finalChar === 'u') return codePointKey(first, p[1], sequence, end); // CSI code ; modifier u
  if (finalChar === 'Z' && p.length <= 2) return event(key('tab', sequence, { ...modifiers(p[1]), shift: true }), end);
  const letter = LETTER_KEYS[finalChar];
  if (letter && p.length <= 2) return event(key(letter, sequence, modifiers(p[1])), end);
  const rxvt = RXVT_SHIFT_ARROWS[finalChar];
  if (rxvt && p.length === 0) return event(key(rxvt, sequence, { shift: true }), end);
  return unknown(sequence, end);
}

/** A key reported by code point (modifyOtherKeys, CSI u). */
function codePointKey(code: number | undefined, modifier: number | undefined, sequence: string, end: number): Parse {
  if (code === undefined || !Number.isInteger(code) || code < 0 || code > 0x10ffff) return unknown(sequence, end);
  const mods = modifiers(modifier);
  const control = controlKey(code);
  if (control) return event(key(control.name, sequence, { ...mods, ctrl: mods.ctrl || control.ctrl }), end);
  if (!isPrintable(code) || (code >= 0xd800 && code <= 0xdfff)) return unknown(sequence, end);
  const ch = String.fromCodePoint(code);
  // A character with at most Shift is typing, not a key chord.
  if (!mods.ctrl && !mods.meta) return event({ type: 'text', text: mods.shift ? ch.toUpperCase() : ch }, end);
  if (ch === ' ') return event(key('space', sequence, mods), end);
  return event(key(ch.toLowerCase(), sequence, { ...mods, shift: mods.shift || ch !== ch.toLowerCase() }), end);
}

function parseSs3(buf: string, i: number, final: boolean): Parse {
  const n = buf.length;
  let k = i + 2;
  if (k >= n) return final ? event(key('o', '\x1bO', { meta: true, shift: true }), k) : INCOMPLETE;
  // Old xterm put the modifier inside SS3: ESC O 5 A.
  while (k < n && buf.charCodeAt(k) >= 0x30 && buf.charCodeAt(k) <= 0x39) k++;
  if (k >= n) return final ? unknown(buf.slice(i), n) : INCOMPLETE;
  const digits = buf.slice(i + 2, k);
  const ch = buf[k]!;
  const c = buf.charCodeAt(k);
  if (c < 0x40 || c > 0x7e) {
    // Not a sequence after all: it was Alt+Shift+O followed by something else.
    return digits === '' ? event(key('o', '\x1bO', { meta: true, shift: true }), i + 2) : unknown(buf.slice(i, k), k);
  }
  const sequence = buf.slice(i, k + 1);
  const mods = modifiers(digits === '' ? undefined : Number(digits));
  const letter = LETTER_KEYS[ch];
  if (letter) return event(key(letter, sequence, mods), k + 1);
  if (digits !== '') return unknown(sequence, k + 1);
  const rxvt = RXVT_SHIFT_ARROWS[ch]; // rxvt sends Ctrl+arrows as ESC O a..d
  if (rxvt) return event(key(rxvt, sequence, { ctrl: true }), k + 1);
  if (ch === 'M') return event(key('enter', sequence), k + 1); // keypad Enter
  const text = KEYPAD_TEXT[ch];
  if (text !== undefined) return event({ type: 'text', text }, k + 1);
  return unknown(sequence, k + 1);
}
