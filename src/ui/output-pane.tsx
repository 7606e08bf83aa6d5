// The output pane: only the visible rows, as one Text of rows (a Text per line of scrollback
// would make Ink lay out thousands of nodes per frame). Rows arrive already sanitized.
import { Box, Text } from 'ink';
import type { HexRow } from '../core/hex-log.js';
import { sanitizeWithSgr, type SgrStyle } from '../core/sanitize.js';
import type { ViewRow } from '../core/scrollback.js';
import type { Palette } from '../core/styles.js';
import { usePalette } from './palette.js';
import { lineTone } from '../core/protocols/tones.js';
import type { ProtoName } from '../core/protocols/choose.js';

export interface OutputPaneProps {
  rows: readonly ViewRow[] | null;
  hexRows: readonly HexRow[] | null;
  height: number;
  timestamps: boolean;
  /** Draw the peer's own SGR colours (a whitelisted subset, see sanitizeWithSgr) instead of marks. */
  colours: boolean;
  /** The helper in force: its replies are drawn in the colour of their class. */
  proto?: ProtoName | null;
}

/** Width of the time-stamp column: "12:34:56 ". */
export const TIMESTAMP_WIDTH = 9;

function stamp(row: ViewRow): string {
  if (row.row !== 0 || row.line.time === undefined) return ' '.repeat(TIMESTAMP_WIDTH);
  const d = new Date(row.line.time);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())} `;
}

// Row colours as SGR codes of our own (core/styles) inside one string: one Text node for the whole
// pane keeps Ink's layout and render per frame cheap during a flood (a nested Text per row costs
// ~3x more). Safe only because every row was sanitized: no escape byte from the wire is left in it.

const COLOUR_CODES: Record<string, number> = { black: 0, red: 1, green: 2, yellow: 3, blue: 4, magenta: 5, cyan: 6, white: 7 };

/** Our own SGR for a style sanitizeWithSgr read from the peer's: structured, never the peer's bytes. */
function sgrOf(style: SgrStyle): string {
  const codes: (number | string)[] = [];
  if (style.bold) codes.push(1);
  if (style.dim) codes.push(2);
  if (style.italic) codes.push(3);
  if (style.underline) codes.push(4);
  if (style.inverse) codes.push(7);
  if (style.strikethrough) codes.push(9);
  const colour = (c: string | undefined, base: number) => {
    if (c === undefined) return;
    const bright = c.endsWith('Bright');
    const named = COLOUR_CODES[bright ? c.slice(0, -6) : c];
    if (named !== undefined) return codes.push(base + named + (bright ? 60 : 0));
    const n = /^ansi256\((\d+)\)$/.exec(c);
    if (n) return codes.push(`${base + 8};5;${n[1]}`);
    const rgb = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/.exec(c);
    if (rgb) codes.push(`${base + 8};2;${parseInt(rgb[1]!, 16)};${parseInt(rgb[2]!, 16)};${parseInt(rgb[3]!, 16)}`);
  };
  colour(style.fg, 30);
  colour(style.bg, 40);
  return codes.length ? `\x1b[${codes.join(';')}m` : '';
}

/**
 * The peer's rows with its colours: the style carries from row to row within the frame, as on a
 * terminal; a frame starts from no style (an SGR scrolled above the pane is not replayed).
 */
function colourRows(rows: readonly ViewRow[]): string[] {
  let style: SgrStyle = {};
  return rows.map((r) => {
    if (r.source !== 'in') return r.text;
    const styled = sanitizeWithSgr(r.text, style);
    style = styled.style;
    return styled.spans.map((s) => `${sgrOf(s.style)}${s.text}${sgrOf(s.style) ? '\x1b[0m' : ''}`).join('');
  });
}

function paint(rows: readonly ViewRow[], timestamps: boolean, colours: boolean, proto: ProtoName | null, p: Palette): string {
  const texts: readonly string[] = colours ? colourRows(rows) : rows.map((r) => r.text);
  return rows
    .map((r, i) => {
      // A reply's class as its colour, on every row of the line (the line's start says it).
      const tone = colours && r.source === 'in' ? null : lineTone(proto, r.source, r.line.text);
      const [on, off] = tone ? p.tone[tone] : p.source[r.source];
      const time = timestamps ? `${p.dim[0]}${stamp(r)}${p.dim[1]}` : '';
      return `${time}${on}${texts[i]}${off}`;
    })
    .join('\n');
}

function paintHex(rows: readonly HexRow[], p: Palette): string {
  return rows.map((r) => `${p.source[r.kind][0]}${r.text}${p.source[r.kind][1]}`).join('\n');
}

export function OutputPane({ rows, hexRows, height, timestamps, colours, proto }: OutputPaneProps) {
  const palette = usePalette();
  // The view is cut for the pane's height of the last layout: in the frame where the status bar
  // grows (the peer closed), it has a row or two more than the pane. Its last rows are the ones
  // to show (the newest, where a flood ends), not its first, until the next frame cuts it anew.
  if (rows && rows.length > height) rows = rows.slice(rows.length - height);
  if (hexRows && hexRows.length > height) hexRows = hexRows.slice(hexRows.length - height);
  return (
    <Box height={height} flexDirection="column" overflow="hidden">
      <Text wrap="truncate">{hexRows ? paintHex(hexRows, palette) : paint(rows ?? [], timestamps, colours, proto ?? null, palette)}</Text>
    </Box>
  );
}
