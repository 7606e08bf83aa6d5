import {
  createKeyDecoder,
  decode,
  flush,
  hasPendingEscape,
  initialDecoderState,
  type DecoderState,
  type InputEvent,
  type KeyDecoderOptions,
} from '../../src/core/key-decoder.js';

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);

/** Feeds the chunks in order; flushes at the end only when asked (as the UI's idle timer would). */
function feed(
  chunks: readonly (string | Uint8Array)[],
  { flushAtEnd = false, options = {} }: { flushAtEnd?: boolean; options?: KeyDecoderOptions } = {},
): { events: InputEvent[]; state: DecoderState } {
  let state = initialDecoderState;
  const events: InputEvent[] = [];
  for (const chunk of chunks) {
    const r = decode(state, chunk, options);
    state = r.state;
    events.push(...r.events);
  }
  if (flushAtEnd) {
    const r = flush(state, options);
    state = r.state;
    events.push(...r.events);
  }
  return { events, state };
}

/** Merges neighbouring text events, and paste pieces into whole pastes: what splitting may change. */
function merged(events: readonly InputEvent[]): InputEvent[] {
  const out: InputEvent[] = [];
  let pasteOpen = false;
  for (const e of events) {
    const last = out[out.length - 1];
    if (e.type === 'text' && last?.type === 'text') {
      out[out.length - 1] = { type: 'text', text: last.text + e.text };
    } else if (e.type === 'paste' && last?.type === 'paste' && pasteOpen) {
      out[out.length - 1] = { type: 'paste', text: last.text + e.text, final: e.final };
    } else {
      out.push(e);
    }
    if (e.type === 'paste') pasteOpen = !e.final;
  }
  return out;
}

/** Every way to cut `input` (as bytes) into two pieces, and unless told otherwise into three. */
function splits(input: string, { three = true } = {}): Uint8Array[][] {
  const b = bytes(input);
  const out: Uint8Array[][] = [];
  for (let i = 1; i < b.length; i++) {
    out.push([b.subarray(0, i), b.subarray(i)]);
    if (!three) continue;
    for (let j = i + 1; j < b.length; j++) out.push([b.subarray(0, i), b.subarray(i, j), b.subarray(j)]);
  }
  return out;
}

const k = (name: string, mods: { ctrl?: boolean; meta?: boolean; shift?: boolean } = {}) => ({
  type: 'key',
  name,
  ctrl: mods.ctrl ?? false,
  meta: mods.meta ?? false,
  shift: mods.shift ?? false,
});

type Mods = { ctrl?: boolean; meta?: boolean; shift?: boolean };
const keyTable: readonly [string, string, Mods?][] = [
  // arrows: xterm normal and application cursor modes
  ['\x1b[A', 'up'],
  ['\x1b[B', 'down'],
  ['\x1b[C', 'right'],
  ['\x1b[D', 'left'],
  ['\x1bOA', 'up'],
  ['\x1bOB', 'down'],
  ['\x1bOC', 'right'],
  ['\x1bOD', 'left'],
  // xterm modifiers
  ['\x1b[1;5C', 'right', { ctrl: true }],
  ['\x1b[1;5D', 'left', { ctrl: true }],
  ['\x1b[1;3D', 'left', { meta: true }],
  ['\x1b[1;3C', 'right', { meta: true }],
  ['\x1b[1;2A', 'up', { shift: true }],
  ['\x1b[1;6C', 'right', { ctrl: true, shift: true }],
  ['\x1b[1;9A', 'up', { meta: true }],
  ['\x1bO5D', 'left', { ctrl: true }],
  // Home / End in all their spellings
  ['\x1b[H', 'home'],
  ['\x1b[F', 'end'],
  ['\x1bOH', 'home'],
  ['\x1bOF', 'end'],
  ['\x1b[1~', 'home'],
  ['\x1b[4~', 'end'],
  ['\x1b[7~', 'home'],
  ['\x1b[8~', 'end'],
  ['\x1b[1;2H', 'home', { shift: true }],
  ['\x1b[1;2F', 'end', { shift: true }],
  ['\x1b[1;5H', 'home', { ctrl: true }],
  ['\x1b[1;5F', 'end', { ctrl: true }],
  // editing and page keys
  ['\x1b[2~', 'insert'],
  ['\x1b[3~', 'delete'],
  ['\x1b[3;5~', 'delete', { ctrl: true }],
  ['\x1b[5~', 'pageup'],
  ['\x1b[6~', 'pagedown'],
  ['\x1b[5;2~', 'pageup', { shift: true }],
  ['\x1b[6;2~', 'pagedown', { shift: true }],
  ['\x1b[E', 'begin'],
  ['\x1bOE', 'begin'],
  ['\x1b[Z', 'tab', { shift: true }],
  // function keys: xterm SS3, VT220 tilde, linux console
  ['\x1bOP', 'f1'],
  ['\x1bOQ', 'f2'],
  ['\x1bOR', 'f3'],
  ['\x1bOS', 'f4'],
  ['\x1b[1;5P', 'f1', { ctrl: true }],
  ['\x1b[11~', 'f1'],
  ['\x1b[12~', 'f2'],
  ['\x1b[13~', 'f3'],
  ['\x1b[14~', 'f4'],
  ['\x1b[15~', 'f5'],
  ['\x1b[17~', 'f6'],
  ['\x1b[18~', 'f7'],
  ['\x1b[19~', 'f8'],
  ['\x1b[20~', 'f9'],
  ['\x1b[21~', 'f10'],
  ['\x1b[23~', 'f11'],
  ['\x1b[24~', 'f12'],
  ['\x1b[15;2~', 'f5', { shift: true }],
  ['\x1b[[A', 'f1'],
  ['\x1b[[B', 'f2'],
  ['\x1b[[C', 'f3'],
  ['\x1b[[D', 'f4'],
  ['\x1b[[E', 'f5'],
  // rxvt
  ['\x1b[a', 'up', { shift: true }],
  ['\x1b[d', 'left', { shift: true }],
  ['\x1bOa', 'up', { ctrl: true }],
  ['\x1bOc', 'right', { ctrl: true }],
  ['\x1bOd', 'left', { ctrl: true }],
  ['\x1b[3^', 'delete', { ctrl: true }],
  ['\x1b[7$', 'home', { shift: true }],
  ['\x1b[8^', 'end', { ctrl: true }],
  ['\x1b[8@', 'end', { ctrl: true, shift: true }],
  ['\x1b\x1b[A', 'up', { meta: true }],
  ['\x1b\x1bOD', 'left', { meta: true }],
  // keypad Enter in application keypad mode
  ['\x1bOM', 'enter'],
  // xterm modifyOtherKeys and CSI u
  ['\x1b[27;5;13~', 'enter', { ctrl: true }],
  ['\x1b[13;2u', 'enter', { shift: true }],
  ['\x1b[97;5u', 'a', { ctrl: true }],
  ['\x1b[27u', 'escape'],
  // control characters
  ['\r', 'enter'],
  ['\n', 'enter'],
  ['\t', 'tab'],
  ['\x7f', 'backspace'],
  ['\x08', 'backspace'],
  ['\x00', 'space', { ctrl: true }],
  ['\x1c', '\\', { ctrl: true }],
  ['\x1d', ']', { ctrl: true }],
  ['\x1e', '^', { ctrl: true }],
  ['\x1f', '_', { ctrl: true }],
  // Alt as an ESC prefix
  ['\x1bb', 'b', { meta: true }],
  ['\x1bf', 'f', { meta: true }],
  ['\x1bd', 'd', { meta: true }],
  ['\x1bB', 'b', { meta: true, shift: true }],
  ['\x1b.', '.', { meta: true }],
  ['\x1b ', 'space', { meta: true }],
  ['\x1b\x7f', 'backspace', { meta: true }],
  ['\x1b\r', 'enter', { meta: true }],
  ['\x1b\x01', 'a', { ctrl: true, meta: true }],
  ['\x1bé', 'é', { meta: true }],
];

// Ctrl+A..Z except the four that are keys of their own (Ctrl+H, I, J, M).
const ctrlLetters: [string, string, Mods][] = [];
for (let code = 1; code <= 26; code++) {
  if ([0x08, 0x09, 0x0a, 0x0d].includes(code)) continue;
  ctrlLetters.push([String.fromCharCode(code), String.fromCharCode(0x60 + code), { ctrl: true }]);
}

describe('single keys', () => {
  // Always three columns: a test function with more parameters than the row is taken to want done().
  const rows = [...keyTable, ...ctrlLetters].map(([input, name, mods]) => [input, name, mods ?? {}] as const);
  test.each(rows)('%j is %s %j', (input, name, mods) => {
    const { events, state } = feed([bytes(input)]);
    expect(events).toEqual([{ ...k(name, mods), sequence: input }]);
    expect(hasPendingEscape(state)).toBe(false);
  });

  test('every key decodes the same when cut at any byte boundary, in two or three pieces', () => {
    for (const [input, name, mods] of [...keyTable, ...ctrlLetters]) {
      for (const chunks of splits(input)) {
        const { events } = feed(chunks);
        expect({ input, chunks: chunks.length, events }).toEqual({
          input,
          chunks: chunks.length,
          events: [{ ...k(name, mods), sequence: input }],
        });
      }
    }
  });

  test('string chunks decode like byte chunks', () => {
    expect(feed(['\x1b[1;5', 'C']).events).toEqual([{ ...k('right', { ctrl: true }), sequence: '\x1b[1;5C' }]);
  });

  test('focus reports are focus events, not keys or text', () => {
    expect(feed(['\x1b[I\x1b[O']).events).toEqual([
      { type: 'focus', focused: true },
      { type: 'focus', focused: false },
    ]);
  });

  test('application keypad digits and operators are text', () => {
    expect(merged(feed(['\x1bOq\x1bOk\x1bOr']).events)).toEqual([{ type: 'text', text: '1+2' }]);
  });

  test('a shifted character reported by code point is typed text', () => {
    expect(feed(['\x1b[97;2u']).events).toEqual([{ type: 'text', text: 'A' }]);
  });
});

describe('text', () => {
  test('a run of printable characters is one text event', () => {
    expect(feed([bytes('héllo wörld 世界 👍🏽')]).events).toEqual([{ type: 'text', text: 'héllo wörld 世界 👍🏽' }]);
  });

  test('several keys in one chunk come out in order', () => {
    expect(feed([bytes('ab\x1b[A\x01c\x1b[3~\x1bb\x1d\r')]).events).toEqual([
      { type: 'text', text: 'ab' },
      { ...k('up'), sequence: '\x1b[A' },
      { ...k('a', { ctrl: true }), sequence: '\x01' },
      { type: 'text', text: 'c' },
      { ...k('delete'), sequence: '\x1b[3~' },
      { ...k('b', { meta: true }), sequence: '\x1bb' },
      { ...k(']', { ctrl: true }), sequence: '\x1d' },
      { ...k('enter'), sequence: '\r' },
    ]);
  });

  test('CR LF is two enters (raw mode sends CR alone for Enter)', () => {
    expect(feed(['\r\n']).events.map((e) => e.type === 'key' && e.name)).toEqual(['enter', 'enter']);
  });

  test('a UTF-8 character cut at any byte decodes whole', () => {
    const input = 'aé世👍🏽z';
    for (const chunks of splits(input)) {
      const { events, state } = feed(chunks);
      expect(merged(events)).toEqual([{ type: 'text', text: input }]);
      expect(state.partialUtf8).toEqual([]);
    }
  });

  test('half a UTF-8 character is waited for, not flushed, and not an ESC to time out', () => {
    const b = bytes('世');
    let r = decode(initialDecoderState, b.subarray(0, 2));
    expect(r.events).toEqual([]);
    expect(hasPendingEscape(r.state)).toBe(false);
    r = flush(r.state);
    expect(r.events).toEqual([]);
    r = decode(r.state, b.subarray(2));
    expect(r.events).toEqual([{ type: 'text', text: '世' }]);
  });

  test('Alt with a character whose bytes are split still waits for the character', () => {
    const b = bytes('\x1b世');
    let r = decode(initialDecoderState, b.subarray(0, 2));
    expect(hasPendingEscape(r.state)).toBe(false);
    r = decode(r.state, b.subarray(2));
    expect(r.events).toEqual([{ ...k('世', { meta: true }), sequence: '\x1b世' }]);
  });

  test('invalid UTF-8 becomes U+FFFD rather than vanishing', () => {
    expect(feed([Uint8Array.of(0x61, 0xff, 0xc3, 0x41)]).events).toEqual([{ type: 'text', text: 'a\ufffd\ufffdA' }]);
  });
});

describe('lone ESC', () => {
  test('a lone ESC waits, and flush makes it the Escape key', () => {
    const r = decode(initialDecoderState, '\x1b');
    expect(r.events).toEqual([]);
    expect(hasPendingEscape(r.state)).toBe(true);
    const f = flush(r.state);
    expect(f.events).toEqual([{ ...k('escape'), sequence: '\x1b' }]);
    expect(hasPendingEscape(f.state)).toBe(false);
  });

  test('an ESC at the end of a chunk joins the next chunk when it comes before the flush', () => {
    expect(feed(['x\x1b', '[A']).events).toEqual([
      { type: 'text', text: 'x' },
      { ...k('up'), sequence: '\x1b[A' },
    ]);
    expect(feed(['\x1b', 'b']).events).toEqual([{ ...k('b', { meta: true }), sequence: '\x1bb' }]);
  });

  test('after the flush, what follows is a key of its own', () => {
    let r = decode(initialDecoderState, '\x1b');
    r = flush(r.state);
    r = decode(r.state, '[A');
    expect(r.events).toEqual([{ type: 'text', text: '[A' }]);
  });

  test.each([
    ['\x1b[', [{ ...k('[', { meta: true }), sequence: '\x1b[' }]],
    ['\x1bO', [{ ...k('o', { meta: true, shift: true }), sequence: '\x1bO' }]],
    [
      '\x1b\x1b',
      [
        { ...k('escape'), sequence: '\x1b' },
        { ...k('escape'), sequence: '\x1b' },
      ],
    ],
    ['\x1b[1;', [{ type: 'unknown', sequence: '\x1b[1;' }]],
    ['\x1b[[', [{ type: 'unknown', sequence: '\x1b[[' }]],
  ])('flush settles the unfinished %j', (input, expected) => {
    const r = decode(initialDecoderState, input);
    expect(r.events).toEqual([]);
    expect(hasPendingEscape(r.state)).toBe(true);
    expect(flush(r.state).events).toEqual(expected);
  });

  test('flush with nothing pending does nothing', () => {
    const r = decode(initialDecoderState, 'abc');
    expect(hasPendingEscape(r.state)).toBe(false);
    expect(flush(r.state)).toEqual({ state: r.state, events: [] });
  });

  test('ESC followed by a control character in the same chunk is Alt+that key', () => {
    expect(feed(['\x1bO\r']).events).toEqual([
      { ...k('o', { meta: true, shift: true }), sequence: '\x1bO' },
      { ...k('enter'), sequence: '\r' },
    ]);
  });
});

describe('unknown sequences never become text', () => {
  test.each([
    '\x1b[?1;2c', // a device-attributes reply
    '\x1b[<0;10;5M', // an SGR mouse report
    '\x1b[99~',
    '\x1b[201~', // a paste end with no start
    '\x1b[1;5X',
    '\x1bOz',
    '\x1b[[Z',
    '\x1b[1;2$y', // a mode report: '$' here is an intermediate, not rxvt's Shift
  ])('%j', (seq) => {
    expect(feed([bytes(`a${seq}b`)]).events).toEqual([
      { type: 'text', text: 'a' },
      { type: 'unknown', sequence: seq },
      { type: 'text', text: 'b' },
    ]);
  });

  test('a C1 control character is unknown, not text', () => {
    expect(feed(['a\u009b1mb']).events).toEqual([
      { type: 'text', text: 'a' },
      { type: 'unknown', sequence: '\u009b' },
      { type: 'text', text: '1mb' },
    ]);
  });

  test('a sequence broken by a control character is unknown, and the control character still counts', () => {
    expect(feed(['\x1b[12\x01']).events).toEqual([
      { type: 'unknown', sequence: '\x1b[12' },
      { ...k('a', { ctrl: true }), sequence: '\x01' },
    ]);
  });

  test('an overlong sequence is dropped up to its final byte, even across chunks', () => {
    const { events, state } = feed([`x\x1b[${'1;'.repeat(20)}`, '1;1;1', 'Ay']);
    expect(events[0]).toEqual({ type: 'text', text: 'x' });
    expect(events.slice(1, -1).every((e) => e.type === 'unknown')).toBe(true);
    expect(events.slice(1, -1).map((e) => (e.type === 'unknown' ? e.sequence : '')).join('')).toBe(
      `\x1b[${'1;'.repeat(22)}1A`,
    );
    expect(events[events.length - 1]).toEqual({ type: 'text', text: 'y' });
    expect(state.mode).toBe('keys');
  });
});

describe('bracketed paste', () => {
  const PS = '\x1b[200~';
  const PE = '\x1b[201~';

  test('the body is kept exactly, newlines and all', () => {
    expect(feed([`${PS}hello\r\nworld\n\t${PE}`]).events).toEqual([
      { type: 'paste', text: 'hello\r\nworld\n\t', final: true },
    ]);
  });

  test('escape sequences and control keys inside a paste stay paste text', () => {
    const body = 'a\x1b[A\x1b[3~\x03\x1d\x1b\x1b[20b\x1b[200~\x1bOP';
    expect(feed([`${PS}${body}${PE}`]).events).toEqual([{ type: 'paste', text: body, final: true }]);
  });

  test('an empty paste is one empty final event', () => {
    expect(feed([`${PS}${PE}`]).events).toEqual([{ type: 'paste', text: '', final: true }]);
  });

  test('keys around a paste in the same chunk keep their order', () => {
    expect(feed([`x${PS}p\rq${PE}\x1b[Ay`]).events).toEqual([
      { type: 'text', text: 'x' },
      { type: 'paste', text: 'p\rq', final: true },
      { ...k('up'), sequence: '\x1b[A' },
      { type: 'text', text: 'y' },
    ]);
  });

  test('a paste cut anywhere (markers cut in half included) arrives whole and only as paste', () => {
    const body = 'GET / HTTP/1.1\r\nHost: é世\r\n\x1b[A\r\n';
    const input = `a${PS}${body}${PE}b`;
    for (const chunks of splits(input)) {
      const { events } = feed(chunks);
      expect(merged(events)).toEqual([
        { type: 'text', text: 'a' },
        { type: 'paste', text: body, final: true },
        { type: 'text', text: 'b' },
      ]);
    }
  });

  test('a flush during a paste neither ends it nor loses a byte', () => {
    const r = decode(initialDecoderState, `${PS}abc\x1b`);
    expect(hasPendingEscape(r.state)).toBe(false);
    const f = flush(r.state);
    expect(f.events).toEqual([]);
    const end = decode(f.state, `[201~`);
    expect(merged([...r.events, ...end.events])).toEqual([{ type: 'paste', text: 'abc', final: true }]);
  });

  test('a long paste comes in bounded pieces, only the last one final, nothing lost', () => {
    const body = 'abcdefghijklmnopqrstuvwxyz0123456789\r\n'.repeat(3);
    const options = { maxPasteChunk: 8 };
    for (const chunks of splits(`${PS}${body}${PE}`, { three: false })) {
      const { events } = feed(chunks, { options });
      expect(events.every((e) => e.type === 'paste')).toBe(true);
      const pieces = events.filter((e) => e.type === 'paste');
      expect(pieces.map((e) => e.text).join('')).toBe(body);
      expect(pieces.map((e) => e.final)).toEqual([...pieces.slice(1).map(() => false), true]);
      // Bounded: the body is handed on in pieces as it grows, not held whole until the end marker.
      expect(pieces.every((e) => e.text.length <= 8)).toBe(true);
    }
  });

  test('pieces of a paste stop before a possible end marker and never split a surrogate pair', () => {
    const body = '👍🏽x'.repeat(10);
    for (const max of [6, 7, 8, 9]) {
      for (const chunks of splits(`${PS}${body}${PE}`, { three: false })) {
        const { events } = feed(chunks, { options: { maxPasteChunk: max } });
        const texts = events.map((e) => (e.type === 'paste' ? e.text : '<not paste>'));
        expect(texts.join('')).toBe(body);
        expect(texts.filter((t) => LONE_SURROGATE.test(t))).toEqual([]);
      }
    }
  });

  test('pasted text is handed on as it arrives, keeping back only what the next chunk may complete', () => {
    let state = decode(initialDecoderState, `${PS}abc`).state;
    const steps = ['def\x1b[20', '1', 'x\r', '\n', 'y\ud83d', '\udc4dz'].map((chunk) => {
      const r = decode(state, chunk);
      state = r.state;
      return { events: r.events.map((e) => (e.type === 'paste' ? e.text : e.type)), pending: state.pending };
    });
    expect(steps).toEqual([
      { events: ['def'], pending: '\x1b[20' },
      { events: [], pending: '\x1b[201' },
      { events: ['\x1b[201x'], pending: '\r' },
      { events: ['\r\n'], pending: '' },
      { events: ['y'], pending: '\ud83d' },
      { events: ['\ud83d\udc4dz'], pending: '' },
    ]);
  });

  test('a paste never puts a CR and the LF after it in different pieces', () => {
    const body = 'ab\r\ncd\r\n\r\nef\r\n';
    for (const max of [6, 7, 8]) {
      for (const chunks of splits(`${PS}${body}${PE}`)) {
        const pieces = feed(chunks, { options: { maxPasteChunk: max } }).events.flatMap((e) => (e.type === 'paste' ? [e.text] : []));
        expect(pieces.join('')).toBe(body);
        expect(pieces.slice(0, -1).filter((t) => t.endsWith('\r'))).toEqual([]);
      }
    }
  });

  test('a paste fed 100 bytes at a time costs time linear in its size, however large a piece may be', () => {
    // Pasted text held until a piece is full was copied and searched again with every chunk: with
    // pieces as large as the paste, 2 MB in 100-byte chunks took 11 s, and 4 MB four times that.
    const body = 'GET /0123456789?q='.repeat(222_223).slice(0, 4_000_000);
    const input = bytes(`${PS}${body}${PE}`);
    let state = initialDecoderState;
    let length = 0;
    let finals = 0;
    for (let i = 0; i < input.length; i += 100) {
      const r = decode(state, input.subarray(i, i + 100), { maxPasteChunk: 1 << 22 });
      state = r.state;
      for (const e of r.events) {
        if (e.type !== 'paste') throw new Error(`not a paste: ${e.type}`);
        length += e.text.length;
        if (e.final) finals++;
      }
    }
    expect({ length, finals, mode: state.mode }).toEqual({ length: body.length, finals: 1, mode: 'keys' });
  });

  test('a paste end marker cut after the size limit is not leaked into the body', () => {
    const { events } = feed([`${PS}abcdefg\x1b[20`, '1~z'], { options: { maxPasteChunk: 8 } });
    expect(merged(events)).toEqual([
      { type: 'paste', text: 'abcdefg', final: true },
      { type: 'text', text: 'z' },
    ]);
  });
});

describe('createKeyDecoder', () => {
  test('keeps the state between pushes and reports a pending ESC', () => {
    const decoder = createKeyDecoder();
    expect(decoder.push(bytes('a\x1b'))).toEqual([{ type: 'text', text: 'a' }]);
    expect(decoder.pendingEscape).toBe(true);
    expect(decoder.flush()).toEqual([{ ...k('escape'), sequence: '\x1b' }]);
    expect(decoder.pendingEscape).toBe(false);
    expect(decoder.push('\x1b[1;')).toEqual([]);
    expect(decoder.push('5D')).toEqual([{ ...k('left', { ctrl: true }), sequence: '\x1b[1;5D' }]);
  });
});
