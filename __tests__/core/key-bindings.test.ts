import { DEFAULT_KEYS, formatKey, lookup, type Command } from '../../src/core/key-bindings.js';
import { decode, initialDecoderState, type InputEvent } from '../../src/core/key-decoder.js';

/** The one event the bytes decode to, so the table is tested against what terminals really send. */
function eventOf(input: string): InputEvent {
  const { events } = decode(initialDecoderState, input);
  expect(events).toHaveLength(1);
  return events[0]!;
}

const expected: readonly [string, string, Command][] = [
  ['Left', '\x1b[D', 'cursor-left'],
  ['Ctrl+B', '\x02', 'cursor-left'],
  ['Right', '\x1b[C', 'cursor-right'],
  ['Ctrl+F', '\x06', 'cursor-right'],
  ['Home (CSI H)', '\x1b[H', 'cursor-home'],
  ['Home (SS3 H)', '\x1bOH', 'cursor-home'],
  ['Home (CSI 1~)', '\x1b[1~', 'cursor-home'],
  ['Home (rxvt 7~)', '\x1b[7~', 'cursor-home'],
  ['Ctrl+A', '\x01', 'cursor-home'],
  ['End (CSI F)', '\x1b[F', 'cursor-end'],
  ['End (CSI 4~)', '\x1b[4~', 'cursor-end'],
  ['End (rxvt 8~)', '\x1b[8~', 'cursor-end'],
  ['Ctrl+E', '\x05', 'cursor-end'],
  ['Alt+B', '\x1bb', 'word-left'],
  ['Ctrl+Left', '\x1b[1;5D', 'word-left'],
  ['Alt+Left', '\x1b[1;3D', 'word-left'],
  ['Alt+F', '\x1bf', 'word-right'],
  ['Ctrl+Right', '\x1b[1;5C', 'word-right'],
  ['Alt+Right', '\x1b[1;3C', 'word-right'],
  ['Backspace (DEL)', '\x7f', 'delete-back'],
  ['Backspace (BS, Ctrl+H)', '\x08', 'delete-back'],
  ['Delete', '\x1b[3~', 'delete-forward'],
  ['Ctrl+K', '\x0b', 'kill-to-end'],
  ['Ctrl+U', '\x15', 'kill-to-start'],
  ['Ctrl+W', '\x17', 'kill-word-back'],
  ['Alt+Backspace', '\x1b\x7f', 'kill-word-back'],
  ['Alt+D', '\x1bd', 'kill-word-forward'],
  ['Ctrl+Delete', '\x1b[3;5~', 'kill-word-forward'],
  ['Ctrl+T', '\x14', 'transpose-chars'],
  ['Ctrl+Y', '\x19', 'yank'],
  ['Up', '\x1b[A', 'history-prev'],
  ['Up (application mode)', '\x1bOA', 'history-prev'],
  ['Ctrl+P', '\x10', 'history-prev'],
  ['Down', '\x1b[B', 'history-next'],
  ['Ctrl+N', '\x0e', 'history-next'],
  ['Enter (CR)', '\r', 'submit'],
  ['Enter (LF, Ctrl+J)', '\n', 'submit'],
  ['PageUp', '\x1b[5~', 'scroll-page-up'],
  ['Shift+PageUp', '\x1b[5;2~', 'scroll-page-up'],
  ['PageDown', '\x1b[6~', 'scroll-page-down'],
  ['Shift+Home', '\x1b[1;2H', 'scroll-top'],
  ['Ctrl+Home', '\x1b[1;5H', 'scroll-top'],
  ['Shift+End', '\x1b[1;2F', 'scroll-bottom'],
  ['Ctrl+End', '\x1b[1;5F', 'scroll-bottom'],
  ['Ctrl+]', '\x1d', 'escape-menu'],
  ['Ctrl+C', '\x03', 'interrupt'],
  ['Ctrl+D', '\x04', 'eof'],
  ['Ctrl+L', '\x0c', 'clear-screen'],
  ['Tab', '\t', 'take-suggestion'],
  ['Ctrl+R', '\x12', 'history-search'],
  ['Ctrl+G', '\x07', 'cancel'],
];

test.each(expected)('%s is %j -> %s', (_label, input, command) => {
  expect(lookup(eventOf(input))).toBe(command);
});

test.each([
  ['text', 'a'],
  ['Alt+A: modifiers must match exactly', '\x1ba'],
  ['Shift+Up', '\x1b[1;2A'],
  ['a focus report', '\x1b[I'],
  ['an unknown sequence', '\x1b[99~'],
])('%s is unbound', (_label, input) => {
  const { events } = decode(initialDecoderState, input);
  expect(events.map((e) => lookup(e))).toEqual(events.map(() => undefined));
  expect(events.length).toBeGreaterThan(0);
});

test('Escape then a focus report: Escape cancels (a search), the report is unbound', () => {
  const { events } = decode(initialDecoderState, '\x1b\x1b[I');
  expect(events.map((e) => lookup(e))).toEqual(['cancel', undefined]);
});

test('a paste is never a command, even one that looks like Ctrl+C', () => {
  expect(lookup({ type: 'paste', text: '\x03', final: true })).toBeUndefined();
});

test('no key chord is bound to two commands', () => {
  const chords = Object.values(DEFAULT_KEYS).flatMap((keys) => keys.map((key) => formatKey(key)));
  expect(chords.filter((c, i) => chords.indexOf(c) !== i)).toEqual([]);
});

test('a custom table replaces the default one', () => {
  const bindings = { eof: [{ name: 'q', ctrl: true }] };
  expect(lookup(eventOf('\x11'), bindings)).toBe('eof');
  expect(lookup(eventOf('\x04'), bindings)).toBeUndefined();
});

test.each([
  [{ name: 'a', ctrl: true }, 'Ctrl+A'],
  [{ name: 'b', meta: true }, 'Alt+B'],
  [{ name: 'home', shift: true }, 'Shift+Home'],
  [{ name: ']', ctrl: true }, 'Ctrl+]'],
  [{ name: 'backspace', meta: true }, 'Alt+Backspace'],
  [{ name: 'pageup' }, 'PageUp'],
  [{ name: 'f5' }, 'F5'],
  [{ name: 'right', ctrl: true, shift: true }, 'Ctrl+Shift+Right'],
])('formatKey(%j) is %s', (spec, label) => {
  expect(formatKey(spec)).toBe(label);
});
