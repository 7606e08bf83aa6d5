import stringWidth from 'string-width';
import { safeLine } from '../../src/core/sanitize.js';
import {
  HOLD_LIMIT,
  createLineEditorState,
  isEditorCommand,
  lineEditorReducer,
  view,
  type EditorCommand,
  type LineEditorAction,
  type LineEditorState,
} from '../../src/core/line-editor.js';
import { prng } from '../helpers/prng.js';

function run(state: LineEditorState, ...actions: (LineEditorAction | string)[]): LineEditorState {
  return actions.reduce<LineEditorState>(
    (s, a) => lineEditorReducer(s, typeof a === 'string' ? { type: 'insert', text: a } : a),
    state,
  );
}

const fresh = () => createLineEditorState();
/** A line with the cursor where `|` is. */
function at(line: string): LineEditorState {
  const cursor = line.indexOf('|');
  const text = line.replace('|', '');
  return run(fresh(), text, ...Array.from({ length: [...seg(text.slice(cursor))].length }, () => ({ type: 'cursor-left' }) as const));
}
/** The state drawn back as a line with `|` at the cursor. */
const show = (s: LineEditorState) => s.text.slice(0, s.cursor) + '|' + s.text.slice(s.cursor);

const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
const seg = (t: string) => Array.from(segmenter.segment(t), (x) => x.segment);

describe('typing and moving', () => {
  test('text is inserted at the cursor', () => {
    expect(show(run(at('helo|'), { type: 'cursor-left' }, 'l'))).toBe('hell|o');
    expect(show(run(at('|world'), 'hello '))).toBe('hello |world');
  });

  test('home, end, left and right stop at the ends', () => {
    expect(show(run(at('ab|c'), { type: 'cursor-home' }))).toBe('|abc');
    expect(show(run(at('ab|c'), { type: 'cursor-end' }))).toBe('abc|');
    expect(show(run(at('|abc'), { type: 'cursor-left' }))).toBe('|abc');
    expect(show(run(at('abc|'), { type: 'cursor-right' }))).toBe('abc|');
  });

  test.each([
    ['surrogate pairs', 'a👍b𝄞c'],
    ['emoji with a skin tone, a ZWJ family and a flag', 'x👍🏽👨‍👩‍👧🇫🇷y'],
    ['combining marks', 'e\u0301a\u0308'],
    ['CJK', '世界你好'],
  ])('the cursor moves by whole characters over %s and never lands inside one', (_label, text) => {
    const units = seg(text);
    let s = run(fresh(), text);
    const seen: number[] = [s.cursor];
    for (let i = 0; i < units.length; i++) {
      s = run(s, { type: 'cursor-left' });
      seen.push(s.cursor);
    }
    expect(s.cursor).toBe(0);
    const bounds = units.map((_, i) => units.slice(0, i).join('').length);
    expect(seen.reverse()).toEqual([...bounds, text.length]);
    for (let i = 0; i < units.length; i++) {
      expect(s.cursor).toBe(bounds[i]);
      s = run(s, { type: 'cursor-right' });
    }
    expect(s.cursor).toBe(text.length);
  });

  test('backspace and delete remove a whole character, surrogate pairs and clusters included', () => {
    expect(show(run(at('a👍|b'), { type: 'delete-back' }))).toBe('a|b');
    expect(show(run(at('a|👨‍👩‍👧b'), { type: 'delete-forward' }))).toBe('a|b');
    expect(show(run(at('世|界'), { type: 'delete-back' }))).toBe('|界');
    expect(show(run(at('|ab'), { type: 'delete-back' }))).toBe('|ab');
    expect(show(run(at('ab|'), { type: 'delete-forward' }))).toBe('ab|');
  });

  test('a combining mark typed after a letter joins it and the cursor stays after both', () => {
    expect(show(run(fresh(), 'e', '\u0301'))).toBe('e\u0301|');
  });

  test('an insert that joins the characters around it leaves the cursor after the joined cluster', () => {
    const s = run(at('👨|👩'), '\u200d');
    expect(s.text).toBe('👨\u200d👩');
    expect(s.cursor).toBe(s.text.length);
  });

  test.each([
    ['word-left', 'GET /index.html HTTP/1.1|', 'GET /index.html HTTP/1.|1'],
    ['word-left', 'GET /index.html |HTTP', 'GET /index.|html HTTP'],
    ['word-left', 'héllo wörld|', 'héllo |wörld'],
    ['word-left', '  |x', '|  x'],
    ['word-right', '|GET /index.html', 'GET| /index.html'],
    ['word-right', 'GET| /index.html', 'GET /index|.html'],
    ['word-right', 'ab|  ', 'ab  |'],
  ] as const)('%s: %j -> %j', (command, before, after) => {
    expect(show(run(at(before), { type: command }))).toBe(after);
  });

  test('transpose swaps the characters around the cursor, or the last two at the end', () => {
    expect(show(run(at('ab|cd'), { type: 'transpose-chars' }))).toBe('acb|d');
    expect(show(run(at('abc|'), { type: 'transpose-chars' }))).toBe('acb|');
    expect(show(run(at('a👍|b'), { type: 'transpose-chars' }))).toBe('ab👍|');
    expect(show(run(at('|ab'), { type: 'transpose-chars' }))).toBe('|ab');
  });
});

describe('kill and yank', () => {
  test('Ctrl+K cuts to the end and Ctrl+Y puts it back', () => {
    let s = run(at('HELO exa|mple.com'), { type: 'kill-to-end' });
    expect(show(s)).toBe('HELO exa|');
    expect(s.killed).toBe('mple.com');
    s = run(s, { type: 'cursor-home' }, { type: 'yank' });
    expect(show(s)).toBe('mple.com|HELO exa');
  });

  test('Ctrl+U cuts to the start', () => {
    const s = run(at('abc|def'), { type: 'kill-to-start' });
    expect(show(s)).toBe('|def');
    expect(s.killed).toBe('abc');
  });

  test('Ctrl+W cuts back to whitespace, and Alt+D cuts the next word', () => {
    expect(show(run(at('GET /a/b HTTP/1.1|'), { type: 'kill-word-back' }))).toBe('GET /a/b |');
    expect(show(run(at('one two  |'), { type: 'kill-word-back' }))).toBe('one |');
    expect(show(run(at('one| two three'), { type: 'kill-word-forward' }))).toBe('one| three');
  });

  test('consecutive kills add up in reading order, as in readline', () => {
    let s = run(at('one two three|'), { type: 'kill-word-back' }, { type: 'kill-word-back' });
    expect(s.killed).toBe('two three');
    s = run(s, { type: 'cursor-end' }, { type: 'yank' });
    expect(s.text).toBe('one two three');

    s = run(at('abc |def'), { type: 'kill-to-end' }, { type: 'kill-to-start' });
    expect(s.killed).toBe('abc def');
    expect(s.text).toBe('');
  });

  test('a kill after any other action starts afresh', () => {
    const s = run(at('one two|'), { type: 'kill-word-back' }, { type: 'cursor-left' }, { type: 'kill-word-back' });
    expect(s.killed).toBe('one');
  });

  test('yank with nothing killed changes nothing, and yanks can repeat', () => {
    expect(show(run(at('ab|'), { type: 'yank' }))).toBe('ab|');
    expect(show(run(at('x|'), { type: 'kill-to-start' }, { type: 'yank' }, { type: 'yank' }))).toBe('xx|');
  });

  test('a kill with nothing to cut keeps the kill buffer', () => {
    const s = run(at('ab|'), { type: 'kill-to-start' }, 'z', { type: 'kill-to-end' });
    expect(s.killed).toBe('ab');
  });
});

describe('submit and history', () => {
  test('submit hands over the line once and clears the editor', () => {
    let s = run(fresh(), 'EHLO x');
    s = run(s, { type: 'submit' });
    expect(s.submitted).toBe('EHLO x');
    expect(show(s)).toBe('|');
    s = run(s, 'a');
    expect(s.submitted).toBeNull();
  });

  test('an empty line is a submission (HTTP ends its headers with one) but not history', () => {
    const s = run(fresh(), 'GET / HTTP/1.0', { type: 'submit' }, { type: 'submit' });
    expect(s.submitted).toBe('');
    expect(s.history).toEqual(['GET / HTTP/1.0']);
  });

  test('a line that has Up and Down walk it, and the draft comes back at the bottom', () => {
    let s = run(fresh(), 'one', { type: 'submit' }, 'two', { type: 'submit' }, 'dra');
    const up = { type: 'history-prev' } as const;
    const down = { type: 'history-next' } as const;
    s = run(s, up);
    expect(show(s)).toBe('two|');
    s = run(s, up);
    expect(show(s)).toBe('one|');
    s = run(s, up);
    expect(show(s)).toBe('one|');
    s = run(s, down);
    expect(show(s)).toBe('two|');
    s = run(s, down);
    expect(show(s)).toBe('dra|');
    s = run(s, down);
    expect(show(s)).toBe('dra|');
  });

  test('submitting a recalled line adds it again and goes back to an empty draft', () => {
    let s = run(fresh(), 'a', { type: 'submit' }, 'b', { type: 'submit' });
    s = run(s, { type: 'history-prev' }, { type: 'history-prev' }, { type: 'submit' });
    expect(s.submitted).toBe('a');
    expect(s.history).toEqual(['a', 'b', 'a']);
    expect(show(run(s, { type: 'history-next' }))).toBe('|');
  });

  test('a line equal to the previous one is not stored twice', () => {
    const s = run(fresh(), 'x', { type: 'submit' }, 'x', { type: 'submit' }, 'y', { type: 'submit' }, 'x', {
      type: 'submit',
    });
    expect(s.history).toEqual(['x', 'y', 'x']);
  });

  test('history keeps only the newest lines', () => {
    let s = createLineEditorState({ historyLimit: 3 });
    for (const line of ['1', '2', '3', '4', '5']) s = run(s, line, { type: 'submit' });
    expect(s.history).toEqual(['3', '4', '5']);
  });

  test('history starts from a plain array, without repeats, empty lines or the oldest past the limit', () => {
    const given = ['a', 'a', '', 'b', 'c'];
    const s = createLineEditorState({ history: given, historyLimit: 2 });
    expect(s.history).toEqual(['b', 'c']);
    expect(show(run(s, { type: 'history-prev' }))).toBe('c|');
    given.push('mutated');
    expect(s.history).toEqual(['b', 'c']);
  });

  test('load-history replaces the history and leaves the line being typed alone', () => {
    let s = run(fresh(), 'old', { type: 'submit' }, 'typing');
    s = lineEditorReducer(s, { type: 'load-history', entries: ['USER me', 'PASS x', 'PASS x'] });
    expect(s.history).toEqual(['USER me', 'PASS x']);
    expect(show(s)).toBe('typing|');
    expect(show(run(s, { type: 'history-prev' }))).toBe('PASS x|');
  });

  test('Ctrl+C abandons the line and the history walk, and does not touch the kill buffer', () => {
    let s = run(fresh(), 'a', { type: 'submit' }, 'zz', { type: 'kill-to-start' }, 'draft');
    s = run(s, { type: 'history-prev' }, { type: 'interrupt' });
    expect(show(s)).toBe('|');
    expect(s.killed).toBe('zz');
    expect(s.submitted).toBeNull();
    expect(show(run(s, { type: 'history-prev' }))).toBe('a|');
    expect(show(run(s, { type: 'history-next' }))).toBe('|');
  });
});

test('isEditorCommand separates line commands from the UI ones', () => {
  expect(isEditorCommand('cursor-left')).toBe(true);
  expect(isEditorCommand('kill-word-back')).toBe(true);
  expect(isEditorCommand('interrupt')).toBe(true);
  expect(isEditorCommand('scroll-page-up')).toBe(false);
  expect(isEditorCommand('escape-menu')).toBe(false);
  expect(isEditorCommand('eof')).toBe(false);
});


/** What the view draws, the cursor cell included. */
const drawn = (v: ReturnType<typeof view>) => v.before + v.under + v.after;

describe('view', () => {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz';

  test('a line that fits is shown whole, the cursor on its own character', () => {
    expect(view(at('ab|c'), 10)).toEqual({
      before: 'ab',
      under: 'c',
      after: '',
      cursorColumn: 2,
      clippedLeft: false,
      clippedRight: false,
      held: false,
    });
    expect(view(at('|'), 10)).toMatchObject({ before: '', under: ' ', after: '', cursorColumn: 0 });
  });

  test('with the cursor at the end of a long line, the end shows and the cursor cell is free', () => {
    expect(view(at(`${alphabet}|`), 10)).toMatchObject({
      before: 'uvwxyz',
      under: ' ',
      after: '',
      cursorColumn: 6,
      clippedLeft: true,
      clippedRight: false,
    });
    // Exactly as wide as the view: the cursor after the last character needs one more column.
    expect(view(at('abcdefghij|'), 10).cursorColumn).toBeLessThan(10);
  });

  test('with the cursor at the start of a long line, the start shows', () => {
    expect(view(at(`|${alphabet}`), 10)).toMatchObject({
      before: '',
      under: 'a',
      after: 'bcdefghij',
      cursorColumn: 0,
      clippedLeft: false,
      clippedRight: true,
    });
  });

  test('the slice moves by half a view, not on every key', () => {
    const a = view(at('abcdefghijklmnopqrstu|vwxyz'), 10);
    const b = view(at('abcdefghijklmnopqrstuv|wxyz'), 10);
    expect(drawn(a)).toBe(drawn(b));
    expect(b.cursorColumn).toBe(a.cursorColumn + 1);
  });

  test('wide characters count two columns', () => {
    const v = view(at('世界你好|'), 5);
    expect(stringWidth(drawn(v))).toBeLessThanOrEqual(5);
    expect(v.cursorColumn).toBe(stringWidth(v.before));
    expect(v.clippedLeft).toBe(true);
    expect(view(at('世|界'), 10)).toMatchObject({ before: '世', under: '界', cursorColumn: 2 });
  });

  test('control characters are drawn as visible pictures, never raw', () => {
    expect(view(at('a\tb\r\x1b|'), 20).before).toBe('a\u2409b\u240d\u241b');
  });

  test('bidi overrides and invisible characters are drawn as marks, as the output pane marks them', () => {
    const line = 'ab\u202ecd\u200bef\ufeff\u2066g';
    const v = view(at(`${line}|`), 80);
    expect(v.before).toBe('ab<U+202E>cd<U+200B>ef<U+FEFF><U+2066>g');
    expect(v.before).toBe(safeLine(line));
    expect(v.cursorColumn).toBe(v.before.length);
  });

  test('a mark is measured as drawn: a line of them never overflows the view', () => {
    const line = '\u202e'.repeat(20);
    for (const width of [8, 9, 15, 30, 77]) {
      for (const cursor of [0, 7, 20]) {
        let s = run(fresh(), line, { type: 'cursor-home' });
        for (let i = 0; i < cursor; i++) s = run(s, { type: 'cursor-right' });
        const v = view(s, width);
        expect(stringWidth(drawn(v))).toBeLessThanOrEqual(width);
        expect(v.under).toBe(cursor === 20 ? ' ' : '<U+202E>');
        expect(v.cursorColumn).toBe(stringWidth(v.before));
      }
    }
  });

  test('the grapheme under the cursor is whole: a ZWJ family, a flag, a skin tone, a combining mark', () => {
    for (const g of ['👨‍👩‍👧', '🇫🇷', '👍🏽', 'e\u0301', '1\ufe0f\u20e3']) {
      expect(view(at(`a|${g}b`), 20)).toMatchObject({ before: 'a', under: g, after: 'b' });
    }
  });

  test.each([
    ['ASCII', `${alphabet}0123456789`],
    ['CJK and emoji', `a世界b👍🏽c你好d👨‍👩‍👧e${'漢字'.repeat(4)}f`],
    ['marks and controls', `a\u202eb\u200bc\td\x1b[31me\u0301f🇫🇷🇩🇪g`],
  ])('for every cursor position and width, %s: the cursor is in view on its own character', (_label, text) => {
    const units = seg(text);
    const wrong: object[] = [];
    for (let width = 1; width <= 14; width++) {
      let s = run(fresh(), text, { type: 'cursor-home' });
      for (let i = 0; i <= units.length; i++, s = run(s, { type: 'cursor-right' })) {
        const v = view(s, width);
        const cell = units[i] === undefined ? ' ' : safeLine(units[i]!);
        const expectedUnder = stringWidth(cell) > width ? ' ' : cell;
        // `before` and `after` are whole graphemes next to the cursor, as drawn.
        const fromLeft = [...Array(i + 1).keys()].some((j) => v.before === safeLine(units.slice(j, i).join('')));
        const toRight = [...Array(units.length + 2).keys()].some((k) => v.after === safeLine(units.slice(i + 1, k).join('')));
        const fits = stringWidth(drawn(v)) <= width;
        const inView = v.cursorColumn === stringWidth(v.before) && v.cursorColumn < width;
        if (!fits || !inView || v.under !== expectedUnder || !fromLeft || !toRight) wrong.push({ width, i, v, fits, inView });
      }
    }
    expect(wrong).toEqual([]);
  });
});

describe('long lines', () => {
  const fill = (n: number) => 'GET /0123456789?q='.repeat(Math.ceil(n / 18)).slice(0, n);

  test('a paste of 2,000,000 characters in 64 KiB pieces is held, drawn as a note and submitted whole', () => {
    // A quadratic editor or view would hang here (the 200,000-character paste alone once took minutes).
    const text = fill(2_000_000);
    let s = fresh();
    for (let i = 0; i < text.length; i += 65536) {
      s = run(s, text.slice(i, i + 65536));
      view(s, 77); // a frame after each piece, as the UI draws
    }
    expect(s.held).not.toBeNull();
    expect(view(s, 77)).toMatchObject({ held: true, under: ' ', after: '' });
    s = run(s, { type: 'submit' });
    expect(s.submitted!.length).toBe(text.length);
    expect(s.submitted === text).toBe(true);
    expect(s.history).toEqual([]);
    expect(show(s)).toBe('|');
  });

  test('a held line says how long it is and which keys send or discard it, in the room there is', () => {
    const s = run(fresh(), fill(200_000));
    expect(view(s, 120)).toMatchObject({
      before: '[200,000 characters pasted, too long to edit: Enter sends it, Ctrl+U or Ctrl+C discards it]',
      held: true,
    });
    for (const width of [60, 40, 20, 5, 1]) {
      const v = view(s, width);
      expect(v.before.length).toBeLessThanOrEqual(width - 1); // and the cursor's cell after it
      expect(v.cursorColumn).toBe(v.before.length);
    }
    expect(view(s, 77).before).toBe('[200,000 characters, too long to edit: Enter sends, Ctrl+U discards]');
    expect(view(s, 40).before).toBe('[200,000 chars held]');
  });

  test('a line up to the limit stays editable; one character more is held', () => {
    expect(run(fresh(), 'x'.repeat(HOLD_LIMIT)).held).toBeNull();
    expect(run(fresh(), 'x'.repeat(HOLD_LIMIT), 'y').held).not.toBeNull();
  });

  test('editing keys leave a held line alone, and the rest of the paste goes where the paste began', () => {
    const paste = 'P'.repeat(HOLD_LIMIT);
    let s = run(at('abc|xyz'), { type: 'kill-to-start' }, { type: 'yank' }, paste);
    const held = s.text;
    const keys: EditorCommand[] = [
      'cursor-left', 'cursor-right', 'cursor-home', 'cursor-end', 'word-left', 'word-right', 'delete-back',
      'delete-forward', 'kill-to-end', 'kill-word-back', 'kill-word-forward', 'transpose-chars', 'yank',
      'history-prev', 'history-next',
    ];
    for (const type of keys) s = run(s, { type });
    expect(s.text === held).toBe(true);
    expect(s.killed).toBe('abc');
    s = run(s, 'QQ', { type: 'submit' });
    expect(s.submitted).toBe(`abc${paste}QQxyz`);
  });

  test('Ctrl+U and Ctrl+C discard a held line and leave the kill buffer alone', () => {
    for (const type of ['kill-to-start', 'interrupt'] as const) {
      const s = run(fresh(), 'keep', { type: 'kill-to-start' }, fill(100_000), { type });
      expect(s).toMatchObject({ text: '', cursor: 0, held: null, killed: 'keep', submitted: null });
      expect(view(s, 20)).toMatchObject({ before: '', under: ' ', held: false });
    }
  });

  test('history keeps no line too long to edit', () => {
    const s = createLineEditorState({ history: ['a', 'x'.repeat(HOLD_LIMIT + 1), 'b'] });
    expect(s.history).toEqual(['a', 'b']);
    expect(run(s, 'y'.repeat(HOLD_LIMIT + 1), { type: 'submit' }).history).toEqual(['a', 'b']);
  });

  test('keys and frames on a line at the limit cost what is near the cursor, not the whole line', () => {
    // A whole-line segmentation per key and per frame would take minutes here.
    const line = `${'ab世界👍🏽 é\u0301'.repeat(HOLD_LIMIT / 16)}`.slice(0, HOLD_LIMIT - 2000);
    let s = run(fresh(), line);
    for (let i = 0; i < 1000; i++) {
      s = run(s, { type: 'cursor-left' }, 'x', { type: 'delete-back' }, { type: 'cursor-left' }, 'y');
      view(s, 77);
    }
    s = run(s, { type: 'cursor-home' });
    for (let i = 0; i < 1000; i++) {
      s = run(s, { type: 'cursor-right' }, { type: 'delete-forward' });
      view(s, 77);
    }
    expect(s.held).toBeNull();
    expect(s.column).toBe(width(s.text.slice(0, s.cursor)));
    expect(s.columns).toBe(width(s.text));
  });
});

/** Columns the view draws when the whole line fits. */
const measureView = (s: LineEditorState, columns: number) => stringWidth(drawn(view(s, columns)).trimEnd());

const cells = new Map<string, number>();
/** Columns of a line as drawn, measured from scratch. */
function width(text: string): number {
  let sum = 0;
  for (const g of seg(text)) {
    if (!cells.has(g)) cells.set(g, stringWidth(safeLine(g)));
    sum += cells.get(g)!;
  }
  return sum;
}

describe('the editor agrees with segmenting the whole line', () => {
  // A reference editor that segments the whole text on every step, as the editor once did.
  const bounds = (t: string) => {
    const out = [0];
    for (const g of seg(t)) out.push(out[out.length - 1]! + g.length);
    return out;
  };
  const settle = (t: string, c: number) => bounds(t).find((b) => b >= c)!;
  const prev = (t: string, c: number) => [...bounds(t)].reverse().find((b) => b < c) ?? 0;
  const next = (t: string, c: number) => bounds(t).find((b) => b > c) ?? t.length;
  type Ref = { text: string; cursor: number };
  const splice = (r: Ref, from: number, to: number, insert: string, target: number): Ref => {
    const text = r.text.slice(0, from) + insert + r.text.slice(to);
    return { text, cursor: settle(text, target) };
  };
  const reference: Partial<Record<string, (r: Ref) => Ref>> = {
    'cursor-left': (r) => ({ ...r, cursor: prev(r.text, r.cursor) }),
    'cursor-right': (r) => ({ ...r, cursor: next(r.text, r.cursor) }),
    'cursor-home': (r) => ({ ...r, cursor: 0 }),
    'cursor-end': (r) => ({ ...r, cursor: r.text.length }),
    'delete-back': (r) => (r.cursor === 0 ? r : splice(r, prev(r.text, r.cursor), r.cursor, '', prev(r.text, r.cursor))),
    'delete-forward': (r) => (r.cursor === r.text.length ? r : splice(r, r.cursor, next(r.text, r.cursor), '', r.cursor)),
    'kill-to-end': (r) => splice(r, r.cursor, r.text.length, '', r.cursor),
  };
  // Pieces chosen to join across edits: marks, ZWJ, flags (regional indicators pair up), skin
  // tones, Hangul jamo, CR LF, marks that become <U+...>, and plain text between them.
  const pieces = ['a', 'b', ' ', '\u0301', '\u200d', '👨', '👩', '🇫', '🇷', '🇩', '🏽', '\u1100', '\u1161', '\u11a8', '가', '世', '\r', '\n', '\u202e', '\u200b', '\t', '\ufe0f', 'x\u0308', '\ud83d'];
  const commands = Object.keys(reference);

  test('after thousands of random edits: the same text and cursor, and the columns the view needs', () => {
    const next = prng(12345);
    const random = (n: number) => Math.floor(next() * n);
    const wrong: object[] = [];
    for (let round = 0; round < 40 && wrong.length === 0; round++) {
      let s = fresh();
      let r: Ref = { text: '', cursor: 0 };
      for (let step = 0; step < 150 && wrong.length === 0; step++) {
        let action: LineEditorAction;
        if (random(2) === 0) {
          const text = Array.from({ length: 1 + random(3) }, () => pieces[random(pieces.length)]).join('');
          action = { type: 'insert', text };
          r = splice(r, r.cursor, r.cursor, text, r.cursor + text.length);
        } else {
          const type = commands[random(commands.length)]!;
          action = { type } as LineEditorAction;
          r = reference[type]!(r);
        }
        s = lineEditorReducer(s, action);
        const expected = { text: r.text, cursor: r.cursor, column: width(r.text.slice(0, r.cursor)), columns: width(r.text) };
        const got = { text: s.text, cursor: s.cursor, column: s.column, columns: s.columns };
        if (JSON.stringify(got) !== JSON.stringify(expected)) wrong.push({ round, step, action, got, expected });
      }
    }
    expect(wrong).toEqual([]);
  });

  test('graphemes across the edge of the window that is segmented at a time are read whole', () => {
    for (const prefix of ['', 'a', 'ab', 'abc']) {
      const text = prefix + 'x👍🏽'.repeat(60) + '🇫🇷'.repeat(40) + 'e\u0301'.repeat(70);
      const expected = bounds(text);
      let s = run(fresh(), text, { type: 'cursor-home' });
      expect(s.columns).toBe(width(text));
      const right = [s.cursor];
      while (s.cursor < text.length) right.push((s = run(s, { type: 'cursor-right' })).cursor);
      expect(right).toEqual(expected);
      expect(s.column).toBe(width(text));
      const left = [s.cursor];
      while (s.cursor > 0) left.push((s = run(s, { type: 'cursor-left' })).cursor);
      expect(left).toEqual([...expected].reverse());
      expect(s.column).toBe(0);
      expect(measureView(run(fresh(), text, { type: 'cursor-home' }), 400)).toBe(width(text));
    }
  });

  test('word moves and kills land where whole-line segmentation puts them', () => {
    const text = 'GET /a/b  HTTP/1.1 héllo wörld 世界 👨‍👩‍👧x e\u0301t\u0301e\u0301 🇫🇷🇩🇪 end';
    const words: EditorCommand[] = ['word-left', 'word-right', 'kill-word-back', 'kill-word-forward'];
    const isWord = (g: string) => /^[\p{L}\p{N}_]/u.test(g);
    const isNonSpace = (g: string) => !/^\s/u.test(g);
    const units = seg(text);
    for (let i = 0; i <= units.length; i++) {
      const cursor = units.slice(0, i).join('').length;
      let left = i;
      const backOver = (inWord: (g: string) => boolean) => {
        let k = i;
        while (k > 0 && !inWord(units[k - 1]!)) k--;
        while (k > 0 && inWord(units[k - 1]!)) k--;
        return units.slice(0, k).join('').length;
      };
      let k = i;
      while (k < units.length && !isWord(units[k]!)) k++;
      while (k < units.length && isWord(units[k]!)) k++;
      const wordEnd = units.slice(0, k).join('').length;
      left = backOver(isWord);
      let s = run(fresh(), text, { type: 'cursor-home' });
      for (let j = 0; j < i; j++) s = run(s, { type: 'cursor-right' });
      expect(s.cursor).toBe(cursor);
      const [wl, wr, kb, kf] = words.map((type) => run(s, { type }));
      expect(wl!.cursor).toBe(left);
      expect(wr!.cursor).toBe(wordEnd);
      expect(kb!.text).toBe(text.slice(0, backOver(isNonSpace)) + text.slice(cursor));
      expect(kf!.text).toBe(text.slice(0, cursor) + text.slice(wordEnd));
      for (const t of [wl!, wr!, kb!, kf!]) {
        expect(t.column).toBe(width(t.text.slice(0, t.cursor)));
        expect(t.columns).toBe(width(t.text));
      }
    }
  });
});
