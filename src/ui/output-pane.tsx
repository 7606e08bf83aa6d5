// The output pane: only the visible rows, as one Text of rows (a Text per line of scrollback
// would make Ink lay out thousands of nodes per frame). Rows arrive already sanitized.
import { Box, Text } from 'ink';
import type { ViewRow } from '../core/scrollback.js';

export interface OutputPaneProps {
  rows: readonly ViewRow[] | null;
  hexRows: readonly string[] | null;
  height: number;
  timestamps: boolean;
}

/** Width of the time-stamp column: "12:34:56 ". */
export const TIMESTAMP_WIDTH = 9;

function stamp(row: ViewRow): string {
  if (row.row !== 0 || row.line.time === undefined) return ' '.repeat(TIMESTAMP_WIDTH);
  const d = new Date(row.line.time);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())} `;
}

/**
 * Row colours as SGR codes of our own inside one string: one Text node for the whole pane keeps
 * Ink's layout and render per frame cheap during a flood (a nested Text per row costs ~3x more).
 * Safe only because every row was sanitized: no escape byte from the wire is left in the text.
 */
const SGR: Record<ViewRow['source'], [string, string]> = {
  in: ['', ''],
  out: ['\x1b[36m', '\x1b[39m'],
  info: ['\x1b[2;33m', '\x1b[22;39m'],
};
const DIM: [string, string] = ['\x1b[2m', '\x1b[22m'];

function paint(rows: readonly ViewRow[], timestamps: boolean): string {
  return rows
    .map((r) => {
      const [on, off] = SGR[r.source];
      const time = timestamps ? `${DIM[0]}${stamp(r)}${DIM[1]}` : '';
      return `${time}${on}${r.text}${off}`;
    })
    .join('\n');
}

export function OutputPane({ rows, hexRows, height, timestamps }: OutputPaneProps) {
  return (
    <Box height={height} flexDirection="column" overflow="hidden">
      <Text wrap="truncate">{hexRows ? hexRows.join('\n') : paint(rows ?? [], timestamps)}</Text>
    </Box>
  );
}
