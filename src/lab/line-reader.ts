// Splits a byte stream into lines (CRLF or bare LF) with a hard cap on line length, so a client
// that never sends a newline cannot make the lab buffer without bound.

const LF = 0x0a;
const CR = 0x0d;

export type LineEvent = { kind: 'line'; text: string } | { kind: 'overflow' };

/**
 * Pull-style: `push` queues chunks, `next` hands out one event at a time, so the caller can stop
 * (pause the socket) between lines when its output backs up.
 */
export class LineReader {
  private readonly chunks: Buffer[] = [];
  private pos = 0;
  private partial: Buffer[] = [];
  private partialLength = 0;
  /** Set after an overflow until the end of that over-long line has gone by. */
  private discarding = false;

  /** @param maxLine longest line accepted, in bytes, without its LF */
  constructor(
    private readonly maxLine: number,
    private readonly encoding: BufferEncoding = 'utf8',
  ) {}

  push(chunk: Buffer): void {
    if (chunk.length > 0) this.chunks.push(chunk);
  }

  next(): LineEvent | undefined {
    while (this.chunks.length > 0) {
      const chunk = this.chunks[0]!;
      const nl = chunk.indexOf(LF, this.pos);
      const piece = chunk.subarray(this.pos, nl === -1 ? chunk.length : nl);
      if (nl === -1 || nl + 1 >= chunk.length) {
        this.chunks.shift();
        this.pos = 0;
      } else {
        this.pos = nl + 1;
      }

      if (this.discarding) {
        if (nl !== -1) this.discarding = false;
        continue;
      }
      if (this.partialLength + piece.length > this.maxLine) {
        this.partial = [];
        this.partialLength = 0;
        this.discarding = nl === -1;
        return { kind: 'overflow' };
      }
      if (nl === -1) {
        // Copy: a view would pin the whole (possibly 64 KB) chunk for a few bytes.
        this.partial.push(Buffer.from(piece));
        this.partialLength += piece.length;
        continue;
      }
      const bytes = this.partial.length > 0 ? Buffer.concat([...this.partial, piece]) : piece;
      this.partial = [];
      this.partialLength = 0;
      const end = bytes.length > 0 && bytes[bytes.length - 1] === CR ? bytes.length - 1 : bytes.length;
      return { kind: 'line', text: bytes.toString(this.encoding, 0, end) };
    }
    return undefined;
  }
}
