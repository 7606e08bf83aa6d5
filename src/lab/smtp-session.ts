// The lab's SMTP dialogue (RFC 5321), replying the way postfix does, enhanced status codes included,
// and storing what it accepts in the lab's mailboxes.

import { randomBytes } from 'node:crypto';
import type { LineSession, Reply } from './line-service.js';
import {
  LAB_DOMAIN,
  LOCAL_DOMAINS,
  LOCAL_MAILBOXES,
  MAX_MESSAGE_BYTES,
  type MailStore,
  mailDate,
} from './mail-store.js';

export interface SmtpContext {
  store: MailStore;
  /** The client's address, for the Received: header. */
  peer: string;
  /** STARTTLS is offered (the lab has its certificate). */
  tls?: boolean;
}

/** Longest command or message line accepted (RFC 5321 says 1000; postfix tolerates 2048). */
export const SMTP_MAX_LINE = 4096;
/** Postfix's smtpd_hard_error_limit: past this many errors the session is dropped. */
const MAX_ERRORS = 20;
const MAX_RECIPIENTS = 100;

type Phase = 'start' | 'ready' | 'mail' | 'rcpt';

interface SmtpState {
  phase: Phase;
  helo: string;
  from: string;
  rcpts: { address: string; user: string }[];
  errors: number;
  /** Set while DATA is being read. */
  data: { lines: string[]; bytes: number; tooBig: boolean } | undefined;
  /** The user logged in with AUTH, or an AUTH exchange under way (its answers to come). */
  authed: string | null;
  auth: { mech: 'PLAIN' | 'LOGIN'; user: string | null } | undefined;
}

const EHLO_KEYWORDS = ['PIPELINING', `SIZE ${MAX_MESSAGE_BYTES}`, 'VRFY', 'AUTH PLAIN LOGIN', 'ENHANCEDSTATUSCODES', '8BITMIME'];

const HELP_TEXT = [
  '2.0.0 Porthole Lab SMTP, practice server. Commands:',
  '2.0.0   EHLO HELO AUTH MAIL RCPT DATA RSET NOOP VRFY HELP QUIT',
  '2.0.0 Practice login: AUTH PLAIN (alice, wonderland), or smtp auth plain alice in the prompt',
  '2.0.0 A delivery, one line each:',
  '2.0.0   EHLO me.example',
  '2.0.0   MAIL FROM:<you@example.com>',
  `2.0.0   RCPT TO:<alice@${LAB_DOMAIN}>`,
  '2.0.0   DATA, then the message, then a line with a single "."',
  '2.0.0   QUIT',
  '2.0.0 End of HELP info',
];

/** Commands postfix knows but the lab does not offer. */
const NOT_IMPLEMENTED = new Set(['ETRN', 'BDAT', 'TURN', 'ATRN', 'XCLIENT', 'XFORWARD']);

const line = (text: string): string => `${text}\r\n`;
const multiline = (code: number, texts: readonly string[]): string =>
  texts.map((t, i) => `${code}${i === texts.length - 1 ? ' ' : '-'}${t}\r\n`).join('');

/** `<addr>`, `<addr> PARAMS`, or postfix's lenient bare `addr`. */
function parsePath(arg: string, keyword: 'FROM' | 'TO'): { address: string; params: string[] } | undefined {
  const m = new RegExp(`^${keyword}:\\s*(?:<([^<>\\s]*)>|([^<>\\s]+))(?:\\s+(.*))?$`, 'i').exec(arg);
  if (!m) return undefined;
  return { address: m[1] ?? m[2] ?? '', params: m[3] ? m[3].trim().split(/\s+/) : [] };
}

function queueId(): string {
  return randomBytes(5).toString('hex').toUpperCase();
}

export function createSmtpSession(ctx: SmtpContext): LineSession {
  const state: SmtpState = { phase: 'start', helo: '', from: '', rcpts: [], errors: 0, data: undefined, authed: null, auth: undefined };
  /** TLS is up: STARTTLS is no longer offered, and the Received: header says ESMTPS. */
  let secure = false;

  const resetTransaction = (): void => {
    state.phase = state.helo ? 'ready' : 'start';
    state.from = '';
    state.rcpts = [];
  };

  const error = (text: string): Reply => {
    state.errors += 1;
    if (state.errors >= MAX_ERRORS) {
      return { out: line(text) + line(`421 4.7.0 ${LAB_DOMAIN} Error: too many errors`), close: true };
    }
    return { out: line(text) };
  };

  const ok = (text: string): Reply => ({ out: line(text) });

  const greet = (verb: 'EHLO' | 'HELO', arg: string): Reply => {
    if (!arg) return error(`501 5.5.4 Syntax: ${verb} hostname`);
    state.helo = arg.split(/\s+/)[0]!;
    resetTransaction();
    if (verb === 'HELO') return ok(`250 ${LAB_DOMAIN}`);
    return { out: multiline(250, [LAB_DOMAIN, ...EHLO_KEYWORDS, ...(ctx.tls && !secure ? ['STARTTLS'] : [])]) };
  };

  const commands: Record<string, (arg: string) => Reply> = {
    EHLO: (arg) => greet('EHLO', arg),
    HELO: (arg) => greet('HELO', arg),
    MAIL: (arg) => {
      if (state.phase === 'start') return error('503 5.5.1 Error: send HELO/EHLO first');
      if (state.phase !== 'ready') return error('503 5.5.1 Error: nested MAIL command');
      const path = parsePath(arg, 'FROM');
      if (!path) return error('501 5.5.4 Syntax: MAIL FROM:<address>');
      const size = path.params.map((p) => /^SIZE=(\d+)$/i.exec(p)).find(Boolean);
      if (size && Number(size[1]) > MAX_MESSAGE_BYTES) {
        return error('552 5.3.4 Message size exceeds fixed limit');
      }
      state.from = path.address;
      state.phase = 'mail';
      return ok('250 2.1.0 Ok');
    },
    RCPT: (arg) => {
      if (state.phase !== 'mail' && state.phase !== 'rcpt') return error('503 5.5.1 Error: need MAIL command');
      const path = parsePath(arg, 'TO');
      if (!path || path.address === '') return error('501 5.1.3 Bad recipient address syntax');
      const at = path.address.lastIndexOf('@');
      const local = (at === -1 ? path.address : path.address.slice(0, at)).toLowerCase();
      const domain = at === -1 ? LAB_DOMAIN : path.address.slice(at + 1).toLowerCase();
      if (!local || !domain) return error('501 5.1.3 Bad recipient address syntax');
      if (!LOCAL_DOMAINS.includes(domain)) {
        return error(`554 5.7.1 <${path.address}>: Relay access denied`);
      }
      const user = LOCAL_MAILBOXES[local];
      if (!user) {
        return error(`550 5.1.1 <${path.address}>: Recipient address rejected: User unknown in local recipient table`);
      }
      if (state.rcpts.length >= MAX_RECIPIENTS) return error('452 4.5.3 Error: too many recipients');
      if (ctx.store.isFull(user)) {
        return error(`452 4.2.2 <${path.address}>: Recipient address rejected: Mailbox full`);
      }
      state.rcpts.push({ address: path.address, user });
      state.phase = 'rcpt';
      return ok('250 2.1.5 Ok');
    },
    DATA: (arg) => {
      if (arg) return error('501 5.5.4 Syntax: DATA');
      if (state.phase !== 'rcpt') return error('503 5.5.1 Error: need RCPT command');
      state.data = { lines: [], bytes: 0, tooBig: false };
      return ok('354 End data with <CR><LF>.<CR><LF>');
    },
    RSET: () => {
      resetTransaction();
      return ok('250 2.0.0 Ok');
    },
    STARTTLS: (arg) => {
      if (!ctx.tls) return error('502 5.5.1 Error: command not implemented');
      if (secure) return error('554 5.5.1 Error: TLS already active');
      if (arg) return error('501 5.5.4 Syntax: STARTTLS');
      return { out: line('220 2.0.0 Ready to start TLS'), startTls: true };
    },
    // As postfix with dovecot's SASL: PLAIN (initial response or after 334) and LOGIN.
    AUTH: (arg) => {
      if (state.phase === 'start') return error('503 5.5.1 Error: send HELO/EHLO first');
      if (state.authed) return error('503 5.5.1 Error: already authenticated');
      if (state.phase !== 'ready') return error('503 5.5.1 Error: MAIL transaction in progress');
      const [mech = '', initial] = arg.split(/\s+/);
      const m = mech.toUpperCase();
      if (m !== 'PLAIN' && m !== 'LOGIN') return error('535 5.7.8 Error: authentication failed: Invalid authentication mechanism');
      state.auth = { mech: m, user: null };
      if (initial !== undefined) return authAnswer(initial);
      return ok(m === 'PLAIN' ? '334 ' : `334 ${Buffer.from('Username:').toString('base64')}`);
    },
    NOOP: () => ok('250 2.0.0 Ok'),
    VRFY: (arg) => (arg ? ok(`252 2.0.0 ${arg}`) : error('501 5.5.4 Syntax: VRFY address')),
    HELP: () => ({ out: multiline(214, HELP_TEXT) }),
    QUIT: () => ({ out: line('221 2.0.0 Bye'), close: true }),
  };

  const authAnswer = (b64: string): Reply => {
    const auth = state.auth!;
    if (b64 === '*') {
      state.auth = undefined;
      return error('501 5.7.0 Authentication aborted');
    }
    const text = /^[A-Za-z0-9+/]*={0,2}$/.test(b64) ? Buffer.from(b64, 'base64').toString('utf8') : null;
    if (text === null) {
      state.auth = undefined;
      return error('501 5.5.2 Error: invalid base64 data');
    }
    if (auth.mech === 'LOGIN' && auth.user === null) {
      auth.user = text;
      return ok(`334 ${Buffer.from('Password:').toString('base64')}`);
    }
    state.auth = undefined;
    const [user, password] = auth.mech === 'PLAIN' ? text.split('\0').slice(1) : [auth.user, text];
    if (user && password !== undefined && ctx.store.authenticate(user, password)) {
      state.authed = user;
      return ok('235 2.7.0 Authentication successful');
    }
    return error('535 5.7.8 Error: authentication failed: authentication failure');
  };

  const finishData = (): Reply => {
    const data = state.data!;
    state.data = undefined;
    if (data.tooBig) {
      resetTransaction();
      return error('552 5.3.4 Error: message file too big');
    }
    const id = queueId();
    const now = new Date();
    // Postfix's shape when the client has no reverse DNS: "from HELO (unknown [IP])".
    const peer = `unknown [${ctx.peer || '?'}]`;
    const body = data.lines.join('\r\n');
    for (const rcpt of state.rcpts) {
      const received =
        `Received: from ${state.helo} (${peer})\r\n\tby ${LAB_DOMAIN} (Porthole Lab) with ${secure ? 'ESMTPS' : 'ESMTP'}${state.authed ? 'A' : ''} id ${id}\r\n` +
        `\tfor <${rcpt.address}>; ${mailDate(now)}\r\n`;
      ctx.store.deliver(rcpt.user, `Return-Path: <${state.from}>\r\n${received}${body}`, now);
    }
    resetTransaction();
    return ok(`250 2.0.0 Ok: queued as ${id}`);
  };

  const dataLine = (text: string): Reply => {
    if (text === '.') return finishData();
    const data = state.data!;
    // Dot-stuffing (RFC 5321 4.5.2): a leading dot was doubled by the sender.
    const unstuffed = text.startsWith('.') ? text.slice(1) : text;
    data.bytes += Buffer.byteLength(unstuffed) + 2;
    if (data.bytes > MAX_MESSAGE_BYTES) data.tooBig = true;
    if (!data.tooBig) data.lines.push(unstuffed);
    return { out: '' };
  };

  return {
    greeting: line(`220 ${LAB_DOMAIN} ESMTP Porthole Lab (practice server on loopback; type HELP)`),
    line(text) {
      if (state.data) return dataLine(text);
      if (state.auth) return authAnswer(text.trim());
      const m = /^\s*(\S+)\s*(.*?)\s*$/.exec(text);
      if (!m) return error('500 5.5.2 Error: bad syntax');
      const verb = m[1]!.toUpperCase();
      const handler = commands[verb];
      if (handler) return handler(m[2]!);
      if (NOT_IMPLEMENTED.has(verb)) return error('502 5.5.1 Error: command not implemented');
      return error('502 5.5.2 Error: command not recognized');
    },
    overflow() {
      if (state.data) {
        state.data.tooBig = true;
        return { out: '' };
      }
      return error('500 5.5.2 Error: line too long');
    },
    tlsStarted() {
      // RFC 3207: the client starts afresh, EHLO first.
      secure = true;
      state.helo = '';
      state.authed = null;
      resetTransaction();
    },
  };
}
