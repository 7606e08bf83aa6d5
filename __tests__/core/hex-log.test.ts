import { hexDumpLines } from '../helpers/hex.js';
import { asciiLabel, HexLog, hexScrollReducer, MAX_LABEL_LENGTH, MIN_HEX_LOG_BYTES, RUN_OVERHEAD_BYTES, type HexRow } from '../../src/core/hex-log.js';

const bytes = (text: string) => new TextEncoder().encode(text);
const texts = (rows: HexRow[]) => rows.map((r) => r.text);
const all = (log: HexLog) => log.rows(log.firstRow, log.endRow - log.firstRow);
const marked = (mark: string, rows: string[]) => rows.map((r) => mark + r);

describe('HexLog rows', () => {
  test('both directions in wire order, each marked and at its own offset', () => {
    const log = new HexLog();
    log.connection('connection 1: 127.0.0.1:2525');
    log.append('in', bytes('220 mail ESMTP ready\r\n'));
    log.append('out', bytes('EHLO me\r\n'));
    log.append('in', bytes('250 OK\r\n'));
    expect(texts(all(log))).toEqual([
      '=== connection 1: 127.0.0.1:2525 ===',
      '< 00000000  32 32 30 20 6d 61 69 6c  20 45 53 4d 54 50 20 72  |220 mail ESMTP r|',
      '< 00000010  65 61 64 79 0d 0a                                 |eady..|',
      '> 00000000  45 48 4c 4f 20 6d 65 0d  0a                       |EHLO me..|',
      // The received stream goes on from its own offset 0x16, not from the bytes of both directions.
      '< 00000016  32 35 30 20 4f 4b 0d 0a                           |250 OK..|',
    ]);
    expect(all(log).map((r) => r.kind)).toEqual(['connection', 'in', 'in', 'out', 'in']);
    expect(all(log).map((r) => r.row)).toEqual([0, 1, 2, 3, 4]);
  });

  test('a full row of 16 bytes is 80 columns wide', () => {
    const log = new HexLog();
    log.append('out', new Uint8Array(16));
    expect(log.tailRows(1)[0]!.text).toHaveLength(80);
  });

  test('chunks of the same direction continue one run, so rows stay full', () => {
    const log = new HexLog();
    const pieces = ['Hel', 'lo wo', 'rld\nHello world\n', 'x'];
    for (const piece of pieces) log.append('in', bytes(piece));
    expect(texts(all(log))).toEqual(marked('< ', hexDumpLines(bytes(pieces.join('')), 0)));
  });

  test('a change of direction starts a new row, and going back continues the offset', () => {
    const log = new HexLog();
    log.append('in', bytes('abc'));
    log.append('out', bytes('x'));
    log.append('in', bytes('defghijklmnopqrstu'));
    expect(texts(all(log))).toEqual([
      ...marked('< ', hexDumpLines(bytes('abc'), 0)),
      ...marked('> ', hexDumpLines(bytes('x'), 0)),
      ...marked('< ', hexDumpLines(bytes('defghijklmnopqrstu'), 3)),
    ]);
  });

  test('a new connection shows its marker and both offsets start again at 0', () => {
    const log = new HexLog();
    log.connection('connection 1: 127.0.0.1:2525');
    log.append('in', bytes('220 one\r\n'));
    log.append('out', bytes('QUIT\r\n'));
    log.connection('connection 2: 127.0.0.1:2525');
    log.append('in', bytes('220 two\r\n'));
    log.append('out', bytes('QUIT\r\n'));
    expect(texts(all(log))).toEqual([
      '=== connection 1: 127.0.0.1:2525 ===',
      ...marked('< ', hexDumpLines(bytes('220 one\r\n'), 0)),
      ...marked('> ', hexDumpLines(bytes('QUIT\r\n'), 0)),
      '=== connection 2: 127.0.0.1:2525 ===',
      ...marked('< ', hexDumpLines(bytes('220 two\r\n'), 0)),
      ...marked('> ', hexDumpLines(bytes('QUIT\r\n'), 0)),
    ]);
  });

  test('the same direction after a marker starts a new run, not the old one', () => {
    const log = new HexLog();
    log.append('in', bytes('abc'));
    log.connection('connection 2');
    log.append('in', bytes('de'));
    expect(texts(all(log))).toEqual([
      ...marked('< ', hexDumpLines(bytes('abc'), 0)),
      '=== connection 2 ===',
      ...marked('< ', hexDumpLines(bytes('de'), 0)),
    ]);
  });

});

describe('HexLog labels', () => {
  const printable = /^[\x20-\x7e]*$/;

  test('a hostile label comes out as printable ASCII, its controls named', () => {
    const log = new HexLog();
    log.connection('connection 2: \x1b]0;owned\x07\u202eevil\u009b2J\r\n\x7f');
    log.append('in', Uint8Array.from({ length: 256 }, (_, i) => i));
    const rows = texts(all(log));
    expect(rows[0]).toBe('=== connection 2: ^[]0;owned^G<U+202E>evil<U+009B>2J^M^J^? ===');
    for (const row of rows) expect(row).toMatch(printable);
  });

  test('non-ASCII text, lone surrogates and tabs are made ASCII too', () => {
    expect(asciiLabel('b\u00fccher.example\t:80')).toBe('b<U+00FC>cher.example  :80');
    expect(asciiLabel('\u{1F600}\ud800\u2066x\u2069\u200b')).toBe('<U+1F600><U+FFFD><U+2066>x<U+2069><U+200B>');
    for (const label of ['\u0085\u009d\u202a\u2028\ufeff', '\u200f\u061c', 'a\u0000b']) expect(asciiLabel(label)).toMatch(printable);
  });

  test('a very long label is cut, so a marker costs a bounded amount', () => {
    const label = asciiLabel('\x1b'.repeat(1_000_000));
    expect(label).toHaveLength(MAX_LABEL_LENGTH);
    expect(label.endsWith('...')).toBe(true);
    const log = new HexLog({ maxBytes: MIN_HEX_LOG_BYTES });
    log.connection('x'.repeat(10_000));
    expect(log.cost).toBe(RUN_OVERHEAD_BYTES + MAX_LABEL_LENGTH);
  });
});

describe('HexLog eviction', () => {
  test('a flood of 1-byte chunks alternating in and out stays within the budget', () => {
    const maxBytes = 4096;
    const log = new HexLog({ maxBytes });
    let most = 0;
    for (let i = 0; i < 20_000; i += 1) {
      log.append(i % 2 === 0 ? 'in' : 'out', Uint8Array.of(i & 0xff));
      most = Math.max(most, log.cost);
    }
    expect(most).toBeLessThanOrEqual(maxBytes);
    // Each byte is a run of its own and a row of its own, and all of them count.
    expect(log.endRow).toBe(20_000);
    const kept = log.endRow - log.firstRow;
    expect(kept).toBe(Math.floor(maxBytes / (RUN_OVERHEAD_BYTES + 1)));
    expect(log.byteCount).toBe(kept);
    const [last, secondLast] = [log.tailRows(1)[0]!, log.tailRows(2)[0]!];
    expect(last.text).toBe(`> ${hexDumpLines(Uint8Array.of(19_999 & 0xff), 9_999)[0]}`);
    expect(secondLast.text).toBe(`< ${hexDumpLines(Uint8Array.of(19_998 & 0xff), 9_999)[0]}`);
  });

  test('whole rows go, oldest first; a kept row keeps its number and its bytes', () => {
    const log = new HexLog({ maxBytes: 1024 });
    const seen = new Map<number, string>();
    const wrong: string[] = [];
    let most = 0;
    let sent = 0;
    for (let i = 0; i < 2000; i += 1) {
      const size = 1 + ((i * 7) % 23);
      const chunk = Uint8Array.from({ length: size }, (_, j) => (i + j) & 0xff);
      // Mostly received, sometimes sent, now and then a new connection.
      if (i % 97 === 0) log.connection(`connection ${i}`);
      const dir = i % 5 === 0 ? 'out' : 'in';
      if (dir === 'out') sent += size;
      log.append(dir, chunk);
      most = Math.max(most, log.cost);
      const rows = all(log);
      rows.forEach((r, k) => {
        if (r.row !== log.firstRow + k) wrong.push(`row ${r.row} at ${k} after chunk ${i}`);
        const before = seen.get(r.row);
        if (before !== undefined && before !== r.text) wrong.push(`row ${r.row} changed after chunk ${i}`);
        // Only the newest row may still be filling; every row before it is final.
        if (k < rows.length - 1) seen.set(r.row, r.text);
      });
    }
    expect(wrong).toEqual([]);
    expect(most).toBeLessThanOrEqual(1024);
    expect(log.firstRow).toBeGreaterThan(100);
    expect(sent).toBeGreaterThan(0);
  });

  test('rows kept are the newest rows of the whole stream, through wrap-around and growth', () => {
    // A model that keeps everything: each run rendered on its own, as hexdump -C of its direction.
    const everything: string[] = [];
    const offsets = { in: 0, out: 0 };
    let open: { dir: 'in' | 'out'; bytes: number[]; offset: number; rows: number } | null = null;
    const model = {
      connection(label: string) {
        open = null;
        offsets.in = 0;
        offsets.out = 0;
        everything.push(`=== ${label} ===`);
      },
      append(dir: 'in' | 'out', chunk: Uint8Array) {
        if (open === null || open.dir !== dir) open = { dir, bytes: [], offset: offsets[dir], rows: 0 };
        open.bytes.push(...chunk);
        offsets[dir] += chunk.length;
        everything.splice(everything.length - open.rows, open.rows);
        const rows = marked(dir === 'in' ? '< ' : '> ', hexDumpLines(Uint8Array.from(open.bytes), open.offset));
        open.rows = rows.length;
        everything.push(...rows);
      },
    };
    const log = new HexLog({ maxBytes: 64 * 1024 });
    let seed = 7;
    const next = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    // Large runs first, so eviction moves the head of the run ring before the ring grows; then
    // small ones, so it grows while wrapped.
    for (let i = 0; i < 3000; i += 1) {
      const size = i < 100 ? 500 + next(1500) : 1 + next(i % 3 === 0 ? 40 : 3);
      const chunk = Uint8Array.from({ length: size }, () => next(256));
      if (next(50) === 0) {
        log.connection(`connection ${i}`);
        model.connection(`connection ${i}`);
      }
      const dir = next(3) === 0 ? 'out' : 'in';
      log.append(dir, chunk);
      model.append(dir, chunk);
      if (i % 250 === 0 || i === 2999) {
        expect(log.endRow).toBe(everything.length);
        expect(texts(all(log))).toEqual(everything.slice(log.firstRow));
        expect(log.cost).toBeLessThanOrEqual(64 * 1024);
      }
    }
    expect(log.firstRow).toBeGreaterThan(0);
  });

  test('a chunk larger than the budget keeps its last whole rows at their true offsets', () => {
    const log = new HexLog({ maxBytes: 1024 });
    log.append('out', bytes('hi'));
    log.append('in', bytes('abc'));
    const big = Uint8Array.from({ length: 5000 }, (_, i) => 0x41 + (i % 26));
    log.append('in', big);
    const stream = new Uint8Array([...bytes('abc'), ...big]);
    const rows = all(log);
    // Rows of the run are cut from its first byte: offsets stay multiples of 16 within the run.
    const keepFrom = Math.ceil((stream.length - (1024 - RUN_OVERHEAD_BYTES)) / 16) * 16;
    expect(texts(rows)).toEqual(marked('< ', hexDumpLines(stream.slice(keepFrom), keepFrom)));
    expect(log.cost).toBeLessThanOrEqual(1024);
    expect(log.byteCount).toBe(stream.length - keepFrom);
    // The run goes on where it left off, and a new direction after it too.
    log.append('in', bytes('Z'));
    log.append('out', bytes('!'));
    expect(texts(log.tailRows(2))).toEqual([
      `< ${hexDumpLines(new Uint8Array([...stream.slice(4992), 0x5a]), 4992)[0]}`,
      // The sent stream's 'hi' was evicted, but its offsets still count.
      `> ${hexDumpLines(bytes('!'), 2)[0]}`,
    ]);
  });

  test('rows asked for are clamped to the rows kept', () => {
    const log = new HexLog({ maxBytes: MIN_HEX_LOG_BYTES });
    for (let i = 0; i < 100; i += 1) log.append('in', new Uint8Array(16));
    expect(log.rows(0, 1)).toEqual([]);
    expect(log.rows(log.endRow - 2, 10)).toHaveLength(2);
    expect(log.rows(log.endRow, 10)).toEqual([]);
    expect(log.tailRows(1_000)).toHaveLength(log.endRow - log.firstRow);
  });
});

describe('hex pane scrolling', () => {
  const fill = (log: HexLog, rows: number) => {
    for (let i = 0; i < rows; i += 1) {
      log.append('in', new Uint8Array(16).fill(i & 0xff));
      log.append('out', Uint8Array.of(i & 0xff));
    }
  };

  test('following shows the tail; page up leaves it, page down and bottom come back', () => {
    const log = new HexLog();
    fill(log, 50);
    const height = 10;
    expect(log.view(null, height)).toEqual(log.tailRows(height));
    const up = hexScrollReducer(null, { type: 'pageUp' }, log, height);
    expect(up).toBe(log.endRow - height - (height - 1));
    expect(log.view(up, height)[0]!.row).toBe(up);
    expect(hexScrollReducer(up, { type: 'pageDown' }, log, height)).toBeNull();
    expect(hexScrollReducer(up, { type: 'bottom' }, log, height)).toBeNull();
    expect(hexScrollReducer(up, { type: 'top' }, log, height)).toBe(log.firstRow);
    expect(hexScrollReducer(up, { type: 'lineUp', count: 3 }, log, height)).toBe(up! - 3);
    expect(hexScrollReducer(up, { type: 'lineDown' }, log, height)).toBe(up! + 1);
    expect(hexScrollReducer(0, { type: 'pageUp' }, log, height)).toBe(0);
    expect(hexScrollReducer(null, { type: 'resize', width: 80, height: 5 }, log, height)).toBeNull();
  });

  test('a scrolled-back view stays on the same rows while old rows are evicted', () => {
    const log = new HexLog({ maxBytes: 8192 });
    fill(log, 200);
    const height = 5;
    const top = hexScrollReducer(null, { type: 'top' }, log, height)!;
    expect(top).toBe(log.firstRow);
    const held = hexScrollReducer(top, { type: 'lineDown', count: 30 }, log, height)!;
    const shown = log.view(held, height);
    fill(log, 10);
    expect(log.firstRow).toBeGreaterThan(top);
    expect(log.firstRow).toBeLessThan(held);
    expect(log.view(held, height)).toEqual(shown);
    // Once the rows held are gone, the view clamps to the oldest row kept.
    fill(log, 100);
    expect(log.firstRow).toBeGreaterThan(held);
    expect(log.view(held, height)[0]!.row).toBe(log.firstRow);
    expect(hexScrollReducer(held, { type: 'lineDown' }, log, height)).toBe(log.firstRow + 1);
  });

  test('a pane taller than the rows kept shows them all and follows', () => {
    const log = new HexLog();
    fill(log, 2);
    expect(log.view(null, 50)).toHaveLength(4);
    expect(log.view(0, 50)).toHaveLength(4);
    expect(hexScrollReducer(null, { type: 'pageUp' }, log, 50)).toBeNull();
  });
});
