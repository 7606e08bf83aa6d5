// The Ctrl+] prompt over the running session: the prompt, the answer to the last command or the
// completion candidates, and the list of commands, as telnet's `telnet>` with its `?`.
import { Box, Text } from 'ink';
import { commandList } from '../core/commands.js';
import { promptedView } from '../core/line-editor.js';
import type { Menu } from '../core/tui-model.js';
import { InputLine } from './input-line.js';

const LIST = commandList();

/** Rows the menu takes: prompt, message, and as much of the list as fits. */
export function menuHeight(available: number): number {
  return 2 + Math.max(0, Math.min(LIST.length, available - 2));
}

export function EscapeMenu({ menu, width, height }: { menu: Menu; width: number; height: number }) {
  const listRows = Math.max(0, height - 2);
  const message = menu.candidates.length
    ? { text: menu.candidates.join('  '), error: false }
    : (menu.message ?? { text: 'Enter runs a command | Tab completes | Esc returns to the session | Ctrl+] again sends ^]', error: false });
  return (
    <Box flexDirection="column" width={width} height={height}>
      <InputLine line={promptedView(menu.editor, 'porthole> ', width)} />
      <Text wrap="truncate" color={message.error ? 'red' : undefined} dimColor={!message.error}>
        {message.text}
      </Text>
      {listRows > 0 ? (
        <Text wrap="truncate" dimColor>
          {LIST.slice(0, listRows).map((l) => `  ${l}`).join('\n')}
        </Text>
      ) : null}
    </Box>
  );
}
