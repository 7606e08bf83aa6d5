// The watch's screen: lines core/watch-view laid out and io painted, drawn as they are. Ink keeps
// the frame (what changed between two frames is all it writes); nothing here decides anything.
import { Box, Text } from 'ink';

export function WatchTable({ lines, width, height }: { lines: readonly string[]; width: number; height: number }) {
  return (
    <Box flexDirection="column" width={width} height={height}>
      {lines.map((l, i) => (
        <Text key={i} wrap="truncate">
          {l === '' ? ' ' : l}
        </Text>
      ))}
    </Box>
  );
}

export const watchTableElement = (lines: readonly string[], width: number, height: number) => <WatchTable lines={lines} width={width} height={height} />;
