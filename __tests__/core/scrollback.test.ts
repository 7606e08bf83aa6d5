import {
  CONTINUED_MARK,
  LINE_OVERHEAD_BYTES,
  Scrollback,
  type ScrollAction,
  type ScrollState,
  initialScroll,
  scrollReducer,
  viewport,
  wrapRows,
} from '../../src/core/scrollback.js';
import { toVisible } from '../../src/core/sanitize.js';
import { prng } from '../helpers/prng.js';

function lines(store: Scrollback): string[] {
  const out: string[] = [];
  for (let seq = store.firstSeq; seq < store.endSeq; seq += 1) out.push(store.line(seq)!.text);
  return out;
}

/** The byte estimate recomputed from the lines, to check the running count is true. */
/** The lines' text as the peer sent it: without the mark that starts a continued line. */
function content(store: Scrollback): string[] {
  return lines(store).map((t, i) => (store.line(store.firstSeq + i)!.continued ? t.replace(/^\u21aa/, '') : t));
}

function recount(store: Scrollback): number {
  let bytes = 0;
  for (const text of lines(store)) bytes += text.length * 2 + LINE_OVERHEAD_BYTES;
  return bytes;
}

function numbered(store: Scrollback, from: number, to: number): void {
  let text = '';
  for (let i = from; i < to; i += 1) text += `line ${i}\n`;
  store.append(text, 'in');
}

function rowsOf(store: Scrollback, state: ScrollState): string[] {
  return viewport(store, state).rows.map((r) => r.text);
}

function apply(store: Scrollback, state: ScrollState, ...actions: ScrollAction[]): ScrollState {
  return actions.reduce((s, a) => scrollReducer(s, a, store), state);
}

describe('Scrollback lines', () => {
  test('splits a chunk on LF and records source, time and line ending', () => {
    const store = new Scrollback();
    store.append('220 mail ESMTP\r\n250 ok\n', 'in', 1000);
    store.append('EHLO me\r\n', 'out', 2000);
    store.appendLine('connected', 'info', 3000);
    expect(lines(store)).toEqual(['220 mail ESMTP', '250 ok', 'EHLO me', 'connected']);
    expect(store.line(0)).toMatchObject({ text: '220 mail ESMTP', source: 'in', time: 1000, eol: 'crlf', continued: false });
    expect(store.line(1)!.eol).toBe('lf');
    expect(store.line(2)!.source).toBe('out');
    expect(store.line(3)!.source).toBe('info');
  });

  test('a partial line shows at once and the next chunk completes it in place', () => {
    const store = new Scrollback();
    store.append('login: ', 'in');
    expect(lines(store)).toEqual(['login: ']);
    expect(store.line(0)!.eol).toBeNull();
    store.append('welcome\r\nnext', 'in');
    expect(lines(store)).toEqual(['login: welcome', 'next']);
    expect(store.line(0)!.eol).toBe('crlf');
  });

  test('CR at the end of one chunk and LF at the start of the next make one CRLF', () => {
    const store = new Scrollback();
    store.append('250 ok\r', 'in');
    expect(lines(store)).toEqual(['250 ok']);
    store.append('\n251 next\r', 'in');
    store.append('\n', 'in');
    expect(lines(store)).toEqual(['250 ok', '251 next']);
    expect(store.line(0)!.eol).toBe('crlf');
    expect(store.line(1)!.eol).toBe('crlf');
    expect(store.endSeq).toBe(2);
  });

  test('a chunk of only CR, then only LF, is still one line ending', () => {
    const store = new Scrollback();
    store.append('a', 'in');
    store.append('\r', 'in');
    store.append('\n', 'in');
    store.append('b\n', 'in');
    expect(lines(store)).toEqual(['a', 'b']);
  });

  test('a bare CR is shown as ␍, whether inside a chunk or at its end', () => {
    const store = new Scrollback();
    store.append(' 10%\r 20%\r', 'in');
    store.append(' 30%\n', 'in');
    store.append('x\r\r\n', 'in');
    expect(lines(store)).toEqual([' 10%␍ 20%␍ 30%', 'x␍']);
    expect(store.line(1)!.eol).toBe('crlf');
  });

  test('empty lines are kept', () => {
    const store = new Scrollback();
    store.append('a\n\n\r\nb\n', 'in');
    expect(lines(store)).toEqual(['a', '', '', 'b']);
  });

  test('lines are stored sanitized', () => {
    const store = new Scrollback();
    store.append('\x1b]0;owned\x07\x1b[2Jhi\x00\u202e\n', 'in');
    expect(lines(store)).toEqual(['␛]0;owned␇␛[2Jhi␀<U+202E>']);
  });

  test('tab stops hold across chunks of one line', () => {
    const store = new Scrollback();
    store.append('ab', 'in');
    store.append('\tc\td', 'in');
    store.append('e\tf\n', 'in');
    expect(lines(store)).toEqual(['ab      c       de      f']);
  });

  test('tab stops hold when a line comes in many pieces after its first tab', () => {
    const store = new Scrollback();
    store.append('ab\t', 'in');
    for (const ch of '\u65e5x'.repeat(50)) store.append(ch, 'in');
    store.append('\tend\n', 'in');
    // 8 columns, then 50 x (2 + 1) = 150: the second tab goes to 160.
    expect(lines(store)).toEqual([`ab      ${'\u65e5x'.repeat(50)}  end`]);
  });

  test('another source ends the open line; its source\'s next line ending completes it, not a new line', () => {
    const store = new Scrollback();
    store.append('Password: ', 'in');
    store.append('hunter2\r\n', 'out');
    store.append('\r\nWelcome\r\n', 'in');
    expect(lines(store)).toEqual(['Password: ', 'hunter2', 'Welcome']);
    expect(store.line(0)!.eol).toBe('crlf');
    expect(store.line(0)!.source).toBe('in');
  });

  test('an interrupted CR still pairs with the LF that follows the interruption', () => {
    const store = new Scrollback();
    store.append('> ', 'in');
    store.append('\r', 'in');
    store.appendLine('note', 'info');
    store.append('\nnext\n', 'in');
    expect(lines(store)).toEqual(['> ', 'note', 'next']);
    expect(store.line(0)!.eol).toBe('crlf');
  });

  test('an interrupted line whose source goes on without a line ending continues on a new line', () => {
    const store = new Scrollback();
    store.append('abc', 'in');
    store.appendLine('sent', 'out');
    store.append('def\n', 'in');
    expect(lines(store)).toEqual(['abc', 'sent', 'def']);
    expect(store.line(0)!.eol).toBeNull();
  });
});

describe('Scrollback bounds', () => {
  test('the oldest lines go first when the line count is reached', () => {
    const store = new Scrollback({ maxLines: 3 });
    numbered(store, 0, 5);
    expect(lines(store)).toEqual(['line 2', 'line 3', 'line 4']);
    expect(store.firstSeq).toBe(2);
    expect(store.endSeq).toBe(5);
    expect(store.line(1)).toBeUndefined();
    expect(store.line(2)!.text).toBe('line 2');
  });

  test('the oldest lines go first when the byte count is reached', () => {
    const store = new Scrollback({ maxBytes: 2048 });
    for (let i = 0; i < 100; i += 1) store.appendLine('x'.repeat(100) + i, 'in');
    expect(store.byteCount).toBeLessThanOrEqual(2048);
    expect(store.byteCount).toBe(recount(store));
    expect(store.lineCount).toBe(Math.floor(2048 / (103 * 2 + LINE_OVERHEAD_BYTES)));
    expect(lines(store).at(-1)).toBe('x'.repeat(100) + '99');
  });

  test('a 50 MB flood in chunks stays under both caps, with a true byte count', () => {
    const store = new Scrollback({ maxLines: 10_000, maxBytes: 4 * 1024 * 1024 });
    const words = 'The quick brown fox jumps over the lazy dog '.repeat(5);
    const line = `${words}\x1b[31m\u00e9\u65e5\r\n`;
    const chunk = line.repeat(Math.ceil(65536 / line.length));
    let sent = 0;
    while (sent < 50 * 1024 * 1024) {
      store.append(chunk, 'in');
      sent += chunk.length;
    }
    expect(store.lineCount).toBeLessThanOrEqual(10_000);
    expect(store.byteCount).toBeLessThanOrEqual(4 * 1024 * 1024);
    expect(store.byteCount).toBe(recount(store));
    expect(store.endSeq).toBeGreaterThan(200_000);
    expect(store.line(store.endSeq - 1)!.text).toBe(`${words}␛[31m\u00e9\u65e5`);
  });

  test('a hostile line of 50 MB without a newline is split at the line cap and stays bounded', () => {
    const store = new Scrollback({ maxBytes: 1024 * 1024, maxLineLength: 4096 });
    const chunk = 'A'.repeat(1024 * 1024);
    for (let i = 0; i < 50; i += 1) store.append(chunk, 'in');
    expect(store.byteCount).toBeLessThanOrEqual(1024 * 1024);
    expect(store.byteCount).toBe(recount(store));
    for (const text of lines(store)) expect(text.length).toBeLessThanOrEqual(4096);
    // The first piece holds 4096 characters; each continuation its mark and 4095.
    expect(store.endSeq).toBe(1 + Math.ceil((50 * 1024 * 1024 - 4096) / 4095));
    expect(store.line(store.endSeq - 1)!.continued).toBe(true);
    expect(store.line(store.endSeq - 1)!.text.startsWith(CONTINUED_MARK)).toBe(true);
    // The line goes on: the next chunk grows the last piece, the newline ends it.
    store.append('tail\n', 'in');
    expect(store.line(store.endSeq - 1)!.text).toMatch(/tail$/);
    expect(store.line(store.endSeq - 1)!.continued).toBe(true);
    expect(store.line(store.endSeq - 1)!.eol).toBe('lf');
  });

  test('a line cut at the cap is marked as continued where it goes on, so the cut is seen', () => {
    const store = new Scrollback({ maxLineLength: 16 });
    store.append('x'.repeat(40) + '\n', 'in');
    expect(lines(store)).toEqual(['x'.repeat(16), `${CONTINUED_MARK}${'x'.repeat(15)}`, `${CONTINUED_MARK}${'x'.repeat(9)}`]);
    expect(store.line(1)!.continued).toBe(true);
  });

  test('one huge chunk is split too, and a surrogate pair is never cut', () => {
    const store = new Scrollback({ maxLineLength: 17 });
    store.append('a' + '\u{1F600}'.repeat(40) + '\n', 'in');
    for (const text of lines(store)) {
      expect(text.length).toBeLessThanOrEqual(17);
      expect(text).not.toMatch(/[\ud800-\udfff]/u);
    }
    expect(content(store).join('')).toBe('a' + '\u{1F600}'.repeat(40));
  });

  test('expansion by marks and tabs counts against the line cap', () => {
    const store = new Scrollback({ maxLineLength: 64 });
    store.append('\t'.repeat(20) + '\x9b'.repeat(20) + '\n', 'in');
    for (const text of lines(store)) expect(text.length).toBeLessThanOrEqual(64);
    expect(content(store).join('')).toBe(' '.repeat(160) + '<U+009B>'.repeat(20));
  });

  test('a line that arrives a character at a time is stored as if it came whole, and counted true', () => {
    const line = 'ab\tc\x1bd\u00e9\u65e5\u{1F600}e'.repeat(300);
    const whole = new Scrollback();
    whole.append(`${line}\n`, 'in');
    const bytewise = new Scrollback();
    for (const ch of line) bytewise.append(ch, 'in');
    bytewise.append('\n', 'in');
    expect(lines(bytewise)).toEqual(lines(whole));
    expect(bytewise.byteCount).toBe(recount(bytewise));
  });

  test('random bytes in chunks are stored as the same lines as in one piece', () => {
    let seed = 0x5eed;
    const bytes = Uint8Array.from({ length: 300_000 }, () => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed >>> 24;
    });
    const text = new TextDecoder().decode(bytes);
    const whole = new Scrollback({ maxLines: 100_000 });
    whole.append(text, 'in');
    const chunked = new Scrollback({ maxLines: 100_000 });
    for (let at = 0; at < text.length; at += 4093) chunked.append(text.slice(at, at + 4093), 'in');
    expect(lines(chunked)).toEqual(lines(whole));
    expect(chunked.byteCount).toBe(recount(chunked));
  });

  test('a line read while it grows (the pane shows the open line) ends as if it was never read', () => {
    const next = prng(0x7ab5);
    const alphabet = ['a', 'b', ' ', '\t', '\x1b', '\x85', '\u00e9', '\u65e5', '\u{1F600}', '\u202e', '\r'];
    for (let round = 0; round < 50; round += 1) {
      const pieces: string[] = [];
      for (let i = 0; i < 40; i += 1) {
        let piece = '';
        for (let k = Math.floor(next() * 6); k >= 0; k -= 1) piece += alphabet[Math.floor(next() * alphabet.length)];
        if (next() < 0.1) piece += '\n';
        pieces.push(piece);
      }
      const unread = new Scrollback();
      const read = new Scrollback();
      for (const piece of pieces) {
        unread.append(piece, 'in');
        read.append(piece, 'in');
        if (next() < 0.5) viewport(read, initialScroll(20, 5));
      }
      expect(lines(read)).toEqual(lines(unread));
      // Each line made visible in one go: the reference for tab stops and marks.
      // (A CR at the very end is held back: an LF may follow.)
      const expected = pieces.join('').replace(/\r$/, '').split(/\r?\n/).map((l) => toVisible(l));
      if (expected.at(-1) === '') expected.pop();
      expect(lines(read)).toEqual(expected);
    }
  });

  test('reading lines counts what their marks cost, and evicts the oldest to stay under the byte cap', () => {
    const store = new Scrollback({ maxBytes: 64 * 1024 });
    // Each C1 character is one code unit on the wire and 8 (<U+0085>) once visible.
    const line = '\x85'.repeat(100);
    for (let i = 0; i < 200; i += 1) store.appendLine(line, 'in');
    const before = store.lineCount;
    expect(store.byteCount).toBe(before * (100 * 2 + LINE_OVERHEAD_BYTES));
    // The pane reads the last page: those lines cost their visible size from now on.
    viewport(store, initialScroll(80, 10));
    expect(store.byteCount).toBeLessThanOrEqual(64 * 1024);
    // Every line read: fewer fit, and the count is still true.
    const visible = lines(store);
    expect(visible.at(-1)).toBe('<U+0085>'.repeat(100));
    expect(store.byteCount).toBeLessThanOrEqual(64 * 1024);
    expect(store.byteCount).toBe(recount(store));
    expect(store.lineCount).toBeLessThan(before);
  });

  test('reading the oldest lines (the view at the top) never evicts a line it is about to draw', () => {
    const store = new Scrollback({ maxBytes: 64 * 1024 });
    for (let i = 0; i < 200; i += 1) store.appendLine('\x85'.repeat(100), 'in');
    // Going to the top reads the last page too (to know where it starts): that may cost old lines.
    const state = scrollReducer(initialScroll(80, 10), { type: 'top' }, store);
    const first = store.firstSeq;
    const rows = viewport(store, state).rows;
    expect(rows).toHaveLength(10);
    // Wrapped at the pane's width: each line laid out from its visible text, none evicted under it.
    for (const r of rows) expect(r.text.length).toBeLessThanOrEqual(80);
    expect(rows[0]!.seq).toBe(first);
    // The overage goes at the next write.
    store.appendLine('next', 'in');
    expect(store.byteCount).toBeLessThanOrEqual(64 * 1024);
  });

  test('clear drops every line and seqs go on counting', () => {
    const store = new Scrollback();
    numbered(store, 0, 3);
    store.append('partial', 'in');
    store.clear();
    expect(store.lineCount).toBe(0);
    expect(store.byteCount).toBe(0);
    expect(store.firstSeq).toBe(4);
    store.append('more\n', 'in');
    expect(lines(store)).toEqual(['more']);
    expect(store.firstSeq).toBe(4);
  });
});

describe('wrapRows', () => {
  const rows = (text: string, width: number) => {
    const starts = wrapRows(text, width);
    return starts.map((s, i) => text.slice(s, starts[i + 1]));
  };

  test('ASCII wraps at the width; an empty line is one row', () => {
    expect(rows('abcdefghij', 4)).toEqual(['abcd', 'efgh', 'ij']);
    expect(rows('abcd', 4)).toEqual(['abcd']);
    expect(rows('', 4)).toEqual(['']);
  });

  test('a wide character that would straddle the edge moves to the next row whole', () => {
    expect(rows('abc日本', 4)).toEqual(['abc', '日本']);
    expect(rows('日本語', 5)).toEqual(['日本', '語']);
    expect(rows('ab\u{1F600}cd', 3)).toEqual(['ab', '\u{1F600}c', 'd']);
  });

  test('ZWJ emoji, flags and combining marks stay whole at the edge', () => {
    const family = '\u{1F468}\u200d\u{1F469}\u200d\u{1F467}';
    expect(rows(`abc${family}d`, 4)).toEqual(['abc', `${family}d`]);
    expect(rows('abce\u0301x', 4)).toEqual(['abce\u0301', 'x']);
    expect(rows('abc\u{1F1EB}\u{1F1F7}', 4)).toEqual(['abc', '\u{1F1EB}\u{1F1F7}']);
  });

  test('ASCII runs beside wide text wrap by column', () => {
    expect(rows('日abcdefgh', 4)).toEqual(['日ab', 'cdef', 'gh']);
    expect(rows('a日bcdefghij日', 3)).toEqual(['a日', 'bcd', 'efg', 'hij', '日']);
  });

  test('a character wider than the pane gets a row of its own', () => {
    expect(rows('a日b', 1)).toEqual(['a', '日', 'b']);
  });
});

describe('viewport and scrolling', () => {
  test('following shows the last rows, with each row\'s source', () => {
    const store = new Scrollback();
    numbered(store, 0, 10);
    store.appendLine('QUIT', 'out');
    const view = viewport(store, initialScroll(20, 3));
    expect(view.rows.map((r) => [r.text, r.source])).toEqual([
      ['line 8', 'in'],
      ['line 9', 'in'],
      ['QUIT', 'out'],
    ]);
    expect(view.following).toBe(true);
    expect(view.newLines).toBe(0);
  });

  test('long lines are wrapped and the last page counts rows, not lines', () => {
    const store = new Scrollback();
    store.appendLine('0123456789', 'in');
    store.appendLine('abcdefghijklmnopqrstuvwxyz', 'in');
    const view = viewport(store, initialScroll(10, 3));
    expect(view.rows.map((r) => r.text)).toEqual(['abcdefghij', 'klmnopqrst', 'uvwxyz']);
    expect(view.rows.map((r) => [r.row, r.lastRow])).toEqual([
      [0, false],
      [1, false],
      [2, true],
    ]);
  });

  test('fewer lines than rows: all of them, from the top', () => {
    const store = new Scrollback();
    numbered(store, 0, 2);
    expect(rowsOf(store, initialScroll(20, 5))).toEqual(['line 0', 'line 1']);
    // Nothing to scroll: up keeps following.
    expect(apply(store, initialScroll(20, 5), { type: 'pageUp' }).follow).toBe(true);
  });

  test('scrolled back, the view stays put as lines arrive and counts them', () => {
    const store = new Scrollback();
    numbered(store, 0, 20);
    let state = apply(store, initialScroll(20, 4), { type: 'pageUp' });
    expect(state.follow).toBe(false);
    expect(rowsOf(store, state)).toEqual(['line 13', 'line 14', 'line 15', 'line 16']);
    numbered(store, 20, 25);
    expect(rowsOf(store, state)).toEqual(['line 13', 'line 14', 'line 15', 'line 16']);
    expect(viewport(store, state).newLines).toBe(5);
    state = apply(store, state, { type: 'lineUp' }, { type: 'lineUp', count: 2 });
    expect(rowsOf(store, state)).toEqual(['line 10', 'line 11', 'line 12', 'line 13']);
    expect(viewport(store, state).newLines).toBe(5);
    state = apply(store, state, { type: 'bottom' });
    expect(state.follow).toBe(true);
    expect(rowsOf(store, state)).toEqual(['line 21', 'line 22', 'line 23', 'line 24']);
    expect(viewport(store, state).newLines).toBe(0);
  });

  test('scrolling down to the last page follows again', () => {
    const store = new Scrollback();
    numbered(store, 0, 20);
    let state = apply(store, initialScroll(20, 4), { type: 'lineUp', count: 2 });
    expect(state.follow).toBe(false);
    state = apply(store, state, { type: 'lineDown' });
    expect(state.follow).toBe(false);
    expect(rowsOf(store, state)).toEqual(['line 15', 'line 16', 'line 17', 'line 18']);
    state = apply(store, state, { type: 'lineDown' });
    expect(state.follow).toBe(true);
    state = apply(store, state, { type: 'pageUp' }, { type: 'pageUp' }, { type: 'pageDown' });
    expect(rowsOf(store, state)).toEqual(['line 13', 'line 14', 'line 15', 'line 16']);
    state = apply(store, state, { type: 'pageDown' }, { type: 'pageDown' });
    expect(state.follow).toBe(true);
  });

  test('top and moves within wrapped rows', () => {
    const store = new Scrollback();
    store.appendLine('a'.repeat(25), 'in');
    numbered(store, 0, 10);
    let state = apply(store, initialScroll(10, 2), { type: 'top' });
    expect(viewport(store, state).atTop).toBe(true);
    expect(rowsOf(store, state)).toEqual(['a'.repeat(10), 'a'.repeat(10)]);
    state = apply(store, state, { type: 'lineDown', count: 2 });
    expect(rowsOf(store, state)).toEqual(['aaaaa', 'line 0']);
    state = apply(store, state, { type: 'lineUp' });
    expect(viewport(store, state).top).toEqual({ seq: 0, row: 1 });
    state = apply(store, state, { type: 'lineUp', count: 100 });
    expect(viewport(store, state).top).toEqual({ seq: 0, row: 0 });
  });

  test('eviction while scrolled back: the view keeps its lines until they go, then clamps to the top', () => {
    const store = new Scrollback({ maxLines: 30 });
    numbered(store, 0, 30);
    let state = apply(store, initialScroll(20, 4), { type: 'pageUp' }, { type: 'pageUp' });
    expect(rowsOf(store, state)).toEqual(['line 20', 'line 21', 'line 22', 'line 23']);
    numbered(store, 30, 45); // evicts lines 0..14: the anchored line 20 is still kept
    expect(rowsOf(store, state)).toEqual(['line 20', 'line 21', 'line 22', 'line 23']);
    expect(viewport(store, state).newLines).toBe(15);
    numbered(store, 45, 53); // evicts up to line 22: the anchored line is gone
    const view = viewport(store, state);
    expect(view.top).toEqual({ seq: 23, row: 0 });
    expect(view.atTop).toBe(true);
    expect(view.rows.map((r) => r.text)).toEqual(['line 23', 'line 24', 'line 25', 'line 26']);
    expect(view.newLines).toBe(23);
    state = apply(store, state, { type: 'lineDown' });
    expect(rowsOf(store, state)).toEqual(['line 24', 'line 25', 'line 26', 'line 27']);
  });

  test('resize rewraps and keeps the anchored line', () => {
    const store = new Scrollback();
    for (let i = 0; i < 20; i += 1) store.appendLine(`${i}:` + 'x'.repeat(18), 'in');
    let state = apply(store, initialScroll(20, 3), { type: 'pageUp' }, { type: 'pageUp' });
    const seq = viewport(store, state).top.seq;
    state = apply(store, state, { type: 'resize', width: 10, height: 3 });
    expect(state.follow).toBe(false);
    expect(viewport(store, state).top.seq).toBe(seq);
    expect(viewport(store, state).rows.every((r) => r.text.length <= 10)).toBe(true);
    // A pane tall enough for everything follows again.
    state = apply(store, state, { type: 'resize', width: 10, height: 100 });
    expect(state.follow).toBe(true);
  });

  test('a partial last line is in view and grows in place', () => {
    const store = new Scrollback();
    store.append('220 ready\r\nPassword:', 'in');
    const state = initialScroll(40, 5);
    expect(rowsOf(store, state)).toEqual(['220 ready', 'Password:']);
    store.append(' ok\r\n', 'in');
    expect(rowsOf(store, state)).toEqual(['220 ready', 'Password: ok']);
  });

  test('framing 10k lines of 200 columns costs only the rows in view', () => {
    const store = new Scrollback();
    const cjk = '日本語のテキストと English text 混在 \u{1F600} '.repeat(8).slice(0, 150);
    for (let i = 0; i < 10_000; i += 1) store.appendLine(`${i} ${cjk}`, 'in');
    let state = initialScroll(80, 50);
    const started = performance.now();
    for (let frame = 0; frame < 100; frame += 1) {
      store.appendLine(`new ${frame} ${cjk}`, 'in');
      state = scrollReducer(state, { type: frame % 10 < 5 ? 'pageUp' : 'lineDown', count: 3 }, store);
      const view = viewport(store, state);
      expect(view.rows).toHaveLength(50);
    }
    const elapsed = performance.now() - started;
    // Wrapping all 10k lines on each of 100 frames would be ~1M line wraps; this is a few thousand.
    expect(elapsed).toBeLessThan(1500);
  });
});
