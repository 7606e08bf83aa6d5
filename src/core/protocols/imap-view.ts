// IMAP's answers as the pane shows them: a literal the server sends ({n} at a line's end, then
// exactly n bytes: a message, a header block) framed as one block, its size said before it and its
// end after it, so a message's own lines are not taken for the server's. Byte-exact, and a 50 MB
// literal costs one slice per read.

import type { PaneView, ViewItem } from './pane-view.js';
import { formatCount } from '../count.js';

const LF = 0x0a;
/** The end of a line that announces a literal: "{342}" and the line end. */
const LITERAL_AT_END = /~?\{(\d{1,12})\}\r?\n$/;
/** Bytes of a line's end kept to find a literal's announcement. */
const TAIL = 24;

export class ImapView implements PaneView {
  readonly proto = 'imap' as const;
  /** The end of the line being read. */
  private tail = '';
  /** Bytes of the literal still to come, and its size. */
  private literal: { left: number; size: number } | null = null;

  sent(): void {}

  push(data: Uint8Array, _now: number, _raw: boolean): ViewItem[] {
    const items: ViewItem[] = [];
    let from = 0;
    const emit = (to: number) => {
      if (to > from) items.push({ type: 'bytes', data: data.subarray(from, to) });
      from = to;
    };
    let i = 0;
    while (i < data.length) {
      const lit = this.literal;
      if (lit) {
        const take = Math.min(lit.left, data.length - i);
        i += take;
        lit.left -= take;
        if (lit.left > 0) continue;
        emit(i);
        items.push({ type: 'note', text: `\u21b3 (end of the ${formatCount(lit.size)}-byte literal)` });
        this.literal = null;
        this.tail = '';
        continue;
      }
      const lf = data.indexOf(LF, i);
      const end = lf < 0 ? data.length : lf + 1;
      this.tail = (this.tail + Buffer.from(data.subarray(Math.max(i, end - TAIL), end)).toString('latin1')).slice(-TAIL);
      i = end;
      if (lf < 0) break;
      const m = LITERAL_AT_END.exec(this.tail);
      this.tail = '';
      if (!m || Number(m[1]) === 0) continue;
      emit(i);
      const size = Number(m[1]);
      items.push({ type: 'note', text: `\u21b3 A literal of ${formatCount(size)} bytes follows, as one block (the server's data as it is):` });
      this.literal = { left: size, size };
    }
    emit(data.length);
    return items;
  }

  end(): ViewItem[] {
    const lit = this.literal;
    this.literal = null;
    return lit ? [{ type: 'note', text: `\u21b3 The connection closed inside a literal: ${formatCount(lit.left)} of its ${formatCount(lit.size)} bytes never came.` }] : [];
  }
}
