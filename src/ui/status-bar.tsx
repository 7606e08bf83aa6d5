// The status bar: the words come from core/status; this only picks colours for their tone.
import { Box, Text } from 'ink';
import type { StatusLine, Tone } from '../core/status.js';

const TONES: Record<Tone, { color?: string; dimColor?: boolean; bold?: boolean }> = {
  ok: { color: 'green' },
  busy: { color: 'yellow' },
  bad: { color: 'red', bold: true },
  muted: { dimColor: true },
};

export function StatusBar({ lines, width }: { lines: readonly StatusLine[]; width: number }) {
  return (
    <Box flexDirection="column" width={width}>
      {lines.map((l, i) => (
        <Text key={i} wrap="truncate-end" inverse={i === 0} {...TONES[l.tone]}>
          {l.text.padEnd(width)}
        </Text>
      ))}
    </Box>
  );
}
