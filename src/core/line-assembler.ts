// The one CR/LF state machine: decoded text in chunks as the wire cut them -> pieces of lines and
// line ends, with the ending each line had. The scrollback, the transcript, the probe's banner and
// the protocol readers all take their lines from here, so they agree on where a line ends.

/** How a line ended on the wire. A bare CR ends nothing: it is text (shown as ␍). */
export type Eol = 'crlf' | 'lf';

/** Where the assembler's output goes; one sink may fan out to several. */
export interface LineSink {
  /** More text of the current line: never an LF; a CR only when it was not part of a CRLF. */
  text(fragment: string): void;
  /** The current line ended (it may have had no text). */
  end(eol: Eol): void;
}

/**
 * Splits a text stream into lines. A CRLF cut between two chunks is still one CRLF: a CR at the
 * end of a chunk is held until the next chunk says whether an LF follows.
 */
export class LineAssembler {
  private pendingCR = false;

  push(text: string, sink: LineSink): void {
    const n = text.length;
    if (n === 0) return;
    let i = 0;
    if (this.pendingCR) {
      this.pendingCR = false;
      if (text.charCodeAt(0) === 0x0a) {
        sink.end('crlf');
        i = 1;
      } else {
        sink.text('\r');
      }
    }
    while (i < n) {
      const lf = text.indexOf('\n', i);
      if (lf === -1) {
        let stop = n;
        if (text.charCodeAt(n - 1) === 0x0d) {
          stop = n - 1;
          this.pendingCR = true;
        }
        if (stop > i) sink.text(text.slice(i, stop));
        return;
      }
      const crlf = lf > i && text.charCodeAt(lf - 1) === 0x0d;
      const stop = crlf ? lf - 1 : lf;
      if (stop > i) sink.text(text.slice(i, stop));
      sink.end(crlf ? 'crlf' : 'lf');
      i = lf + 1;
    }
  }

  /** The stream ended: a CR held back is a bare CR after all. */
  flush(sink: LineSink): void {
    if (!this.pendingCR) return;
    this.pendingCR = false;
    sink.text('\r');
  }
}

/** Several sinks fed as one, in order. */
export function fanOut(sinks: readonly LineSink[]): LineSink {
  if (sinks.length === 1) return sinks[0]!;
  return {
    text: (fragment) => {
      for (const s of sinks) s.text(fragment);
    },
    end: (eol) => {
      for (const s of sinks) s.end(eol);
    },
  };
}

/** A complete line as a protocol reader or the probe sees it. */
export interface Line {
  readonly text: string;
  readonly eol: Eol;
  /** The line was longer than the collector keeps: `text` is its start. */
  readonly cut: boolean;
}

const NO_LINES: readonly Line[] = Object.freeze([]);

/**
 * A sink that gathers whole lines, each kept up to `maxLength` code units: a reader needs a
 * reply line, not a 10 MB flood line, and must not grow with one.
 */
export class LineCollector implements LineSink {
  private current = '';
  private cut = false;
  private lines: Line[] = [];

  constructor(private readonly maxLength = 4096) {}

  text(fragment: string): void {
    const room = this.maxLength - this.current.length;
    if (room <= 0) {
      this.cut = true;
      return;
    }
    if (fragment.length > room) {
      this.current += fragment.slice(0, room);
      this.cut = true;
    } else {
      this.current += fragment;
    }
  }

  end(eol: Eol): void {
    this.lines.push({ text: this.current, eol, cut: this.cut });
    this.current = '';
    this.cut = false;
  }

  /** The lines completed since the last take, oldest first (no new array when there are none). */
  take(): readonly Line[] {
    if (this.lines.length === 0) return NO_LINES;
    const out = this.lines;
    this.lines = [];
    return out;
  }

  /** The text of the line not yet ended. */
  get partial(): string {
    return this.current;
  }
}
