// POP3's answers as the pane shows them: a multi-line answer (LIST, UIDL, RETR, TOP, CAPA) read to
// its "." line and un-stuffed (a line the server sent as "..x" is the message's ".x"), its size said
// where it ends, and -ERR explained with its response code (RFC 2449, 3206). Byte-exact: a line
// start cut between two reads is still a line start.

import type { PaneView, ViewItem } from './pane-view.js';
import { pop3Multi } from './walk.js';
import { formatCount } from '../count.js';

/** RFC 2449 and 3206 response codes, in words. */
const CODES: Readonly<Record<string, string>> = {
  AUTH: 'the user name or password is wrong (or this login is not allowed)',
  'SYS/TEMP': 'a temporary problem on the server: try again later',
  'SYS/PERM': 'a lasting problem on the server: ask its administrator',
  'IN-USE': 'the mailbox is open in another session: close it, or wait',
  'LOGIN-DELAY': 'logged in too soon after the last login: wait, then try again',
  UTF8: 'the server needs UTF8 (RFC 6856) for this',
};

const DOT = 0x2e;
const CR = 0x0d;
const LF = 0x0a;
const ONE_DOT = Uint8Array.of(DOT);
/** Of a status line, what is kept to read it: a line of a flood is no status line. */
const MAX_STATUS = 512;

export class Pop3View implements PaneView {
  readonly proto = 'pop3' as const;
  private readonly awaiting: { verb: string; multi: boolean }[] = [];
  constructor(private greeted = false) {}
  /** Inside a multi-line answer: its verb, and its lines and bytes so far. */
  private multi: { verb: string; lines: number; bytes: number } | null = null;
  private atLineStart = true;
  /** A "." at a line's start, held: the next byte says whether it is stuffing or the end. */
  private dot = false;
  /** The "." line is ending (its CR seen). */
  private ending = false;
  /** The start of the status line being read, for its words. */
  private status = '';

  /** The server's "+" asked for an AUTH answer: the next line sent is one, not a command. */
  private saslAnswer = false;

  sent(line: string): void {
    if (this.saslAnswer) {
      this.saslAnswer = false;
      return;
    }
    const verb = (/^\s*(\S+)/.exec(line)?.[1] ?? '').toUpperCase();
    if (verb) this.awaiting.push({ verb, multi: pop3Multi(line) });
  }

  push(data: Uint8Array, _now: number, raw: boolean): ViewItem[] {
    const items: ViewItem[] = [];
    let from = 0;
    const emit = (to: number) => {
      if (to > from) items.push({ type: 'bytes', data: data.subarray(from, to) });
      from = Math.max(from, to);
    };
    /** The dot held back goes out after all (raw mode showed it already). */
    const heldDot = (at: number) => {
      if (raw) return;
      emit(at);
      items.push({ type: 'bytes', data: ONE_DOT });
    };
    let i = 0;
    while (i < data.length) {
      const m = this.multi;
      if (!m) {
        // A status line: +OK or -ERR, answering the oldest command. Only its start is kept.
        const lf = data.indexOf(LF, i);
        const end = lf < 0 ? data.length : lf + 1;
        if (this.status.length < MAX_STATUS) this.status += Buffer.from(data.subarray(i, Math.min(end, i + MAX_STATUS))).toString('latin1');
        i = end;
        if (lf >= 0) this.statusLine(end, emit, items);
        continue;
      }
      const b = data[i]!;
      if (this.ending) {
        i++;
        if (b !== LF) continue;
        emit(i);
        items.push({ type: 'note', text: `\u21b3 ${m.verb}: ${formatCount(m.lines)} line${m.lines === 1 ? '' : 's'}, ${formatCount(m.bytes)} bytes, to the "."; lines sent as ".." are shown with one.` });
        this.multi = null;
        this.ending = false;
        continue;
      }
      if (this.dot) {
        this.dot = false;
        if (b === CR || b === LF) {
          // The lone "." ends the answer (its line end is shown with it).
          heldDot(i);
          this.ending = true;
          continue;
        }
        // "..": the server's stuffing, dropped (the held dot); a dot then text: shown as it came.
        if (b !== DOT) {
          heldDot(i);
          m.bytes += 1;
        } else if (!raw) from = i;
      } else if (this.atLineStart && b === DOT) {
        emit(i);
        if (!raw) from = i + 1;
        this.dot = true;
        this.atLineStart = false;
        i++;
        continue;
      }
      // The rest of the line is the message's: to its end at once.
      const lf = data.indexOf(LF, i);
      const end = lf < 0 ? data.length : lf + 1;
      m.bytes += end - i;
      if (lf >= 0) m.lines += 1;
      this.atLineStart = lf >= 0;
      i = end;
    }
    emit(data.length);
    return items;
  }

  /** A status line ended (before `end`): it answers the oldest command; -ERR is explained. */
  private statusLine(end: number, emit: (to: number) => void, items: ViewItem[]): void {
    const text = this.status.replace(/\r?\n$/, '');
    this.status = '';
    const ok = /^\+OK\b/.test(text);
    const err = /^-ERR\b/.test(text);
    if (/^\+(\s|$)/.test(text)) this.saslAnswer = true;
    if (!ok && !err) return;
    const head = this.greeted ? this.awaiting.shift() : undefined;
    this.greeted = true;
    if (ok && head?.multi) {
      this.multi = { verb: head.verb, lines: 0, bytes: 0 };
      this.atLineStart = true;
    }
    if (err) {
      emit(end);
      const code = /^-ERR \[([A-Z0-9/-]+)\]/.exec(text)?.[1];
      const words = code && CODES[code] ? `; [${code}]: ${CODES[code]}` : '';
      items.push({ type: 'note', text: `\u21b3 -ERR: ${head ? `${head.verb} refused` : 'the server refused you'}${words}.` });
    }
  }

  end(): ViewItem[] {
    const m = this.multi;
    this.multi = null;
    return m ? [{ type: 'note', text: `\u21b3 The connection closed inside the answer to ${m.verb}, before its ".": it is cut short.` }] : [];
  }
}
