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

const STYLE = {
  in: {},
  out: { color: 'cyan' },
  info: { color: 'yellow', dimColor: true },
} as const;

export function OutputPane({ rows, hexRows, height, timestamps }: OutputPaneProps) {
  if (hexRows) {
    return (
      <Box height={height} flexDirection="column" overflow="hidden">
        <Text wrap="truncate">{hexRows.join('\n')}</Text>
      </Box>
    );
  }
  const shown = rows ?? [];
  return (
    <Box height={height} flexDirection="column" overflow="hidden">
      <Text wrap="truncate">
        {shown.map((r, i) => (
          <Text key={i} {...STYLE[r.source]}>
            {timestamps ? <Text dimColor>{stamp(r)}</Text> : null}
            {r.text}
            {i < shown.length - 1 ? '\n' : ''}
          </Text>
        ))}
      </Text>
    </Box>
  );
}
