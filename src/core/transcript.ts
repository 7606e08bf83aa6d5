// A session transcript as swaks writes one: each line marked with its direction ("<- " what the
// peer sent, " -> " what we sent, "=== " porthole's own notes), made safe to cat on a terminal.

import { toVisible } from './sanitize.js';

export type Direction = 'in' | 'out' | 'info';

const MARKS: Record<Direction, string> = { in: '<-  ', out: ' -> ', info: '=== ' };

/**
 * Returns a formatter that turns chunks into transcript text. It remembers, per direction,
 * whether the last chunk ended mid-line, so a line split across packets gets one mark.
 */
export function createTranscriptFormatter(): (dir: Direction, text: string) => string {
  let open: Direction | null = null;
  return (dir, text) => {
    let out = '';
    if (open !== null && open !== dir) {
      out += '\n';
      open = null;
    }
    const parts = text.split(/\r?\n/);
    parts.forEach((part, i) => {
      const last = i === parts.length - 1;
      if (last && part === '') return;
      if (open === null) out += MARKS[dir];
      out += toVisible(part);
      if (last) open = dir;
      else {
        out += '\n';
        open = null;
      }
    });
    return out;
  };
}
