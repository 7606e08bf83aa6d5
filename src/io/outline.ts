// The connection's first words over the outline (io/terminal's paintOutline) until Ink draws:
// Trying..., Connected to..., refused, as soon as they are known. Kept apart from io/terminal so
// the CLI's first chunk does not load the sanitizer's width tables before the outline is drawn.

import { layout } from '../core/layout.js';
import { padColumns } from '../core/sanitize.js';
import type { StatusLine } from '../core/status.js';
import { COLOUR_PALETTE, type Palette } from '../core/styles.js';

/** The status bar's lines at the rows the layout gives them; the lines are safe text. */
export function paintStatus(stdout: NodeJS.WriteStream, lines: readonly StatusLine[], palette: Palette = COLOUR_PALETTE): void {
  const l = layout({ columns: stdout.columns || 80, rows: stdout.rows || 24, statusLines: lines.length, menu: null, timestampWidth: 0 });
  const cols = l.width;
  let out = '\x1b7';
  lines.slice(0, l.statusRows).forEach((line, i) => {
    // One row exactly: a row too long for the terminal would wrap onto the prompt's row.
    const text = padColumns(line.text, cols);
    const [on, off] = palette.tone[line.tone];
    out += `\x1b[${l.statusTop + i + 1};1H${i === 0 ? '\x1b[7m' : ''}${on}${text}${off}\x1b[0m`;
  });
  stdout.write(`${out}\x1b8`);
}
