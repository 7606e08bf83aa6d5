// The protocol helper of the session: which one (named, the port's, or the banner's), what it
// says of the server's replies, and where the conversation stands (its walk: the next step to
// suggest, the answers a composer waits on). SMTP's replies are explained in one line beneath them
// and an EHLO reply's capabilities listed in words; IMAP's tagged answers say their elapsed time.
// Everything the user types still goes as typed: a helper only adds words of porthole's own, and
// the tag of an IMAP command typed without one.

import { protoForBanner, protoForPort, type ProtoName } from '../protocols/choose.js';
import { EMPTY_REPLY, ehloCapabilities, explainReply, pushReplyLine, type ReplyInProgress } from '../protocols/smtp.js';
import { imapTag, needsTag } from '../protocols/imap.js';
import { afterHeaders, explainStatus, statusLine, type HeadersSeen } from '../protocols/http.js';
import { canSend, type Effect, type PeerLine, type SessionState, type Step } from './state.js';
import {
  httpAnswered,
  httpSent,
  imapLines,
  imapSent,
  newWalk,
  pop3Lines,
  pop3Sent,
  smtpReply,
  smtpSent,
  suggest,
  suggestionRest,
  type Answer,
  type Suggestion,
  type Walk,
} from '../protocols/walk.js';
import { formatHostPort } from '../target.js';

export interface Helper {
  /** The helper in force; null until the banner has told (auto on a port that does not). */
  proto: ProtoName | null;
  /** SMTP: the reply being assembled. */
  smtp: ReplyInProgress;
  /** IMAP: the number of the next tag given; whether the server waits for a literal's data. */
  imap: { next: number; continuation: boolean };
  /** HTTP: inside an answer's headers (after its status line): what they have said so far. */
  http: HeadersSeen | null;
  /** Where the conversation stands, for the next step and for composers; null without a helper. */
  walk: Walk | null;
}

/** SMTP: between a 354 and the lone ".": what is typed is the message, sent and shown as is. */
export function inData(h: Helper): boolean {
  return h.walk?.proto === 'smtp' && h.walk.data !== null;
}

const IMAP_START = { next: 1, continuation: false };

export const NO_HELPER: Helper = { proto: null, smtp: EMPTY_REPLY, imap: IMAP_START, http: null, walk: null };

function withProto(proto: ProtoName | null): Helper {
  return { ...NO_HELPER, proto, walk: newWalk(proto) };
}

/** Most of the server's lines a helper reads in one go: a flood is no dialogue. */
const MAX_LINES_READ = 200;

/** A new connection: the helper asked for, else the port's; the banner may tell later. */
export function helperForConnection(asked: ProtoName | 'auto', port: number): Helper {
  return withProto(asked !== 'auto' ? asked : protoForPort(port));
}

/** The helper asked for now (`proto NAME`), for the connection there is. */
export function helperAsked(state: SessionState, asked: ProtoName | 'auto'): Helper {
  const c = state.conn;
  // A fresh helper: nothing the last one read carries over (a tag count, headers, a DATA).
  const banner = c.phase === 'connected' ? c.banner : null;
  const h = withProto(asked !== 'auto' ? asked : (protoForPort(c.target.port) ?? (banner !== null ? protoForBanner(banner) : null)));
  // The greeting came already: a fresh walk starts after it.
  return c.phase === 'connected' && c.heard && banner !== null ? { ...h, walk: greeted(h.walk) } : h;
}

function greeted(w: Walk | null): Walk | null {
  if (w === null || w.proto === 'http') return w;
  return { ...w, greeted: true };
}

/** What the helper read: the state after, what it says, and the answers it matched to commands. */
export interface HelperRead extends Step {
  answers: Answer[];
}

/** HTTP: a status line explained, and where its headers end, what becomes of the connection. */
function readHttp(state: SessionState, helper: Helper, lines: readonly PeerLine[]): HelperRead {
  const effects: Effect[] = [];
  let walk = helper.walk;
  let http = helper.http;
  // The status line and the headers open a batch: its first lines, not its last.
  for (const line of lines.length > MAX_LINES_READ ? lines.slice(0, MAX_LINES_READ) : lines) {
    const status = http === null ? statusLine(line.text) : null;
    if (status) {
      http = { version: status.version, code: status.code, connection: null, framed: false };
      // An interim 1xx is no answer yet: the final one follows. (A composer waits for the whole
      // answer, body and all: the pane's view says when it has ended, by its framing.)
      if ((status.code >= 200 || status.code === 101) && walk?.proto === 'http') walk = httpAnswered(walk);
      const words = explainStatus(status.code);
      if (words) effects.push({ type: 'info', lines: [`\u21b3 ${words}`] });
      continue;
    }
    if (http === null) continue;
    if (line.text === '') {
      const words = afterHeaders(http);
      if (words) effects.push({ type: 'info', lines: [`\u21b3 ${words}`] });
      http = null;
      continue;
    }
    const connection = /^Connection:\s*(.*)$/i.exec(line.text);
    if (connection) http = { ...http, connection: connection[1]! };
    const idle = /^Keep-Alive:.*\btimeout=(\d+)/i.exec(line.text);
    if (idle) http = { ...http, idleS: Number(idle[1]) };
    if (/^(Content-Length:\s*\d|Transfer-Encoding:.*\bchunked\b)/i.test(line.text)) http = { ...http, framed: true };
  }
  return { state: { ...state, helper: { ...helper, http, walk } }, effects, answers: [] };
}

/**
 * The lines the user typed (or a composer sends), as the helper sends them: IMAP commands typed
 * without a tag get the next one, and the walk follows what was sent. Returns the lines to send
 * and the helper after them.
 */
export function helperSends(state: SessionState, lines: readonly string[], now = 0): { lines: string[]; helper: Helper } {
  const h = state.helper;
  if (!canSend(state) || h.walk === null) return { lines: [...lines], helper: h };
  let walk: Walk = h.walk;
  if (walk.proto !== 'imap') {
    for (const line of lines) {
      if (walk.proto === 'smtp') walk = smtpSent(walk, line);
      else if (walk.proto === 'http') walk = httpSent(walk, line);
      else if (walk.proto === 'pop3') walk = pop3Sent(walk, line);
    }
    return { lines: [...lines], helper: { ...h, walk } };
  }
  let { next, continuation } = h.imap;
  const out = lines.map((l) => {
    let line = l;
    const data = continuation;
    if (!continuation && needsTag(l)) line = `${imapTag(next++)} ${l.trimStart()}`;
    // A tag of the user's own in our series moves it on: never the same tag twice.
    const own = /^A(\d+)\s/i.exec(line);
    if (own) next = Math.max(next, Number(own[1]) + 1);
    // A literal's data follows a line that ends in {n} (after the server's "+") or {n+} (at once).
    if (/\{\d+\+?\}$/.test(line)) continuation = true;
    // A literal's data is no command: it answers nothing of its own.
    else if (data) continuation = false;
    if (!data && walk.proto === 'imap') walk = imapSent(walk, line, now);
    return line;
  });
  return { lines: out, helper: { ...h, imap: { next, continuation }, walk } };
}

/** Whether the helper reads the server's lines now. */
export function helperListens(state: SessionState): boolean {
  return state.conn.phase === 'connected' && state.helper.proto !== 'none';
}

/** The server's lines, as the helper in force reads them; `now` times IMAP's answers. */
export function helperReads(state: SessionState, lines: readonly PeerLine[], unprompted: boolean, now = 0): HelperRead {
  let helper = state.helper;
  if (helper.proto === null) {
    const first = lines.find((l) => l.text.trim() !== '');
    if (!first) return { state, effects: [], answers: [] };
    // The first words decide; an answer to what we sent first (HTTP) is no banner.
    // HTTP speaks only when spoken to: a status line answering what we sent says it.
    const proto = unprompted ? (protoForBanner(first.text) ?? 'none') : statusLine(first.text) ? 'http' : 'none';
    // The walk follows from here; what was sent before the helper knew is past, but for the
    // request this answers, whose end is still to come.
    helper = { ...helper, proto, walk: newWalk(proto) };
    if (helper.walk?.proto === 'http') helper = { ...helper, walk: { ...helper.walk, stage: 'waiting', outstanding: 1 } };
  }
  if (helper.proto === 'imap') return readImap(state, helper, lines, now);
  if (helper.proto === 'pop3') {
    if (helper.walk?.proto !== 'pop3') return { state: { ...state, helper }, effects: [], answers: [] };
    const r = pop3Lines(helper.walk, lines.map((l) => l.text));
    return { state: { ...state, helper: { ...helper, walk: r.walk } }, effects: [], answers: r.answers };
  }
  if (helper.proto === 'http') return readHttp(state, helper, lines);
  if (helper.proto !== 'smtp') return { state: { ...state, helper }, effects: [], answers: [] };
  const effects: Effect[] = [];
  const answers: Answer[] = [];
  let reply = helper.smtp;
  let walk = helper.walk;
  for (const line of lines.length > MAX_LINES_READ ? lines.slice(-MAX_LINES_READ) : lines) {
    const step = pushReplyLine(reply, line.text);
    reply = step.next;
    if (!step.reply) continue;
    if (walk?.proto === 'smtp') {
      const r = smtpReply(walk, step.reply);
      walk = r.walk;
      answers.push(r.answer);
    }
    const words = [explainReply(step.reply), ehloCapabilities(step.reply)].filter((w): w is string => w !== null);
    if (words.length) effects.push({ type: 'info', lines: words.map((w) => `\u21b3 ${w}`) });
  }
  return { state: { ...state, helper: { ...helper, smtp: reply, walk } }, effects, answers };
}

/** IMAP: a "+" asks for a literal's data; a tagged answer is matched to its command and timed. */
function readImap(state: SessionState, helper: Helper, lines: readonly PeerLine[], now: number): HelperRead {
  if (helper.walk?.proto !== 'imap') return { state: { ...state, helper }, effects: [], answers: [] };
  const r = imapLines(helper.walk, lines);
  // A "+" asks for a literal's data: what is typed next is data, not a command to tag.
  const imap = r.plus === null ? helper.imap : { ...helper.imap, continuation: r.plus };
  const effects: Effect[] = [];
  for (const a of r.answers) {
    if (a.tag === undefined || a.goAhead) continue;
    const ms = a.sentAt !== undefined && now >= a.sentAt ? ` in ${Math.round(now - a.sentAt)} ms` : '';
    const data = Object.entries(a.untagged ?? {});
    const untagged = data.length ? `; untagged: ${data.map(([k, n]) => `${n} ${k}`).join(', ')}` : '';
    effects.push({ type: 'info', lines: [`\u21b3 ${a.tag} ${a.verb}: ${a.ok ? 'done' : /^\S+ BAD/i.test(a.text) ? 'refused as malformed (BAD)' : 'refused (NO)'}${ms}${untagged}.`] });
  }
  return { state: { ...state, helper: { ...helper, imap, walk: r.walk } }, effects, answers: r.answers };
}

/** The Host header for the target: the port only when it is not the scheme's own. */
export function hostHeader(state: SessionState): string {
  const { host, port } = state.conn.target;
  const hostPort = formatHostPort(host, port);
  return port === (state.tls ? 443 : 80) ? hostPort.slice(0, hostPort.lastIndexOf(':')) : hostPort;
}

/** The next step to suggest in the input line, for the conversation so far; null when none. */
export function nextStep(state: SessionState): Suggestion | null {
  if (!canSend(state) || state.composer || state.editor.held !== null) return null;
  return suggest(state.helper.walk, { machine: state.machine, host: hostHeader(state), tls: state.tls !== null });
}

/** Over TLS now (STARTTLS): the greeting is past; SMTP's hello and its offers are to come again. */
export function afterTls(h: Helper): Helper {
  const w = h.walk;
  if (w === null || w.proto === 'http') return h;
  if (w.proto === 'smtp') return { ...h, smtp: EMPTY_REPLY, walk: { ...w, greeted: true, hello: false, starttls: false, auth: [], awaiting: [], authAnswer: false } };
  return { ...h, walk: { ...w, greeted: true, awaiting: [] } };
}

/**
 * What the input line shows after the cursor, dimmed, when the cursor is at the end: the rest of
 * the suggested step (empty when the line is the whole of it, or it has no text), and a note of
 * what to do. Made safe by the caller: a suggestion may hold what the user typed earlier (an
 * address) or the target's name.
 */
export function suggestionShown(state: SessionState): { rest: string; note: string | null } | null {
  const e = state.editor;
  if (e.cursor !== e.text.length) return null;
  const s = nextStep(state);
  if (!s) return null;
  const rest = suggestionRest(s, e.text);
  // The note goes with an empty line, or with the suggestion it explains.
  const note = s.note && (e.text === '' || rest !== null) ? s.note : null;
  if (rest === null && note === null) return null;
  return { rest: rest ?? '', note };
}
