// A panel in place of the output pane (the TLS chain): a title row, then the lines core fitted to
// the pane. The output goes on underneath and is back when the panel closes.
import { Box, Text } from 'ink';
import type { PanelView } from '../core/session/panel-slice.js';

export function Panel({ view, height }: { view: PanelView; height: number }) {
  return (
    <Box flexDirection="column" height={height}>
      <Text wrap="truncate" inverse>
        {view.title}
      </Text>
      <Text wrap="truncate">{view.lines.join('\n')}</Text>
    </Box>
  );
}
