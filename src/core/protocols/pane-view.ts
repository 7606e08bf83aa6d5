// What the pane shows of a protocol's answers, beside the wire's form the transcript and the hex
// view keep: HTTP's bodies unframed, POP3's multi-line answers un-stuffed, IMAP's literals as one
// block. One interface, a view per protocol; the controller feeds it the bytes after the protocol
// filter and what the user sent, and shows what it gives back.

import { HttpView } from './http-view.js';
import { ImapView } from './imap-view.js';
import { Pop3View } from './pop3-view.js';

/**
 * What the pane shows, in order: bytes of the answer, and porthole's own notes between them; and
 * where an answer ended by its framing (HTTP), for what waits on it (a composer).
 */
export type ViewItem = { type: 'bytes'; data: Uint8Array } | { type: 'note'; text: string } | { type: 'answered'; code: number; status: string };

export interface PaneView {
  readonly proto: 'http' | 'pop3' | 'imap';
  /** A line the user sent (after the helper's changes, its secret masked). */
  sent(line: string, now: number): void;
  /** The server's bytes: what the pane shows of them (all of them, in order, when `raw`), and notes. */
  push(data: Uint8Array, now: number, raw: boolean): ViewItem[];
  /** The connection's end. */
  end(now: number): ViewItem[];
}

/** The view for a protocol; `greeted`: the server's greeting is past (POP3 counts answers from it). */
export function paneViewFor(proto: string | null, greeted = false): PaneView | null {
  switch (proto) {
    case 'http':
      return new HttpView();
    case 'pop3':
      return new Pop3View(greeted);
    case 'imap':
      return new ImapView();
    default:
      return null;
  }
}
