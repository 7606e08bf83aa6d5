// The protocol helper of the session: which one (named, the port's, or the banner's), and what it
// says of the server's replies. SMTP's replies are explained in one line beneath them and an EHLO
// reply's capabilities listed in words; the other helpers are named and their guidance comes next.
// Everything the user types still goes as typed: a helper only adds words of porthole's own.

import { protoForBanner, protoForPort, type ProtoName } from '../protocols/choose.js';
import { EMPTY_REPLY, ehloCapabilities, explainReply, pushReplyLine, type ReplyInProgress } from '../protocols/smtp.js';
import { imapTag, needsTag } from '../protocols/imap.js';
import { afterHeaders, explainStatus, statusLine } from '../protocols/http.js';
import type { Effect, PeerLine, SessionState, Step } from './state.js';

export interface Helper {
  /** The helper in force; null until the banner has told (auto on a port that does not). */
  proto: ProtoName | null;
  /** SMTP: the reply being assembled. */
  smtp: ReplyInProgress;
  /** IMAP: the number of the next tag given; whether the server waits for a literal's data. */
  imap: { next: number; continuation: boolean };
  /** HTTP: inside an answer's headers (after its status line), its version and Connection header. */
  http: { version: string; connection: string | null } | null;
}

const IMAP_START = { next: 1, continuation: false };

export const NO_HELPER: Helper = { proto: null, smtp: EMPTY_REPLY, imap: IMAP_START, http: null };

/** Most of the server's lines a helper reads in one go: a flood is no dialogue. */
const MAX_LINES_READ = 200;

/** A new connection: the helper asked for, else the port's; the banner may tell later. */
export function helperForConnection(asked: ProtoName | 'auto', port: number): Helper {
  return { proto: asked !== 'auto' ? asked : protoForPort(port), smtp: EMPTY_REPLY, imap: IMAP_START, http: null };
}

/** The helper asked for now (`proto NAME`), for the connection there is. */
export function helperAsked(state: SessionState, asked: ProtoName | 'auto'): Helper {
  const c = state.conn;
  if (asked !== 'auto') return { ...state.helper, proto: asked, smtp: EMPTY_REPLY };
  const banner = c.phase === 'connected' ? c.banner : null;
  return { ...state.helper, proto: protoForPort(c.target.port) ?? (banner !== null ? protoForBanner(banner) : null), smtp: EMPTY_REPLY };
}

/** HTTP: a status line explained, and where its headers end, what becomes of the connection. */
function readHttp(state: SessionState, helper: Helper, lines: readonly PeerLine[]): Step {
  const effects: Effect[] = [];
  let http = helper.http;
  for (const line of lines.length > MAX_LINES_READ ? lines.slice(-MAX_LINES_READ) : lines) {
    const status = http === null ? statusLine(line.text) : null;
    if (status) {
      http = { version: status.version, connection: null };
      const words = explainStatus(status.code);
      if (words) effects.push({ type: 'info', lines: [`\u21b3 ${words}`] });
      continue;
    }
    if (http === null) continue;
    if (line.text === '') {
      effects.push({ type: 'info', lines: [`\u21b3 ${afterHeaders(http.version, http.connection)}`] });
      http = null;
      continue;
    }
    const connection = /^Connection:\s*(.*)$/i.exec(line.text);
    if (connection) http = { ...http, connection: connection[1]! };
  }
  return { state: { ...state, helper: { ...helper, http } }, effects };
}

/**
 * The lines the user typed, as the helper sends them: IMAP commands typed without a tag get the
 * next one. Returns the lines to send and the helper after them.
 */
export function helperTags(state: SessionState, lines: readonly string[]): { lines: string[]; helper: Helper } {
  const h = state.helper;
  if (h.proto !== 'imap' || h.imap.continuation || state.conn.phase !== 'connected') return { lines: [...lines], helper: h };
  let next = h.imap.next;
  const out = lines.map((l) => (needsTag(l) ? `${imapTag(next++)} ${l.trimStart()}` : l));
  return { lines: out, helper: next === h.imap.next ? h : { ...h, imap: { ...h.imap, next } } };
}

/** Whether the helper reads the server's lines now. */
export function helperListens(state: SessionState): boolean {
  return state.conn.phase === 'connected' && state.helper.proto !== 'none';
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
  for (const line of lines.length > MAX_LINES_READ ? lines.slice(-MAX_LINES_READ) : lines) {
    const step = pushReplyLine(reply, line.text);
    reply = step.next;
    if (!step.reply) continue;
    const words = [explainReply(step.reply), ehloCapabilities(step.reply)].filter((w): w is string => w !== null);
    if (words.length) effects.push({ type: 'info', lines: words.map((w) => `\u21b3 ${w}`) });
  }
  return { state: { ...state, helper: { ...helper, smtp: reply } }, effects };
}
