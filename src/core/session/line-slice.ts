// Keys in line mode: the line editor, Enter to send, the scroll keys, Ctrl+D's half-close and the
// way into the prompt. A multi-line paste sends each complete line in order.

import type { InputEvent } from '../key-decoder.js';
import { lookup, type Command as KeyCommand } from '../key-bindings.js';
import { isEditorCommand, lineEditorReducer, type LineEditorState } from '../line-editor.js';
import type { ScrollAction } from '../scrollback.js';
import { openMenu } from './menu-slice.js';
import { openPanel } from './panel-slice.js';
import { linesThatFit, sendLines, shownLines, type LinesOutcome } from './send.js';
import { searchInput, startSearch } from './search-slice.js';
import { helperSends, nextStep } from './helper-slice.js';
import { suggestionRest } from '../protocols/walk.js';
import { composerCancelled } from './composer-slice.js';
import { MASK } from '../protocols/secrets.js';
import { canSend, noEffects, notSentReason, type Conn, type Effect, type SessionState, type Step } from './state.js';

/** Keys that scroll our own pane; in character mode only their shifted forms (the plain ones go to the peer). */
export const LOCAL_SCROLL: Partial<Record<KeyCommand, ScrollAction['type']>> = {
  'scroll-page-up': 'pageUp',
  'scroll-page-down': 'pageDown',
  'scroll-top': 'top',
  'scroll-bottom': 'bottom',
};

export const INTERRUPT_HINT = 'Ctrl+C clears the line here; to leave: Ctrl+] then quit. To send ^C: mode char.';

function withEditor(state: SessionState, editor: LineEditorState): Step {
  return noEffects({ ...state, editor, hint: null });
}

export function lineInput(state: SessionState, event: InputEvent, now = 0): Step {
  if (state.search) return searchInput(state, state.search, event, (s, e) => lineInput(s, e, now));
  switch (event.type) {
    case 'text':
      return withEditor(state, lineEditorReducer(state.editor, { type: 'insert', text: event.text }));
    case 'paste':
      return paste(state, event.text, now);
    case 'focus':
    case 'unknown':
      return noEffects(state);
    case 'key':
      break;
  }
  const command = lookup(event);
  if (command === 'escape-menu') return openMenu(state);
  const scroll = command ? LOCAL_SCROLL[command] : undefined;
  if (scroll) return { state, effects: [{ type: 'scroll', action: { type: scroll } as ScrollAction }] };
  switch (command) {
    case 'submit':
      return submit(state, now);
    case 'history-search':
      return startSearch(state);
    case 'take-suggestion':
      return takeSuggestion(state);
    case 'cursor-right':
      // Right at the end of the line takes the suggestion, as in fish and zsh.
      if (state.editor.cursor === state.editor.text.length && suggestionRest(nextStep(state), state.editor.text) !== null) return takeSuggestion(state);
      return withEditor(state, lineEditorReducer(state.editor, { type: command }));
    case 'interrupt':
      if (state.composer) return composerCancelled(state);
      return { state: { ...state, editor: lineEditorReducer(state.editor, { type: 'interrupt' }), hint: INTERRUPT_HINT }, effects: [] };
    case 'eof':
      if (state.editor.text !== '') return withEditor(state, lineEditorReducer(state.editor, { type: 'delete-forward' }));
      return halfClose(state);
    case 'clear-screen':
      return { state, effects: [{ type: 'clear' }] };
    case 'protocol-help':
      return noEffects(openPanel(state, 'help', null));
    case undefined:
      return noEffects(state);
    default:
      if (isEditorCommand(command)) return withEditor(state, lineEditorReducer(state.editor, { type: command }));
      return noEffects(state);
  }
}

/** The suggested step into the line, to edit or send: never sent by itself. */
function takeSuggestion(state: SessionState): Step {
  const rest = suggestionRest(nextStep(state), state.editor.text);
  if (rest === null) return noEffects(state);
  const editor = lineEditorReducer(lineEditorReducer(state.editor, { type: 'cursor-end' }), { type: 'insert', text: rest });
  return withEditor(state, editor);
}

const COMPOSER_BUSY = 'A composer is sending: your line waits in the editor. Ctrl+C stops the composer.';

function submit(state: SessionState, now: number): Step {
  if (state.composer) return noEffects({ ...state, hint: COMPOSER_BUSY });
  // A line can hold line breaks only from a paste that was refused and put back whole (held too,
  // when long): each is its own line on the wire, never a bare LF inside one. One search, at Enter.
  const text = state.editor.text;
  const typed = /[\r\n]/.test(text) ? text.split(/\r\n|\r|\n/) : [text];
  // The paste's own last line break was its Enter: this Enter ends that line, not one more after it.
  if (typed.length > 1 && typed.at(-1) === '') typed.pop();
  // Held text larger than the send queue's room: what fits goes, the rest stays for the next Enter.
  const fit = linesThatFit(state, typed);
  if (fit > 0 && fit < typed.length) return submitPart(state, typed, fit, now);
  const r = sendTyped(state, typed, now);
  // Refused (a character the encoding lacks, a full queue): the line stays in the editor to be mended.
  if (!r.ok) return { state: { ...state, hint: null }, effects: r.effects };
  // The history keeps the line as typed (a tag would be stale on recall), its secret masked.
  const editor = keptMasked(lineEditorReducer(state.editor, { type: 'submit' }), text, shownLines(state, typed).lines.join('\n'));
  return { state: { ...r.state, editor, hint: null }, effects: r.effects };
}

/** Lines as typed, sent: the helper's only change to them is an IMAP command's missing tag. */
function sendTyped(state: SessionState, typed: readonly string[], now: number): LinesOutcome {
  const tagged = helperSends(state, typed, now);
  return sendLines({ ...state, helper: tagged.helper }, tagged.lines);
}

/** The first `fit` lines of held text go; the rest is the editor's text, said with what to do. */
function submitPart(state: SessionState, typed: string[], fit: number, now: number): Step {
  const r = sendTyped(state, typed.slice(0, fit), now);
  if (!r.ok) return { state: { ...state, hint: null }, effects: r.effects };
  const rest = typed.length - fit;
  const editor = lineEditorReducer(lineEditorReducer(state.editor, { type: 'interrupt' }), { type: 'insert', text: typed.slice(fit).join('\n') });
  const said: Effect = { type: 'info', lines: [`Sent ${fit} of ${typed.length} lines: ${rest} more wait in the editor for the send queue to go down. Enter sends the next part.`] };
  return { state: { ...r.state, editor, hint: null }, effects: [...r.effects, said] };
}

/**
 * A multi-line paste sends each complete line in order with the line ending in force; what
 * follows the last newline stays in the editor, as a terminal would leave it.
 */
function paste(state: SessionState, text: string, now: number): Step {
  const parts = text.split(/\r\n|\r|\n/);
  if (parts.length === 1) return withEditor(state, lineEditorReducer(state.editor, { type: 'insert', text }));
  // The editor holds a part of this paste already, put back (refused): the rest joins it there,
  // so nothing of it goes before what came first. Enter sends it all, in order.
  if (/[\r\n]/.test(state.editor.text)) return withEditor(state, lineEditorReducer(state.editor, { type: 'insert', text }));
  const first = lineEditorReducer(state.editor, { type: 'insert', text: parts[0]! });
  if (state.composer) return noEffects({ ...state, editor: lineEditorReducer(state.editor, { type: 'insert', text }), hint: COMPOSER_BUSY });
  const r = sendTyped(state, [first.text, ...parts.slice(1, -1)], now);
  if (!r.ok) {
    // Nothing goes: the whole paste stays in the editor, as typed, to be mended.
    return { state: { ...state, editor: lineEditorReducer(state.editor, { type: 'insert', text }), hint: null }, effects: r.effects };
  }
  let editor = keptMasked(lineEditorReducer(first, { type: 'submit' }), first.text, shownLines(state, [first.text]).lines[0]!);
  editor = lineEditorReducer(editor, { type: 'insert', text: parts.at(-1)! });
  return { state: { ...r.state, editor, hint: null }, effects: r.effects };
}

/** The history keeps a line as shown: a secret typed in it is not saved (Up gives the mask). */
function keptMasked(editor: LineEditorState, sent: string, shown: string): LineEditorState {
  if (shown === sent) return editor;
  // Nothing of the state keeps the secret: not the history, not the line just submitted. The
  // history keeps the line up to its secret ("PASS "), so Up leaves it ready for a password, not
  // a mask that would go as one; a line that was all secret (an AUTH answer) is not kept.
  const at = shown.indexOf(MASK);
  const kept = at <= 0 ? null : shown.slice(0, at);
  const rest = editor.history.at(-1) === sent ? editor.history.slice(0, -1) : editor.history;
  const history = kept === null || rest.at(-1) === kept ? rest : [...rest, kept];
  return { ...editor, history, historyIndex: history.length, submitted: editor.submitted === sent ? shown : editor.submitted };
}

export function halfClose(state: SessionState): Step {
  if (!canSend(state)) return { state, effects: [{ type: 'info', lines: [`Nothing to close (${notSentReason(state)}).`] }] };
  const c = state.conn as Extract<Conn, { phase: 'connected' }>;
  const words = c.peerEof ? 'Sent EOF (half-close): both sides are done.' : 'Sent EOF (half-close): the peer may still answer.';
  return {
    state: { ...state, conn: { ...c, localEof: true } },
    effects: [{ type: 'send-eof' }, { type: 'info', lines: [words] }],
  };
}
