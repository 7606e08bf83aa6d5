// The input line: the prompt and the editor's view (from core's `promptedView`), the cursor drawn
// as an inverse cell over the whole grapheme under it. Nothing is measured or cut here.
import { Text } from 'ink';
import type { PromptedView } from '../core/line-editor.js';

export interface InputLineProps {
  /** What to draw, from `promptedView`; null in char mode, which has no line to edit: keys go straight out. */
  readonly line: PromptedView | null;
}

const CHAR_MODE = 'char mode: keys go to the peer as typed | Ctrl+] for the prompt | Shift+PageUp scrolls';

export function InputLine({ line }: InputLineProps) {
  if (line === null) {
    return (
      <Text wrap="truncate" dimColor>
        {CHAR_MODE}
      </Text>
    );
  }
  return (
    <Text wrap="truncate">
      <Text color="cyan">{line.prompt}</Text>
      {line.held ? <Text dimColor>{line.before}</Text> : line.before}
      <Text inverse>{line.under}</Text>
      {line.after}
    </Text>
  );
}
