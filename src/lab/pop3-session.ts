// The lab's POP3 dialogue (RFC 1939, CAPA from RFC 2449), worded like dovecot: log in with a
// practice account, list, read and delete the messages of its mailbox.

import type { LineSession, Reply } from './line-service.js';
import { type MailStore, type StoredMessage, splitMessage } from './mail-store.js';

export const POP3_MAX_LINE = 1024;
/** Dovecot drops a client after this many bad commands. */
const MAX_ERRORS = 20;

const CAPABILITIES = ['TOP', 'USER', 'UIDL', 'RESP-CODES', 'PIPELINING'];

type Phase = 'authorization' | 'transaction';

/** Which commands each phase accepts; the rest get "-ERR" with a word on why. */
const PHASES: Record<string, readonly Phase[]> = {
  CAPA: ['authorization', 'transaction'],
  QUIT: ['authorization', 'transaction'],
  NOOP: ['transaction'],
  USER: ['authorization'],
  PASS: ['authorization'],
  APOP: ['authorization'],
  AUTH: ['authorization'],
  STLS: ['authorization'],
  STAT: ['transaction'],
  LIST: ['transaction'],
  RETR: ['transaction'],
  TOP: ['transaction'],
  UIDL: ['transaction'],
  DELE: ['transaction'],
  RSET: ['transaction'],
};

const line = (text: string): string => `${text}\r\n`;

/** A message as a POP3 multi-line body: lines with a leading dot doubled, then "." alone. */
function dotStuffed(text: string): string {
  const body = text.endsWith('\r\n') ? text.slice(0, -2) : text;
  const lines = body === '' ? [] : body.split('\r\n');
  return lines.map((l) => (l.startsWith('.') ? `.${l}` : l)).map(line).join('') + line('.');
}

export function createPop3Session(store: MailStore, tls = false): LineSession {
  let phase: Phase = 'authorization';
  let secure = false;
  let user: string | undefined;
  let mailboxUser = '';
  let messages: StoredMessage[] = [];
  const deleted = new Set<StoredMessage>();
  let errors = 0;

  const ok = (text: string): Reply => ({ out: line(`+OK ${text}`.trimEnd()) });
  const err = (text: string): Reply => {
    errors += 1;
    if (errors >= MAX_ERRORS) return { out: line(`-ERR ${text}`) + line('-ERR Too many bad commands.'), close: true };
    return { out: line(`-ERR ${text}`) };
  };

  /** The message numbered by `arg` (1-based), or the -ERR to send instead. */
  const pick = (arg: string | undefined): StoredMessage | Reply => {
    if (arg === undefined || !/^\d+$/.test(arg)) return err(`Invalid message number: ${arg ?? '(none)'}`);
    const message = messages[Number(arg) - 1];
    if (!message) return err(`There's no message ${arg}.`);
    if (deleted.has(message)) return err('Message is deleted.');
    return message;
  };
  const isReply = (x: StoredMessage | Reply): x is Reply => 'out' in x;

  const live = (): StoredMessage[] => messages.filter((m) => !deleted.has(m));
  const octets = (list: StoredMessage[]): number => list.reduce((n, m) => n + m.size, 0);
  const numbered = (fn: (m: StoredMessage, n: number) => string): string =>
    messages.map((m, i) => (deleted.has(m) ? '' : line(fn(m, i + 1)))).join('');
  const uid = (m: StoredMessage): string => `lab${String(m.uid).padStart(8, '0')}`;

  const commands: Record<string, (args: string[], rest: string) => Reply> = {
    CAPA: () => ({ out: line('+OK Capability list follows') + [...CAPABILITIES, ...(tls && !secure ? ['STLS'] : [])].map(line).join('') + line('.') }),
    NOOP: () => ok(''),
    USER: (args) => {
      if (args.length !== 1) return err('USER takes one argument: your user name.');
      user = args[0];
      return ok('');
    },
    PASS: (_args, rest) => {
      if (user === undefined) return err('No username given.');
      const name = user;
      user = undefined;
      if (!store.authenticate(name, rest)) return err('[AUTH] Authentication failed.');
      mailboxUser = name;
      messages = [...(store.mailbox(name)?.messages ?? [])];
      phase = 'transaction';
      return ok(`Logged in. ${messages.length} messages (${octets(messages)} octets).`);
    },
    APOP: () => err('APOP is not offered here; use USER and PASS.'),
    AUTH: () => err('AUTH is not offered here; use USER and PASS.'),
    STLS: () => {
      if (!tls) return err('The lab speaks plain text only.');
      if (secure) return err('TLS is already active.');
      return { out: line('+OK Begin TLS negotiation now.'), startTls: true };
    },
    STAT: () => ok(`${live().length} ${octets(live())}`),
    LIST: (args) => {
      if (args.length === 0) {
        return { out: line(`+OK ${live().length} messages:`) + numbered((m, n) => `${n} ${m.size}`) + line('.') };
      }
      const m = pick(args[0]);
      return isReply(m) ? m : ok(`${args[0]} ${m.size}`);
    },
    UIDL: (args) => {
      if (args.length === 0) return { out: line('+OK') + numbered((m, n) => `${n} ${uid(m)}`) + line('.') };
      const m = pick(args[0]);
      return isReply(m) ? m : ok(`${args[0]} ${uid(m)}`);
    },
    RETR: (args) => {
      const m = pick(args[0]);
      return isReply(m) ? m : { out: line(`+OK ${m.size} octets`) + dotStuffed(m.raw) };
    },
    TOP: (args) => {
      const m = pick(args[0]);
      if (isReply(m)) return m;
      if (args[1] === undefined || !/^\d+$/.test(args[1])) return err('Invalid number of lines: TOP msg lines');
      const { header, body } = splitMessage(m.raw);
      const lines = body === '' ? [] : body.replace(/\r\n$/, '').split('\r\n');
      const top = lines.slice(0, Number(args[1])).map((l) => `${l}\r\n`).join('');
      return { out: line('+OK') + dotStuffed(header + top) };
    },
    DELE: (args) => {
      const m = pick(args[0]);
      if (isReply(m)) return m;
      deleted.add(m);
      return ok('Marked to be deleted.');
    },
    RSET: () => {
      deleted.clear();
      return ok(`${messages.length} messages (${octets(messages)} octets).`);
    },
    QUIT: () => {
      if (phase === 'authorization') return { out: line('+OK Logging out.'), close: true };
      // RFC 1939 UPDATE state: deletions become real only on QUIT.
      const count = deleted.size;
      store.remove(mailboxUser, deleted);
      return { out: line(count > 0 ? `+OK Logging out, ${count} messages deleted.` : '+OK Logging out.'), close: true };
    },
  };

  return {
    greeting: line('+OK Porthole Lab POP3 ready (practice login: USER alice, then PASS wonderland)'),
    line(text) {
      const m = /^\s*(\S+)(?:\s(.*))?$/.exec(text);
      if (!m) return err('Empty command line.');
      const verb = m[1]!.toUpperCase();
      // PASS keeps its spaces: a password may contain them.
      const rest = m[2] ?? '';
      const handler = commands[verb];
      if (!handler) return err(`Unknown command: ${m[1]}`);
      if (!PHASES[verb]!.includes(phase)) {
        return err(phase === 'authorization' ? 'Not logged in yet: USER and PASS first.' : 'Already logged in.');
      }
      return handler(rest.trim() === '' ? [] : rest.trim().split(/\s+/), rest);
    },
    overflow: () => err('Line too long.'),
    tlsStarted: () => {
      secure = true;
    },
  };
}
