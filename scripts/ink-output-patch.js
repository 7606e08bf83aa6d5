// A short cut through ink's frame builder for plain ASCII, applied at build (scripts/build.js) and
// checked against the original in __tests__/scripts/ink-output-patch.test.ts.

/**
 * ink 6.8 builds each frame cell by cell: every line written is tokenized for ANSI codes into one
 * object a character, each character's width is measured, and each row is put together again by
 * diffing the styles of neighbouring cells. A frame of 120x40 took ~40 ms of a flood's time, for
 * rows that are mostly plain ASCII (the pane's sanitised text); the pane's clip sliced each row with
 * slice-ansi, a grapheme segmentation a character. Plain printable ASCII, one column a character
 * and no style, takes a short cut here: sliced as a string, shared cell objects, and a row with no
 * style in it joined as it is. What comes out is the same string; anything else goes the long way.
 */
export const FAST_OUTPUT = [
  [
    'class OutputCaches {',
    "const PLAIN_ASCII = /^[\\x20-\\x7e]*$/; const BLANK_CELL = { type: 'char', value: ' ', fullWidth: false, styles: [] }; const ASCII_CELLS = []; for (let code = 0x20; code <= 0x7e; code++) ASCII_CELLS[code] = { type: 'char', value: String.fromCharCode(code), fullWidth: false, styles: [] }; function plainRow(line) { let text = ''; for (const cell of line) { if (cell === undefined) continue; if (cell.styles.length !== 0) return null; text += cell.value; } return text; }\nclass OutputCaches {",
  ],
  [
    "row.push({\n                    type: 'char',\n                    value: ' ',\n                    fullWidth: false,\n                    styles: [],\n                });",
    'row.push(BLANK_CELL);',
  ],
  [
    'const characters = this.caches.getStyledChars(line);',
    'if (PLAIN_ASCII.test(line)) { for (let index = 0; index < line.length; index++) currentLine[x + index] = ASCII_CELLS[line.charCodeAt(index)]; offsetY++; continue; }\n                    const characters = this.caches.getStyledChars(line);',
  ],
  ['return sliceAnsi(line, from, to);', 'return PLAIN_ASCII.test(line) ? line.slice(from, to) : sliceAnsi(line, from, to);'],
  [
    'const lineWithoutEmptyItems = line.filter(item => item !== undefined);',
    'const plain = plainRow(line); if (plain !== null) return plain.trimEnd();\n            const lineWithoutEmptyItems = line.filter(item => item !== undefined);',
  ],
];
/** ink's output.js with the short cut; throws when ink changed under it (to be looked at again). */
export function fastOutput(source, path = 'ink/build/output.js') {
  for (const [from, to] of FAST_OUTPUT) {
    if (source.split(from).length !== 2) throw new Error(`fast-ink-output: ${path} changed; review scripts/ink-output-patch.js`);
    source = source.replace(from, () => to);
  }
  return source;
}
