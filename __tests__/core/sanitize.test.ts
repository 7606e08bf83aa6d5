import stringWidth from 'string-width';
import {
  displayWidth,
  isVisibleSafe,
  parseSgr,
  sanitizeWithSgr,
  toVisible,
  toVisibleFrom,
  toVisibleTabbed,
} from '../../src/core/sanitize.js';
import { prng } from '../helpers/prng.js';

const ESC = '\x1b';
const BIDI = [0x061c, 0x200e, 0x200f, 0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069];

/** Characters that must never appear in anything sanitized. */
function forbidden(code: number): boolean {
  return (
    code < 0x20 ||
    (code >= 0x7f && code <= 0x9f) ||
    BIDI.includes(code) ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0x200b ||
    code === 0xfeff
  );
}

function firstForbidden(text: string): string | undefined {
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (forbidden(code)) return `U+${code.toString(16)}`;
    if (code >= 0xd800 && code <= 0xdfff) return `lone surrogate U+${code.toString(16)}`;
  }
  return undefined;
}


describe('toVisible', () => {
  test('every C0 control except TAB becomes its Control Picture', () => {
    for (let c = 0; c < 0x20; c += 1) {
      if (c === 0x09) continue;
      expect(toVisible(`a${String.fromCharCode(c)}b`)).toBe(`a${String.fromCharCode(0x2400 + c)}b`);
    }
    expect(toVisible('\x00\x07\x1b\r\n')).toBe('␀␇␛␍␊');
  });

  test('DEL becomes ␡', () => {
    expect(toVisible('x\x7fy')).toBe('x␡y');
  });

  test('every C1 control becomes its code point in angle brackets', () => {
    for (let c = 0x80; c <= 0x9f; c += 1) {
      const hex = c.toString(16).toUpperCase();
      expect(toVisible(String.fromCharCode(c))).toBe(`<U+00${hex}>`);
    }
  });

  test('bidi overrides, isolates and marks are named, not obeyed', () => {
    for (const c of BIDI) {
      const shown = toVisible(`x${String.fromCharCode(c)}y`);
      expect(shown).toBe(`x<U+${c.toString(16).toUpperCase().padStart(4, '0')}>y`);
    }
    // The Trojan Source pattern: an RLO that would show "admin" reversed.
    expect(toVisible('user\u202enimda\u202c')).toBe('user<U+202E>nimda<U+202C>');
  });

  test('invisible separators and line/paragraph separators are named', () => {
    expect(toVisible('a\u200bb\u2028c\u2029d\ufeffe')).toBe('a<U+200B>b<U+2028>c<U+2029>d<U+FEFF>e');
  });

  test('ZWJ and ZWNJ stay, so emoji sequences and shaping survive', () => {
    const family = '\u{1F468}\u200d\u{1F469}\u200d\u{1F467}';
    expect(toVisible(family)).toBe(family);
    expect(toVisible('\u0645\u200c\u06cc')).toBe('\u0645\u200c\u06cc');
    expect(toVisible('e\u0301 \u{1F44D}\u{1F3FD} 日本語')).toBe('e\u0301 \u{1F44D}\u{1F3FD} 日本語');
  });

  test('lone surrogates become U+FFFD; pairs and U+FFFD stay', () => {
    expect(toVisible('a\ud800b')).toBe('a\ufffdb');
    expect(toVisible('a\udc00')).toBe('a\ufffd');
    expect(toVisible('\udbff\ud83d\ude00')).toBe('\ufffd\ud83d\ude00');
    expect(toVisible('\ufffd')).toBe('\ufffd');
  });

  test('ESC sequences come out as visible text: CSI, OSC with BEL and ST, DCS, 8-bit CSI', () => {
    expect(toVisible(`${ESC}[2J${ESC}[H`)).toBe('␛[2J␛[H');
    expect(toVisible(`${ESC}]0;pwned\x07`)).toBe('␛]0;pwned␇');
    expect(toVisible(`${ESC}]52;c;cm0gLXJmIH4=${ESC}\\`)).toBe('␛]52;c;cm0gLXJmIH4=␛\\');
    expect(toVisible(`${ESC}P+q544e${ESC}\\`)).toBe('␛P+q544e␛\\');
    expect(toVisible('\x9b31m\x9d0;t\x9c')).toBe('<U+009B>31m<U+009D>0;t<U+009C>');
  });

  test('TAB expands to the next multiple of 8 from the start column', () => {
    expect(toVisible('a\tb')).toBe('a       b');
    expect(toVisible('\tx')).toBe('        x');
    expect(toVisible('12345678\tx')).toBe('12345678        x');
    expect(toVisible('\tx', 3)).toBe('     x');
    // Wide characters count 2 columns, marks their own width.
    expect(toVisible('日本\tx')).toBe('日本    x');
    expect(toVisible('\x00\tx')).toBe('␀       x');
  });

  test('toVisibleFrom reports the column after the text', () => {
    expect(toVisibleFrom('ab', 0)).toEqual({ text: 'ab', column: 2 });
    expect(toVisibleFrom('a\tb', 0)).toEqual({ text: 'a       b', column: 9 });
    expect(toVisibleFrom('日本', 5)).toEqual({ text: '日本', column: 9 });
    expect(toVisibleFrom('\t', 10)).toEqual({ text: '      ', column: 16 });
  });

  test('toVisibleTabbed leaves the width after the last tab to the caller', () => {
    expect(toVisibleTabbed('a\tbc', 0)).toEqual({ text: 'a       bc', tabColumn: 8, afterTab: 8 });
    expect(toVisibleTabbed('\t\x01\t日', 3)).toEqual({ text: '     ␁       日', tabColumn: 16, afterTab: 13 });
    expect(toVisibleTabbed('\x01b', 3)).toEqual({ text: '␁b', tabColumn: 3, afterTab: 0 });
    expect(toVisibleTabbed('plain', 5)).toEqual({ text: 'plain', tabColumn: 5, afterTab: 0 });
    for (const [text, start] of [['x\ty\u0301z', 2], ['\t', 0], ['日本\t\x1b[1m', 1]] as const) {
      const run = toVisibleTabbed(text, start);
      expect(run.tabColumn + displayWidth(run.text.slice(run.afterTab))).toBe(toVisibleFrom(text, start).column);
    }
  });

  test('displayWidth agrees with string-width on wide, joined and combining text', () => {
    const samples = [
      'plain ascii',
      '日本語テキスト',
      'e\u0301a\u0308 x',
      '\u{1F468}\u200d\u{1F469}\u200d\u{1F467}!',
      '\u{1F44D}\u{1F3FD}',
      '\u{1F1EB}\u{1F1F7}\u{1F1E9}\u{1F1EA}',
      '\u2764\ufe0f ok',
      '␀␛[31m <U+202E>',
      'a\u0300\u0301\u0302b',
    ];
    for (const text of samples) expect([text, displayWidth(text)]).toEqual([text, stringWidth(text)]);
  });

  test('displayWidth of a base and its marks is the sum string-width gives, emoji marks aside', () => {
    // displayWidth sums these instead of asking string-width (random bytes make too many to cache);
    // a string-width that measured them otherwise would make tabs and wrapping disagree with it.
    const bases = [0x61, 0x31, 0x23, 0xfffd, 0x2401, 0x65e5, 0x231a, 0x2764, 0x1100, 0x0600, 0x200c, 0xac00, 0xff76, 0x0915];
    const marks = [0x0301, 0x05b7, 0x0903, 0x093c, 0x0e31, 0x20dd, 0x1ab0, 0x302a, 0x3099, 0x094d, 0x09be, 0xfe00];
    for (const base of bases) {
      for (const mark of marks) {
        const text = String.fromCharCode(base, mark);
        expect([text, displayWidth(text)]).toEqual([text, stringWidth(text)]);
        expect([text, displayWidth(text + text)]).toEqual([text, 2 * stringWidth(text)]);
      }
    }
    for (const text of ['1\u20e3', '#\ufe0f\u20e3', '\u2764\ufe0f', '\u2764\ufe0e', 'a\u0301\u0302']) {
      expect([text, displayWidth(text)]).toEqual([text, stringWidth(text)]);
    }
  });

  test('displayWidth measures decoded random bytes as string-width does', () => {
    const random = prng(0xb17e5);
    const bytes = Uint8Array.from({ length: 4096 }, () => Math.floor(random() * 256));
    const visible = toVisible(new TextDecoder().decode(bytes));
    expect(displayWidth(visible)).toBe(stringWidth(visible));
  });

  test('a text longer than one block of output keeps every mark and every surrogate pair', () => {
    // 15 columns, then a tab to column 16: every repeat is laid out the same.
    const input = 'ab\x01\u{1F600}\x85\ud800c\t'.repeat(5000);
    const out = toVisible(input);
    expect(out).toBe('ab\u2401\u{1F600}<U+0085>\ufffdc '.repeat(5000));
    expect(toVisibleFrom(input, 0)).toEqual({ text: out, column: 16 * 5000 });
  });

  test('safe text is returned as is', () => {
    const text = 'HTTP/1.1 200 OK — ünïcödé 日本 \u{1F600}';
    expect(toVisible(text)).toBe(text);
    expect(isVisibleSafe(text)).toBe(true);
    expect(isVisibleSafe('a\x1b')).toBe(false);
  });

  test('property: random text from 0..0x2FF and the special ranges never keeps a control', () => {
    const pools: [number, number][] = [
      [0x0000, 0x02ff],
      [0x0600, 0x061f],
      [0x2000, 0x206f],
      [0xd800, 0xdfff],
      [0xfeff, 0xfeff],
      [0xfff0, 0xfffd],
    ];
    const random = prng(0x5eed);
    for (let round = 0; round < 1000; round += 1) {
      let input = '';
      const len = 1 + Math.floor(random() * 60);
      for (let i = 0; i < len; i += 1) {
        if (random() < 0.05) {
          input += String.fromCodePoint(0x1f300 + Math.floor(random() * 0x300));
          continue;
        }
        const [lo, hi] = pools[Math.floor(random() * pools.length)]!;
        input += String.fromCharCode(lo + Math.floor(random() * (hi - lo + 1)));
      }
      const start = Math.floor(random() * 20);
      const out = toVisible(input, start);
      const bad = firstForbidden(out);
      if (bad !== undefined) throw new Error(`${bad} survived in ${JSON.stringify(input)}`);
      expect(isVisibleSafe(out)).toBe(true);
      if (round % 10 === 0) expect(toVisibleFrom(input, start).text).toBe(out);
    }
  });
});

describe('sanitizeWithSgr', () => {
  test('whitelisted SGR becomes styles, never escape bytes', () => {
    const { spans, style } = sanitizeWithSgr(`ok ${ESC}[1;31merror${ESC}[0m done`);
    expect(spans).toEqual([
      { text: 'ok ', style: {} },
      { text: 'error', style: { bold: true, fg: 'red' } },
      { text: ' done', style: {} },
    ]);
    expect(style).toEqual({});
  });

  test('256-colour, truecolour, bright and background parameters', () => {
    expect(parseSgr('38;5;208')).toEqual({ fg: 'ansi256(208)' });
    expect(parseSgr('48;2;255;0;16')).toEqual({ bg: '#ff0010' });
    expect(parseSgr('92;104;4')).toEqual({ fg: 'greenBright', bg: 'blueBright', underline: true });
    expect(parseSgr('', { bold: true })).toEqual({});
    expect(parseSgr('22;39', { bold: true, dim: true, fg: 'red', underline: true })).toEqual({ underline: true });
  });

  test('anything outside the whitelist is refused whole', () => {
    expect(parseSgr('8')).toBeNull(); // conceal
    expect(parseSgr('5')).toBeNull(); // blink
    expect(parseSgr('31;8')).toBeNull();
    expect(parseSgr('38;5;300')).toBeNull();
    expect(parseSgr('38;2;1;2')).toBeNull();
    expect(parseSgr('38:2:1:2:3')).toBeNull();
  });

  test('other escape sequences and refused SGR stay visible marks', () => {
    const { spans } = sanitizeWithSgr(`${ESC}[2J${ESC}]0;title\x07${ESC}[8mhidden${ESC}[32mgreen\x9b1m`);
    expect(spans).toEqual([
      { text: '␛[2J␛]0;title␇␛[8mhidden', style: {} },
      { text: 'green<U+009B>1m', style: { fg: 'green' } },
    ]);
    for (const span of spans) expect(isVisibleSafe(span.text)).toBe(true);
  });

  test('colours a line the scrollback already stored with ␛ marks', () => {
    const stored = toVisible(`${ESC}[33mwarn${ESC}[m`);
    expect(stored).toBe('␛[33mwarn␛[m');
    expect(sanitizeWithSgr(stored).spans).toEqual([{ text: 'warn', style: { fg: 'yellow' } }]);
  });

  test('style carries into the next line', () => {
    const first = sanitizeWithSgr(`${ESC}[34mblue`);
    const second = sanitizeWithSgr('still blue', first.style);
    expect(second.spans).toEqual([{ text: 'still blue', style: { fg: 'blue' } }]);
  });

  test('text in its own background colour keeps only the foreground', () => {
    const { spans } = sanitizeWithSgr(`${ESC}[30;40msecret`);
    expect(spans).toEqual([{ text: 'secret', style: { fg: 'black' } }]);
  });

  test('tabs expand across spans', () => {
    const { spans } = sanitizeWithSgr(`ab${ESC}[1m\tc`);
    expect(spans.map((s) => s.text).join('')).toBe('ab      c');
  });
});
