// HTTP answers as the pane shows them: the status line and headers as they came, the body framed
// as RFC 9112 6.3 says (Content-Length, chunked, or until the close), a chunked body shown decoded
// (its size lines and CRLFs are framing, not content), a compressed body said as such rather than
// dumped, and each exchange timed: request sent -> first byte -> last byte. The transcript and the
// hex view keep the wire's form; `toggle raw` shows it in the pane too. Pure: bytes and times in,
// what to show out.

import type { PaneView, ViewItem } from './pane-view.js';
import { formatCount } from '../count.js';

/** Longest head (status line and headers) read for its framing; past it the answer is shown as it comes. */
const MAX_HEAD = 64 * 1024;
/** Longest chunk-size line (with its extensions). */
const MAX_SIZE_LINE = 1024;

type Phase =
  /** Between answers: the next byte starts a status line. */
  | { kind: 'idle' }
  | { kind: 'head'; bytes: number[] }
  | { kind: 'length'; left: number }
  | { kind: 'size'; line: number[] }
  | { kind: 'data'; left: number }
  /** The CRLF after a chunk's data. */
  | { kind: 'data-end'; seenCR: boolean }
  | { kind: 'trailers'; line: number[] }
  | { kind: 'close' }
  /** Not HTTP (or switched protocols, or broken framing): shown as it comes. */
  | { kind: 'opaque' };

interface Exchange {
  method: string;
  /** When the request's empty line went; null while it is being typed (or unknown). */
  sentAt: number | null;
}

interface Answer {
  code: number;
  /** The status line, as the server said it. */
  status: string;
  firstByteAt: number;
  /** Body bytes (decoded size for chunked). */
  body: number;
  chunks: number;
  framing: 'length' | 'chunked' | 'close' | 'none';
  /** Content-Encoding, when not identity: the body is not shown. */
  compressed: string | null;
  request: Exchange | null;
}

const CR = 0x0d;
const LF = 0x0a;

export class HttpView implements PaneView {
  readonly proto = 'http' as const;
  private phase: Phase = { kind: 'idle' };
  private readonly requests: Exchange[] = [];
  /** The request whose headers are being typed. */
  private typing: Exchange | null = null;
  private answer: Answer | null = null;

  /** A line the user sent: a request line queues an exchange; its empty line times it. */
  sent(line: string, now: number): void {
    if (this.typing) {
      if (line === '') {
        this.typing.sentAt = now;
        this.typing = null;
      }
      return;
    }
    const m = /^([A-Z]+) \S+(?: HTTP\/\d\.\d)?\s*$/.exec(line);
    if (!m) return;
    const exchange: Exchange = { method: m[1]!, sentAt: null };
    this.requests.push(exchange);
    // A new request, a new answer to read (after one whose end could not be known).
    if (this.phase.kind === 'opaque') this.phase = { kind: 'idle' };
    // HTTP/0.9's "GET /" has no headers: it went whole.
    if (/ HTTP\/\d\.\d\s*$/.test(line)) this.typing = exchange;
    else exchange.sentAt = now;
  }

  /** The answer's bytes: what the pane shows of them (all of them when `raw`), and notes. */
  push(data: Uint8Array, now: number, raw: boolean): ViewItem[] {
    const items: ViewItem[] = [];
    let shownFrom = 0;
    const emit = (to: number) => {
      if (to > shownFrom) items.push({ type: 'bytes', data: data.subarray(shownFrom, to) });
      shownFrom = Math.max(shownFrom, to);
    };
    // Raw: every byte is shown, in order, with the notes where they fall.
    const show = (to: number) => {
      if (!raw) emit(to);
    };
    const skip = (to: number) => {
      if (!raw) shownFrom = to;
    };
    const note = (text: string, at: number) => {
      emit(at);
      items.push({ type: 'note', text });
    };
    let i = 0;
    while (i < data.length) {
      const p = this.phase;
      switch (p.kind) {
        case 'opaque':
          i = data.length;
          show(i);
          break;
        case 'idle':
          this.phase = { kind: 'head', bytes: [] };
          this.answer = null;
          break;
        case 'head': {
          // The head is shown as it comes; a copy is kept to read its framing where it ends.
          let end = -1;
          for (; i < data.length; i++) {
            p.bytes.push(data[i]!);
            const n = p.bytes.length;
            if (data[i] === LF && (n >= 2 && p.bytes[n - 2] === LF || (n >= 3 && p.bytes[n - 2] === CR && p.bytes[n - 3] === LF))) {
              end = ++i;
              break;
            }
            if (n === 8 && !/^HTTP\/\d/.test(Buffer.from(p.bytes).toString('latin1'))) {
              // No status line: not an HTTP answer (what waits for one is told: it will not come).
              this.lost(items, 'the answer is not HTTP (no status line)');
              i++;
              break;
            }
            if (n > MAX_HEAD) {
              this.lost(items, 'the answer\'s head is over 64 KiB: not read');
              i++;
              break;
            }
          }
          if (end < 0) {
            show(i);
            break;
          }
          show(end);
          for (const item of this.headEnded(p.bytes, now)) {
            if (item.type === 'note') note(item.text, end);
            else items.push(item);
          }
          break;
        }
        case 'length': {
          i = this.body(p, data, i, show, skip);
          if (p.left === 0) this.answerEnded(now, (t) => note(t, i), (d) => items.push(d));
          break;
        }
        case 'size': {
          const start = i;
          for (; i < data.length && data[i] !== LF; i++) p.line.push(data[i]!);
          skip(i < data.length ? i + 1 : i);
          if (i === data.length) {
            if (p.line.length > MAX_SIZE_LINE) this.broken('a chunk-size line too long', note, start, items);
            break;
          }
          i++;
          const text = Buffer.from(p.line).toString('latin1').replace(/\r$/, '');
          const m = /^([0-9a-fA-F]{1,12})\s*(;.*)?$/.exec(text);
          if (!m) {
            this.broken(`"${text.slice(0, 20)}" is no chunk size`, note, i, items);
            break;
          }
          const size = parseInt(m[1]!, 16);
          if (size === 0) this.phase = { kind: 'trailers', line: [] };
          else {
            this.answer!.chunks += 1;
            this.phase = { kind: 'data', left: size };
          }
          break;
        }
        case 'data': {
          i = this.body(p, data, i, show, skip);
          if (p.left === 0) this.phase = { kind: 'data-end', seenCR: false };
          break;
        }
        case 'data-end': {
          const b = data[i]!;
          if (b === CR && !p.seenCR) {
            p.seenCR = true;
            i++;
            skip(i);
          } else if (b === LF) {
            i++;
            skip(i);
            this.phase = { kind: 'size', line: [] };
          } else {
            this.broken('a chunk does not end with CRLF', note, i, items);
          }
          break;
        }
        case 'trailers': {
          // Trailer fields are shown as headers are; the empty line that ends them is framing.
          const b = data[i]!;
          const blank = p.line.length === 0 || (p.line.length === 1 && p.line[0] === CR);
          i++;
          if (blank && (b === CR || b === LF)) {
            skip(i);
            if (b === LF) this.answerEnded(now, (t) => note(t, i), (d) => items.push(d));
            else p.line.push(b);
          } else if (b === LF) {
            show(i);
            p.line = [];
          } else {
            p.line.push(b);
            show(i);
          }
          break;
        }
        case 'close':
          this.answer!.body += data.length - i;
          i = data.length;
          if (this.answer!.compressed) skip(i);
          else show(i);
          break;
      }
    }
    if (raw) emit(data.length);
    return items;
  }

  /** The connection's end: a body that runs to the close ends here. */
  end(now: number): ViewItem[] {
    const items: ViewItem[] = [];
    if (this.phase.kind === 'close') this.answerEnded(now, (t) => items.push({ type: 'note', text: t }), (d) => items.push(d));
    else if (this.phase.kind === 'length' || this.phase.kind === 'data' || this.phase.kind === 'size' || this.phase.kind === 'data-end') {
      items.push({ type: 'note', text: '\u21b3 The connection closed before the body ended: the answer is cut short.' });
    }
    this.phase = { kind: 'idle' };
    return items;
  }

  /** Body bytes of a counted run (Content-Length, a chunk): shown, or passed over when compressed. */
  private body(p: { left: number }, data: Uint8Array, i: number, show: (to: number) => void, skip: (to: number) => void): number {
    const take = Math.min(p.left, data.length - i);
    const to = i + take;
    p.left -= take;
    this.answer!.body += take;
    if (this.answer!.compressed) skip(to);
    else show(to);
    return to;
  }

  private broken(why: string, note: (text: string, at: number) => void, at: number, items: ViewItem[]): void {
    note(`\u21b3 The chunked framing is broken here (${why}): the rest is shown as it comes.`, at);
    this.lost(items, `the chunked framing is broken (${why})`);
  }

  /**
   * Where the answer's end can no longer be known: shown as it comes from here, and what waits for
   * the end (a composer) told it will not be known. The next request starts afresh.
   */
  private lost(items: ViewItem[], why: string): void {
    this.phase = { kind: 'opaque' };
    this.answer = null;
    items.push({ type: 'answered', code: 0, status: why });
  }

  /** Where the head ends: the framing of what follows, from the status code and the headers. */
  private headEnded(bytes: number[], now: number): ViewItem[] {
    const head = Buffer.from(bytes).toString('latin1');
    const status = /^HTTP\/\d(?:\.\d)? (\d{3})/.exec(head);
    if (!status) {
      const lost: ViewItem[] = [];
      this.lost(lost, 'the answer is not HTTP (no status line)');
      return lost;
    }
    const code = Number(status[1]);
    const header = (name: string) => new RegExp(`^${name}:[ \\t]*(.*?)[ \\t]*\\r?$`, 'im').exec(head)?.[1] ?? null;
    // An interim answer (100 Continue) is followed by the final one, for the same request.
    if (code >= 100 && code < 200 && code !== 101) {
      this.phase = { kind: 'idle' };
      return [];
    }
    const request = this.requests.shift() ?? null;
    const te = header('Transfer-Encoding');
    const length = header('Content-Length');
    const encoding = header('Content-Encoding');
    const compressed = encoding && !/^identity$/i.test(encoding) ? encoding : null;
    const bodiless = request?.method === 'HEAD' || code === 204 || code === 304;
    const framing: Answer['framing'] = bodiless ? 'none' : te && /\bchunked\s*$/i.test(te) ? 'chunked' : length !== null && /^\d+$/.test(length) ? 'length' : code === 101 ? 'none' : 'close';
    this.answer = { code, status: head.slice(0, head.search(/\r?\n/)), firstByteAt: now, body: 0, chunks: 0, framing, compressed, request };
    if (code === 101) {
      // Switched protocols: the answer is the head; what follows is another protocol's.
      this.phase = { kind: 'opaque' };
      this.answer = null;
      return [{ type: 'answered', code, status: head.slice(0, head.search(/\r?\n/)) }];
    }
    const notes: ViewItem[] = [];
    if (compressed && framing !== 'none') notes.push({ type: 'note', text: `\u21b3 The body is ${compressed}-compressed: not shown (toggle raw shows its bytes; the hex view too).` });
    switch (framing) {
      case 'none':
        this.phase = { kind: 'idle' };
        this.answerEnded(now, (t) => notes.push({ type: 'note', text: t }), (d) => notes.push(d));
        return notes;
      case 'chunked':
        this.phase = { kind: 'size', line: [] };
        return notes;
      case 'length':
        this.phase = { kind: 'length', left: Number(length) };
        if (Number(length) === 0) {
          this.phase = { kind: 'idle' };
          this.answerEnded(now, (t) => notes.push({ type: 'note', text: t }), (d) => notes.push(d));
        }
        return notes;
      case 'close':
        this.phase = { kind: 'close' };
        return notes;
    }
  }

  private answerEnded(now: number, say: (text: string) => void, done: (item: ViewItem) => void): void {
    const a = this.answer;
    this.phase = { kind: 'idle' };
    if (!a) return;
    this.answer = null;
    const ms = (t: number) => `${t.toFixed(1)} ms`;
    const sent = a.request?.sentAt ?? null;
    const timing = sent !== null ? `request sent -> first byte ${ms(a.firstByteAt - sent)} -> last byte ${ms(now - sent)}` : null;
    const size = `${formatCount(a.body)} byte${a.body === 1 ? '' : 's'}`;
    const body =
      a.framing === 'none'
        ? 'no body'
        : a.framing === 'chunked'
          ? `body ${size} in ${a.chunks} chunk${a.chunks === 1 ? '' : 's'}, shown decoded (toggle raw for the chunk sizes)`
          : a.framing === 'length'
            ? `body ${size} (Content-Length)`
            : `body ${size}, ended by the close`;
    say(`\u21b3 ${a.code}: ${[timing, body].filter(Boolean).join('; ')}.`);
    done({ type: 'answered', code: a.code, status: a.status });
  }
}
