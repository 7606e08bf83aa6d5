// The input line: the prompt and the editor's view (from core's `promptedView`), the cursor drawn
// as an inverse cell over the whole grapheme under it, and the suggested next step dimmed after it
// (Tab takes it). Nothing is measured or cut here: the row truncates what does not fit.
import { Text } from 'ink';
import type { PromptedView } from '../core/line-editor.js';
import type { SafeText } from '../core/sanitize.js';
import type { Palette } from '../core/styles.js';
import { usePalette } from './palette.js';

export interface InputLineProps {
  /** What to draw, from `promptedView`; null in char mode, which has no line to edit: keys go straight out. */
  readonly line: PromptedView | null;
  /** Dimmed after the cursor at the end of the line: the rest of a suggestion, and a note in brackets. */
  readonly suggestion?: { rest: SafeText; note: SafeText | null } | null;
}

const CHAR_MODE = 'char mode: keys go to the peer as typed | Ctrl+] for the prompt | Shift+PageUp scrolls';

export function InputLine({ line, suggestion }: InputLineProps) {
  return inputRow(line, suggestion ?? null, usePalette());
}

/** The row itself, for a palette given (the component takes the session's). */
export function inputRow(line: PromptedView | null, suggestion: InputLineProps['suggestion'], palette: Palette) {
  if (line === null) {
    return (
      <Text wrap="truncate" dimColor>
        {CHAR_MODE}
      </Text>
    );
  }
  const rest = suggestion ? Array.from(suggestion.rest) : null;
  return (
    <Text wrap="truncate">
      <Text {...(palette.prompt ? { color: palette.prompt } : {})}>{line.prompt}</Text>
      {line.held ? <Text dimColor>{line.before}</Text> : line.before}
      {rest && rest.length > 0 ? (
        <>
          <Text inverse dimColor>
            {rest[0]}
          </Text>
          <Text dimColor>{rest.slice(1).join('')}</Text>
        </>
      ) : (
        <Text inverse>{line.under}</Text>
      )}
      {line.after}
      {suggestion?.note ? <Text dimColor>{`  (${suggestion.note})`}</Text> : null}
    </Text>
  );
}
