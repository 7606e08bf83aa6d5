// Property tests (fast-check): random streams, split at random points, give what they give whole,
// and nothing throws. The readers of the wire must not care where TCP cut its segments.
import fc from 'fast-check';
import { createDecoder } from '../../src/core/codec.js';
import { createKeyDecoder } from '../../src/core/key-decoder.js';
import { LineAssembler, type LineSink } from '../../src/core/line-assembler.js';
import { pushReplyLine, EMPTY_REPLY } from '../../src/core/protocols/smtp.js';
import { toVisible } from '../../src/core/sanitize.js';
import { Scrollback } from '../../src/core/scrollback.js';
import { paneViewFor } from '../../src/core/protocols/pane-view.js';
import { sessionReducer } from '../../src/core/session/reducer.js';
import { DEFAULT_SETTINGS, initialSessionState } from '../../src/core/session/state.js';

/** A stream and where to cut it. */
const cutStream = <T extends { length: number; slice(a: number, b?: number): T }>(arb: fc.Arbitrary<T>) =>
  fc.tuple(arb, fc.array(fc.nat(), { maxLength: 10 })).map(([whole, cuts]) => {
    const at = [...new Set(cuts.map((c) => (whole.length ? c % whole.length : 0)))].sort((a, b) => a - b);
    const parts: T[] = [];
    let from = 0;
    for (const c of at) {
      parts.push(whole.slice(from, c));
      from = c;
    }
    parts.push(whole.slice(from));
    return { whole, parts };
  });

/** Bytes with what the wire's readers trip on: CR, LF, NUL, ESC, 0xFF, UTF-8 lead and continuation bytes. */
const wireBytes = fc
  .array(fc.oneof(fc.integer({ min: 0, max: 255 }), fc.constantFrom(0x0d, 0x0a, 0x00, 0x1b, 0xff, 0xc3, 0xa9, 0xe2, 0x82, 0xac, 0xf0, 0x9f, 0x98, 0x80)), { maxLength: 200 })
  .map((xs) => Buffer.from(xs));

test('the UTF-8 decoder: any bytes, cut anywhere, decode as they do whole', () => {
  fc.assert(
    fc.property(cutStream(wireBytes), ({ whole, parts }) => {
      const one = createDecoder('utf-8');
      const expected = one.write(whole) + one.end();
      const split = createDecoder('utf-8');
      const got = parts.map((p) => split.write(p)).join('') + split.end();
      expect(got).toBe(expected);
    }),
    { numRuns: 2000 },
  );
});

test('the line assembler: any text, cut anywhere, gives the same lines and line ends', () => {
  const text = wireBytes.map((b) => b.toString('latin1'));
  const lines = (chunks: string[]) => {
    const out: string[] = [];
    let cur = '';
    const sink: LineSink = { text: (f) => (cur += f), end: (eol) => (out.push(`${cur}|${eol}`), (cur = '')) };
    const a = new LineAssembler();
    for (const c of chunks) a.push(c, sink);
    a.flush(sink);
    return [...out, cur];
  };
  fc.assert(
    fc.property(cutStream(text), ({ whole, parts }) => {
      expect(lines(parts)).toEqual(lines([whole]));
    }),
    { numRuns: 2000 },
  );
});

test('the key decoder: any input, cut anywhere (a character, a sequence), gives the same keys', () => {
  const keys = fc.array(fc.oneof(fc.constantFrom('\x1b', '\x1b[', '\x1b[A', '\x1b[1;5C', '\x1bOP', '\x1b[200~', '\x1b[201~', '\r', '\x7f', '\x03', '\x1d', 'a', 'é', '€', '😀', '\x1b[I'), fc.string({ maxLength: 4 })), { maxLength: 30 }).map((xs) => xs.join(''));
  const events = (chunks: Buffer[]) => {
    const d = createKeyDecoder();
    const out = chunks.flatMap((c) => d.push(c));
    return JSON.stringify([...out, ...d.flush()].map((e) => ({ ...e, final: undefined })));
  };
  fc.assert(
    // The terminal's bytes (stdin gives bytes: a character may be cut between reads).
    fc.property(cutStream(keys.map((k) => Buffer.from(k, 'utf8'))), ({ whole, parts }) => {
      // Text typed, or pasted, in one chunk or several is the same characters: a run may come as
      // several events (a paste is delivered as it arrives), so adjacent runs are joined.
      const norm = (s: string) =>
        (JSON.parse(s) as { type: string; text?: string }[]).reduce<{ type: string; text?: string }[]>((acc, e) => {
          const last = acc.at(-1);
          if (last && (e.type === 'text' || e.type === 'paste') && last.type === e.type) last.text = (last.text ?? '') + (e.text ?? '');
          else acc.push({ ...e });
          return acc;
        }, []);
      expect(norm(events(parts))).toEqual(norm(events([whole])));
    }),
    { numRuns: 1000 },
  );
});

test('the sanitizer: any text comes out with no byte that drives a terminal, and never throws', () => {
  fc.assert(
    fc.property(fc.oneof(wireBytes.map((b) => b.toString('latin1')), fc.string({ unit: 'binary', maxLength: 100 })), (text) => {
      const shown = toVisible(text);
      // No C0 control (tab included: shown as a mark), no DEL, no C1, no bidi override.
      expect(shown).not.toMatch(/[\x00-\x1f\x7f\x80-\x9f\u202a-\u202e\u2066-\u2069]/u);
    }),
    { numRuns: 3000 },
  );
});

test('the scrollback and the SMTP reply reader take any lines without throwing; the scrollback keeps within its cap', () => {
  fc.assert(
    fc.property(fc.array(wireBytes.map((b) => b.toString('latin1')), { maxLength: 40 }), (chunks) => {
      const s = new Scrollback({ maxLines: 50 });
      for (const c of chunks) s.append(c, 'in');
      expect(s.endSeq - s.firstSeq).toBeLessThanOrEqual(50);
      let reply = EMPTY_REPLY;
      for (const line of chunks.join('').split('\n')) reply = pushReplyLine(reply, line).next;
    }),
    { numRuns: 1000 },
  );
});

test('the helpers read any server lines, under every protocol, without throwing; their views take any bytes cut anywhere', () => {
  const line = fc.oneof(
    fc.constantFrom('220 mx ESMTP', '250-PIPELINING', '354 go', '334 VXNlcm5hbWU6', '+OK', '-ERR [AUTH] no', '* OK ready', 'A001 OK done', '+ ', '* 1 FETCH (BODY[] {5}', 'HTTP/1.1 200 OK', 'Content-Length: 3', 'Transfer-Encoding: chunked', '', '.', '..x'),
    wireBytes.map((b) => b.toString('latin1')),
  );
  fc.assert(
    fc.property(fc.constantFrom(25, 80, 110, 143, 9999), fc.array(fc.array(line, { maxLength: 8 }), { maxLength: 8 }), (port, batches) => {
      let state = sessionReducer(initialSessionState({ host: 'h', port }, DEFAULT_SETTINGS), { type: 'connected', address: '127.0.0.1', local: 'l', connectMs: 1, now: 1, tls: null }).state;
      for (const [i, batch] of batches.entries()) {
        state = sessionReducer(state, { type: 'peer-lines', lines: batch.map((text) => ({ text, eol: 'crlf' as const })), unprompted: i === 0, now: i }).state;
      }
    }),
    { numRuns: 1000 },
  );
  fc.assert(
    fc.property(fc.constantFrom('http', 'pop3', 'imap'), cutStream(wireBytes), (proto, { parts }) => {
      const view = paneViewFor(proto, true)!;
      view.sent('GET / HTTP/1.1', 0);
      view.sent('', 0);
      for (const p of parts) view.push(p, 1, false);
      view.end(2);
    }),
    { numRuns: 1000 },
  );
});
