// A session transcript as swaks writes one: each line marked with its direction ("<- " what the
// peer sent, " -> " what we sent, "<~ " and " ~> " the same over TLS, "=== " porthole's own
// notes), safe to cat on a terminal, and true to the wire's line endings. A file's lines begin
// with the local time to the millisecond they began (for matching against the server's own logs,
// which keep local time); -c's transcript on stdout, read as swaks' is, has none. Lines come from the shared line assembler, so a CRLF cut between two
// reads is one line end here as on screen.

import type { Eol, LineSink } from './line-assembler.js';
import { maskSent, NO_SECRETS_AHEAD } from './protocols/secrets.js';
import { toVisible } from './sanitize.js';

export type Direction = 'in' | 'out' | 'info';

export const MARKS: Readonly<Record<Direction, string>> = { in: '<-  ', out: ' -> ', info: '=== ' };
/** Over TLS, as swaks marks it: what crossed the wire encrypted. */
export const TLS_MARKS: Readonly<Record<Direction, string>> = { in: '<~  ', out: ' ~> ', info: '=== ' };
/** A line that ended with a bare LF; CRLF, the protocols' own ending, is left unmarked. */
export const BARE_LF_MARK = '\u240a';
/** A line cut by the other direction before its end arrived; its rest follows on a new line. */
export const CUT_MARK = '\u2026';

/** The key to the marks, written once at the top of a transcript. */
export const LEGEND = `<- and -> in plain text, <~ and ~> over TLS; lines end CRLF unless marked: ${BARE_LF_MARK} bare LF, ${CUT_MARK} no line end yet (the other side spoke first)`;

/** The time of day of `ms` in a zone `offsetMinutes` east of UTC: "13:45:02.123". */
export function timeOfDay(ms: number, offsetMinutes: number): string {
  const d = new Date(ms + offsetMinutes * 60_000);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}.${p(d.getUTCMilliseconds(), 3)}`;
}

/** The date, time and zone of `ms` in full, for a transcript's first line: "2026-12-02 13:45:02.123 +01:00". */
export function fullTime(ms: number, offsetMinutes: number): string {
  const d = new Date(ms + offsetMinutes * 60_000);
  const p = (n: number) => String(n).padStart(2, '0');
  const zone = `${offsetMinutes < 0 ? '-' : '+'}${p(Math.floor(Math.abs(offsetMinutes) / 60))}:${p(Math.abs(offsetMinutes) % 60)}`;
  return `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())} ${timeOfDay(ms, offsetMinutes)} ${zone}`;
}

/** Where the time of a line comes from: the wall clock, and the zone's offset east of UTC at a time. */
export interface StampClock {
  now(): number;
  offsetMinutes(ms: number): number;
}

/**
 * Writes one piece of a transcript; `stamp` is set on a line's time stamp, which a writer that
 * keeps none (stdout under -c) leaves out.
 */
export type TranscriptWrite = (text: string, stamp?: boolean) => void;

/**
 * Transcript text, written through `write` as it goes (the caller decides where: a file, a test's
 * buffer). One line is open at a time; when another direction speaks first it is cut, and its rest
 * goes on under a new mark.
 */
export class Transcript {
  /** The direction whose line is open (text written, no line end yet), or null. */
  private open: Direction | null = null;
  /** Directions whose line was cut by another and has not ended yet. */
  private readonly cut = new Set<Direction>();
  private marks = MARKS;

  constructor(
    private readonly write: TranscriptWrite,
    private readonly clock: StampClock | null = null,
  ) {}

  /** What follows crossed the wire over TLS (or, false, in plain text again). */
  setTls(on: boolean): void {
    this.marks = on ? TLS_MARKS : MARKS;
  }

  /** A line sink for one direction: what the line assembler gives for that direction. */
  sink(dir: 'in' | 'out'): LineSink {
    return {
      text: (fragment) => this.text(dir, fragment),
      end: (eol) => this.end(dir, eol),
    };
  }

  /**
   * What we send, held until its line ends (or another direction cuts it): a line typed a key at a
   * time (character mode) comes here a character at a time, and a secret in it (PASS, LOGIN, AUTH,
   * Authorization) is masked as a whole line before anything of it reaches the file.
   */
  private outLine = '';

  /** Text of `dir`'s current line; made visible (no control byte reaches the file). */
  text(dir: Direction, fragment: string): void {
    if (fragment.length === 0) return;
    this.begin(dir);
    if (dir === 'out') this.outLine += fragment;
    else this.write(toVisible(fragment));
  }

  /** `dir`'s current line ended on the wire with `eol`. */
  end(dir: Direction, eol: Eol): void {
    this.begin(dir);
    this.flushOut();
    this.write(eol === 'lf' ? `${BARE_LF_MARK}\n` : '\n');
    this.open = null;
    this.cut.delete(dir);
  }

  /** The file is about to end: what we sent on a line not ended yet is written (masked) too. */
  flush(): void {
    if (this.open === 'out') this.flushOut();
  }

  private flushOut(): void {
    if (this.outLine === '') return;
    this.write(toVisible(maskSent(this.outLine, NO_SECRETS_AHEAD).shown));
    this.outLine = '';
  }

  /** The first line: what the transcript is of, when it started (date and zone), and the marks' key. */
  header(where: string): void {
    const c = this.clock;
    const started = c ? `, started ${fullTime(c.now(), c.offsetMinutes(c.now()))}` : '';
    this.note(`porthole transcript of ${where}${started}; ${LEGEND}`);
  }

  /** A whole note of porthole's own. */
  note(text: string): void {
    this.text('info', text);
    this.end('info', 'crlf');
  }

  private begin(dir: Direction): void {
    if (this.open === dir) return;
    if (this.open === 'out') this.flushOut();
    if (this.open !== null) {
      this.write(`${CUT_MARK}\n`);
      this.cut.add(this.open);
    }
    if (this.clock) {
      const now = this.clock.now();
      this.write(`${timeOfDay(now, this.clock.offsetMinutes(now))} `, true);
    }
    this.write(this.marks[dir] + (this.cut.has(dir) ? CUT_MARK : ''));
    this.open = dir;
  }
}
