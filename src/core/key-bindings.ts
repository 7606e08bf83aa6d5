// Which key does what: one table from commands to keys, read by the input layer and the help screen.
// Emacs/readline keys, plus the PC keys (Home, End, Delete, PageUp...) terminals send for them.

import type { InputEvent, KeyName } from './key-decoder.js';

export type Command =
  | 'cursor-left'
  | 'cursor-right'
  | 'cursor-home'
  | 'cursor-end'
  | 'word-left'
  | 'word-right'
  | 'delete-back'
  | 'delete-forward'
  | 'kill-to-end'
  | 'kill-to-start'
  | 'kill-word-back'
  | 'kill-word-forward'
  | 'transpose-chars'
  | 'yank'
  | 'history-prev'
  | 'history-next'
  | 'submit'
  | 'scroll-page-up'
  | 'scroll-page-down'
  | 'scroll-top'
  | 'scroll-bottom'
  | 'escape-menu'
  | 'interrupt'
  | 'eof'
  | 'clear-screen';

/** One key chord. A modifier left out means "not held". */
export interface KeySpec {
  readonly name: KeyName;
  readonly ctrl?: boolean;
  readonly meta?: boolean;
  readonly shift?: boolean;
}

export interface Binding {
  readonly command: Command;
  /** Words for the help screen. */
  readonly description: string;
  /** The first key is the one to show when there is room for only one. */
  readonly keys: readonly KeySpec[];
}

const ctrl = (name: KeyName): KeySpec => ({ name, ctrl: true });
const alt = (name: KeyName): KeySpec => ({ name, meta: true });
const shift = (name: KeyName): KeySpec => ({ name, shift: true });
const plain = (name: KeyName): KeySpec => ({ name });

/**
 * The default bindings. Ctrl+H arrives as backspace and Ctrl+M/Ctrl+J as enter (the terminal
 * sends the same byte), so they need no rows of their own. Ctrl+C interrupts the line and never
 * quits; leaving is Ctrl+] then a command, or Ctrl+D on an empty line.
 */
export const keyBindings: readonly Binding[] = [
  { command: 'cursor-left', description: 'Move left one character', keys: [plain('left'), ctrl('b')] },
  { command: 'cursor-right', description: 'Move right one character', keys: [plain('right'), ctrl('f')] },
  { command: 'cursor-home', description: 'Move to the start of the line', keys: [plain('home'), ctrl('a')] },
  { command: 'cursor-end', description: 'Move to the end of the line', keys: [plain('end'), ctrl('e')] },
  {
    command: 'word-left',
    description: 'Move back one word',
    keys: [alt('b'), ctrl('left'), alt('left')],
  },
  {
    command: 'word-right',
    description: 'Move forward one word',
    keys: [alt('f'), ctrl('right'), alt('right')],
  },
  { command: 'delete-back', description: 'Delete the character before the cursor', keys: [plain('backspace')] },
  { command: 'delete-forward', description: 'Delete the character under the cursor', keys: [plain('delete')] },
  { command: 'kill-to-end', description: 'Cut to the end of the line', keys: [ctrl('k')] },
  { command: 'kill-to-start', description: 'Cut to the start of the line', keys: [ctrl('u')] },
  {
    command: 'kill-word-back',
    description: 'Cut the word before the cursor (up to whitespace)',
    keys: [ctrl('w'), { name: 'backspace', meta: true }],
  },
  { command: 'kill-word-forward', description: 'Cut the word after the cursor', keys: [alt('d'), ctrl('delete')] },
  { command: 'transpose-chars', description: 'Swap the two characters at the cursor', keys: [ctrl('t')] },
  { command: 'yank', description: 'Paste the last cut text', keys: [ctrl('y')] },
  { command: 'history-prev', description: 'Previous line from history', keys: [plain('up'), ctrl('p')] },
  { command: 'history-next', description: 'Next line from history', keys: [plain('down'), ctrl('n')] },
  { command: 'submit', description: 'Send the line', keys: [plain('enter')] },
  { command: 'scroll-page-up', description: 'Scroll output up a page', keys: [plain('pageup'), shift('pageup')] },
  {
    command: 'scroll-page-down',
    description: 'Scroll output down a page',
    keys: [plain('pagedown'), shift('pagedown')],
  },
  { command: 'scroll-top', description: 'Scroll to the oldest output', keys: [shift('home'), ctrl('home')] },
  {
    command: 'scroll-bottom',
    description: 'Scroll to the newest output and follow it',
    keys: [shift('end'), ctrl('end')],
  },
  { command: 'escape-menu', description: 'Open the command prompt (like telnet)', keys: [ctrl(']')] },
  { command: 'interrupt', description: 'Abandon the line (does not quit)', keys: [ctrl('c')] },
  { command: 'eof', description: 'End of input: on an empty line, close our sending side', keys: [ctrl('d')] },
  { command: 'clear-screen', description: 'Clear the output pane', keys: [ctrl('l')] },
];

function matches(spec: KeySpec, event: Extract<InputEvent, { type: 'key' }>): boolean {
  return (
    spec.name === event.name &&
    (spec.ctrl ?? false) === event.ctrl &&
    (spec.meta ?? false) === event.meta &&
    (spec.shift ?? false) === event.shift
  );
}

/** The command bound to a key event; undefined for unbound keys and for text, paste and the rest. */
export function lookup(event: InputEvent, bindings: readonly Binding[] = keyBindings): Command | undefined {
  if (event.type !== 'key') return undefined;
  for (const binding of bindings) {
    if (binding.keys.some((spec) => matches(spec, event))) return binding.command;
  }
  return undefined;
}

const KEY_LABELS: Readonly<Record<string, string>> = {
  up: 'Up',
  down: 'Down',
  left: 'Left',
  right: 'Right',
  home: 'Home',
  end: 'End',
  pageup: 'PageUp',
  pagedown: 'PageDown',
  insert: 'Insert',
  delete: 'Delete',
  backspace: 'Backspace',
  enter: 'Enter',
  tab: 'Tab',
  escape: 'Esc',
  space: 'Space',
  begin: 'Begin',
};

/** A key chord as people write it: "Ctrl+A", "Alt+B", "Shift+Home", "Ctrl+]", "F5". */
export function formatKey(spec: KeySpec): string {
  const parts: string[] = [];
  if (spec.ctrl) parts.push('Ctrl');
  if (spec.meta) parts.push('Alt');
  if (spec.shift) parts.push('Shift');
  parts.push(KEY_LABELS[spec.name] ?? spec.name.toUpperCase());
  return parts.join('+');
}
