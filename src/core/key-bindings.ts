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
  | 'history-search'
  | 'cancel'
  | 'submit'
  | 'scroll-page-up'
  | 'scroll-page-down'
  | 'scroll-top'
  | 'scroll-bottom'
  | 'escape-menu'
  | 'interrupt'
  | 'eof'
  | 'clear-screen'
  | 'protocol-help'
  | 'take-suggestion';

/** One key chord. A modifier left out means "not held". */
export interface KeySpec {
  readonly name: KeyName;
  readonly ctrl?: boolean;
  readonly meta?: boolean;
  readonly shift?: boolean;
}

const ctrl = (name: KeyName): KeySpec => ({ name, ctrl: true });
const alt = (name: KeyName): KeySpec => ({ name, meta: true });
const shift = (name: KeyName): KeySpec => ({ name, shift: true });
const plain = (name: KeyName): KeySpec => ({ name });

/**
 * Keys for every command, complete by type: a command added to the union without keys here does
 * not compile. The first key is the one to show when there is room for only one.
 */
export type KeyTable = { readonly [C in Command]: readonly KeySpec[] };

/**
 * The default keys. Ctrl+H arrives as backspace and Ctrl+M/Ctrl+J as enter (the terminal sends the
 * same byte), so they need no keys of their own. Ctrl+C interrupts the line and never quits;
 * leaving is Ctrl+] then a command, or Ctrl+D on an empty line.
 */
export const DEFAULT_KEYS: KeyTable = {
  'cursor-left': [plain('left'), ctrl('b')],
  'cursor-right': [plain('right'), ctrl('f')],
  'cursor-home': [plain('home'), ctrl('a')],
  'cursor-end': [plain('end'), ctrl('e')],
  'word-left': [alt('b'), ctrl('left'), alt('left')],
  'word-right': [alt('f'), ctrl('right'), alt('right')],
  'delete-back': [plain('backspace')],
  'delete-forward': [plain('delete')],
  'kill-to-end': [ctrl('k')],
  'kill-to-start': [ctrl('u')],
  'kill-word-back': [ctrl('w'), { name: 'backspace', meta: true }],
  'kill-word-forward': [alt('d'), ctrl('delete')],
  'transpose-chars': [ctrl('t')],
  yank: [ctrl('y')],
  'history-prev': [plain('up'), ctrl('p')],
  'history-next': [plain('down'), ctrl('n')],
  'history-search': [ctrl('r')],
  cancel: [plain('escape'), ctrl('g')],
  submit: [plain('enter')],
  'scroll-page-up': [plain('pageup'), shift('pageup')],
  'scroll-page-down': [plain('pagedown'), shift('pagedown')],
  'scroll-top': [shift('home'), ctrl('home')],
  'scroll-bottom': [shift('end'), ctrl('end')],
  'escape-menu': [ctrl(']')],
  interrupt: [ctrl('c')],
  eof: [ctrl('d')],
  'clear-screen': [ctrl('l')],
  'protocol-help': [plain('f1')],
  'take-suggestion': [plain('tab')],
};

/** Words for the help screen, one per command, complete by type as the keys are. */
export const DESCRIPTIONS: { readonly [C in Command]: string } = {
  'cursor-left': 'Move left one character',
  'cursor-right': 'Move right one character',
  'cursor-home': 'Move to the start of the line',
  'cursor-end': 'Move to the end of the line',
  'word-left': 'Move back one word',
  'word-right': 'Move forward one word',
  'delete-back': 'Delete the character before the cursor',
  'delete-forward': 'Delete the character under the cursor',
  'kill-to-end': 'Cut to the end of the line',
  'kill-to-start': 'Cut to the start of the line',
  'kill-word-back': 'Cut the word before the cursor (up to whitespace)',
  'kill-word-forward': 'Cut the word after the cursor',
  'transpose-chars': 'Swap the two characters at the cursor',
  yank: 'Paste the last cut text',
  'history-prev': 'Previous line from history',
  'history-next': 'Next line from history',
  'history-search': 'Search the history backwards as typed (again: the next older match)',
  cancel: 'Leave the history search, the line as it was',
  submit: 'Send the line',
  'scroll-page-up': 'Scroll output up a page',
  'scroll-page-down': 'Scroll output down a page',
  'scroll-top': 'Scroll to the oldest output',
  'scroll-bottom': 'Scroll to the newest output and follow it',
  'escape-menu': 'Open the command prompt (like telnet)',
  interrupt: 'Abandon the line (does not quit)',
  eof: 'End of input: on an empty line, close our sending side',
  'clear-screen': 'Clear the output pane',
  'protocol-help': "The protocol's commands, in a panel (the helper in force)",
  'take-suggestion': 'Take the suggested next step (dimmed) into the line; Right at the end too',
};

function matches(spec: KeySpec, event: Extract<InputEvent, { type: 'key' }>): boolean {
  return (
    spec.name === event.name &&
    (spec.ctrl ?? false) === event.ctrl &&
    (spec.meta ?? false) === event.meta &&
    (spec.shift ?? false) === event.shift
  );
}

/** The command bound to a key event; undefined for unbound keys and for text, paste and the rest. */
export function lookup(event: InputEvent, table: Partial<KeyTable> = DEFAULT_KEYS): Command | undefined {
  if (event.type !== 'key') return undefined;
  for (const command of Object.keys(table) as Command[]) {
    if (table[command]!.some((spec) => matches(spec, event))) return command;
  }
  return undefined;
}

/** The keys of a command in the default table, the one to show first. */
export function keysFor(command: Command): readonly KeySpec[] {
  return DEFAULT_KEYS[command];
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
