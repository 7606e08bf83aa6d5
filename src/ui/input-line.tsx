// The input line: the editor's visible slice with the cursor drawn as an inverse cell.
import { Text } from 'ink';
import stringWidth from 'string-width';
import { view, type LineEditorState } from '../core/line-editor.js';

export interface InputLineProps {
  editor: LineEditorState;
  prompt: string;
  width: number;
  /** Character mode has no line to edit: keys go straight out. */
  charMode: boolean;
}

/** Split visible text at a terminal column (wide characters count two). */
export function splitAtColumn(text: string, column: number): [string, string, string] {
  let col = 0;
  let i = 0;
  for (const ch of text) {
    if (col >= column) break;
    col += stringWidth(ch);
    i += ch.length;
  }
  const rest = text.slice(i);
  const under = rest.length ? String.fromCodePoint(rest.codePointAt(0)!) : ' ';
  return [text.slice(0, i), under, rest.slice(under.length)];
}

export function InputLine({ editor, prompt, width, charMode }: InputLineProps) {
  if (charMode) {
    return (
      <Text wrap="truncate" dimColor>
        {'char mode: keys go to the peer as typed | Ctrl+] for the prompt | Shift+PageUp scrolls'}
      </Text>
    );
  }
  const v = view(editor, Math.max(1, width - stringWidth(prompt) - 1));
  const [before, under, after] = splitAtColumn(v.text, v.cursorColumn);
  return (
    <Text wrap="truncate">
      <Text color="cyan">{prompt}</Text>
      {before}
      <Text inverse>{under}</Text>
      {after}
    </Text>
  );
}
