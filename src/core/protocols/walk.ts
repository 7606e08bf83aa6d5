// Where a hand-walked conversation stands: what the user has sent, what the server has answered,
// each answer matched to the command it answers. From it come the next step suggested in the input
// line and the answers a composer waits on. One small record per protocol; pure functions on it.

import type { SmtpReply } from './smtp.js';

/** A server's answer to one command, in the terms a composer waits on. */
export interface Answer {
  /** The command answered (its verb, upper case), or "greeting" for the server's first words. */
  verb: string;
  /** Success (2xx, +OK, tagged OK). */
  ok: boolean;
  /** A go-ahead that asks for more (SMTP's 334 and 354, POP3's and IMAP's "+"). */
  goAhead: boolean;
  /** The reply's first line, as the server said it. */
  text: string;
  /** IMAP: the tag answered, and when its command went (to say the elapsed time). */
  tag?: string;
  sentAt?: number;
  /** IMAP: the untagged data that came for it, by kind (FETCH: 3, EXISTS: 1). */
  untagged?: Readonly<Record<string, number>>;
}

export interface SmtpWalk {
  readonly proto: 'smtp';
  readonly greeted: boolean;
  /** EHLO or HELO answered with 250 (since the last STARTTLS). */
  readonly hello: boolean;
  readonly starttls: boolean;
  readonly auth: readonly string[];
  readonly authed: boolean;
  /** The envelope of the mail under way: the sender accepted, the recipients accepted. */
  readonly from: string | null;
  readonly to: readonly string[];
  /** Commands sent and not yet answered, oldest first (pipelining keeps the order). */
  readonly awaiting: readonly string[];
  /** The server waits for an AUTH answer: the next line sent is one, whatever its words. */
  readonly authAnswer: boolean;
  /** Inside DATA: lines of the message sent so far, and whether its headers have ended. */
  readonly data: { lines: number; body: boolean } | null;
  /** Mails the server has taken on this connection. */
  readonly sent: number;
}

export interface HttpWalk {
  readonly proto: 'http';
  /** request: a request line is next; headers: its headers are being typed; waiting: for the answer. */
  readonly stage: 'request' | 'headers' | 'waiting';
  readonly version: string;
  readonly host: boolean;
  /** Requests sent whose answers have not ended yet (the pane's view says when one ends). */
  readonly outstanding: number;
}

export interface Pop3Walk {
  readonly proto: 'pop3';
  readonly greeted: boolean;
  readonly user: boolean;
  readonly authed: boolean;
  readonly awaiting: readonly { verb: string; multi: boolean }[];
  /** Inside a multi-line answer (to its "." line). */
  readonly multi: boolean;
  readonly listed: boolean;
  readonly read: boolean;
  /** The server's "+" asked for an AUTH answer: the next line sent is one, not a command. */
  readonly saslAnswer: boolean;
}

export interface ImapWalk {
  readonly proto: 'imap';
  readonly greeted: boolean;
  readonly authed: boolean;
  readonly selected: boolean;
  readonly fetched: boolean;
  /** Commands sent and not answered, with the untagged data that came while each was the oldest. */
  readonly awaiting: readonly { tag: string; verb: string; at: number; untagged: Readonly<Record<string, number>> }[];
  /** Bytes still to come of a literal the server is sending: its lines are data, not replies. */
  readonly literal: number;
}

export type Walk = SmtpWalk | HttpWalk | Pop3Walk | ImapWalk;

export function newWalk(proto: string | null): Walk | null {
  switch (proto) {
    case 'smtp':
      return { proto, greeted: false, hello: false, starttls: false, auth: [], authed: false, from: null, to: [], awaiting: [], authAnswer: false, data: null, sent: 0 };
    case 'http':
      return { proto, stage: 'request', version: '1.1', host: false, outstanding: 0 };
    case 'pop3':
      return { proto, greeted: false, user: false, authed: false, awaiting: [], multi: false, listed: false, read: false, saslAnswer: false };
    case 'imap':
      return { proto, greeted: false, authed: false, selected: false, fetched: false, awaiting: [], literal: 0 };
    default:
      return null;
  }
}

const verbOf = (line: string): string => (/^\s*(\S+)/.exec(line)?.[1] ?? '').toUpperCase();
const addressOf = (line: string): string => /<([^>]*)>/.exec(line)?.[1] ?? line.replace(/^\s*\S+\s+(FROM|TO):?\s*/i, '').trim();

// --- SMTP ---

/** A line the user sent (after the helper's changes). */
export function smtpSent(w: SmtpWalk, line: string): SmtpWalk {
  if (w.data) {
    if (line === '.') return { ...w, data: null, awaiting: [...w.awaiting, '.'] };
    return { ...w, data: { lines: w.data.lines + 1, body: w.data.body || line === '' } };
  }
  if (w.authAnswer) return { ...w, authAnswer: false, awaiting: [...w.awaiting, 'AUTH'] };
  const verb = verbOf(line);
  if (verb === '') return w;
  // MAIL and RCPT carry their address with them, to be the envelope once accepted.
  const what = verb === 'MAIL' || verb === 'RCPT' ? `${verb} ${addressOf(line)}` : verb;
  return { ...w, awaiting: [...w.awaiting, what] };
}

/** An SMTP reply: the walk after it, and the answer it is. */
export function smtpReply(w: SmtpWalk, reply: SmtpReply): { walk: SmtpWalk; answer: Answer } {
  const [head, ...rest] = w.awaiting;
  // A reply with nothing awaited is the greeting (or a 421 the server says unasked).
  const what = head ?? (w.greeted ? 'UNASKED' : 'greeting');
  const awaiting = head === undefined ? w.awaiting : rest;
  const verb = what.split(' ')[0]!;
  const ok = reply.code >= 200 && reply.code < 300;
  const answer: Answer = { verb, ok, goAhead: reply.code >= 300 && reply.code < 400, text: `${reply.code} ${reply.lines.at(-1) ?? ''}`.trim() };
  let next: SmtpWalk = { ...w, awaiting };
  switch (verb) {
    case 'greeting':
      next = { ...next, greeted: reply.code === 220 };
      break;
    case 'EHLO':
    case 'HELO':
      if (ok) next = { ...next, hello: true, from: null, to: [], ...offers(verb === 'EHLO' ? reply.lines.slice(1) : []) };
      break;
    case 'STARTTLS':
      // After TLS the client greets again and the server says again what it offers.
      if (reply.code === 220) next = { ...next, hello: false, starttls: false, auth: [] };
      break;
    case 'AUTH':
      if (reply.code === 235) next = { ...next, authed: true };
      break;
    case 'MAIL':
      if (ok) next = { ...next, from: what.slice(5), to: [] };
      break;
    case 'RCPT':
      if (ok) next = { ...next, to: [...next.to, what.slice(5)] };
      break;
    case '.':
      next = { ...next, from: null, to: [], sent: ok ? next.sent + 1 : next.sent };
      break;
  }
  // Whatever it answers (a reply the walk did not see asked for): 354 opens the message, 334 asks
  // for an AUTH answer.
  if (reply.code === 354) next = { ...next, data: { lines: 0, body: false } };
  if (reply.code === 334) next = { ...next, authAnswer: true };
  switch (verb) {
    case 'RSET':
      if (ok) next = { ...next, from: null, to: [] };
      break;
  }
  return { walk: next, answer };
}

function offers(lines: readonly string[]): { starttls: boolean; auth: string[] } {
  let starttls = false;
  let auth: string[] = [];
  for (const l of lines) {
    const [key, ...args] = l.trim().split(/[\s=]+/);
    if (/^STARTTLS$/i.test(key ?? '')) starttls = true;
    if (/^AUTH$/i.test(key ?? '')) auth = args.map((a) => a.toUpperCase());
  }
  return { starttls, auth };
}

// --- HTTP ---

export function httpSent(w: HttpWalk, line: string): HttpWalk {
  if (w.stage === 'headers') {
    if (line === '') return { ...w, stage: 'waiting', outstanding: w.outstanding + 1 };
    return /^host\s*:/i.test(line) ? { ...w, host: true } : w;
  }
  const m = /^[A-Z]+ \S+(?: HTTP\/(\d\.\d))?\s*$/.exec(line);
  if (!m) return w;
  // HTTP/0.9's bare "GET /" has no headers: it waits at once.
  return m[1] ? { ...w, stage: 'headers', version: m[1], host: false } : { ...w, stage: 'waiting', outstanding: w.outstanding + 1 };
}

/** An answer's status line came: another request may be typed (pipelining too). */
export function httpAnswered(w: HttpWalk): HttpWalk {
  return w.stage === 'waiting' ? { ...w, stage: 'request' } : w;
}

/** An answer ended, by its framing: one request fewer waits. */
export function httpEnded(w: HttpWalk): HttpWalk {
  return { ...w, outstanding: Math.max(0, w.outstanding - 1) };
}

/** A request line as HTTP's: the pane's view of its answer begins with it. */
export function isRequestLine(line: string): boolean {
  return /^[A-Z]+ \S+(?: HTTP\/\d\.\d)?\s*$/.test(line);
}

// --- POP3 ---

/** Commands whose +OK opens a multi-line answer ended by a line with a single ".". */
export function pop3Multi(line: string): boolean {
  const [verb, ...args] = line.trim().split(/\s+/);
  switch ((verb ?? '').toUpperCase()) {
    case 'CAPA':
    case 'RETR':
    case 'TOP':
      return true;
    case 'LIST':
    case 'UIDL':
      return args.length === 0;
    default:
      return false;
  }
}

export function pop3Sent(w: Pop3Walk, line: string): Pop3Walk {
  if (w.saslAnswer) return { ...w, saslAnswer: false };
  const verb = verbOf(line);
  if (verb === '') return w;
  return { ...w, awaiting: [...w.awaiting, { verb, multi: pop3Multi(line) }] };
}

/**
 * The server's lines: status lines answer commands in order; a multi-line answer runs to its "."
 * line, whose lines answer nothing. Returns the answers, and the walk after the lines.
 */
export function pop3Lines(w: Pop3Walk, lines: readonly string[]): { walk: Pop3Walk; answers: Answer[] } {
  const answers: Answer[] = [];
  let walk = w;
  for (const text of lines) {
    if (walk.multi) {
      if (text === '.') walk = { ...walk, multi: false };
      continue;
    }
    const m = /^(\+OK|-ERR|\+)(\s|$)/.exec(text);
    if (!m) continue;
    const [head, ...rest] = walk.awaiting;
    const ok = m[1] === '+OK';
    const verb = head?.verb ?? (walk.greeted ? 'UNASKED' : 'greeting');
    answers.push({ verb, ok, goAhead: m[1] === '+', text });
    // AUTH's "+" asks for the next answer: the command still waits for its +OK or -ERR.
    if (m[1] === '+') {
      walk = { ...walk, saslAnswer: true };
      continue;
    }
    walk = { ...walk, awaiting: head ? rest : walk.awaiting };
    if (verb === 'greeting') walk = { ...walk, greeted: ok };
    if (!ok) continue;
    if (head?.multi) walk = { ...walk, multi: true };
    if (verb === 'USER') walk = { ...walk, user: true };
    if (verb === 'PASS' || verb === 'APOP' || verb === 'AUTH') walk = { ...walk, authed: true };
    if (verb === 'LIST' || verb === 'STAT' || verb === 'UIDL') walk = { ...walk, listed: true };
    if (verb === 'RETR' || verb === 'TOP') walk = { ...walk, read: true };
  }
  return { walk, answers };
}

// --- IMAP ---

export function imapSent(w: ImapWalk, line: string, now: number): ImapWalk {
  const m = /^(\S+)\s+(\S+)/.exec(line);
  if (!m) return w;
  let verb = m[2]!.toUpperCase();
  if (verb === 'UID') verb = `UID ${(/^\S+\s+\S+\s+(\S+)/.exec(line)?.[1] ?? '').toUpperCase()}`;
  return { ...w, awaiting: [...w.awaiting, { tag: m[1]!, verb, at: now, untagged: {} }] };
}

/** A line as the line assembler ended it: its ending counts in a literal's bytes. */
export interface WalkLine {
  text: string;
  eol?: 'crlf' | 'lf';
  /** Its length on the wire, as the controller counted the bytes (exact whatever the encoding). */
  bytes?: number;
}

/** A line's size on the wire: as counted, else the text as UTF-8 (near enough). */
const wireBytes = (l: WalkLine) => l.bytes ?? Buffer.byteLength(l.text, 'utf8') + (l.eol === 'lf' ? 1 : l.eol === 'crlf' ? 2 : 0);

/**
 * The server's lines: a tagged OK/NO/BAD answers its command; "+" asks for more; "* OK" greets.
 * A literal's lines ({n} ends the line before them) are data: a message line "+" or "A1 OK" in a
 * fetched mail answers nothing. `plus`: whether the last reply line asked for more (null: none came).
 */
export function imapLines(w: ImapWalk, lines: readonly WalkLine[]): { walk: ImapWalk; answers: Answer[]; plus: boolean | null } {
  const answers: Answer[] = [];
  let walk = w;
  let plus: boolean | null = null;
  for (const line of lines) {
    let text = line.text;
    if (walk.literal > 0) {
      const size = wireBytes(line);
      if (size <= walk.literal) {
        walk = { ...walk, literal: walk.literal - size };
        continue;
      }
      // The literal ends inside this line: the rest is the reply's again (") ..." or another {n}).
      // (Its start is counted in characters from the end, which a line of text in any encoding keeps.)
      const after = size - walk.literal - (line.eol === 'lf' ? 1 : line.eol === 'crlf' ? 2 : 0);
      text = after > 0 ? line.text.slice(-after) : '';
      walk = { ...walk, literal: 0 };
      const more = /\{(\d+)\+?\}$/.exec(text);
      if (more) walk = { ...walk, literal: Number(more[1]) };
      continue;
    }
    const announced = /\{(\d+)\+?\}$/.exec(text);
    if (announced && walk.greeted) walk = { ...walk, literal: Number(announced[1]) };
    plus = /^\+(\s|$)/.test(text);
    if (!walk.greeted) {
      if (/^\* (OK|PREAUTH)\b/i.test(text)) {
        walk = { ...walk, greeted: true, authed: /^\* PREAUTH/i.test(text) };
        answers.push({ verb: 'greeting', ok: true, goAhead: false, text });
      } else if (/^\* BYE\b/i.test(text)) answers.push({ verb: 'greeting', ok: false, goAhead: false, text });
      continue;
    }
    if (/^\+(\s|$)/.test(text)) {
      const head = walk.awaiting.at(-1);
      answers.push({ verb: head?.verb ?? 'UNASKED', ok: false, goAhead: true, text, ...(head ? { tag: head.tag, sentAt: head.at } : {}) });
      continue;
    }
    // Untagged data goes with the oldest command still waiting: what it caused, most often.
    const u = /^\* (?:\d+ )?([A-Za-z]+)/.exec(text);
    if (u && walk.awaiting.length > 0) {
      const [first, ...rest] = walk.awaiting;
      const kind = u[1]!.toUpperCase();
      walk = { ...walk, awaiting: [{ ...first!, untagged: { ...first!.untagged, [kind]: (first!.untagged[kind] ?? 0) + 1 } }, ...rest] };
      continue;
    }
    const m = /^(\S+) (OK|NO|BAD)\b/i.exec(text);
    if (!m || m[1] === '*') continue;
    const at = walk.awaiting.findIndex((a) => a.tag.toLowerCase() === m[1]!.toLowerCase());
    if (at < 0) continue;
    const cmd = walk.awaiting[at]!;
    const ok = m[2]!.toUpperCase() === 'OK';
    answers.push({ verb: cmd.verb, ok, goAhead: false, text, tag: cmd.tag, sentAt: cmd.at, untagged: cmd.untagged });
    walk = { ...walk, awaiting: walk.awaiting.filter((_, i) => i !== at) };
    if (!ok) continue;
    if (cmd.verb === 'LOGIN' || cmd.verb === 'AUTHENTICATE') walk = { ...walk, authed: true };
    if (cmd.verb === 'SELECT' || cmd.verb === 'EXAMINE') walk = { ...walk, selected: true };
    if (cmd.verb === 'FETCH' || cmd.verb === 'UID FETCH') walk = { ...walk, fetched: true };
    if (cmd.verb === 'CLOSE' || cmd.verb === 'UNSELECT') walk = { ...walk, selected: false };
  }
  return { walk, answers, plus };
}

// --- the next step ---

/** The next step for the input line: text Tab takes, or (text empty) a note of what to do. */
export interface Suggestion {
  text: string;
  note?: string;
}

export interface SuggestContext {
  /** This machine's name, for EHLO. */
  machine: string;
  /** The target's Host header value. */
  host: string;
  tls: boolean;
}

export function suggest(walk: Walk | null, ctx: SuggestContext): Suggestion | null {
  if (walk === null) return null;
  switch (walk.proto) {
    case 'smtp':
      return smtpNext(walk, ctx);
    case 'http':
      if (walk.stage === 'request') return { text: 'GET / HTTP/1.1' };
      if (walk.stage === 'headers') {
        if (!walk.host && walk.version === '1.1') return { text: `Host: ${ctx.host}` };
        return { text: '', note: 'an empty line ends the headers and sends the request' };
      }
      return null;
    case 'pop3':
      if (!walk.greeted || walk.awaiting.length > 0 || walk.multi) return null;
      if (!walk.authed) return walk.user ? { text: 'PASS ' } : { text: 'USER ' };
      if (!walk.listed) return { text: 'LIST' };
      return walk.read ? { text: 'QUIT' } : { text: 'RETR 1' };
    case 'imap':
      if (!walk.greeted || walk.awaiting.length > 0) return null;
      if (!walk.authed) return { text: 'LOGIN ' };
      if (!walk.selected) return { text: 'SELECT INBOX' };
      return walk.fetched ? { text: 'LOGOUT' } : { text: 'FETCH 1 BODY[]' };
  }
}

function smtpNext(w: SmtpWalk, ctx: SuggestContext): Suggestion | null {
  if (w.data) {
    const d = w.data;
    if (!d.body && d.lines === 0 && w.from) return { text: `From: <${w.from}>` };
    if (!d.body && d.lines === 1 && w.to[0]) return { text: `To: <${w.to[0]}>` };
    if (!d.body && d.lines === 2) return { text: 'Subject: ' };
    if (!d.body) return { text: '', note: 'an empty line ends the headers; the body follows' };
    return { text: '.', note: 'a line with a single "." ends the message' };
  }
  if (!w.greeted || w.awaiting.length > 0 || w.authAnswer) return null;
  if (!w.hello) return { text: `EHLO ${ctx.machine}` };
  // STARTTLS first, unless the user went on without it (a mail under way, or sent already).
  if (w.starttls && !ctx.tls && w.from === null && w.sent === 0) return { text: 'STARTTLS' };
  if (w.from === null) return w.sent > 0 ? { text: 'QUIT' } : { text: 'MAIL FROM:<' };
  if (w.to.length === 0) return { text: 'RCPT TO:<' };
  return { text: 'DATA' };
}

/** The part of a suggestion still to type after `typed`; null when the line has gone its own way. */
export function suggestionRest(s: Suggestion | null, typed: string): string | null {
  if (!s || s.text === '' || typed.length >= s.text.length) return null;
  return s.text.slice(0, typed.length).toLowerCase() === typed.toLowerCase() ? s.text.slice(typed.length) : null;
}
