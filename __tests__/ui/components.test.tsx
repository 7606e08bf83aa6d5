// The components render what core computed, and nothing else: checked with ink-testing-library.
import { render } from 'ink-testing-library';
import { Children, isValidElement, type ReactElement, type ReactNode } from 'react';
import { stripVTControlCharacters as plain } from 'node:util';
import { createLineEditorState, lineEditorReducer, promptedView, type LineEditorAction, type LineEditorState } from '../../src/core/line-editor.js';
import type { HexRow } from '../../src/core/hex-log.js';
import { safe } from '../../src/core/sanitize.js';
import type { ViewRow } from '../../src/core/scrollback.js';
import { menuView } from '../../src/core/session/menu-view.js';
import type { Menu } from '../../src/core/session/state.js';
import { EscapeMenu } from '../../src/ui/escape-menu.js';
import { InputLine, inputRow } from '../../src/ui/input-line.js';
import { COLOUR_PALETTE } from '../../src/core/styles.js';
import { OutputPane } from '../../src/ui/output-pane.js';
import { StatusBar } from '../../src/ui/status-bar.js';

const row = (raw: string, source: ViewRow['source'], r = 0): ViewRow => {
  const text = safe(raw);
  return { text, source, seq: 0, row: r, lastRow: true, line: { text, source, time: Date.UTC(2026, 0, 1, 12, 34, 56), eol: 'crlf', continued: false } };
};
const hexRow = (text: string, kind: HexRow['kind'] = 'in', r = 0): HexRow => ({ row: r, kind, text: safe(text) });

test('the output pane shows the visible rows in order', () => {
  const { lastFrame } = render(<OutputPane rows={[row('220 ready', 'in'), row('EHLO me', 'out'), row('250 ok', 'in')]} hexRows={null} height={5} timestamps={false} colours={false} />);
  // The pane keeps its height: rows below the last are blank.
  expect(plain(lastFrame()!)).toBe('220 ready\nEHLO me\n250 ok\n\n');
  // What we sent is styled apart (cyan); what the server sent is not styled at all.
  expect(lastFrame()!.split('\n')[1]).toBe('\x1b[36mEHLO me\x1b[39m');
  expect(lastFrame()!.split('\n')[0]).toBe('220 ready');
});

test('under a helper, a reply is drawn in the colour of its class, its explanation too; without one, plain', () => {
  const rows = [row('250 2.1.0 Ok', 'in'), row('550 5.1.1 User unknown', 'in'), row('↳ 550 (permanent): no such mailbox', 'info')];
  const lines = render(<OutputPane rows={rows} hexRows={null} height={3} timestamps={false} colours={false} proto="smtp" />).lastFrame()!.split('\n');
  expect(lines[0]).toBe('\x1b[32m250 2.1.0 Ok\x1b[39m');
  expect(lines[1]).toBe('\x1b[1m\x1b[31m550 5.1.1 User unknown\x1b[39m\x1b[22m');
  expect(lines[2]).toMatch(/^\x1b\[1m\x1b\[31m↳ 550/);
  expect(render(<OutputPane rows={rows.slice(0, 1)} hexRows={null} height={1} timestamps={false} colours={false} proto="none" />).lastFrame()).toBe('250 2.1.0 Ok');
});

test('the output pane shows hex rows in hex view, and time stamps on first rows only', () => {
  expect(render(<OutputPane rows={null} hexRows={[hexRow('< 00000000  41 42'), hexRow('< 00000010  43')]} height={3} timestamps={false} colours={false} />).lastFrame()).toBe(
    '< 00000000  41 42\n< 00000010  43\n',
  );
  // Sent rows are coloured as sent lines are.
  expect(render(<OutputPane rows={null} hexRows={[hexRow('> 00000000  41', 'out')]} height={1} timestamps={false} colours={false} />).lastFrame()).toBe('\x1b[36m> 00000000  41\x1b[39m');
  const frame = plain(render(<OutputPane rows={[row('first', 'in'), row('wrapped', 'in', 1)]} hexRows={null} height={3} timestamps colours={false} />).lastFrame()!);
  const [a, b] = frame.split('\n');
  expect(a).toMatch(/^\d\d:\d\d:\d\d first$/);
  expect(b).toBe('         wrapped');
});

test('the status bar shows each line cut to the width', () => {
  const { lastFrame } = render(
    <StatusBar
      width={20}
      lines={[
        { text: safe('Connection refused: example.test:25'), tone: 'bad' },
        { text: safe('short'), tone: 'muted' },
      ]}
    />,
  );
  const lines = lastFrame()!.split('\n').map(plain);
  expect(lines).toHaveLength(2);
  expect(lines[0]!.length).toBeLessThanOrEqual(20);
  expect(lines[0]).toMatch(/^Connection refused/);
  expect(lines[1]!.trimEnd()).toBe('short');
});

test('the status bar pads by columns: a banner with wide characters keeps the bar its width', () => {
  const { lastFrame } = render(<StatusBar width={20} lines={[{ text: safe('220 日本語 ok'), tone: 'ok' }]} />);
  const row = plain(lastFrame()!);
  // 3 wide characters are 6 columns: 14 characters fill the 20 columns.
  expect(row).toBe('220 日本語 ok' + ' '.repeat(20 - 13));
});

const edit = (...actions: (LineEditorAction | string)[]): LineEditorState =>
  actions.reduce<LineEditorState>((s, a) => lineEditorReducer(s, typeof a === 'string' ? { type: 'insert', text: a } : a), createLineEditorState());
/** What the input line draws in its inverse (cursor) cell: colours are off under test, so read the element. */
function cursorCell(line: ReturnType<typeof promptedView>): unknown {
  const row = inputRow(line, null, COLOUR_PALETTE) as ReactElement<{ children: ReactNode }>;
  const cells = Children.toArray(row.props.children).filter(isValidElement) as ReactElement<{ inverse?: boolean; children: ReactNode }>[];
  return cells.find((cell) => cell.props.inverse)?.props.children;
}

test('the input line shows the prompt and the text; char mode says where keys go', () => {
  const editor = edit('EHLO me');
  expect(plain(render(<InputLine line={promptedView(editor, '> ', 40)} />).lastFrame()!)).toBe('> EHLO me');
  expect(render(<InputLine line={null} />).lastFrame()).toMatch(/^char mode: keys go to the peer as typed/);
});

test('a long line scrolls horizontally and keeps the cursor in view', () => {
  const editor = edit('x'.repeat(100) + 'END');
  const frame = plain(render(<InputLine line={promptedView(editor, '> ', 30)} />).lastFrame()!);
  expect(frame.length).toBeLessThanOrEqual(30);
  expect(frame).toMatch(/xEND$/);
});

test('the cursor covers the whole grapheme under it: a ZWJ family is one inverse cell', () => {
  const family = '👨\u200d👩\u200d👧';
  const editor = edit(`ab${family}cd`, { type: 'cursor-left' }, { type: 'cursor-left' }, { type: 'cursor-left' });
  const line = promptedView(editor, '> ', 40);
  expect(cursorCell(line)).toBe(family);
  expect(plain(render(<InputLine line={line} />).lastFrame()!)).toBe(`> ab${family}cd`);
  // A wide character under the cursor is whole too, and at the end of the line the cell is a space.
  expect(cursorCell(promptedView(edit('a世b', { type: 'cursor-left' }, { type: 'cursor-left' }), '> ', 40))).toBe('世');
  expect(cursorCell(promptedView(edit('ab'), '> ', 40))).toBe(' ');
});

test('bidi and invisible characters in the input line are drawn as marks, never raw', () => {
  const frame = render(<InputLine line={promptedView(edit('a\u202eb\u200bc'), '> ', 40)} />).lastFrame()!;
  expect(plain(frame)).toBe('> a<U+202E>b<U+200B>c');
  expect(frame).not.toMatch(/[\u202e\u200b]/);
});

test('a held line is drawn as its note, with the cursor after it', () => {
  const editor = edit('x'.repeat(200_000));
  const frame = plain(render(<InputLine line={promptedView(editor, '> ', 100)} />).lastFrame()!);
  expect(frame).toBe('> [200,000 characters pasted, too long to edit: Enter sends it, Ctrl+U or Ctrl+C discards it]');
});

test('the escape menu shows the prompt, a message and as many commands as fit', () => {
  const menu: Menu = { editor: lineEditorReducer(createLineEditorState(), { type: 'insert', text: 'qu' }), message: { text: 'unknown command "x"', error: true }, candidates: [], confirmQuit: false };
  const frame = render(<EscapeMenu line={promptedView(menu.editor, 'porthole> ', 100)} view={menuView(menu, 3, 100)} width={100} height={5} />).lastFrame()!;
  const lines = frame.split('\n');
  expect(lines[0]).toBe('porthole> qu');
  expect(lines[1]).toBe('unknown command "x"');
  expect(lines.slice(2).map((l) => l.trim().split(/\s+/)[0])).toEqual(['quit', 'close', 'open']);
});

test("text pasted into the prompt is drawn as marks: an OSC sequence in an answer never reaches the terminal", () => {
  const menu: Menu = { editor: lineEditorReducer(createLineEditorState(), { type: 'insert', text: 'x\x1b]0;pwned\x07' }), message: { text: 'unknown command "\x1b]52;c;aGk=\x07"', error: true }, candidates: [], confirmQuit: false };
  const frame = render(<EscapeMenu line={promptedView(menu.editor, 'porthole> ', 100)} view={menuView(menu, 0, 100)} width={100} height={2} />).lastFrame()!;
  expect(frame).not.toMatch(/\x1b\]/);
  expect(plain(frame)).toBe('porthole> x␛]0;pwned␇\nunknown command "␛]52;c;aGk=␇"');
});

test("with colours on, the peer's SGR colours become our own styles; anything else stays marks", () => {
  const frame = render(<OutputPane rows={[row('\x1b[31mred\x1b[0m plain \x1b]0;t\x07', 'in')]} hexRows={null} height={1} timestamps={false} colours />).lastFrame()!;
  // Ink writes the reset as the matching close (39: default colour).
  expect(frame).toBe('\x1b[31mred\x1b[39m plain ␛]0;t␇');
  const off = render(<OutputPane rows={[row('\x1b[31mred', 'in')]} hexRows={null} height={1} timestamps={false} colours={false} />).lastFrame()!;
  expect(off).toBe('␛[31mred');
});
