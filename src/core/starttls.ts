// STARTTLS, the protocols' own way from plaintext to TLS, as a table of dialogues: what to send,
// which reply lines end a reply, which say go ahead. Pure: io feeds the peer's lines and sends what
// this returns; the line that says go ahead is where io cuts the inbound stream (anything after it
// is discarded, never shown nor parsed: the injection class of CVE-2011-0411).

import { makeOutcome, type Outcome } from './outcome.js';
import { toVisible } from './sanitize.js';

import { STARTTLS_PROTOCOLS, type StartTlsProtocol } from './tls-options.js';
export { parseStartTlsProtocol, STARTTLS_PROTOCOLS, type StartTlsProtocol } from './tls-options.js';

/** The ports where each protocol is spoken in plaintext first. */
const PORTS: Readonly<Record<number, StartTlsProtocol>> = { 25: 'smtp', 587: 'smtp', 2525: 'smtp', 110: 'pop3', 143: 'imap', 21: 'ftp' };

/** The protocol a port or a greeting says: the port first, then the greeting's shape. */
export function detectProtocol(port: number, greeting: string | null): StartTlsProtocol | null {
  const byPort = PORTS[port];
  if (byPort) return byPort;
  if (greeting === null) return null;
  const g = greeting.trimStart();
  if (/^\* (OK|PREAUTH)\b/i.test(g)) return 'imap';
  if (/^\+OK\b/.test(g)) return 'pop3';
  if (/^220[ -].*\bFTP\b/i.test(g) || /^220[ -].*\b(vsftpd|ProFTPD|Pure-FTPd|FileZilla)\b/i.test(g)) return 'ftp';
  if (/^220[ -]/.test(g)) return 'smtp';
  return null;
}

/** How a STARTTLS dialogue failed, before any TLS: a stable code and the reply that said it. */
export type StartTlsFailureCode =
  | 'PH_STARTTLS_NOT_OFFERED'
  | 'PH_STARTTLS_REFUSED'
  | 'PH_STARTTLS_BAD_GREETING'
  | 'PH_STARTTLS_TIMEOUT'
  | 'PH_STARTTLS_CLOSED'
  | 'PH_STARTTLS_TOO_LONG'
  | 'PH_STARTTLS_UNKNOWN_PROTOCOL';

const NAMES: Readonly<Record<StartTlsProtocol, { upgrade: string; name: string }>> = {
  smtp: { upgrade: 'STARTTLS', name: 'SMTP' },
  pop3: { upgrade: 'STLS', name: 'POP3' },
  imap: { upgrade: 'STARTTLS', name: 'IMAP' },
  ftp: { upgrade: 'AUTH TLS', name: 'FTP' },
};

export function startTlsFailure(code: Exclude<StartTlsFailureCode, 'PH_STARTTLS_UNKNOWN_PROTOCOL'>, protocol: StartTlsProtocol, reply: string | null, extra = ''): Outcome {
  const { upgrade, name } = NAMES[protocol];
  // The server's words go into the outcome, which pipe and probe print as they are: visible first.
  const said = reply === null ? '' : ` It said: ${toVisible(reply)}`;
  switch (code) {
    case 'PH_STARTTLS_NOT_OFFERED':
      return makeOutcome('tls-failure', code, {
        label: `STARTTLS not offered: the ${name} server does not list ${upgrade}`,
        meaning: `The server's capabilities do not include ${upgrade}: it offers no TLS on this port.${said}`,
        next: 'Try the implicit TLS port (465 for SMTP, 995 for POP3, 993 for IMAP) with --tls, or check the server\'s TLS set-up.',
      });
    case 'PH_STARTTLS_REFUSED':
      return makeOutcome('tls-failure', code, {
        label: `STARTTLS refused: the ${name} server answered ${upgrade} with no`,
        meaning: `The server would not start TLS.${said}`,
        next: 'Its words say why (a 454 is often a certificate missing on the server); check its TLS logs.',
      });
    case 'PH_STARTTLS_BAD_GREETING':
      return makeOutcome('tls-failure', code, {
        label: `STARTTLS not possible: the server did not greet as ${name} does`,
        meaning: `porthole expected a ${name} greeting before asking for TLS.${said}`,
        next: 'Is this the right port and protocol? --starttls smtp|pop3|imap|ftp names it; --tls for implicit TLS.',
      });
    case 'PH_STARTTLS_TIMEOUT':
      return makeOutcome('tls-failure', code, {
        label: `STARTTLS timed out${extra}: the ${name} server did not answer`,
        meaning: `The server stopped answering during the ${name} dialogue before TLS.${said}`,
        next: 'Is this the right protocol for the port? Raise -w if the server is slow.',
      });
    case 'PH_STARTTLS_CLOSED':
      return makeOutcome('tls-failure', code, {
        label: `STARTTLS failed: the ${name} server closed the connection before TLS`,
        meaning: `The server closed the connection during the ${name} dialogue.${said}`,
        next: "Check the server's logs and access rules for this client.",
      });
    case 'PH_STARTTLS_TOO_LONG':
      return makeOutcome('tls-failure', code, {
        label: `STARTTLS failed: a reply line longer than ${MAX_LINE} bytes`,
        meaning: `No ${name} server sends a line that long before TLS: this is not a ${name} dialogue.`,
        next: 'Is this the right port and protocol?',
      });
  }
}

/** `auto` found no protocol: neither the port nor the greeting says one. */
export function unknownProtocol(port: number, greeting: string | null): Outcome {
  return makeOutcome('tls-failure', 'PH_STARTTLS_UNKNOWN_PROTOCOL', {
    label: `STARTTLS: port ${port} and ${greeting === null ? 'the silence' : 'the greeting'} say no protocol porthole knows`,
    meaning: greeting === null ? 'The server sent no greeting to tell the protocol by.' : `The server greeted with: ${toVisible(greeting)}`,
    next: `Name it: --starttls ${STARTTLS_PROTOCOLS.join('|')} (or starttls PROTO in the prompt).`,
  });
}

/** Longest reply line the dialogue takes; a longer one fails it (a flood is no greeting). */
export const MAX_LINE = 4096;

/** What the dialogue says after a line: send these, and whether it is over. */
export interface DialogueStep {
  send: string[];
  /** 'go': the line just fed was the go-ahead: cut the stream after it and do the handshake. */
  result: null | { go: true } | { go: false; failure: Outcome };
}

const WAIT: DialogueStep = { send: [], result: null };

/**
 * One STARTTLS dialogue. `full`: from the connection's start (the greeting, the capabilities,
 * then the upgrade), as --starttls does; else only the upgrade command and its go-ahead, as
 * `starttls` in a session whose greeting and EHLO the user has seen to.
 */
export class StartTlsDialogue {
  private stage: 'greeting' | 'capabilities' | 'upgrade' | 'done';
  private reply: string[] = [];
  private offered = false;
  private readonly tag: string;

  constructor(
    readonly protocol: StartTlsProtocol,
    private readonly opts: { full: boolean; ehloName: string; tagPrefix?: string },
  ) {
    this.stage = opts.full ? 'greeting' : 'upgrade';
    this.tag = opts.tagPrefix ?? 'ph';
  }

  /** What to send at once: nothing while a greeting is awaited, else the upgrade command. */
  start(): string[] {
    return this.stage === 'upgrade' ? [this.upgradeCommand()] : [];
  }

  /** The command that asks for TLS, as sent. */
  upgradeCommand(): string {
    return this.protocol === 'imap' ? `${this.tag}2 STARTTLS\r\n` : `${NAMES[this.protocol].upgrade}\r\n`;
  }

  /** A complete line from the peer, without its line ending. */
  line(text: string): DialogueStep {
    if (this.stage === 'done') return WAIT;
    if (text.length > MAX_LINE) return this.fail('PH_STARTTLS_TOO_LONG', null);
    switch (this.protocol) {
      case 'smtp':
      case 'ftp':
        return this.coded(text);
      case 'pop3':
        return this.pop3(text);
      case 'imap':
        return this.imap(text);
    }
  }

  /** SMTP and FTP: replies of 3-digit codes, "NNN-" continuing and "NNN " ending. */
  private coded(text: string): DialogueStep {
    this.reply.push(text);
    const m = /^(\d{3})([ -])?/.exec(text);
    // A continuation line, or a line that is no reply at all (kept for the words shown).
    if (!m || m[2] === '-') {
      if (!m && this.reply.length === 1 && this.stage === 'greeting') return this.fail('PH_STARTTLS_BAD_GREETING', text);
      return WAIT;
    }
    const code = Number(m[1]);
    const lines = this.reply;
    this.reply = [];
    const shown = lines.join(' / ');
    switch (this.stage) {
      case 'greeting':
        if (code !== 220) return this.fail('PH_STARTTLS_BAD_GREETING', shown);
        if (this.protocol === 'ftp') return this.toUpgrade();
        this.stage = 'capabilities';
        return { send: [`EHLO ${this.opts.ehloName}\r\n`], result: null };
      case 'capabilities':
        if (code !== 250) return this.fail('PH_STARTTLS_REFUSED', shown);
        if (!lines.some((l) => /^250[ -]STARTTLS\b/i.test(l))) return this.fail('PH_STARTTLS_NOT_OFFERED', shown);
        return this.toUpgrade();
      case 'upgrade': {
        const go = this.protocol === 'ftp' ? code === 234 : code === 220;
        return go ? this.finish() : this.fail('PH_STARTTLS_REFUSED', shown);
      }
      default:
        return WAIT;
    }
  }

  private pop3(text: string): DialogueStep {
    switch (this.stage) {
      case 'greeting':
        if (!/^\+OK\b/.test(text)) return this.fail('PH_STARTTLS_BAD_GREETING', text);
        this.stage = 'capabilities';
        return { send: ['CAPA\r\n'], result: null };
      case 'capabilities': {
        // CAPA: "+OK" then one capability a line, ended by ".". A server without CAPA answers
        // -ERR: STLS may still work, so it is asked for anyway.
        if (this.reply.length === 0 && /^-ERR\b/.test(text)) return this.toUpgrade();
        this.reply.push(text);
        if (text !== '.') return WAIT;
        const lines = this.reply;
        this.reply = [];
        if (!lines.some((l) => /^STLS\b/i.test(l))) return this.fail('PH_STARTTLS_NOT_OFFERED', lines.join(' / '));
        return this.toUpgrade();
      }
      case 'upgrade':
        return /^\+OK\b/.test(text) ? this.finish() : this.fail('PH_STARTTLS_REFUSED', text);
      default:
        return WAIT;
    }
  }

  private imap(text: string): DialogueStep {
    switch (this.stage) {
      case 'greeting':
        if (!/^\* OK\b/i.test(text)) return this.fail('PH_STARTTLS_BAD_GREETING', text);
        this.stage = 'capabilities';
        return { send: [`${this.tag}1 CAPABILITY\r\n`], result: null };
      case 'capabilities': {
        if (/^\* CAPABILITY\b/i.test(text) && /\bSTARTTLS\b/i.test(text)) this.offered = true;
        const done = new RegExp(`^${this.tag}1 (OK|NO|BAD)\\b`, 'i').exec(text);
        if (!done) return WAIT;
        if (done[1]!.toUpperCase() !== 'OK') return this.fail('PH_STARTTLS_REFUSED', text);
        return this.offered ? this.toUpgrade() : this.fail('PH_STARTTLS_NOT_OFFERED', text);
      }
      case 'upgrade': {
        // Untagged lines may come first; the tagged one answers.
        const done = new RegExp(`^${this.tag}2 (OK|NO|BAD)\\b`, 'i').exec(text);
        if (!done) return WAIT;
        return done[1]!.toUpperCase() === 'OK' ? this.finish() : this.fail('PH_STARTTLS_REFUSED', text);
      }
      default:
        return WAIT;
    }
  }

  /** The peer ended the connection, or the dialogue ran out of time: the failure to report. */
  ended(how: 'closed' | 'timeout', seconds = ''): Outcome {
    this.stage = 'done';
    const last = this.reply.length ? this.reply.join(' / ') : null;
    return how === 'closed' ? startTlsFailure('PH_STARTTLS_CLOSED', this.protocol, last) : startTlsFailure('PH_STARTTLS_TIMEOUT', this.protocol, last, seconds ? ` after ${seconds}` : '');
  }

  private toUpgrade(): DialogueStep {
    this.stage = 'upgrade';
    return { send: [this.upgradeCommand()], result: null };
  }

  private finish(): DialogueStep {
    this.stage = 'done';
    return { send: [], result: { go: true } };
  }

  private fail(code: Exclude<StartTlsFailureCode, 'PH_STARTTLS_UNKNOWN_PROTOCOL'>, reply: string | null): DialogueStep {
    this.stage = 'done';
    return { send: [], result: { go: false, failure: startTlsFailure(code, this.protocol, reply) } };
  }
}

/** What to tell the user once TLS is up: SMTP forgets the session, so EHLO must come again. */
export function afterUpgrade(protocol: StartTlsProtocol, ehloName: string): { note: string | null; offer: string | null } {
  if (protocol === 'smtp') return { note: 'SMTP starts afresh over TLS: send EHLO again (it is in the input line: Enter sends it).', offer: `EHLO ${ehloName}` };
  if (protocol === 'imap') return { note: 'IMAP over TLS: ask CAPABILITY again, as the server\'s may differ now (LOGIN and AUTH are often offered only now).', offer: null };
  if (protocol === 'pop3') return { note: 'POP3 over TLS: USER and PASS go encrypted now.', offer: null };
  return { note: null, offer: null };
}
