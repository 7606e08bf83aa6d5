// The interactive session's state as one reducer: what the keys do in line mode, in character
// mode and in the Ctrl+] prompt, and the connection's phase for the status bar. Side effects
// (send bytes, connect, scroll, write a transcript) come back as data for the controller to run.

import { encode, LINE_ENDINGS, type LineEnding } from './codec.js';
import { commandList, complete, parseCommand, type Command as MenuCommand, type Toggle } from './commands.js';
import type { InputEvent, KeyEvent } from './key-decoder.js';
import { lookup, type Command as KeyCommand } from './key-bindings.js';
import { createLineEditorState, isEditorCommand, lineEditorReducer, type LineEditorState } from './line-editor.js';
import type { Attempt, Outcome } from './outcome.js';
import type { ScrollAction } from './scrollback.js';

export interface Settings {
  /** line: edit locally, send on Enter; char: every key goes out as typed. */
  mode: 'line' | 'char';
  lineEnding: LineEnding;
  encoding: string;
  /** Show what we send in the output pane. */
  echo: boolean;
  hex: boolean;
  timestamps: boolean;
}

export interface Target {
  host: string;
  port: number;
}

/** Where the connection is, for the status bar; times are on the injected clock. */
export type Conn =
  | { phase: 'resolving'; target: Target; since: number }
  | { phase: 'trying'; target: Target; address: string; since: number }
  | {
      phase: 'connected';
      target: Target;
      address: string;
      local: string;
      connectMs: number;
      since: number;
      /** The peer sent FIN; we may still send (half-close). */
      peerEof: Outcome | null;
      /** We sent FIN (send eof). */
      localEof: boolean;
    }
  | { phase: 'failed'; target: Target; outcome: Outcome; address: string | null; at: number }
  | { phase: 'closed'; target: Target; outcome: Outcome | null; address: string; at: number; duration: number };

export interface Menu {
  editor: LineEditorState;
  /** A one-line answer to the last command (an error or a confirmation). */
  message: { text: string; error: boolean } | null;
  /** Completion candidates from the last Tab. */
  candidates: string[];
}

export interface TuiState {
  conn: Conn;
  settings: Settings;
  editor: LineEditorState;
  /** The Ctrl+] prompt when open. */
  menu: Menu | null;
  /** Shown once when Ctrl+C is pressed in line mode: how to leave instead. */
  hint: string | null;
}

export type Effect =
  | { type: 'send'; bytes: Uint8Array; echo: string | null }
  | { type: 'send-eof' }
  | { type: 'connect'; target: Target }
  | { type: 'close' }
  | { type: 'quit' }
  | { type: 'info'; lines: string[] }
  | { type: 'scroll'; action: ScrollAction }
  | { type: 'clear' }
  | { type: 'log'; file: string | null }
  | { type: 'status' }
  | { type: 'set-encoding'; encoding: string };

export type TuiAction =
  | { type: 'input'; event: InputEvent }
  | { type: 'resolving'; target: Target; now: number }
  | { type: 'trying'; address: string; now: number }
  | { type: 'attempt'; attempt: Attempt }
  | { type: 'connected'; address: string; local: string; connectMs: number; now: number }
  | { type: 'failed'; outcome: Outcome; address: string | null; now: number }
  | { type: 'peer-eof'; outcome: Outcome }
  | { type: 'closed'; outcome: Outcome | null; now: number };

export interface Step {
  state: TuiState;
  effects: Effect[];
}

export function initialTuiState(target: Target, settings: Settings, history: readonly string[] = [], now = 0): TuiState {
  return {
    conn: { phase: 'resolving', target, since: now },
    settings,
    editor: createLineEditorState({ history }),
    menu: null,
    hint: null,
  };
}

const ESCAPE_CHAR = Uint8Array.of(0x1d);

/** Keys that scroll our own pane even in character mode, where plain PageUp belongs to the peer. */
const LOCAL_SCROLL: Partial<Record<KeyCommand, ScrollAction['type']>> = {
  'scroll-page-up': 'pageUp',
  'scroll-page-down': 'pageDown',
  'scroll-top': 'top',
  'scroll-bottom': 'bottom',
};

export function tuiReducer(state: TuiState, action: TuiAction): Step {
  switch (action.type) {
    case 'input':
      return state.menu ? menuInput(state, state.menu, action.event) : state.settings.mode === 'line' ? lineInput(state, action.event) : charInput(state, action.event);
    case 'resolving':
      return { state: { ...state, conn: { phase: 'resolving', target: action.target, since: action.now } }, effects: [] };
    case 'trying':
      return { state: { ...state, conn: { phase: 'trying', target: state.conn.target, address: action.address, since: action.now } }, effects: [] };
    case 'attempt':
      return {
        state,
        effects: action.attempt.outcome.kind === 'open' ? [] : [{ type: 'info', lines: [`Trying ${action.attempt.address}... ${action.attempt.outcome.label}`] }],
      };
    case 'connected':
      return {
        state: {
          ...state,
          conn: {
            phase: 'connected',
            target: state.conn.target,
            address: action.address,
            local: action.local,
            connectMs: action.connectMs,
            since: action.now,
            peerEof: null,
            localEof: false,
          },
        },
        effects: [],
      };
    case 'failed':
      return {
        state: { ...state, conn: { phase: 'failed', target: state.conn.target, outcome: action.outcome, address: action.address, at: action.now } },
        effects: [{ type: 'info', lines: [`${action.outcome.label}. ${action.outcome.meaning}`, `Next: ${action.outcome.next}`] }],
      };
    case 'peer-eof': {
      if (state.conn.phase !== 'connected') return { state, effects: [] };
      // As telnet: the peer is done talking, so the session is over; the output stays readable.
      return {
        state: { ...state, conn: { ...state.conn, peerEof: action.outcome } },
        effects: [{ type: 'info', lines: [`${action.outcome.label}.`] }, { type: 'close' }],
      };
    }
    case 'closed': {
      const c = state.conn;
      if (c.phase !== 'connected') return { state, effects: [] };
      const outcome = action.outcome ?? c.peerEof;
      // A FIN was announced at peer-eof already; anything else ending the connection is said here.
      const effects: Effect[] = action.outcome && !c.peerEof ? [{ type: 'info', lines: [`${action.outcome.label}.`] }] : [];
      return {
        state: { ...state, conn: { phase: 'closed', target: c.target, outcome, address: c.address, at: action.now, duration: action.now - c.since } },
        effects,
      };
    }
  }
}

function editorStep(state: TuiState, editor: LineEditorState): Step {
  return { state: { ...state, editor, hint: null }, effects: [] };
}

/** Bytes for one line as the peer sees it: text, then the line ending in force. */
function lineBytes(text: string, settings: Settings): Uint8Array {
  return encode(text + LINE_ENDINGS[settings.lineEnding], settings.encoding);
}

function isConnected(state: TuiState): boolean {
  return state.conn.phase === 'connected' && !state.conn.localEof;
}

/** Send lines, or say why they cannot go; what is not connected is never silently dropped. */
function sendLines(state: TuiState, lines: string[]): Effect[] {
  if (!isConnected(state)) {
    return [{ type: 'info', lines: [`Not sent (${notConnectedReason(state)}): ${lines.length === 1 ? lines[0] : `${lines.length} lines`}. Ctrl+] then reconnect, open HOST PORT or quit.`] }];
  }
  return lines.map((l) => ({ type: 'send', bytes: lineBytes(l, state.settings), echo: state.settings.echo ? l : null }));
}

function notConnectedReason(state: TuiState): string {
  const c = state.conn;
  if (c.phase === 'connected') return 'sending side closed';
  if (c.phase === 'resolving' || c.phase === 'trying') return 'still connecting';
  return 'not connected';
}

function lineInput(state: TuiState, event: InputEvent): Step {
  switch (event.type) {
    case 'text':
      return editorStep(state, lineEditorReducer(state.editor, { type: 'insert', text: event.text }));
    case 'paste':
      return paste(state, event.text);
    case 'focus':
    case 'unknown':
      return { state, effects: [] };
    case 'key':
      break;
  }
  const command = lookup(event);
  if (command === 'escape-menu') return openMenu(state);
  if (command && LOCAL_SCROLL[command]) return { state, effects: [{ type: 'scroll', action: { type: LOCAL_SCROLL[command]! } as ScrollAction }] };
  switch (command) {
    case 'submit': {
      const editor = lineEditorReducer(state.editor, { type: 'submit' });
      return { state: { ...state, editor, hint: null }, effects: sendLines(state, [editor.submitted ?? '']) };
    }
    case 'interrupt':
      return {
        state: { ...state, editor: lineEditorReducer(state.editor, { type: 'interrupt' }), hint: 'Ctrl+C clears the line here; to leave: Ctrl+] then quit. To send ^C: mode char.' },
        effects: [],
      };
    case 'eof':
      if (state.editor.text !== '') return editorStep(state, lineEditorReducer(state.editor, { type: 'delete-forward' }));
      return halfClose(state);
    case 'clear-screen':
      return { state, effects: [{ type: 'clear' }] };
    case undefined:
      return { state, effects: [] };
    default:
      if (isEditorCommand(command)) return editorStep(state, lineEditorReducer(state.editor, { type: command }));
      return { state, effects: [] };
  }
}

/**
 * A multi-line paste sends each complete line in order with the line ending in force; what
 * follows the last newline stays in the editor, as a terminal would leave it.
 */
function paste(state: TuiState, text: string): Step {
  const parts = text.split(/\r\n|\r|\n/);
  if (parts.length === 1) return editorStep(state, lineEditorReducer(state.editor, { type: 'insert', text }));
  let editor = lineEditorReducer(state.editor, { type: 'insert', text: parts[0]! });
  const lines: string[] = [];
  editor = lineEditorReducer(editor, { type: 'submit' });
  lines.push(editor.submitted ?? '');
  for (const middle of parts.slice(1, -1)) lines.push(middle);
  editor = lineEditorReducer(editor, { type: 'insert', text: parts.at(-1)! });
  return { state: { ...state, editor, hint: null }, effects: sendLines(state, lines) };
}

function halfClose(state: TuiState): Step {
  if (!isConnected(state)) return { state, effects: [{ type: 'info', lines: [`Nothing to close (${notConnectedReason(state)}).`] }] };
  return {
    state: { ...state, conn: { ...(state.conn as Extract<Conn, { phase: 'connected' }>), localEof: true } },
    effects: [{ type: 'send-eof' }, { type: 'info', lines: ['Sent EOF (half-close): the peer may still answer.'] }],
  };
}

/** Bytes a key sends in character mode: the terminal's own sequence, Enter as the line ending. */
function keyBytes(event: KeyEvent, settings: Settings): Uint8Array | null {
  if (event.name === 'enter') return encode(LINE_ENDINGS[settings.lineEnding], 'latin1');
  if (event.name === 'backspace') return Uint8Array.of(0x7f);
  if (event.sequence === '') return null;
  return encode(event.sequence, settings.encoding);
}

function charInput(state: TuiState, event: InputEvent): Step {
  let bytes: Uint8Array | null = null;
  switch (event.type) {
    case 'text':
    case 'paste':
      bytes = encode(event.text, state.settings.encoding);
      break;
    case 'key': {
      const command = lookup(event);
      if (command === 'escape-menu') return openMenu(state);
      // Shift+PageUp and friends scroll our pane; the plain keys go to the peer.
      if (event.shift && command && LOCAL_SCROLL[command]) {
        return { state, effects: [{ type: 'scroll', action: { type: LOCAL_SCROLL[command]! } as ScrollAction }] };
      }
      bytes = keyBytes(event, state.settings);
      break;
    }
    case 'focus':
    case 'unknown':
      return { state, effects: [] };
  }
  if (!bytes || bytes.length === 0) return { state, effects: [] };
  if (!isConnected(state)) return { state, effects: [] };
  return { state, effects: [{ type: 'send', bytes, echo: null }] };
}

function openMenu(state: TuiState): Step {
  return { state: { ...state, menu: { editor: createLineEditorState({ history: state.menu?.editor.history ?? [] }), message: null, candidates: [] }, hint: null }, effects: [] };
}

function closeMenu(state: TuiState, effects: Effect[] = []): Step {
  return { state: { ...state, menu: null }, effects };
}

function menuInput(state: TuiState, menu: Menu, event: InputEvent): Step {
  const withEditor = (editor: LineEditorState, extra: Partial<Menu> = {}): Step => ({
    state: { ...state, menu: { ...menu, editor, candidates: [], ...extra } },
    effects: [],
  });
  switch (event.type) {
    case 'text':
      return withEditor(lineEditorReducer(menu.editor, { type: 'insert', text: event.text }));
    case 'paste':
      return withEditor(lineEditorReducer(menu.editor, { type: 'insert', text: event.text.replace(/[\r\n]+/g, ' ') }));
    case 'focus':
    case 'unknown':
      return { state, effects: [] };
    case 'key':
      break;
  }
  if (event.name === 'escape' && !event.ctrl && !event.meta) return closeMenu(state);
  if (event.name === 'tab' && !event.ctrl && !event.meta) {
    const c = complete(menu.editor.text);
    let editor = lineEditorReducer(menu.editor, { type: 'kill-to-start' });
    editor = lineEditorReducer(lineEditorReducer(editor, { type: 'cursor-end' }), { type: 'kill-to-end' });
    editor = lineEditorReducer(editor, { type: 'insert', text: c.text });
    return withEditor(editor, { candidates: c.candidates, message: null });
  }
  const command = lookup(event);
  // Ctrl+] twice sends a literal 0x1d, as telnet's escape character typed at its own prompt.
  if (command === 'escape-menu') {
    return closeMenu(state, isConnected(state) ? [{ type: 'send', bytes: ESCAPE_CHAR, echo: null }] : []);
  }
  if (command === 'submit') {
    const text = menu.editor.text;
    if (text.trim() === '') return closeMenu(state);
    const editor = lineEditorReducer(menu.editor, { type: 'submit' });
    const parsed = parseCommand(text);
    if (!parsed.ok) {
      return {
        state: { ...state, menu: { editor, candidates: [], message: { text: `${parsed.message}. Commands: ${commandNames()}`, error: true } } },
        effects: [],
      };
    }
    return runCommand({ ...state, menu: { ...menu, editor } }, parsed.command);
  }
  if (command === 'interrupt') return closeMenu(state);
  if (command === 'eof' && menu.editor.text === '') return closeMenu(state);
  if (command && isEditorCommand(command)) return withEditor(lineEditorReducer(menu.editor, { type: command }));
  return { state, effects: [] };
}

function commandNames(): string {
  return commandList()
    .map((l) => l.split(' ')[0])
    .join(', ');
}

const TOGGLE_WORDS: Record<Toggle, keyof Settings> = { echo: 'echo', hex: 'hex', timestamps: 'timestamps' };

/** Carry out a command of the Ctrl+] prompt: most close the prompt, a few answer in it. */
function runCommand(state: TuiState, command: MenuCommand): Step {
  const answer = (text: string, effects: Effect[] = []): Step => ({
    state: { ...state, menu: { ...state.menu!, message: { text, error: false }, candidates: [] } },
    effects,
  });
  const settle = (settings: Partial<Settings>, text: string, effects: Effect[] = []): Step =>
    closeMenu({ ...state, settings: { ...state.settings, ...settings } }, [{ type: 'info', lines: [text] }, ...effects]);
  switch (command.type) {
    case 'quit':
      return closeMenu(state, [{ type: 'quit' }]);
    case 'close':
      if (state.conn.phase !== 'connected' && state.conn.phase !== 'resolving' && state.conn.phase !== 'trying') {
        return answer('Not connected.');
      }
      return closeMenu(state, [{ type: 'close' }]);
    case 'open': {
      const target = { host: command.host, port: command.port ?? 23 };
      return closeMenu(state, [{ type: 'close' }, { type: 'connect', target }]);
    }
    case 'reconnect':
      return closeMenu(state, [{ type: 'close' }, { type: 'connect', target: state.conn.target }]);
    case 'status':
      return closeMenu(state, [{ type: 'status' }]);
    case 'send':
      if (!isConnected(state)) return answer(`Not sent: ${notConnectedReason(state)}.`);
      if (command.what === 'eof') {
        const step = halfClose(state);
        return { state: { ...step.state, menu: null }, effects: step.effects };
      }
      return closeMenu(state, [{ type: 'send', bytes: command.bytes, echo: null }, { type: 'info', lines: [`Sent ${command.label}.`] }]);
    case 'mode':
      return settle(
        { mode: command.mode, echo: command.mode === 'line' },
        command.mode === 'char'
          ? 'Character mode: each key is sent as typed (Ctrl+] for the prompt, Shift+PageUp to scroll).'
          : 'Line mode: edit the line, Enter sends it.',
      );
    case 'set-line-ending':
      return settle({ lineEnding: command.ending }, `Lines now end with ${command.ending.toUpperCase()}.`);
    case 'set-encoding':
      return settle({ encoding: command.encoding }, `Encoding: ${command.encoding}.`, [{ type: 'set-encoding', encoding: command.encoding }]);
    case 'toggle': {
      const key = TOGGLE_WORDS[command.what];
      const value = !state.settings[key];
      return settle({ [key]: value }, `${command.what}: ${value ? 'on' : 'off'}.`);
    }
    case 'log':
      return closeMenu(state, [{ type: 'log', file: command.file }]);
    case 'clear':
      return closeMenu(state, [{ type: 'clear' }]);
    case 'help':
      return closeMenu(state, [{ type: 'info', lines: ['Commands (Ctrl+] opens the prompt):', ...commandList().map((l) => `  ${l}`)] }]);
  }
}

/**
 * Exit code of a session, from its last connection: 0 when it connected and ended normally or
 * the peer closed it, the failure's code when it never connected, 7 when it was reset.
 */
export function sessionExitCode(state: TuiState): number {
  const c = state.conn;
  if (c.phase === 'failed') return c.outcome.exit;
  if (c.phase === 'closed' && c.outcome?.kind === 'reset-by-peer') return c.outcome.exit;
  return 0;
}
