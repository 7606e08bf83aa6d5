// Makes decoded wire text safe to draw: every character a terminal would act on becomes a visible mark,
// so nothing the peer sends can move the cursor, retitle the window, reorder text or hide it.

import { Buffer } from 'node:buffer';
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
const UNSAFE_RANGES: readonly (readonly [number, number])[] = [
  [0x0000, 0x001f],
  [0x007f, 0x009f],
  [0x061c, 0x061c],
  [0x200b, 0x200b],
  [0x200e, 0x200f],
  [0x2028, 0x202e],
  [0x2060, 0x2064],
  [0x2066, 0x206f],
  [0xd800, 0xdfff],
  [0xfeff, 0xfeff],
  [0xfff9, 0xfffb],
];
const unitEscape = (code: number): string => `\\u${code.toString(16).padStart(4, '0')}`;
const UNSAFE_SOURCE = `[${UNSAFE_RANGES.map(([from, to]) => (from === to ? unitEscape(from) : `${unitEscape(from)}-${unitEscape(to)}`)).join('')}]`;
const UNSAFE = new RegExp(UNSAFE_SOURCE);
const UNSAFE_ALL = new RegExp(UNSAFE_SOURCE, 'g');
/**
 * The same set as a table of code units, for the render loop: on random bytes about one character
 * in eight is unsafe, and a regex match per character cost more than a table look-up per character.
 */
const UNSAFE_UNIT = new Uint8Array(0x10000);
for (const [from, to] of UNSAFE_RANGES) UNSAFE_UNIT.fill(1, from, to + 1);

/** Tab stops every 8 columns, the terminal default. */
export const TAB_WIDTH = 8;

/** U+2400 is the Control Pictures block's NUL; U+2400 + c is the picture for C0 code c. */
const CONTROL_PICTURES = 0x2400;
/** SYMBOL FOR HORIZONTAL TABULATION: how a one-row field shows a tab. */
const TAB_PICTURE = '\u2409';
/** SYMBOL FOR DELETE. */
const DEL_PICTURE = '\u2421';
/** What a lone surrogate becomes: the replacement character the decoders use for bad input. */
const REPLACEMENT = '\ufffd';

/** The mark shown for one unsafe character (never a tab: toVisible expands tabs, safeLine draws them ␉ first). */
function markFor(code: number): string {
  if (code < 0x20) return String.fromCharCode(CONTROL_PICTURES + code);
  if (code === 0x7f) return DEL_PICTURE;
  if (code >= 0xd800 && code <= 0xdfff) return REPLACEMENT;
  // C1, bidi and invisible characters have no picture of their own: name the code point.
  return `<U+${code.toString(16).toUpperCase().padStart(4, '0')}>`;
}

/** The longest mark, `<U+XXXX>`. */
const LONGEST_MARK = 8;
/**
 * The most code units `toVisible` makes of one code unit (a mark, or a tab's spaces): the visible
 * text of n units is at most n times this, whatever they are.
 */
export const MAX_VISIBLE_GROWTH = Math.max(LONGEST_MARK, TAB_WIDTH);
/**
 * The marks of C0, DEL and C1 as code units, made once (random bytes are one eighth controls):
 * the mark of `code` is CONTROL_MARK_UNITS[code * 8 ..] for CONTROL_MARK_LENGTHS[code] units.
 */
const CONTROL_MARK_COUNT = 0xa0;
const CONTROL_MARK_LENGTHS = new Uint8Array(CONTROL_MARK_COUNT);
const CONTROL_MARK_UNITS = new Uint16Array(CONTROL_MARK_COUNT * LONGEST_MARK);
for (let code = 0; code < CONTROL_MARK_COUNT; code += 1) {
  const mark = markFor(code);
  CONTROL_MARK_LENGTHS[code] = mark.length;
  for (let i = 0; i < mark.length; i += 1) CONTROL_MARK_UNITS[code * LONGEST_MARK + i] = mark.charCodeAt(i);
}

/**
 * Visible text is written here a code unit at a time, then made a string by one native call: a
 * flat string of its own, sharing nothing with the input. Bounded: a longer text goes in blocks.
 */
const SCRATCH_UNITS = 16 * 1024;
const scratch = new Uint16Array(SCRATCH_UNITS + LONGEST_MARK);
/**
 * scratch[from..to) as a string. Buffer's UTF-16LE slice is ~4x faster than a TextDecoder's for
 * the short runs of a line, and keeps a leading U+FEFF (none gets here unmarked anyway).
 */
const scratchBytes = Buffer.from(scratch.buffer, scratch.byteOffset, scratch.byteLength);
function scratchString(from: number, to: number): string {
  return scratchBytes.toString('utf16le', 2 * from, 2 * to);
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
/**
 * What is known of each BMP code unit seen so far: 0, not measured yet; else its width + 1 (bits
 * 0-1) and IS_MARK (bit 2) when it is a mark (\p{M}), which joins the character before it.
 */
const bmpInfo = new Uint8Array(0x10000);
const IS_MARK = 4;
const MARK = /\p{M}/u;
const clusterWidths = new Map<string, number>();

function unitInfo(code: number): number {
  let info = bmpInfo[code]!;
  if (info === 0) {
    const ch = String.fromCharCode(code);
    info = (stringWidth(ch) + 1) | (MARK.test(ch) ? IS_MARK : 0);
    bmpInfo[code] = info;
  }
  return info;
}

/**
 * A BMP character and the BMP marks after it take the sum of their widths (string-width's rule: the
 * base's width, plus that of spacing marks), unless a variation selector or the keycap mark makes
 * an emoji of them; -1 when that does not apply. Random bytes make thousands of distinct such
 * clusters a megabyte, more than a cache holds, and string-width takes microseconds for each.
 * The sanitize tests pin this sum against string-width itself.
 */
function markedWidth(cluster: string): number {
  let width = 0;
  for (let i = 0; i < cluster.length; i += 1) {
    const code = cluster.charCodeAt(i);
    if ((code >= 0xd800 && code <= 0xdfff) || code === 0x200d || code === 0xfe0e || code === 0xfe0f || code === 0x20e3) return -1;
    const info = unitInfo(code);
    if (i > 0 && (info & IS_MARK) === 0) return -1;
    width += (info & 3) - 1;
  }
  return width;
}

function clusterWidth(cluster: string): number {
  if (cluster.length === 1) return (unitInfo(cluster.charCodeAt(0)) & 3) - 1;
  const summed = markedWidth(cluster);
  if (summed >= 0) return summed;
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
 * Whether the code point at `at` extends the cluster before it, exactly as CLUSTERS decides: a mark,
 * ZWJ, an emoji modifier or a tag. Beyond the BMP only those pairs are looked at closely.
 */
function joins(text: string, at: number): boolean {
  const code = text.charCodeAt(at);
  if (code < 0x300) return false;
  if (code >= 0xd800 && code <= 0xdbff) {
    const cp = text.codePointAt(at)!;
    return (cp >= 0x1f3fb && cp <= 0x1f3ff) || (cp >= 0xe0020 && cp <= 0xe007f) || MARK.test(String.fromCodePoint(cp));
  }
  if (code >= 0xdc00 && code <= 0xdfff) return false;
  return code === 0x200d || (unitInfo(code) & IS_MARK) !== 0;
}

/**
 * Visits each cluster of visible text in order: its code-unit index and length, its width in
 * terminal columns, and whether it is a run of printable ASCII (one column per character, so it may
 * be cut anywhere) rather than one cluster that must stay whole. The clusters of CLUSTERS; runs of
 * printable ASCII and characters that nothing joins are found without it (a line of control
 * pictures or U+FFFD would be a regex match per character).
 */
export function forEachCluster(
  text: string,
  visit: (index: number, length: number, width: number, asciiRun: boolean) => void,
): void {
  const n = text.length;
  for (let at = 0; at < n; ) {
    const code = text.charCodeAt(at);
    if (code >= 0x20 && code <= 0x7e) {
      let end = at + 1;
      while (end < n && isPrintableAscii(text.charCodeAt(end))) end += 1;
      // As the regex's look-ahead: the run's last character belongs to what joins it.
      if (end < n && joins(text, end)) end -= 1;
      if (end > at) {
        visit(at, end - at, end - at, true);
        at = end;
        continue;
      }
    } else if ((code < 0xd800 || code > 0xdfff) && (at + 1 === n || !joins(text, at + 1))) {
      const info = unitInfo(code);
      if ((info & IS_MARK) === 0) {
        visit(at, 1, (info & 3) - 1, false);
        at += 1;
        continue;
      }
    }
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

function isPrintableAscii(code: number): boolean {
  return code >= 0x20 && code <= 0x7e;
}

/**
 * Terminal columns `text` takes (wide CJK and emoji 2, marks 0); for text already made visible.
 * The clusters of forEachCluster, summed; but a character that nothing joins (most of them, and
 * every U+FFFD and control picture of a binary stream) is a cluster of its own, measured from the
 * table without a regex match: a line of random bytes is mostly such characters.
 */
export function displayWidth(text: string): number {
  if (PRINTABLE_ASCII.test(text)) return text.length;
  const n = text.length;
  let width = 0;
  // Each unit's info is read once and carried to the next turn: this loop is most of the cost of
  // the tab stops of a binary stream, and a look-up per unit per turn is ~3x faster than two.
  let code = text.charCodeAt(0);
  let info = bmpInfo[code] || unitInfo(code);
  for (let at = 0; at < n; ) {
    // Past the end, a space: it joins nothing.
    const next = at + 1 < n ? text.charCodeAt(at + 1) : 0x20;
    const nextInfo = bmpInfo[next] || unitInfo(next);
    if (((info | nextInfo) & IS_MARK) === 0 && !isSurrogate(code) && !isSurrogate(next) && next !== 0x200d) {
      width += (info & 3) - 1;
      at += 1;
      code = next;
      info = nextInfo;
      continue;
    }
    // Several code units, or a mark with no base: the cluster regex, from this cluster boundary.
    CLUSTERS.lastIndex = at;
    const m = CLUSTERS.exec(text);
    if (m === null) break;
    width += m[1] !== undefined ? m[0].length : clusterWidth(m[0]);
    at = m.index + m[0].length;
    code = text.charCodeAt(at);
    info = at < n ? bmpInfo[code] || unitInfo(code) : 0;
  }
  return width;
}

function isSurrogate(code: number): boolean {
  return (code & 0xf800) === 0xd800;
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

interface Rendered extends VisibleRun {
  /** The column after the last tab's padding (startColumn if there is no tab). */
  readonly tabColumn: number;
  /** Where the text after the last tab starts in `text` (0 if there is no tab). */
  readonly afterTab: number;
}

/**
 * Null when nothing in `text` needs a mark (emoji pairs alone do not). The visible text is written
 * to `scratch` and made a string at once. Built with `+=`, it was a rope of a node or two per mark
 * holding slices of the whole decoded chunk: 3x the memory the scrollback counted for random
 * bytes, 28x for a line of NUL bytes, and its concatenation per mark was the cost of a binary
 * flood. Lone surrogates are marked before the UTF-16 decode, so it never has one to replace.
 */
function render(text: string, startColumn: number, trackColumn: boolean): Rendered | null {
  // The regex scan is native: a text with nothing to mark (most lines of text) costs no loop.
  if (!UNSAFE.test(text)) return null;
  const n = text.length;
  /** Blocks that filled scratch, as strings: only a text of more than SCRATCH_UNITS has any. */
  const blocks: string[] = [];
  let flushed = 0;
  let units = 0;
  let changed = false;
  // Widths are measured lazily, only when a tab needs its column: most lines have no tab.
  let baseColumn = startColumn;
  /** Where the text after the last tab starts: in which block (blocks.length: scratch), at which unit. */
  let tailBlock = 0;
  let tailUnit = 0;
  let afterTab = 0;
  for (let at = 0; at < n; at += 1) {
    if (units >= SCRATCH_UNITS) {
      blocks.push(scratchString(0, units));
      flushed += units;
      units = 0;
    }
    const code = text.charCodeAt(at);
    if (UNSAFE_UNIT[code] === 0) {
      scratch[units++] = code;
      continue;
    }
    if (code < CONTROL_MARK_COUNT && code !== 0x09) {
      // Most marks of a binary stream: C0, DEL, C1, copied from a table of code units.
      changed = true;
      const from = code * LONGEST_MARK;
      const to = from + CONTROL_MARK_LENGTHS[code]!;
      for (let i = from; i < to; i += 1) scratch[units++] = CONTROL_MARK_UNITS[i]!;
      continue;
    }
    if (isHigh(code) && isLow(text.charCodeAt(at + 1))) {
      scratch[units++] = code;
      scratch[units++] = text.charCodeAt(at + 1);
      at += 1;
      continue;
    }
    changed = true;
    if (code === 0x09) {
      const column = baseColumn + tailWidth(blocks, tailBlock, tailUnit, units);
      const pad = TAB_WIDTH - (column % TAB_WIDTH);
      for (let i = 0; i < pad; i += 1) scratch[units++] = 0x20;
      baseColumn = column + pad;
      tailBlock = blocks.length;
      tailUnit = units;
      afterTab = flushed + units;
      continue;
    }
    const mark = markFor(code);
    for (let i = 0; i < mark.length; i += 1) scratch[units++] = mark.charCodeAt(i);
  }
  if (!changed) return null;
  const column = trackColumn ? baseColumn + tailWidth(blocks, tailBlock, tailUnit, units) : startColumn;
  const last = scratchString(0, units);
  if (blocks.length === 0) return { text: last as SafeText, column, tabColumn: baseColumn, afterTab };
  blocks.push(last);
  return { text: blocks.join('') as SafeText, column, tabColumn: baseColumn, afterTab };
}

/**
 * Columns of the visible text written since the last tab: from `tailUnit` of block `tailBlock`
 * up to `units` of scratch. Measured on the units in scratch where it starts there (a string is
 * made only from the first cluster of several units on); as one string if it spans blocks.
 */
function tailWidth(blocks: readonly string[], tailBlock: number, tailUnit: number, units: number): number {
  if (tailBlock === blocks.length) return scratchWidth(tailUnit, units);
  const head = blocks[tailBlock]!.slice(tailUnit);
  return displayWidth(head + blocks.slice(tailBlock + 1).join('') + scratchString(0, units));
}

/** displayWidth of scratch[from..to), as that loop does it; the rest as a string from a cluster that needs the regex. */
function scratchWidth(from: number, to: number): number {
  if (from >= to) return 0;
  let width = 0;
  let code = scratch[from]!;
  let info = bmpInfo[code] || unitInfo(code);
  for (let at = from; at < to; at += 1) {
    const next = at + 1 < to ? scratch[at + 1]! : 0x20;
    const nextInfo = bmpInfo[next] || unitInfo(next);
    if (((info | nextInfo) & IS_MARK) !== 0 || isSurrogate(code) || isSurrogate(next) || next === 0x200d) {
      return width + displayWidth(scratchString(at, to));
    }
    width += (info & 3) - 1;
    code = next;
    info = nextInfo;
  }
  return width;
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
  const run = render(text, startColumn, true);
  return run === null ? { text: text as SafeText, column: startColumn + displayWidth(text) } : { text: run.text, column: run.column };
}

/** Text made visible with its tab stops, and what the column after it is made of (see toVisibleTabbed). */
export interface TabbedRun {
  readonly text: SafeText;
  /** The column after the last tab's padding; `startColumn` if the text has no tab. */
  readonly tabColumn: number;
  /** Where the text after the last tab starts (0 if none): the column after the text is `tabColumn` plus its width. */
  readonly afterTab: number;
}

/**
 * As {@link toVisibleFrom}, but the width after the last tab is left to the caller, who needs it
 * only if more of the line comes: a stream's lines mostly end in the chunk they start in, and on
 * random bytes that measurement was a third of the cost of making them visible.
 */
export function toVisibleTabbed(text: string, startColumn: number): TabbedRun {
  const run = render(text, startColumn, false);
  return run === null ? { text: text as SafeText, tabColumn: startColumn, afterTab: 0 } : { text: run.text, tabColumn: run.tabColumn, afterTab: run.afterTab };
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
  // The tab's own picture first, so there is no tab left to expand; the rest as everywhere.
  return toVisible(text.includes('\t') ? text.replaceAll('\t', TAB_PICTURE) : text);
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
