// The session's reducer: routes each action to the slice that owns its family; keys go where
// focus() says. Slices return the next state and effects; nothing here runs an effect.

import { charInput, terminalInput } from './char-slice.js';
import { connectionReducer } from './connection-slice.js';
import { focus } from './focus.js';
import { lineInput } from './line-slice.js';
import { lookup } from '../key-bindings.js';
import { lineEditorReducer } from '../line-editor.js';
import { menuInput, openMenu, quitRefused } from './menu-slice.js';
import { panelInput } from './panel-slice.js';
import { askInput, startComposer } from './composer-slice.js';
import { scriptNext } from './script.js';
import type { SessionAction, SessionState, Step } from './state.js';

export function sessionReducer(state: SessionState, action: SessionAction): Step {
  return remembered(state, route(state, action), action);
}

/**
 * A line that went into the editor's history goes into the lasting one too, as the history keeps
 * it: its secret masked already (PASS, LOGIN, AUTH answers; see line-slice's keptMasked). Not a
 * line typed while the server echoes (a telnet password prompt), nor history loaded from a file.
 */
function remembered(before: SessionState, step: Step, action: SessionAction): Step {
  const was = before.editor.history;
  const now = step.state.editor.history;
  if (now === was || now.length === 0 || action.type === 'history-loaded') return step;
  const line = now[now.length - 1]!;
  // A paste sent in parts is no line to type again: kept in the session, not in the file.
  if (line === was[was.length - 1] || /[\r\n]/.test(line) || before.telnet?.serverEcho || step.state.telnet?.serverEcho) return step;
  return { state: step.state, effects: [...step.effects, { type: 'remember', line }] };
}

function route(state: SessionState, action: SessionAction): Step {
  switch (action.type) {
    case 'history-loaded':
      return { state: { ...state, editor: lineEditorReducer(state.editor, { type: 'load-history', entries: action.entries }) }, effects: [] };
    case 'quit-refused':
      return quitRefused(state, action.queued);
    case 'compose':
      return startComposer(state, action.spec, { now: action.now, wall: action.wall, unique: action.unique });
    case 'compose-failed':
      return { state: { ...state, lastRun: { ok: false, name: 'composer', what: 'its file' }, script: [] }, effects: [{ type: 'info', lines: [action.message], code: 'PH_BAD_FILE' }, { type: 'script-next' }] };
    case 'script-next':
      return scriptNext(state, action.now);
    case 'input':
      if ((action.sendQueued ?? 0) !== state.sendQueued) state = { ...state, sendQueued: action.sendQueued ?? 0 };
      break;
    default:
      return connectionReducer(state, action);
  }
  switch (focus(state)) {
    case 'menu':
      return menuInput(state, state.menu!, action.event, action.now);
    case 'ask':
      return askInput(state, action.event, action.now);
    case 'panel':
      // Ctrl+] still opens the prompt, over the session the panel covered.
      if (lookup(action.event) === 'escape-menu') return openMenu({ ...state, panel: null });
      return panelInput(state, state.panel!, action.event);
    case 'char':
      return charInput(state, action.event);
    case 'terminal':
      return terminalInput(state, action.event);
    case 'line':
      return lineInput(state, action.event, action.now);
  }
}
