import stringWidth from 'string-width';
import {
  createLineEditorState,
  isEditorCommand,
  lineEditorReducer,
  view,
  type LineEditorAction,
  type LineEditorState,
} from '../../src/core/line-editor.js';

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

describe('view', () => {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz';

  test('a line that fits is shown whole', () => {
    expect(view(at('ab|c'), 10)).toEqual({ text: 'abc', cursorColumn: 2, clippedLeft: false, clippedRight: false });
    expect(view(at('|'), 10)).toEqual({ text: '', cursorColumn: 0, clippedLeft: false, clippedRight: false });
  });

  test('with the cursor at the end of a long line, the end shows and the cursor cell is free', () => {
    expect(view(at(`${alphabet}|`), 10)).toEqual({
      text: 'uvwxyz',
      cursorColumn: 6,
      clippedLeft: true,
      clippedRight: false,
    });
    // Exactly as wide as the view: the cursor after the last character needs one more column.
    expect(view(at('abcdefghij|'), 10).cursorColumn).toBeLessThan(10);
  });

  test('with the cursor at the start of a long line, the start shows', () => {
    expect(view(at(`|${alphabet}`), 10)).toEqual({
      text: 'abcdefghij',
      cursorColumn: 0,
      clippedLeft: false,
      clippedRight: true,
    });
  });

  test('the slice moves by half a view, not on every key', () => {
    const a = view(at('abcdefghijklmnopqrstu|vwxyz'), 10);
    const b = view(at('abcdefghijklmnopqrstuv|wxyz'), 10);
    expect(a.text).toBe(b.text);
    expect(b.cursorColumn).toBe(a.cursorColumn + 1);
  });

  test('wide characters count two columns', () => {
    const v = view(at('世界你好|'), 5);
    expect(stringWidth(v.text)).toBeLessThanOrEqual(5);
    expect(v.cursorColumn).toBe(stringWidth(v.text));
    expect(v.clippedLeft).toBe(true);
    expect(view(at('世|界'), 10)).toMatchObject({ text: '世界', cursorColumn: 2 });
  });

  test('control characters are drawn as visible pictures, never raw', () => {
    expect(view(at('a\tb\r\x1b|'), 20).text).toBe('a\u2409b\u240d\u241b');
  });

  test.each([
    ['ASCII', `${alphabet}0123456789`],
    ['CJK and emoji', `a世界b👍🏽c你好d👨‍👩‍👧e${'漢字'.repeat(4)}f`],
  ])('for every cursor position and width, %s: the cursor is in view on its own character', (_label, text) => {
    const units = seg(text);
    const wrong: object[] = [];
    for (let width = 1; width <= 14; width++) {
      for (let i = 0; i <= units.length; i++) {
        const v = view({ ...fresh(), text, cursor: units.slice(0, i).join('').length }, width);
        // What is drawn at the cursor column must be the character the cursor is on (nothing at the end).
        let col = 0;
        let under: string | undefined;
        for (const g of seg(v.text)) {
          if (col === v.cursorColumn) under = g;
          col += stringWidth(g);
        }
        const expectedUnder = stringWidth(units[i] ?? ' ') > width ? undefined : units[i];
        const fits = stringWidth(v.text) <= width;
        const inView = v.cursorColumn >= 0 && v.cursorColumn < width;
        if (!fits || !inView || under !== expectedUnder) wrong.push({ width, i, v, fits, inView, under });
      }
    }
    expect(wrong).toEqual([]);
  });
});
