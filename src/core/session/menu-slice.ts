// The Ctrl+] prompt, as telnet's `telnet>`: its own line editor, Tab completion, and the commands.
// Most commands close the prompt and say what they did in the pane; errors answer in the prompt.

import { openPanel } from './panel-slice.js';
import { helperAsked } from './helper-slice.js';
import { commandList, complete, parseCommand, shownCommand, type Command } from '../commands.js';
import type { InputEvent } from '../key-decoder.js';
import { DEFAULT_KEYS, DESCRIPTIONS, formatKey, lookup, type Command as KeyCommand } from '../key-bindings.js';
import { createLineEditorState, isEditorCommand, lineEditorReducer, type LineEditorState } from '../line-editor.js';
import { DEFAULT_PORT } from '../options.js';
import { TELNET_COMMANDS } from '../telnet.js';
import { closeByUser } from './connection-slice.js';
import { halfClose } from './line-slice.js';
import { sendEffect } from './send.js';
import { settingsReducer } from './settings-slice.js';
import { formatBytes } from '../status.js';
import { canSend, noEffects, notSentReason, type Effect, type Menu, type SessionState, type Step } from './state.js';

const ESCAPE_CHAR = Uint8Array.of(0x1d);

export function openMenu(state: SessionState): Step {
  const history = state.menu?.editor.history ?? [];
  return noEffects({ ...state, menu: { editor: createLineEditorState({ history }), message: null, candidates: [], confirmQuit: false }, hint: null });
}

function closeMenu(state: SessionState, effects: Effect[] = []): Step {
  // From terminal mode, and still in it: back to the remote program.
  const back: Effect[] = state.settings.mode === 'terminal' && state.conn.phase === 'connected' ? [{ type: 'terminal', on: true }] : [];
  return { state: { ...state, menu: null }, effects: [...effects, ...back] };
}

export function menuInput(state: SessionState, menu: Menu, event: InputEvent, now: number): Step {
  const withEditor = (editor: LineEditorState, extra: Partial<Menu> = {}): Step =>
    noEffects({ ...state, menu: { ...menu, editor, candidates: [], ...extra } });
  switch (event.type) {
    case 'text':
      return withEditor(lineEditorReducer(menu.editor, { type: 'insert', text: event.text }));
    case 'paste':
      // A command is one line: a pasted newline becomes a space rather than running half of it.
      return withEditor(lineEditorReducer(menu.editor, { type: 'insert', text: event.text.replace(/[\r\n]+/g, ' ') }));
    case 'focus':
    case 'unknown':
      return noEffects(state);
    case 'key':
      break;
  }
  if (event.name === 'escape' && !event.ctrl && !event.meta) return closeMenu(state);
  if (event.name === 'tab' && !event.ctrl && !event.meta) {
    // A held (too long to edit) prompt line is no command: nothing to complete.
    if (menu.editor.held !== null) return noEffects(state);
    const c = complete(menu.editor.text);
    let editor = lineEditorReducer(menu.editor, { type: 'kill-to-start' });
    editor = lineEditorReducer(lineEditorReducer(editor, { type: 'cursor-end' }), { type: 'kill-to-end' });
    editor = lineEditorReducer(editor, { type: 'insert', text: c.text });
    return withEditor(editor, { candidates: c.candidates, message: null });
  }
  const command = lookup(event);
  // Ctrl+] twice sends a literal 0x1d, as telnet's escape character typed at its own prompt.
  if (command === 'escape-menu') {
    return closeMenu(state, canSend(state) ? [sendEffect(ESCAPE_CHAR, { text: '^]', eol: null, echo: false })] : []);
  }
  if (command === 'submit') {
    const submitted = lineEditorReducer(menu.editor, { type: 'submit' });
    const text = submitted.submitted ?? '';
    // The history keeps the command with its secret masked (an Authorization header's credentials).
    const shown = shownCommand(text);
    const editor = shown === text ? submitted : { ...submitted, history: [...submitted.history.slice(0, -1), shown], submitted: shown };
    if (text.trim() === '') return closeMenu(state);
    const parsed = menu.editor.held !== null ? ({ ok: false, message: 'that is no command (too long)' } as const) : parseCommand(text);
    if (!parsed.ok) {
      return noEffects({ ...state, menu: { ...menu, editor, candidates: [], confirmQuit: false, message: { text: `${parsed.message}. Commands: ${commandNames()}`, error: true } } });
    }
    return runCommand({ ...state, menu: { ...menu, editor } }, parsed.command, now);
  }
  if (command === 'interrupt') return closeMenu(state);
  if (command === 'eof' && menu.editor.text === '') return closeMenu(state);
  if (command && isEditorCommand(command)) return withEditor(lineEditorReducer(menu.editor, { type: command }));
  return noEffects(state);
}

/** The keys of the session, from the bindings' table: what each does, and its keys. */
function keyList(): string[] {
  const rows = (Object.keys(DEFAULT_KEYS) as KeyCommand[]).map((c) => [DEFAULT_KEYS[c].map(formatKey).join(', '), DESCRIPTIONS[c]] as const);
  const width = Math.max(...rows.map(([keys]) => keys.length));
  return rows.map(([keys, words]) => `  ${keys.padEnd(width)}  ${words}`);
}

function commandNames(): string {
  return commandList()
    .map((l) => l.split(' ')[0])
    .join(', ');
}

const NO_MENU: Menu = { editor: createLineEditorState(), message: null, candidates: [], confirmQuit: false };

/** Carry out a command of the Ctrl+] prompt (or of -c): most close the prompt, a few answer in it. */
export function runCommand(state: SessionState, command: Command, now: number): Step {
  const menu = state.menu ?? NO_MENU;
  const answer = (text: string, extra: Partial<Menu> = {}): Step =>
    noEffects({ ...state, menu: { ...menu, message: { text, error: false }, candidates: [], confirmQuit: false, ...extra } });
  const settle = (step: Step): Step => {
    // From terminal mode, and still in it: back to the remote program (unless the step says otherwise).
    const back = step.state.settings.mode === 'terminal' && step.state.conn.phase === 'connected' && !step.effects.some((e) => e.type === 'terminal');
    return { state: { ...step.state, menu: null }, effects: back ? [...step.effects, { type: 'terminal', on: true }] : step.effects };
  };
  switch (command.type) {
    case 'quit':
      // Lines typed while connecting would go unsent: said once, as queued bytes are.
      if (state.pending.length > 0 && !menu.confirmQuit) {
        const n = state.pending.length;
        return answer(`${n === 1 ? 'A line' : `${n} lines`} typed while connecting would not be sent: quit again to drop ${n === 1 ? 'it' : 'them'}, or Esc and wait.`, {
          confirmQuit: true,
        });
      }
      // The controller knows whether bytes are still queued; if so it answers quit-refused.
      return closeMenu(state, [{ type: 'quit', force: menu.confirmQuit }]);
    case 'suspend':
      return closeMenu(state, [{ type: 'suspend' }]);
    case 'close': {
      const c = state.conn.phase;
      if (c !== 'connected' && c !== 'resolving' && c !== 'trying') return answer('Not connected.');
      return settle(closeByUser(state, now));
    }
    case 'open': {
      const target = { host: command.host, port: command.port ?? DEFAULT_PORT };
      return closeMenu(state, [{ type: 'close' }, { type: 'connect', target }]);
    }
    case 'reconnect':
      return closeMenu(state, [{ type: 'close' }, { type: 'connect', target: state.conn.target }]);
    case 'status':
      return closeMenu(state, [{ type: 'status' }]);
    case 'starttls':
      if (state.conn.phase !== 'connected') return answer('Not connected.');
      if (state.tls) return answer('Already over TLS.');
      if (state.upgrading) return answer('A STARTTLS is under way already.');
      if (state.composer) return answer('A composer is running: wait for it, or Ctrl+C stops it.');
      if (!canSend(state)) return answer(`Not now: ${notSentReason(state)}.`);
      // Under way from now: nothing that waits on it (a composer, -c) goes before it ends.
      return closeMenu({ ...state, upgrading: true }, [{ type: 'starttls', how: command.how }]);
    case 'proto': {
      const settings = { ...state.settings, proto: command.proto };
      const helper = helperAsked({ ...state, settings }, command.proto);
      const words = helper.proto === 'none' ? 'No protocol helper: the raw session.' : helper.proto ? `Protocol helper: ${helper.proto}.` : 'Protocol helper: auto (from the port, else the banner).';
      return closeMenu({ ...state, settings, helper }, [{ type: 'info', lines: [words] }]);
    }
    case 'tls':
      if (!state.tls) return answer('Not a TLS connection: this one is plain TCP (--tls connects with TLS, starttls upgrades it).');
      return closeMenu(openPanel(state, 'tls'));
    case 'send':
      if (!canSend(state)) return answer(`Not sent: ${notSentReason(state)}.`);
      if (command.what === 'telnet' || (command.what === 'eof' && state.telnet)) {
        if (!state.telnet) return answer(`send ${command.what === 'telnet' ? command.name : 'eof'} is telnet's: this is no telnet session (port 23, or --telnet).`);
        const name = command.what === 'telnet' ? command.name : 'eof';
        return closeMenu(state, [{ type: 'telnet-command', name }, { type: 'info', lines: [`Sent IAC ${name.toUpperCase()} (${TELNET_COMMANDS[name]!.words}).`] }]);
      }
      if (command.what === 'eof') return settle(halfClose(state));
      return closeMenu(state, [sendEffect(command.bytes, { text: `<${command.label}>`, eol: null, echo: false }), { type: 'info', lines: [`Sent ${command.label}.`] }]);
    case 'mode':
      // The terminal is handed to a remote program: there must be one.
      if (command.mode === 'terminal' && !canSend(state)) return answer(`Terminal mode needs a live connection: ${notSentReason(state)}.`);
      return settle(settingsReducer(state, { type: 'mode', mode: command.mode }));
    case 'set-line-ending':
      return settle(settingsReducer(state, { type: 'line-ending', ending: command.ending }));
    case 'set-encoding':
      return settle(settingsReducer(state, { type: 'encoding', encoding: command.encoding }));
    case 'toggle':
      return settle(settingsReducer(state, { type: 'toggle', what: command.what }));
    case 'log':
      return closeMenu(state, [{ type: 'log', file: command.file }]);
    case 'clear':
      return closeMenu(state, [{ type: 'clear' }]);
    case 'compose':
      if (state.conn.phase !== 'connected') return answer(`Not now: ${notSentReason(state)}.`);
      if (state.composer) return answer('A composer is running: wait for it, or Ctrl+C stops it.');
      // The controller reads its file, if it names one, and gives the clock; then it starts.
      return closeMenu(state, [{ type: 'compose', spec: command.spec }]);
    case 'help':
      if (command.proto) return closeMenu(openPanel(state, 'help', command.proto));
      return closeMenu(state, [{ type: 'info', lines: ['Commands (Ctrl+] opens the prompt):', ...commandList().map((l) => `  ${l}`), 'Keys:', ...keyList()] }]);
  }
}

/**
 * A quit found bytes the peer has not taken (it is not reading): leaving would drop them, so it
 * says so once, in the prompt, and the next quit drops them.
 */
export function quitRefused(state: SessionState, queued: number): Step {
  const opened = state.menu ? state : openMenu(state).state;
  const words = `${formatBytes(queued)} still queued for a peer that is not reading: quit again to drop it, or Esc and wait.`;
  return noEffects({ ...opened, menu: { ...opened.menu!, message: { text: words, error: true }, candidates: [], confirmQuit: true } });
}
