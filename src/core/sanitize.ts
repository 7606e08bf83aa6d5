// Makes decoded wire text safe to draw: every character a terminal would act on becomes a visible mark,
// so nothing the peer sends can move the cursor, retitle the window, reorder text or hide it.

import stringWidth from 'string-width';

/**
 * Code points that never reach the terminal as themselves.
 * - C0 (U+0000..U+001F) and DEL: the terminal acts on them (ESC starts CSI, OSC, DCS...).
 * - C1 (U+0080..U+009F): 8-bit CSI (U+009B), OSC (U+009D), DCS (U+0090), ST (U+009C) and NEL (U+0085)
 *   on terminals that honour them.
 * - Bidi controls: embeddings and overrides U+202A..U+202E, isolates U+2066..U+2069, and the marks
 *   LRM U+200E, RLM U+200F, ALM U+061C; they can reorder what is shown ("Trojan Source", CVE-2021-42574).
 * - Invisible characters that hide or split text without a trace: ZWSP U+200B, word joiner and the
 *   invisible operators U+2060..U+2064, the deprecated format controls U+206A..U+206F, ZWNBSP/BOM U+FEFF,
 *   interlinear annotation U+FFF9..U+FFFB, and the line and paragraph separators U+2028/U+2029, which
 *   some terminals and fonts treat as line breaks (a shown line must stay one line).
 * - Lone surrogates: not text at all; a terminal draws them unpredictably.
 * ZWJ U+200D and ZWNJ U+200C stay (emoji sequences and Persian/Indic shaping need them), as do
 * variation selectors (emoji presentation).
 * Surrogates are matched here whether paired or not, and pairs are let through in the loop: a `u`
 * regex could tell them apart itself but scans about ten times slower, and this runs on every chunk.
 */
const UNSAFE_SOURCE =
  '[\\u0000-\\u001f\\u007f-\\u009f\\u061c\\u200b\\u200e\\u200f\\u2028-\\u202e\\u2060-\\u2064' +
  '\\u2066-\\u206f\\ud800-\\udfff\\ufeff\\ufff9-\\ufffb]';
const UNSAFE = new RegExp(UNSAFE_SOURCE);
const UNSAFE_ALL = new RegExp(UNSAFE_SOURCE, 'g');

/** Tab stops every 8 columns, the terminal default. */
export const TAB_WIDTH = 8;

/** U+2400 is the Control Pictures block's NUL; U+2400 + c is the picture for C0 code c. */
const CONTROL_PICTURES = 0x2400;
/** SYMBOL FOR DELETE. */
const DEL_PICTURE = '\u2421';
/** What a lone surrogate becomes: the replacement character the decoders use for bad input. */
const REPLACEMENT = '\ufffd';

/** The mark shown for one unsafe character; a tab gets one only in safeLine (toVisible expands tabs). */
function markFor(code: number): string {
  if (code < 0x20) return String.fromCharCode(CONTROL_PICTURES + code);
  if (code === 0x7f) return DEL_PICTURE;
  if (code >= 0xd800 && code <= 0xdfff) return REPLACEMENT;
  // C1, bidi and invisible characters have no picture of their own: name the code point.
  return `<U+${code.toString(16).toUpperCase().padStart(4, '0')}>`;
}

// ---------------------------------------------------------------------------------------------
// Terminal columns of visible text, shared by tab expansion and the scrollback's wrapping so the two
// agree. string-width segments with Intl.Segmenter, ~3 µs a character: too slow for a frame of CJK
// rows. Here a regex finds clusters (printable ASCII runs whole) and widths are cached per cluster.

/**
 * One match is: a run of printable ASCII not followed by something that joins its last character,
 * a regional-indicator pair (a flag), a base with its marks, emoji modifiers, tags and ZWJ-joined
 * characters, or marks with no base. This approximates extended grapheme clusters; it does not join
 * Hangul jamo or Indic conjuncts, which terminals disagree about anyway.
 */
const CLUSTERS =
  /([\x20-\x7e]+)(?![\p{M}\u200d\u{1F3FB}-\u{1F3FF}\u{E0020}-\u{E007F}])|\p{RI}\p{RI}|\P{M}(?:[\p{M}\u{1F3FB}-\u{1F3FF}\u{E0020}-\u{E007F}]|\u200d\P{M}?)*|\p{M}+/gu;
/** Width + 1 of each BMP character seen so far (0: not measured yet). */
const bmpWidths = new Uint8Array(0x10000);
const clusterWidths = new Map<string, number>();

function clusterWidth(cluster: string): number {
  if (cluster.length === 1) {
    const code = cluster.charCodeAt(0);
    let known = bmpWidths[code]!;
    if (known === 0) {
      known = stringWidth(cluster) + 1;
      bmpWidths[code] = known;
    }
    return known - 1;
  }
  let known = clusterWidths.get(cluster);
  if (known === undefined) {
    known = stringWidth(cluster);
    // Clusters repeat (the same emoji, the same accented letters); a hostile stream of distinct ones
    // only costs the cache a restart.
    if (clusterWidths.size >= 4096) clusterWidths.clear();
    clusterWidths.set(cluster, known);
  }
  return known;
}

/**
 * Visits each cluster of visible text in order: its code-unit index and length, its width in
 * terminal columns, and whether it is a run of printable ASCII (one column per character, so it may
 * be cut anywhere) rather than one cluster that must stay whole.
 */
export function forEachCluster(
  text: string,
  visit: (index: number, length: number, width: number, asciiRun: boolean) => void,
): void {
  for (let at = 0; at < text.length; ) {
    CLUSTERS.lastIndex = at;
    const m = CLUSTERS.exec(text);
    if (m === null) break;
    const cluster = m[0];
    at = m.index + cluster.length;
    // The shared regex's position is set afresh each turn, so a visitor may measure text too.
    if (m[1] !== undefined) visit(m.index, cluster.length, cluster.length, true);
    else visit(m.index, cluster.length, clusterWidth(cluster), false);
  }
}

/** Terminal columns `text` takes (wide CJK and emoji 2, marks 0); for text already made visible. */
export function displayWidth(text: string): number {
  if (PRINTABLE_ASCII.test(text)) return text.length;
  let width = 0;
  forEachCluster(text, (_index, _length, cells) => {
    width += cells;
  });
  return width;
}

/** Printable ASCII only: one column a character, nothing to mark. */
export const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

/** Text made visible, and the column the cursor would be at after it. */
export interface VisibleRun {
  readonly text: SafeText;
  readonly column: number;
}

function isHigh(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

function isLow(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

/** Null when nothing in `text` needs a mark (emoji pairs alone do not). */
function render(text: string, startColumn: number, trackColumn: boolean): VisibleRun | null {
  let out = '';
  let last = 0;
  let changed = false;
  // Widths are measured lazily, only when a tab needs its column: most lines have no tab.
  let baseColumn = startColumn;
  let measuredUpTo = 0;
  UNSAFE_ALL.lastIndex = 0;
  for (let m = UNSAFE_ALL.exec(text); m !== null; m = UNSAFE_ALL.exec(text)) {
    const at = m.index;
    const code = text.charCodeAt(at);
    if (isHigh(code) && isLow(text.charCodeAt(at + 1))) {
      UNSAFE_ALL.lastIndex = at + 2;
      continue;
    }
    changed = true;
    out += text.slice(last, at);
    if (code === 0x09) {
      const column = baseColumn + displayWidth(out.slice(measuredUpTo));
      const pad = TAB_WIDTH - (column % TAB_WIDTH);
      out += ' '.repeat(pad);
      baseColumn = column + pad;
      measuredUpTo = out.length;
    } else {
      out += markFor(code);
    }
    last = at + 1;
  }
  if (!changed) return null;
  out += text.slice(last);
  const column = trackColumn ? baseColumn + displayWidth(out.slice(measuredUpTo)) : startColumn;
  return { text: out as SafeText, column };
}

/**
 * Maps every character a terminal would interpret to a visible, single-line mark:
 * C0 controls to Control Pictures (NUL ␀, BEL ␇, ESC ␛, CR ␍, LF ␊), DEL to ␡, C1 controls and
 * bidi/invisible characters to `<U+XXXX>`, lone surrogates to U+FFFD.
 *
 * TAB is expanded to spaces up to the next multiple of 8 counted from `startColumn` (the column of
 * the text's first character in its line). Expanded, not marked, because servers use tabs to lay out
 * columns (directory listings, tables, `ls -l` over a shell) and a ␉ per tab breaks that layout; the
 * hex view shows the exact bytes when a tab must be told from spaces. Stops count from the start of the
 * logical line, which is what the terminal shows as long as the line is not wrapped.
 *
 * An ESC sequence comes out as ␛ followed by its printable rest, e.g. `␛[31m`, `␛]0;title␇`.
 */
export function toVisible(text: string, startColumn = 0): SafeText {
  if (!UNSAFE.test(text)) return text as SafeText;
  return render(text, startColumn, false)?.text ?? (text as SafeText);
}

/**
 * As {@link toVisible}, and also the display column after the text (tab stops and wide characters
 * counted), so that a line arriving in pieces keeps its tab stops. Costs a width measurement of the
 * text; use `toVisible` when the column is not needed.
 */
export function toVisibleFrom(text: string, startColumn: number): VisibleRun {
  return render(text, startColumn, true) ?? { text: text as SafeText, column: startColumn + displayWidth(text) };
}

// ---------------------------------------------------------------------------------------------
// The render boundary: text a UI prop may draw. Only this module makes it, so a prop typed
// SafeText cannot be handed peer or pasted bytes that skipped the sanitizer.

declare const safeTextBrand: unique symbol;
/** Text with nothing a terminal would act on: made by {@link safe}, {@link safeLine} or a slice of one. */
export type SafeText = string & { readonly [safeTextBrand]: true };

/** Any text made safe to draw, as {@link toVisible} does (tabs expanded to spaces). */
export function safe(text: string, startColumn = 0): SafeText {
  return toVisible(text, startColumn);
}

/**
 * Text made safe for a one-row field that is edited in place (the input line, the prompt): as
 * {@link safe}, but a tab is marked ␉ rather than expanded, so each character of the text stays
 * one visible unit and what is drawn can be edited.
 */
export function safeLine(text: string): SafeText {
  if (!UNSAFE.test(text)) return text as SafeText;
  let out = '';
  let last = 0;
  UNSAFE_ALL.lastIndex = 0;
  for (let m = UNSAFE_ALL.exec(text); m !== null; m = UNSAFE_ALL.exec(text)) {
    const at = m.index;
    const code = text.charCodeAt(at);
    if (isHigh(code) && isLow(text.charCodeAt(at + 1))) {
      UNSAFE_ALL.lastIndex = at + 2;
      continue;
    }
    out += text.slice(last, at) + markFor(code);
    last = at + 1;
  }
  return (out + text.slice(last)) as SafeText;
}

/** A piece of safe text, cut at cluster boundaries (as the wrapping and the editor's view cut). */
export function sliceSafe(text: SafeText, start: number, end?: number): SafeText {
  return text.slice(start, end) as SafeText;
}

/**
 * The part of one row of safe text that fits `width` terminal columns, cut at a cluster boundary
 * (a wide character that would straddle the edge is left out). Ink's truncation of a many-line
 * Text gives up at the first line too long, so each row is cut to fit before it is joined.
 */
export function fitColumns(text: SafeText, width: number): SafeText {
  if (text.length <= width && PRINTABLE_ASCII.test(text)) return text;
  if (PRINTABLE_ASCII.test(text)) return text.slice(0, Math.max(0, width)) as SafeText;
  let used = 0;
  let end = 0;
  let done = false;
  forEachCluster(text, (index, length, cells, asciiRun) => {
    if (done) return;
    if (asciiRun) {
      const take = Math.min(length, Math.max(0, width - used));
      used += take;
      end = index + take;
      if (take < length) done = true;
      return;
    }
    if (used + cells > width) {
      done = true;
      return;
    }
    used += cells;
    end = index + length;
  });
  return text.slice(0, end) as SafeText;
}

/** Safe text cut to `width` columns and padded with spaces to exactly `width` (a bar's row). */
export function padColumns(text: SafeText, width: number): SafeText {
  const fitted = fitColumns(text, width);
  const used = PRINTABLE_ASCII.test(fitted) ? fitted.length : displayWidth(fitted);
  return (fitted + ' '.repeat(Math.max(0, width - used))) as SafeText;
}

/** Two safe texts as one: neither holds an ESC, so nothing can form a sequence across the join. */
export function concatSafe(a: SafeText, b: SafeText): SafeText {
  return (a + b) as SafeText;
}


/** True if `text` holds nothing that `toVisible` would change. */
export function isVisibleSafe(text: string): boolean {
  return !UNSAFE.test(text) || render(text, 0, false) === null;
}

// ---------------------------------------------------------------------------------------------
// Colour, when the user asks for it: SGR sequences from a whitelist become structured styles, never
// escape bytes. Everything else stays visible marks.

/**
 * A text style from SGR parameters. Colours use the names Ink's `<Text color>` accepts: the 16 named
 * colours ('red', 'redBright', ...), 'ansi256(n)' and '#rrggbb'.
 */
export interface SgrStyle {
  readonly fg?: string;
  readonly bg?: string;
  readonly bold?: boolean;
  readonly dim?: boolean;
  readonly italic?: boolean;
  readonly underline?: boolean;
  readonly inverse?: boolean;
  readonly strikethrough?: boolean;
}

/** A run of visible text in one style. */
export interface StyledSpan {
  readonly text: string;
  readonly style: SgrStyle;
}

/** Spans of one piece of text, and the style in force after it (to carry into the next piece). */
export interface StyledText {
  readonly spans: StyledSpan[];
  readonly style: SgrStyle;
}

const COLOUR_NAMES = ['black', 'red', 'green', 'yellow', 'blue', 'magenta', 'cyan', 'white'] as const;

/**
 * SGR parameters honoured. Left out on purpose: 8 (conceal: hides text), 5/6 (blink), fonts, and
 * colon sub-parameters; a sequence with any parameter outside this list is shown as marks, whole.
 */
type Attr = 'bold' | 'dim' | 'italic' | 'underline' | 'inverse' | 'strikethrough';
const SET_ATTR: Readonly<Record<number, Attr>> = {
  1: 'bold',
  2: 'dim',
  3: 'italic',
  4: 'underline',
  7: 'inverse',
  9: 'strikethrough',
};
const RESET_ATTRS: Readonly<Record<number, readonly Attr[]>> = {
  22: ['bold', 'dim'],
  23: ['italic'],
  24: ['underline'],
  27: ['inverse'],
  29: ['strikethrough'],
};

function hex2(n: number): string {
  return n.toString(16).padStart(2, '0');
}

/** Reads `38;5;n` / `38;2;r;g;b` from params at i (pointing after 38/48); null if malformed. */
function extendedColour(params: number[], i: number): { colour: string; next: number } | null {
  const mode = params[i];
  if (mode === 5) {
    const n = params[i + 1];
    if (n === undefined || n > 255) return null;
    return { colour: `ansi256(${n})`, next: i + 2 };
  }
  if (mode === 2) {
    const [r, g, b] = [params[i + 1], params[i + 2], params[i + 3]];
    if (r === undefined || g === undefined || b === undefined || r > 255 || g > 255 || b > 255) return null;
    return { colour: `#${hex2(r)}${hex2(g)}${hex2(b)}`, next: i + 4 };
  }
  return null;
}

/**
 * Applies the parameter string of one `CSI ... m` (e.g. "1;31") to `style`. Returns the new style,
 * or null if any parameter is outside the whitelist (the caller then shows the sequence as marks).
 * An empty parameter string, like `0`, resets.
 */
export function parseSgr(params: string, style: SgrStyle = {}): SgrStyle | null {
  if (!/^[0-9;]*$/.test(params) || params.length > 64) return null;
  const nums = params === '' ? [0] : params.split(';').map((p) => (p === '' ? 0 : Number(p)));
  let next: { -readonly [K in keyof SgrStyle]: SgrStyle[K] } = { ...style };
  for (let i = 0; i < nums.length; ) {
    const p = nums[i]!;
    if (p === 0) {
      next = {};
      i += 1;
    } else if (p in SET_ATTR) {
      next[SET_ATTR[p]!] = true;
      i += 1;
    } else if (p in RESET_ATTRS) {
      for (const a of RESET_ATTRS[p]!) delete next[a];
      i += 1;
    } else if ((p >= 30 && p <= 37) || (p >= 40 && p <= 47)) {
      next[p < 40 ? 'fg' : 'bg'] = COLOUR_NAMES[p % 10];
      i += 1;
    } else if ((p >= 90 && p <= 97) || (p >= 100 && p <= 107)) {
      next[p < 100 ? 'fg' : 'bg'] = `${COLOUR_NAMES[p % 10]}Bright`;
      i += 1;
    } else if (p === 39 || p === 49) {
      delete next[p === 39 ? 'fg' : 'bg'];
      i += 1;
    } else if (p === 38 || p === 48) {
      const ext = extendedColour(nums, i + 1);
      if (ext === null) return null;
      next[p === 38 ? 'fg' : 'bg'] = ext.colour;
      i = ext.next;
    } else {
      return null;
    }
  }
  return next;
}

/** Text drawn in its own colour on its own background is hidden text: drop the background. */
function legible(style: SgrStyle): SgrStyle {
  if (style.fg !== undefined && style.fg === style.bg) {
    const { bg: _hidden, ...rest } = style;
    return rest;
  }
  return style;
}

/**
 * SGR sequences introduced by ESC or by its visible mark ␛ (U+241B). Accepting the mark lets the pane
 * colour lines the scrollback already stored as marks; the price is that a peer sending a literal
 * "␛[31m" gets colour too, which is harmless because only structured styles come out.
 */
const SGR = /(?:\u001b|\u241b)\[([0-9;]*)m/g;

/**
 * Splits `text` into styled spans: whitelisted SGR sequences (see {@link parseSgr}) become styles,
 * every other escape sequence and control is made visible as by {@link toVisible}. `style` is the
 * style in force before the text (SGR state carries from one line to the next on a terminal).
 */
export function sanitizeWithSgr(text: string, style: SgrStyle = {}): StyledText {
  const spans: StyledSpan[] = [];
  let current = style;
  let column = 0;
  let pending = '';
  let last = 0;
  const flush = () => {
    if (pending === '') return;
    const run = toVisibleFrom(pending, column);
    column = run.column;
    const prev = spans[spans.length - 1];
    const shown = legible(current);
    if (prev !== undefined && prev.style === shown) {
      spans[spans.length - 1] = { text: prev.text + run.text, style: shown };
    } else {
      spans.push({ text: run.text, style: shown });
    }
    pending = '';
  };
  SGR.lastIndex = 0;
  for (let m = SGR.exec(text); m !== null; m = SGR.exec(text)) {
    const parsed = parseSgr(m[1]!, current);
    pending += text.slice(last, m.index);
    if (parsed === null) {
      pending += m[0];
    } else {
      flush();
      current = parsed;
    }
    last = m.index + m[0].length;
  }
  pending += text.slice(last);
  flush();
  return { spans, style: current };
}
