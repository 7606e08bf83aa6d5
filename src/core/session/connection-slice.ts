// The connection's family of actions: where the connection is, what it said first, and the lines
// queued while it was not up yet. Every outcome is said once in the pane, in the same words as the
// status bar.

import type { Outcome } from '../outcome.js';
import { formatHostPort } from '../target.js';
import { tlsSummary, type TlsReport } from '../tls.js';
import { afterUpgrade } from '../starttls.js';
import { afterTls, helperForConnection, helperListens, helperReads } from './helper-slice.js';
import { composerAnswers, composerLost } from './composer-slice.js';
import { httpEnded } from '../protocols/walk.js';
import { NO_SECRETS_AHEAD, secretsAfterServer } from '../protocols/secrets.js';
import { lineEditorReducer } from '../line-editor.js';
import {
  noEffects,
  type ConnectionAction,
  type Effect,
  type SessionState,
  type Step,
} from './state.js';
import { sendLines } from './send.js';

export function connectionReducer(state: SessionState, action: ConnectionAction): Step {
  const step = connection(state, action);
  switch (action.type) {
    case 'connected': {
      // --terminal: the remote program gets the terminal as soon as there is one.
      const terminal: Effect[] = step.state.settings.mode === 'terminal' ? [{ type: 'terminal', on: true }] : [];
      const script: Effect[] = step.state.script.length > 0 ? [{ type: 'script-next' }] : [];
      return terminal.length || script.length ? { state: step.state, effects: [...step.effects, ...terminal, ...script] } : step;
    }
    case 'tls-up':
      // -c: the commands go on once TLS is up.
      return step.state.script.length > 0 ? { state: step.state, effects: [...step.effects, { type: 'script-next' }] } : step;
    case 'starttls-failed': {
      // What was to follow the upgrade assumed TLS: an AUTH must not go in plain text instead.
      const s = step.state;
      if (s.script.length === 0 && !s.composer) return step;
      const stopped = then(step, composerLost(s, 'STARTTLS failed'));
      return { state: { ...stopped.state, script: [], lastRun: { ok: false, name: 'starttls', what: 'STARTTLS' } }, effects: [...stopped.effects, ...(s.script.length ? [{ type: 'info' as const, lines: [`The -c commands after it are not run: ${s.script.length} left.`] }] : [])] };
    }
    case 'peer-eof':
      return then(step, composerLost(step.state, 'the server closed its side of the connection'));
    case 'closed': {
      const lost = then(step, composerLost(step.state, 'the connection closed'));
      // The remote program is gone: porthole's screen comes back, to say how it ended.
      if (lost.state.settings.mode !== 'terminal') return lost;
      return { state: { ...lost.state, settings: { ...lost.state.settings, mode: 'line', echo: true } }, effects: [{ type: 'terminal', on: false }, ...lost.effects] };
    }
    default:
      return step;
  }
}

/** One step after another: the second's state, both steps' effects in order. */
function then(first: Step, second: Step): Step {
  return second.effects.length === 0 && second.state === first.state ? first : { state: second.state, effects: [...first.effects, ...second.effects] };
}

function connection(state: SessionState, action: ConnectionAction): Step {
  switch (action.type) {
    case 'resolving':
      // A connect to somewhere else: what was typed for the last one must not go to this one.
      return {
        state: { ...state, pending: [], tls: null, upgrading: false, secrets: NO_SECRETS_AHEAD, composer: null, conn: { phase: 'resolving', target: action.target, since: action.now } },
        effects: dropPending(state, 'a new connection was opened'),
      };
    case 'trying':
      return noEffects({ ...state, conn: { phase: 'trying', target: state.conn.target, address: action.address, since: action.now } });
    case 'attempt':
      return {
        state,
        effects: action.attempt.outcome.kind === 'open' ? [] : [{ type: 'info', lines: [`Trying ${action.attempt.address}... ${action.attempt.outcome.label}`] }],
      };
    case 'connected': {
      const next: SessionState = {
        ...state,
        pending: [],
        tls: action.tls,
        upgrading: action.upgrading ?? false,
        telnet: action.telnet ? { serverEcho: false } : null,
        helper: helperForConnection(state.settings.proto, state.conn.target.port),
        conn: {
          phase: 'connected',
          target: state.conn.target,
          address: action.address,
          local: action.local,
          connectMs: action.connectMs,
          since: action.now,
          banner: null,
          heard: false,
          peerEof: null,
          localEof: false,
        },
      };
      // The handshake's summary, as s_client's but in one line; a certificate taken with -k, with its problems.
      const said: Effect[] = action.tls ? [{ type: 'info', lines: tlsNotes(action.tls) }] : [];
      // With --starttls, what was typed while connecting waits for TLS: it may hold an AUTH.
      if (next.upgrading) return { state: { ...next, pending: state.pending }, effects: said };
      return flushPending(next, state.pending, said);
    }
    case 'failed':
      return {
        state: { ...state, pending: [], tls: action.tls, conn: { phase: 'failed', target: state.conn.target, outcome: action.outcome, address: action.address, at: action.now } },
        effects: [
          { type: 'info', lines: outcomeLines(action.outcome, action.tls) },
          ...dropPending(state, action.outcome.label.toLowerCase()),
        ],
      };
    case 'peer-eof': {
      const c = state.conn;
      if (c.phase !== 'connected') return noEffects(state);
      // Not the end: a FIN says the peer stopped sending; it may still read (a half-close).
      const then = c.localEof
        ? 'Both sides are done; the connection closes.'
        : 'It may still read: what you send goes out. Ctrl+D (or send eof) ends our side; Ctrl+] then close or quit.';
      return {
        state: { ...state, conn: { ...c, peerEof: action.outcome } },
        effects: [{ type: 'info', lines: [`${action.outcome.label} (it sent FIN). ${then}`] }],
      };
    }
    case 'closed': {
      const c = state.conn;
      if (c.phase !== 'connected') return noEffects(state);
      const outcome = action.outcome ?? c.peerEof;
      // A FIN was said at peer-eof already; anything else ending the connection is said here.
      const effects: Effect[] = action.outcome && action.outcome !== c.peerEof ? [{ type: 'info', lines: [`${action.outcome.label}.`] }] : [];
      return {
        state: {
          ...state,
          conn: { phase: 'closed', target: c.target, outcome, address: c.address, at: action.now, duration: action.now - c.since, byUs: action.outcome === null },
        },
        effects,
      };
    }
    case 'starttls-began': {
      const how = action.protocol === 'auto' ? 'the protocol its greeting says' : action.protocol;
      return {
        state: { ...state, upgrading: true },
        effects: [{ type: 'info', lines: [how ? `STARTTLS: asking the server for TLS (${how}); what it sends after its go-ahead is discarded, never shown.` : 'STARTTLS: TLS now, without asking (the go-ahead came to a command you typed).'] }],
      };
    }
    case 'tls-up': {
      const after = action.protocol ? afterUpgrade(action.protocol, action.ehloName) : { note: null, offer: null };
      const lines = tlsNotes(action.tls);
      if (action.discarded > 0) {
        lines.push(`Discarded ${action.discarded} byte${action.discarded === 1 ? '' : 's'} the server sent after its go-ahead, before TLS: never shown, never trusted (the STARTTLS injection class, CVE-2011-0411).`);
      }
      if (after.note) lines.push(after.note);
      // The offer goes in the input line, only if nothing is being typed there (or waits to go).
      const editor = after.offer && state.editor.text === '' && state.pending.length === 0 ? lineEditorReducer(state.editor, { type: 'insert', text: after.offer }) : state.editor;
      // The conversation starts again over TLS: greeted already, the hello (and what it offered) to come.
      const lastRun = state.lastRun?.name === 'starttls' ? { ...state.lastRun, ok: true } : state.lastRun;
      const up: SessionState = { ...state, tls: action.tls, editor, upgrading: false, helper: afterTls(state.helper), pending: [], lastRun };
      // Lines typed while the upgrade ran go now, over TLS.
      return flushPending(up, state.pending, [{ type: 'info', lines }]);
    }
    case 'starttls-failed':
      return {
        // What was typed for TLS is not sent in plain text instead.
        state: { ...state, tls: action.tls ?? state.tls, upgrading: false, pending: [] },
        effects: [
          {
            type: 'info',
            lines: [...outcomeLines(action.outcome, action.tls), ...(action.closed ? [] : ['The connection goes on in plain text.'])],
          },
          ...dropPending(state, 'STARTTLS failed: it was typed to go over TLS'),
        ],
      };
    case 'telnet-echo': {
      if (!state.telnet || state.telnet.serverEcho === action.on) return noEffects(state);
      // In terminal mode the remote program has the terminal: its echo is its own business.
      if (state.settings.mode === 'terminal') return noEffects({ ...state, telnet: { serverEcho: action.on } });
      // As telnet does: the server's echo means character mode, each key sent as typed, nothing
      // shown but what the server shows (and what is typed not kept: it may be a password).
      const settings = action.on ? { ...state.settings, mode: 'char' as const, echo: false } : { ...state.settings, mode: 'line' as const, echo: true };
      const words = action.on
        ? 'The server echoes now: character mode, each key sent as typed and shown only as the server shows it (a password is not). Ctrl+] then mode line types lines again.'
        : 'The server stopped echoing: line mode, the line is edited here and sent on Enter.';
      return { state: { ...state, settings, telnet: { serverEcho: action.on } }, effects: [{ type: 'info', lines: [words] }] };
    }
    case 'telnet-log':
      return state.settings.options ? { state, effects: [{ type: 'info', lines: [action.text] }] } : noEffects(state);
    case 'http-answered': {
      const w = state.helper.walk;
      const next = w?.proto === 'http' ? { ...state, helper: { ...state.helper, walk: httpEnded(w) } } : state;
      // Code 0: the answer's end could not be known (not HTTP, broken framing): no success.
      return next.composer ? composerAnswers(next, [{ verb: 'RESPONSE', ok: action.code >= 100 && action.code < 400, goAhead: false, text: action.status }], action.now) : noEffects(next);
    }
    case 'peer-lines': {
      const c = state.conn;
      if (c.phase !== 'connected') return noEffects(state);
      let next = state;
      // A prompt for the next AUTH answer keeps its secrets coming; any other reply ends the exchange.
      if (state.secrets.lines > 0) {
        let secrets = state.secrets;
        for (const l of action.lines) secrets = secretsAfterServer(l.text, secrets);
        next = { ...next, secrets };
      }
      if (!c.heard) {
        const first = action.lines.find((l) => l.text.trim() !== '');
        // A first line that answers what we sent (an HTTP status line, an echo) is no banner.
        if (first) next = { ...next, conn: { ...c, heard: true, banner: action.unprompted ? first.text : null } };
      }
      if (!helperListens(next)) return noEffects(next);
      const now = action.now ?? 0;
      const read = helperReads(next, action.lines, action.unprompted, now);
      const answered = read.answers.length > 0 && read.state.composer ? composerAnswers(read.state, read.answers, now) : null;
      return answered ? { state: answered.state, effects: [...read.effects, ...answered.effects] } : { state: read.state, effects: read.effects };
    }
  }
}

/** A failure in the pane: what happened and what it means, then what to do. */
function outcomeLines(outcome: Outcome, tls: TlsReport | null): string[] {
  return [`${outcome.label}. ${outcome.meaning}`, `Next: ${outcome.next}${tls ? ' (`tls` in the prompt shows the chain.)' : ''}`];
}

function tlsNotes(tls: TlsReport): string[] {
  const lines = [`TLS: ${tlsSummary(tls)}`];
  for (const e of tls.errors) lines.push(`TLS problem: ${e.words}`);
  return lines;
}

/** Whether the reducer wants the peer's lines now: the controller feeds them only then. */
export function wantsPeerLines(state: SessionState): boolean {
  return state.conn.phase === 'connected' && (!state.conn.heard || helperListens(state) || state.secrets.lines > 0);
}

/** The user closed the connection or cancelled the connect: said in the pane, not an error. */
export function closeByUser(state: SessionState, now: number): Step {
  const c = state.conn;
  const where = formatHostPort(c.target.host, c.target.port);
  if (c.phase === 'resolving' || c.phase === 'trying') {
    return {
      state: { ...state, pending: [], conn: { phase: 'cancelled', target: c.target, at: now } },
      effects: [{ type: 'close' }, { type: 'info', lines: [`Cancelled connecting to ${where}.`] }, ...dropPending(state, 'cancelled')],
    };
  }
  if (c.phase === 'connected') {
    return { state, effects: [{ type: 'close' }, { type: 'info', lines: [`Closed the connection to ${where}.`] }] };
  }
  return noEffects(state);
}

/** Lines queued while connecting that will never go: said, never dropped silently. */
/** What was typed before the connection (or its TLS) was up goes now, in order, as if typed now. */
function flushPending(next: SessionState, pending: SessionState['pending'], said: Effect[]): Step {
  if (pending.length === 0) return { state: next, effects: said };
  // Its secrets are counted afresh from the first line: the queue's count was for its notes.
  const r = sendLines({ ...next, secrets: NO_SECRETS_AHEAD }, pending.map((p) => p.text));
  return r.ok ? { state: r.state, effects: [...said, ...r.effects] } : { state: next, effects: [...said, ...r.effects, ...dropPending({ ...next, pending }, 'not sendable')] };
}

function dropPending(state: SessionState, why: string): Effect[] {
  if (state.pending.length === 0) return [];
  const n = state.pending.length;
  const shown = state.pending.map((p) => p.shown).join(' | ');
  return [{ type: 'info', lines: [`Not sent (${why}): ${n === 1 ? 'the line' : `${n} lines`} typed while ${state.upgrading ? 'TLS was not up yet' : 'connecting'}: ${shown}`], code: 'PH_NOT_SENT' }];
}
