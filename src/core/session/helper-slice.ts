// The protocol helper of the session: which one (named, the port's, or the banner's), and what it
// says of the server's replies. SMTP's replies are explained in one line beneath them and an EHLO
// reply's capabilities listed in words; the other helpers are named and their guidance comes next.
// Everything the user types still goes as typed: a helper only adds words of porthole's own.

import { protoForBanner, protoForPort, type ProtoName } from '../protocols/choose.js';
import { EMPTY_REPLY, ehloCapabilities, explainReply, pushReplyLine, type ReplyInProgress } from '../protocols/smtp.js';
import { imapTag, needsTag } from '../protocols/imap.js';
import { afterHeaders, explainStatus, statusLine, type HeadersSeen } from '../protocols/http.js';
import { canSend, type Effect, type PeerLine, type SessionState, type Step } from './state.js';

export interface Helper {
  /** The helper in force; null until the banner has told (auto on a port that does not). */
  proto: ProtoName | null;
  /** SMTP: the reply being assembled. */
  smtp: ReplyInProgress;
  /** SMTP: between a 354 and the lone ".": what is typed is the message, sent and shown as is. */
  data: boolean;
  /** IMAP: the number of the next tag given; whether the server waits for a literal's data. */
  imap: { next: number; continuation: boolean };
  /** HTTP: inside an answer's headers (after its status line): what they have said so far. */
  http: HeadersSeen | null;
}

const IMAP_START = { next: 1, continuation: false };

export const NO_HELPER: Helper = { proto: null, smtp: EMPTY_REPLY, data: false, imap: IMAP_START, http: null };

/** Most of the server's lines a helper reads in one go: a flood is no dialogue. */
const MAX_LINES_READ = 200;

/** A new connection: the helper asked for, else the port's; the banner may tell later. */
export function helperForConnection(asked: ProtoName | 'auto', port: number): Helper {
  return { ...NO_HELPER, proto: asked !== 'auto' ? asked : protoForPort(port) };
}

/** The helper asked for now (`proto NAME`), for the connection there is. */
export function helperAsked(state: SessionState, asked: ProtoName | 'auto'): Helper {
  const c = state.conn;
  // A fresh helper: nothing the last one read carries over (a tag count, headers, a DATA).
  if (asked !== 'auto') return { ...NO_HELPER, proto: asked };
  const banner = c.phase === 'connected' ? c.banner : null;
  return { ...NO_HELPER, proto: protoForPort(c.target.port) ?? (banner !== null ? protoForBanner(banner) : null) };
}

/** HTTP: a status line explained, and where its headers end, what becomes of the connection. */
function readHttp(state: SessionState, helper: Helper, lines: readonly PeerLine[]): Step {
  const effects: Effect[] = [];
  let http = helper.http;
  // The status line and the headers open a batch: its first lines, not its last.
  for (const line of lines.length > MAX_LINES_READ ? lines.slice(0, MAX_LINES_READ) : lines) {
    const status = http === null ? statusLine(line.text) : null;
    if (status) {
      http = { version: status.version, code: status.code, connection: null, framed: false };
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
    if (/^(Content-Length:\s*\d|Transfer-Encoding:.*\bchunked\b)/i.test(line.text)) http = { ...http, framed: true };
  }
  return { state: { ...state, helper: { ...helper, http } }, effects };
}

/**
 * The lines the user typed, as the helper sends them: IMAP commands typed without a tag get the
 * next one, and SMTP's lone "." ends the message. Returns the lines to send and the helper after them.
 */
export function helperSends(state: SessionState, lines: readonly string[]): { lines: string[]; helper: Helper } {
  let h = state.helper;
  // SMTP: the lone "." ends the message.
  if (h.proto === 'smtp' && h.data && lines.includes('.')) h = { ...h, data: false };
  if (h.proto !== 'imap' || !canSend(state)) return { lines: [...lines], helper: h };
  let { next, continuation } = h.imap;
  const out = lines.map((l) => {
    let line = l;
    if (!continuation && needsTag(l)) line = `${imapTag(next++)} ${l.trimStart()}`;
    // A tag of the user's own in our series moves it on: never the same tag twice.
    const own = /^A(\d+)\s/i.exec(line);
    if (own) next = Math.max(next, Number(own[1]) + 1);
    // A literal's data follows a line that ends in {n} (after the server's "+") or {n+} (at once).
    if (/\{\d+\+?\}$/.test(line)) continuation = true;
    return line;
  });
  return { lines: out, helper: { ...h, imap: { next, continuation } } };
}

/** Whether the helper reads the server's lines now. */
export function helperListens(state: SessionState): boolean {
  // The POP3 helper reads nothing yet: its lines (a 50 MB RETR) are not worth collecting.
  return state.conn.phase === 'connected' && state.helper.proto !== 'none' && state.helper.proto !== 'pop3';
}

/** The server's lines, as the helper in force reads them. */
export function helperReads(state: SessionState, lines: readonly PeerLine[], unprompted: boolean): Step {
  let helper = state.helper;
  if (helper.proto === null) {
    const first = lines.find((l) => l.text.trim() !== '');
    if (!first) return { state, effects: [] };
    // The first words decide; an answer to what we sent first (HTTP) is no banner.
    // HTTP speaks only when spoken to: a status line answering what we sent says it.
    helper = { ...helper, proto: unprompted ? (protoForBanner(first.text) ?? 'none') : statusLine(first.text) ? 'http' : 'none' };
  }
  if (helper.proto === 'imap') {
    // A "+" asks for a literal's data: what is typed next is data, not a command to tag.
    const last = lines.at(-1)?.text ?? '';
    return { state: { ...state, helper: { ...helper, imap: { ...helper.imap, continuation: /^\+(\s|$)/.test(last) } } }, effects: [] };
  }
  if (helper.proto === 'http') return readHttp(state, helper, lines);
  if (helper.proto !== 'smtp') return { state: { ...state, helper }, effects: [] };
  const effects: Effect[] = [];
  let reply = helper.smtp;
  let data = helper.data;
  for (const line of lines.length > MAX_LINES_READ ? lines.slice(-MAX_LINES_READ) : lines) {
    const step = pushReplyLine(reply, line.text);
    reply = step.next;
    if (!step.reply) continue;
    if (step.reply.code === 354) data = true;
    const words = [explainReply(step.reply), ehloCapabilities(step.reply)].filter((w): w is string => w !== null);
    if (words.length) effects.push({ type: 'info', lines: words.map((w) => `\u21b3 ${w}`) });
  }
  return { state: { ...state, helper: { ...helper, smtp: reply, data } }, effects };
}
