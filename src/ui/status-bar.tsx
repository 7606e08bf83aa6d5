// The status bar: the words come from core/status, the colours of their tones from core/styles
// (the outline drawn before Ink uses the same), so the bar looks the same before and after Ink.
// Each row is cut and padded to the width by columns (a banner can hold wide characters).
import { Box, Text } from 'ink';
import { padColumns } from '../core/sanitize.js';
import type { StatusLine } from '../core/status.js';
import { usePalette } from './palette.js';

export function StatusBar({ lines, width }: { lines: readonly StatusLine[]; width: number }) {
  const palette = usePalette();
  return (
    <Box flexDirection="column" width={width}>
      {lines.map((l, i) => {
        const [on, off] = palette.tone[l.tone];
        // The state line is drawn inverse, as a bar; the rest in their tone.
        return (
          <Text key={i} wrap="truncate-end">
            {`${i === 0 ? '\x1b[7m' : ''}${on}${padColumns(l.text, width)}${off}${i === 0 ? '\x1b[27m' : ''}`}
          </Text>
        );
      })}
    </Box>
  );
}
