// What the Ctrl+] prompt shows, computed here so the component only draws it: the answer to the
// last command or the completion candidates (both can repeat what the user typed or pasted, so
// they are safe text), and the list of commands that fits.

import { commandList } from '../commands.js';
import { fitColumns, safe, type SafeText } from '../sanitize.js';
import type { Menu } from './state.js';

const LIST: readonly SafeText[] = commandList().map((l) => safe(`  ${l}`));
const HELP = 'Enter runs a command | Tab completes | Esc returns to the session | Ctrl+] again sends ^]';

/** Rows the list of commands would like. */
export const MENU_LIST_ROWS = LIST.length;

export interface MenuView {
  message: { text: SafeText; error: boolean };
  list: readonly SafeText[];
}

/** The prompt's rows for a row `width` columns wide, each cut to fit. */
export function menuView(menu: Menu, listRows: number, width: number): MenuView {
  const message = menu.candidates.length
    ? { text: safe(menu.candidates.join('  ')), error: false }
    : menu.message
      ? { text: safe(menu.message.text), error: menu.message.error }
      : { text: safe(HELP), error: false };
  return { message, list: LIST.slice(0, Math.max(0, listRows)).map((l) => fitColumns(l, width)) };
}
