// The interactive session's state, actions and effects: the types every slice of the reducer
// shares. Effects are data: the controller (io) carries them out and reports back with actions.

import type { LineEnding } from '../codec.js';
import type { InputEvent } from '../key-decoder.js';
import type { Eol } from '../line-assembler.js';
import { createLineEditorState, type LineEditorState } from '../line-editor.js';
import type { SessionCode } from '../errors.js';
import { PortholeCode, type Attempt, type Outcome } from '../outcome.js';
import type { ScrollAction } from '../scrollback.js';
import type { TlsReport } from '../tls.js';
import type { StartTlsProtocol } from '../starttls.js';
import type { Panel } from './panel-slice.js';
import type { HistorySearch } from './search-slice.js';
import { HISTORY_LIMIT } from '../history.js';
import { NO_HELPER, type Helper } from './helper-slice.js';
import type { ProtoName } from '../protocols/choose.js';
import { NO_SECRETS_AHEAD, type SecretsAhead } from '../protocols/secrets.js';
import type { Compose, PlanStep } from '../protocols/compose.js';

export interface Settings {
  /**
   * line: edit locally, send on Enter; char: every key goes out as typed; terminal: the remote
   * program has the real terminal (its escape sequences pass), Ctrl+] comes back.
   */
  mode: 'line' | 'char' | 'terminal';
  lineEnding: LineEnding;
  encoding: string;
  /** Show what we send in the output pane. */
  echo: boolean;
  hex: boolean;
  timestamps: boolean;
  /** Show the peer's SGR colours (a safe subset) instead of marks. */
  colours: boolean;
  /** Show answers as they came: no helper's view (HTTP bodies unframed, POP3 un-stuffed). */
  raw: boolean;
  /** Telnet: show the option negotiation in the pane, as telnet's `toggle options`. */
  options: boolean;
  /** The protocol helper asked for: one by name, none, or auto (the port's, else the banner's). */
  proto: ProtoName | 'auto';
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
      /** The service's first line, when it spoke before we did (a banner); else null. */
      banner: string | null;
      /** The peer's first line has come (whether it was a banner or an answer). */
      heard: boolean;
      /** The peer sent FIN: it sends nothing more, but may still read what we send. */
      peerEof: Outcome | null;
      /** We sent FIN (send eof). */
      localEof: boolean;
    }
  | { phase: 'failed'; target: Target; outcome: Outcome; address: string | null; at: number }
  | { phase: 'closed'; target: Target; outcome: Outcome | null; address: string; at: number; duration: number; byUs: boolean }
  /** The user cancelled the connect (close while connecting): nothing was decided about the service. */
  | { phase: 'cancelled'; target: Target; at: number };

export interface Menu {
  editor: LineEditorState;
  /** A one-line answer to the last command (an error or a confirmation). */
  message: { text: string; error: boolean } | null;
  /** Completion candidates from the last Tab. */
  candidates: string[];
  /** `quit` was refused once because bytes were still queued: the next quit drops them. */
  confirmQuit: boolean;
}

/**
 * A line typed while the connection was not up yet, sent once it is: kept as text and encoded
 * then, with the settings in force then (a `set encoding` typed meanwhile applies to it).
 */
export interface PendingLine {
  text: string;
  /** As it may be shown: its secret masked. */
  shown: string;
  /** Its size on the wire when it was typed, for the send queue's bound. */
  bytes: number;
}

export interface SessionState {
  conn: Conn;
  settings: Settings;
  editor: LineEditorState;
  /** Lines typed while connecting, in order. */
  pending: PendingLine[];
  /**
   * Bytes accepted for the peer that it has not taken yet, as the controller read them when the
   * last key came: what is sent on top of them is bounded (SEND_QUEUE_CAP).
   */
  sendQueued: number;
  /** The Ctrl+] prompt when open. */
  menu: Menu | null;
  /** Ctrl+R's search of the history, while it is under way. */
  search: HistorySearch | null;
  /** Shown once when Ctrl+C is pressed in line mode: how to leave instead. */
  hint: string | null;
  /**
   * The TLS session of the connection, or of the last one tried: kept after a refused certificate
   * or a close, so `tls` shows what was seen. Null over plain TCP.
   */
  tls: TlsReport | null;
  /** A panel over the output pane (`tls`), or null. */
  panel: Panel | null;
  /** A STARTTLS is under way: another cannot begin until it ends. */
  upgrading: boolean;
  /** The protocol helper in force and what it has read. */
  helper: Helper;
  /** An AUTH exchange under way: its answers are secrets, masked wherever shown or kept. */
  secrets: SecretsAhead;
  /** A composer at work (`smtp send`, `imap login`...): its steps, or the password it asks for. */
  composer: ComposerRun | null;
  /** Prompt commands still to run (-c), each once the one before has ended. */
  script: string[];
  /** How the last composer ended: for -c's exit code. */
  lastRun: { ok: boolean; name: string; what: string } | null;
  /** This machine's name, for EHLO and Message-ID. */
  machine: string;
  /** The telnet protocol on this connection (port 23, --telnet), and whether the server echoes. */
  telnet: { serverEcho: boolean } | null;
}

export interface ComposerRun {
  spec: Compose;
  /** When it was asked for, on both clocks, and a unique token (the Message-ID's). */
  clock: { now: number; wall: number; unique: string };
  /** The steps still to go, after the one waited on. */
  steps: PlanStep[];
  /** The step whose answer is awaited. */
  waiting: PlanStep | null;
  /** The password being typed (masked), before any step goes. */
  asking: { prompt: string; editor: LineEditorState } | null;
}

/** What went out, as the user means it: the pane (with echo on) and the transcript show this. */
export interface SentDisplay {
  /** Visible text of what was sent: the line typed, or a key or bytes in words. */
  text: string;
  /** The line ending that went with it; null for a key or bytes that end no line. */
  eol: Eol | null;
  /** Shown in the pane only when echo is on (a line typed); a named send is always said. */
  echo: boolean;
  /** `text` masks a secret the bytes hold: the hex view shows the mask too, not the bytes. */
  masked?: boolean;
}

export type Effect =
  | { type: 'send'; bytes: Uint8Array; display: SentDisplay }
  | { type: 'send-eof' }
  | { type: 'connect'; target: Target }
  /** Close the connection or cancel the connect in progress. */
  | { type: 'close' }
  /**
   * Leave. Unless `force`, the controller first looks whether bytes are still queued for the peer
   * and, if so, answers with `quit-refused` instead (the second quit forces).
   */
  | { type: 'quit'; force: boolean }
  /** Stop the process (SIGTSTP) with the terminal given back, as telnet's z; fg resumes. */
  | { type: 'suspend' }
  /** Lines for the pane and the transcript; `code` when they say that something could not be done. */
  | { type: 'info'; lines: string[]; code?: SessionCode }
  | { type: 'scroll'; action: ScrollAction }
  | { type: 'clear' }
  | { type: 'log'; file: string | null }
  | { type: 'status' }
  | { type: 'set-encoding'; encoding: string }
  /** Upgrade the live connection: the protocol's STARTTLS (auto: the one detected), or now, at once. */
  | { type: 'starttls'; how: StartTlsProtocol | 'auto' | 'now' }
  /** A composer needs a file's text (--body-file, --data-file), or the clock and a unique token. */
  | { type: 'compose'; spec: Compose }
  /** The -c commands may go on: the controller answers with script-next (with the wall clock). */
  | { type: 'script-next' }
  /** Telnet: a command (IAC AYT, IAC IP...), as telnet's `send`. */
  | { type: 'telnet-command'; name: string }
  /** Terminal mode on (porthole's screen steps aside, the remote program gets the terminal) or off. */
  | { type: 'terminal'; on: boolean }
  /** A line for the lasting history of the target, its secret masked already (line-slice's keptMasked; reducer's remembered). */
  | { type: 'remember'; line: string };

/** A line the peer sent, as the line assembler ended it. */
export interface PeerLine {
  text: string;
  eol: Eol;
  /** Its length on the wire, line end included, when the reader needs it (IMAP's literals). */
  bytes?: number;
}

export type ConnectionAction =
  | { type: 'resolving'; target: Target; now: number }
  | { type: 'trying'; address: string; now: number }
  | { type: 'attempt'; attempt: Attempt }
  /**
   * `upgrading`: a STARTTLS begins at once (--starttls): nothing waiting on it goes before it ends.
   * `telnet`: the connection speaks telnet (port 23, --telnet).
   */
  | { type: 'connected'; address: string; local: string; connectMs: number; now: number; tls: TlsReport | null; upgrading?: boolean; telnet?: boolean }
  /** Telnet: the server took over echo (WILL ECHO, a password prompt) or gave it back. */
  | { type: 'telnet-echo'; on: boolean }
  /** Telnet: a negotiation step, for `toggle options`. */
  | { type: 'telnet-log'; text: string }
  | { type: 'failed'; outcome: Outcome; address: string | null; now: number; tls: TlsReport | null }
  | { type: 'peer-eof'; outcome: Outcome }
  | { type: 'closed'; outcome: Outcome | null; now: number }
  /** An HTTP answer ended, by its framing (the pane's view read it): a composer waiting on it goes on. */
  | { type: 'http-answered'; code: number; status: string; now: number }
  /** Lines the peer sent; `unprompted` while we had sent nothing yet on this connection. */
  | { type: 'peer-lines'; lines: PeerLine[]; unprompted: boolean; now?: number }
  /** STARTTLS began: `protocol` is asked (auto: told by the greeting; null: at once, no command sent). */
  | { type: 'starttls-began'; protocol: StartTlsProtocol | 'auto' | null }
  /** The connection is over TLS now (STARTTLS); `discarded`: bytes after the go-ahead, dropped. */
  | { type: 'tls-up'; tls: TlsReport; protocol: StartTlsProtocol | null; discarded: number; ehloName: string }
  /** STARTTLS did not happen; `closed`: the connection went with it (the handshake failed). */
  | { type: 'starttls-failed'; outcome: Outcome; tls: TlsReport | null; closed: boolean };

/** The controller's answers to effects. */
export type ControllerAction =
  /** A quit found bytes still queued for a peer that is not reading. */
  | { type: 'quit-refused'; queued: number }
  /** A composer's file was read (--body-file, --data-file): the composer, its text in place, goes. */
  | { type: 'compose'; spec: Compose; now: number; wall: number; unique: string }
  /** A composer's file could not be read. */
  | { type: 'compose-failed'; message: string }
  /** Run the next -c command, if any (the connection is up, or the last composer ended). */
  | { type: 'script-next'; now: number }
  /** The lasting history of the target just opened, for Up and Ctrl+R. */
  | { type: 'history-loaded'; entries: readonly string[] };

/** A key or paste; `sendQueued`: the bytes still queued for the peer at that moment (0 when unsaid). */
export type SessionAction = { type: 'input'; event: InputEvent; now: number; sendQueued?: number } | ConnectionAction | ControllerAction;

export interface Step {
  state: SessionState;
  effects: Effect[];
}

/**
 * What may wait for a peer that is not reading, typed and pasted together: a paste of a few
 * megabytes goes whole, and memory stays bounded however much more is pasted on top of it.
 */
export const SEND_QUEUE_CAP = 16 * 1024 * 1024;

export const DEFAULT_SETTINGS: Settings = {
  mode: 'line',
  lineEnding: 'crlf',
  encoding: 'utf-8',
  echo: true,
  hex: false,
  timestamps: false,
  colours: false,
  raw: false,
  options: false,
  proto: 'auto',
};

export function initialSessionState(target: Target, settings: Settings, history: readonly string[] = [], now = 0): SessionState {
  return {
    conn: { phase: 'resolving', target, since: now },
    settings,
    editor: createLineEditorState({ history, historyLimit: HISTORY_LIMIT }),
    pending: [],
    sendQueued: 0,
    menu: null,
    search: null,
    hint: null,
    tls: null,
    panel: null,
    upgrading: false,
    helper: NO_HELPER,
    secrets: NO_SECRETS_AHEAD,
    composer: null,
    script: [],
    lastRun: null,
    machine: 'localhost',
    telnet: null,
  };
}

export const noEffects = (state: SessionState): Step => ({ state, effects: [] });

/** Up and able to send: connected, and our sending side not closed. */
export function canSend(state: SessionState): boolean {
  return state.conn.phase === 'connected' && !state.conn.localEof;
}

/** Still on the way to a connection: what is typed now is queued. */
export function isConnecting(state: SessionState): boolean {
  return state.conn.phase === 'resolving' || state.conn.phase === 'trying';
}

/** Why a line cannot go now, in words. */
export function notSentReason(state: SessionState): string {
  const c = state.conn;
  if (c.phase === 'connected') return 'our sending side is closed';
  if (c.phase === 'resolving' || c.phase === 'trying') return 'still connecting';
  return 'not connected';
}

/**
 * Exit code of a session, from its last connection: 0 when it connected and ended normally or
 * the peer closed it, the failure's code when it never connected, 7 when it was reset. A reset
 * that answered what we sent after the peer's own FIN is a normal end too: it had closed.
 */
export function sessionExitCode(state: SessionState): number {
  const c = state.conn;
  if (c.phase === 'failed') return c.outcome.exit;
  if (c.phase === 'closed' && c.outcome?.kind === 'reset-by-peer' && c.outcome.code !== PortholeCode.refusedAfterClose) return c.outcome.exit;
  // TLS that failed on a live connection (a STARTTLS refused for its certificate, a TLS 1.3 server's
  // alert after the handshake) is a TLS failure however the session ended.
  if (c.phase === 'closed' && c.outcome?.kind === 'tls-failure') return c.outcome.exit;
  return 0;
}
