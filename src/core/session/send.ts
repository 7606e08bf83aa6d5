// Sending what the user typed: encoded in the session's character set (refused, not mangled, when
// the set lacks a character), with the line ending in force, or queued while connecting. Nothing
// typed is dropped without a word.

import { LINE_ENDINGS } from '../codec.js';
import { encodeText } from '../pipeline.js';
import { maskSent } from '../protocols/secrets.js';
import { formatBytes } from '../status.js';
import { inData } from './helper-slice.js';
import { canSend, isConnecting, notSentReason, SEND_QUEUE_CAP, type Effect, type SentDisplay, type SessionState } from './state.js';

export function sendEffect(bytes: Uint8Array, display: SentDisplay): Effect {
  return { type: 'send', bytes, display };
}

export type LinesOutcome =
  /** Sent (or queued); the editor may move on. */
  | { ok: true; state: SessionState; effects: Effect[] }
  /** Refused: nothing went out, the line stays where it is to be mended. */
  | { ok: false; effects: Effect[] };

/**
 * Lines the user sends: each with the line ending in force, in order. While connecting they are
 * queued and go on connect; otherwise, when nothing can take them, they are said not sent.
 */
export function sendLines(state: SessionState, lines: readonly string[]): LinesOutcome {
  const { encoding, lineEnding, echo } = state.settings;
  const encoded: Uint8Array[] = [];
  for (const line of lines) {
    const e = encodeText(line + LINE_ENDINGS[lineEnding], encoding);
    if (!e.ok) return { ok: false, effects: [unencodable(e.char, encoding)] };
    encoded.push(e.bytes);
  }
  // What may be shown and kept of each line: its secret masked (PASS, LOGIN, AUTH and its answers).
  const shown = shownLines(state, lines);
  const size = encoded.reduce((n, e) => n + e.length, 0);
  // While connecting, or while a STARTTLS runs (a line may hold an AUTH meant for TLS): queued.
  if (isConnecting(state) || state.upgrading) {
    // Kept with what may be shown of it: a line never sent is said, masked.
    const waiting = state.pending.reduce((n, p) => n + p.bytes, 0);
    if (waiting + size > SEND_QUEUE_CAP) return { ok: false, effects: [queueFull(waiting, size, 'until the connection is up')] };
    const queued = lines.map((text, i) => ({ text, shown: shown.lines[i]!, bytes: encoded[i]!.length }));
    const total = state.pending.length + queued.length;
    const until = state.upgrading && !isConnecting(state) ? 'TLS is up' : 'connected';
    return {
      ok: true,
      state: { ...state, pending: [...state.pending, ...queued], secrets: shown.ahead },
      effects: [{ type: 'info', lines: shown.lines.map((l) => `Queued until ${until} (${total} pending): ${l}`) }],
    };
  }
  if (!canSend(state)) {
    const what = lines.length === 1 ? shown.lines[0] : `${lines.length} lines`;
    return {
      ok: true,
      state,
      effects: [{ type: 'info', lines: [`Not sent (${notSentReason(state)}): ${what}. Ctrl+] then reconnect, open HOST PORT or quit.`], code: 'PH_NOT_SENT' }],
    };
  }
  if (state.sendQueued + size > SEND_QUEUE_CAP) return { ok: false, effects: [queueFull(state.sendQueued, size, 'for a peer that is not reading')] };
  return {
    ok: true,
    state: { ...state, secrets: shown.ahead },
    effects: lines.map((text, i) => sendEffect(encoded[i]!, { text: shown.lines[i]!, eol: lineEnding, echo, ...(shown.lines[i] !== text ? { masked: true } : {}) })),
  };
}

/**
 * How many of these lines, from the first, the send queue takes now: held text (a paste put back
 * in the editor) larger than the room left goes a part at a time. All of them while connecting,
 * or when one cannot be encoded: sendLines says why then.
 */
export function linesThatFit(state: SessionState, lines: readonly string[]): number {
  if (isConnecting(state) || state.upgrading || !canSend(state)) return lines.length;
  const eol = LINE_ENDINGS[state.settings.lineEnding];
  let room = SEND_QUEUE_CAP - state.sendQueued;
  for (let i = 0; i < lines.length; i++) {
    const e = encodeText(lines[i]! + eol, state.settings.encoding);
    if (!e.ok) return lines.length;
    room -= e.bytes.length;
    if (room < 0) return i;
  }
  return lines.length;
}

/** The lines as they may be shown, in order, and what the AUTH exchange expects after them. */
export function shownLines(state: SessionState, lines: readonly string[]): { lines: string[]; ahead: SessionState['secrets'] } {
  // A message body (SMTP DATA) is sent and shown as typed: "pass the salt" is no password.
  if (inData(state.helper)) return { lines: [...lines], ahead: state.secrets };
  let ahead = state.secrets;
  const out: string[] = [];
  for (const line of lines) {
    const m = maskSent(line, ahead);
    out.push(m.shown);
    ahead = m.ahead;
  }
  return { lines: out, ahead };
}

/** Text sent as typed (character mode): refused whole when the encoding lacks a character. */
export function sendText(state: SessionState, text: string, display: string = text, masked = false): Effect[] {
  const e = encodeText(text, state.settings.encoding);
  if (!e.ok) return [unencodable(e.char, state.settings.encoding)];
  if (state.sendQueued + e.bytes.length > SEND_QUEUE_CAP) return [queueFull(state.sendQueued, e.bytes.length, 'for a peer that is not reading', 'Nothing of it went: send it again once the queue (status bar) is lower.')];
  return [sendEffect(e.bytes, { text: display, eol: null, echo: false, ...(masked ? { masked: true } : {}) })];
}

/** Past the cap nothing of it goes (never half a paste): it waits where it was, to be sent later. */
function queueFull(waiting: number, size: number, why: string, then = 'It stays in the editor: Enter sends it once the queue (status bar) is lower.'): Effect {
  const already = waiting > 0 ? `${formatBytes(waiting)} already waits ${why}; ` : '';
  return {
    type: 'info',
    lines: [`Not sent: ${already}${formatBytes(size)} more would pass the ${formatBytes(SEND_QUEUE_CAP)} send queue. ${then} More than that: pipe it, porthole HOST PORT < FILE.`],
    code: 'PH_SEND_QUEUE_FULL',
  };
}

function unencodable(char: string, encoding: string): Effect {
  const code = `U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
  return {
    type: 'info',
    lines: [`Not sent: ${char} (${code}) has no byte in ${encoding}. Mend the line, or Ctrl+] set encoding utf-8, or send hex.`],
    code: 'PH_UNENCODABLE',
  };
}
