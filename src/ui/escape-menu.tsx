// The Ctrl+] prompt over the running session: the prompt, the answer to the last command or the
// completion candidates, and the list of commands, as telnet's `telnet>` with its `?`.
import { Box, Text } from 'ink';
import type { PromptedView } from '../core/line-editor.js';
import type { MenuView } from '../core/session/menu-view.js';
import { InputLine } from './input-line.js';
import { usePalette } from './palette.js';

export interface EscapeMenuProps {
  line: PromptedView;
  view: MenuView;
  width: number;
  /** Rows the layout gives the prompt: its input row, the message row, then the list. */
  height: number;
}

export function EscapeMenu({ line, view, width, height }: EscapeMenuProps) {
  const palette = usePalette();
  return (
    <Box flexDirection="column" width={width} height={height}>
      <InputLine line={line} />
      {height > 1 ? (
        <Text wrap="truncate" {...(view.message.error && palette.error ? { color: palette.error } : {})} bold={view.message.error && !palette.error} dimColor={!view.message.error}>
          {view.message.text}
        </Text>
      ) : null}
      {view.list.length > 0 ? (
        <Text wrap="truncate" dimColor>
          {view.list.join('\n')}
        </Text>
      ) : null}
    </Box>
  );
}
