// Keys in character mode: every key goes to the peer as the terminal sent it, Enter as the line
// ending in force; Ctrl+] still opens the prompt and the shifted scroll keys still scroll our pane.

import { LINE_ENDINGS } from '../codec.js';
import type { InputEvent, KeyEvent } from '../key-decoder.js';
import { formatKey, lookup } from '../key-bindings.js';
import type { ScrollAction } from '../scrollback.js';
import { LOCAL_SCROLL } from './line-slice.js';
import { openMenu } from './menu-slice.js';
import { sendEffect, sendText } from './send.js';
import { canSend, noEffects, notSentReason, type SessionState, type Step } from './state.js';

export function charInput(state: SessionState, event: InputEvent): Step {
  switch (event.type) {
    case 'text':
    case 'paste':
      return canSend(state) ? { state: sent(state), effects: typed(state, event.text) } : notSent(state);
    case 'focus':
    case 'unknown':
      return noEffects(state);
    case 'key':
      break;
  }
  const command = lookup(event);
  if (command === 'escape-menu') return openMenu(state);
  const scroll = command ? LOCAL_SCROLL[command] : undefined;
  if (event.shift && scroll) return { state, effects: [{ type: 'scroll', action: { type: scroll } as ScrollAction }] };
  if (!canSend(state)) return notSent(state);
  return { state: sent(state), effects: keyEffects(event, state) };
}

/**
 * Text typed as keys. While a telnet server echoes (a password prompt) it is shown only as the
 * server shows it: the transcript and the hex view get marks, never the keys.
 */
function typed(state: SessionState, text: string): ReturnType<typeof sendText> {
  // In terminal mode too: a password typed to a remote sudo is no business of the transcript's.
  if (!state.telnet?.serverEcho && state.settings.mode !== 'terminal') return sendText(state, text);
  return sendText(state, text, '*'.repeat(Array.from(text).length), true);
}

/**
 * Keys in terminal mode: as in character mode, Enter as the CR a terminal sends; Ctrl+] brings
 * porthole's screen back with the prompt open (Esc there returns to the remote program).
 */
export function terminalInput(state: SessionState, event: InputEvent): Step {
  if (event.type === 'key') {
    if (lookup(event) === 'escape-menu') {
      const opened = openMenu(state);
      return { state: opened.state, effects: [{ type: 'terminal', on: false }, ...opened.effects] };
    }
    if (event.name === 'enter' && !event.ctrl && !event.meta) {
      if (!canSend(state)) return notSent(state);
      return { state: sent(state), effects: [sendEffect(Uint8Array.of(0x0d), { text: '', eol: 'crlf', echo: false })] };
    }
    // Every other key is the program's, the scroll keys too (its screen is the terminal's).
    if (!canSend(state)) return notSent(state);
    return { state: sent(state), effects: keyEffects(event, state) };
  }
  return charInput(state, event);
}

/** A key went out: a "keys not sent" hint from before the connection is no longer true. */
function sent(state: SessionState): SessionState {
  return state.hint === null ? state : { ...state, hint: null };
}

/**
 * A key with nowhere to go: said in the status bar (once, not a line per key), since character
 * mode has no line to queue.
 */
function notSent(state: SessionState): Step {
  const hint = `Keys not sent (${notSentReason(state)}): character mode sends only to a live connection.`;
  return noEffects(state.hint === hint ? state : { ...state, hint });
}

/** What a key sends in character mode: the terminal's own sequence, Enter as the line ending. */
function keyEffects(event: KeyEvent, state: SessionState): ReturnType<typeof sendText> {
  const ending = state.settings.lineEnding;
  if (event.name === 'enter') return [sendEffect(Buffer.from(LINE_ENDINGS[ending], 'latin1'), { text: '', eol: ending, echo: false })];
  if (event.name === 'backspace') return [sendEffect(Uint8Array.of(0x7f), { text: '<Backspace>', eol: null, echo: false })];
  if (event.sequence === '') return [];
  // The transcript shows the key by name, not as the escape sequence it is on the wire.
  const named = event.sequence.length === 1 && !event.ctrl && !event.meta ? event.sequence : `<${formatKey(event)}>`;
  return sendText(state, event.sequence, named);
}
