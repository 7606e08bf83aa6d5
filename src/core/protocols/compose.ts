// Composers: a whole protocol step done right, as a plan of lines to send and the answer each
// waits for. Pure: the session runs the plan (composer-slice), sending each step's lines, waiting
// for its answer, and stopping at the first refusal. Every field is checked here, before anything
// is sent: a CR, LF or NUL inside one would smuggle a command of its own onto the wire.

import { MASK } from './secrets.js';
import type { Walk } from './walk.js';

export type Compose =
  | { kind: 'smtp-send'; from: string; to: string[]; subject?: string; body?: string; bodyFile?: string; headers: string[] }
  | { kind: 'smtp-auth'; mech: 'plain' | 'login'; user: string }
  | { kind: 'http'; method: string; path: string; data?: string; dataFile?: string; headers: string[]; http10: boolean }
  | { kind: 'pop3-login'; user: string }
  | { kind: 'imap-login'; user: string }
  | { kind: 'imap-select'; mailbox: string }
  | { kind: 'imap-fetch'; which: string };

/** The protocol each composer speaks: it runs only under that helper. */
export const COMPOSE_PROTO: Readonly<Record<Compose['kind'], 'smtp' | 'http' | 'pop3' | 'imap'>> = {
  'smtp-send': 'smtp',
  'smtp-auth': 'smtp',
  http: 'http',
  'pop3-login': 'pop3',
  'imap-login': 'imap',
  'imap-select': 'imap',
  'imap-fetch': 'imap',
};

/** The composer's name as typed, for its words ("smtp send stopped at RCPT TO"). */
export function composeName(c: Compose): string {
  switch (c.kind) {
    case 'http':
      return `http ${c.method.toLowerCase()}`;
    default:
      return c.kind.replace('-', ' ');
  }
}

/** A composer that asks for a password first, in the input line, masked. */
export function secretPrompt(c: Compose): string | null {
  switch (c.kind) {
    case 'smtp-auth':
    case 'pop3-login':
    case 'imap-login':
      return `Password for ${c.user}: `;
    default:
      return null;
  }
}

/** One step: lines sent together, then the answer waited for. */
export interface PlanStep {
  /** Lines, each sent with CRLF (what the protocols require, whatever `set lf` says). */
  lines: string[];
  /** As shown and kept: a secret masked. */
  shown: string[];
  /** Bytes sent after the lines, as they are (an HTTP body). */
  body?: string;
  /** ok: a success; go: a go-ahead (354, 334, "+"); greeting: the server's first words; null: none. */
  wait: 'ok' | 'go' | 'greeting' | null;
  /** The verb whose answer is waited for, as the walk names it. */
  verb: string;
  /** How the step is named where it stops: "RCPT TO:<b@y>". */
  what: string;
  /** Tried instead when this step is refused (HELO after a refused EHLO). */
  orElse?: PlanStep[];
  /** Words said before the step goes: the headers the helper added. */
  note?: string;
}

export interface PlanContext {
  walk: Walk | null;
  machine: string;
  /** The Host header's value for the target. */
  host: string;
  /** Wall-clock time, for the Date header. */
  now: number;
  /** A unique token for the Message-ID. */
  unique: string;
  /** A text's length in bytes in the session's encoding (Content-Length, IMAP literals). */
  bytes: (text: string) => number;
}

export class FieldError extends Error {}

/** A field the user gave: no CR, LF or NUL, which would end the line and start a command of its own. */
export function checkField(what: string, value: string): string {
  const bad = /[\r\n\0]/.exec(value);
  if (bad) {
    const name = bad[0] === '\r' ? 'a CR' : bad[0] === '\n' ? 'a line feed' : 'a NUL';
    throw new FieldError(`${what} holds ${name}: nothing sent (it would end the line and start a command of its own)`);
  }
  return value;
}

function checkHeader(h: string): string {
  checkField('a header', h);
  // Not echoed whole when it may hold credentials (an Authorization without its colon).
  const echo = /authorization/i.test(h) ? `${h.split(/\s/)[0]} ...` : h;
  if (!/^[!-9;-~]+:/.test(h)) throw new FieldError(`not a header: "${echo}" (it needs "Name: value")`);
  return h;
}

/** Checks every field of a composer before anything goes; throws FieldError. */
export function checkCompose(c: Compose): void {
  switch (c.kind) {
    case 'smtp-send':
      checkField('the sender address', c.from);
      if (c.to.length === 0) throw new FieldError('smtp send needs --to ADDRESS (once for each recipient)');
      for (const t of c.to) {
        checkField('a recipient address', t);
        if (t.trim() === '') throw new FieldError('an empty recipient address');
      }
      if (c.subject !== undefined) checkField('the subject', c.subject);
      c.headers.forEach(checkHeader);
      if (c.body !== undefined && c.body.includes('\0')) throw new FieldError('the body holds a NUL: SMTP does not carry one');
      for (const a of [c.from, ...c.to]) if (/[<>\s]/.test(a)) throw new FieldError(`not an address: "${a}" (no spaces or angle brackets: they are added)`);
      return;
    case 'smtp-auth':
    case 'pop3-login':
    case 'imap-login':
      checkField('the user name', c.user);
      if (c.user === '') throw new FieldError('an empty user name');
      return;
    case 'http':
      checkField('the path', c.path);
      if (/\s/.test(c.path)) throw new FieldError(`the path holds a space: write it as %20 ("${c.path}")`);
      if (!/^(\/|\*$|https?:\/\/)/i.test(c.path)) throw new FieldError(`a path starts with "/": "${c.path}"`);
      c.headers.forEach(checkHeader);
      return;
    case 'imap-select':
      checkField('the mailbox name', c.mailbox);
      return;
    case 'imap-fetch':
      checkField('the message number', c.which);
      if (!/^(\d+|\*)(:(\d+|\*))?(,(\d+|\*)(:(\d+|\*))?)*$/.test(c.which)) throw new FieldError(`not a message number or set: "${c.which}" (1, 2:4, 1:*)`);
      return;
  }
}

/** The secret as it is sent: a password with a CR, LF or NUL cannot be sent by these protocols. */
export function checkSecret(secret: string): void {
  if (/[\r\n\0]/.test(secret)) throw new FieldError('the password holds a control character that cannot be sent: nothing sent');
}

const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

/** RFC 5322's date: "Tue, 01 Dec 2026 12:00:00 +0000" (in UTC). */
export function mailDate(ms: number): string {
  const d = new Date(ms);
  const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const two = (n: number) => String(n).padStart(2, '0');
  return `${days[d.getUTCDay()]}, ${two(d.getUTCDate())} ${months[d.getUTCMonth()]} ${d.getUTCFullYear()} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} +0000`;
}

/** A message's lines dot-stuffed (RFC 5321 4.5.2): a line that starts with "." gets another. */
export function dotStuff(lines: readonly string[]): string[] {
  return lines.map((l) => (l.startsWith('.') ? `.${l}` : l));
}

/** The other way, for display: a line of a multi-line answer that starts with ".." loses one. */
export function dotUnstuff(line: string): string {
  return line.startsWith('..') ? line.slice(1) : line;
}

/** The message of `smtp send`: its headers (generated unless given), an empty line, the body. */
export function messageLines(c: Extract<Compose, { kind: 'smtp-send' }>, ctx: PlanContext): string[] {
  const given = new Set(c.headers.map((h) => h.slice(0, h.indexOf(':')).trim().toLowerCase()));
  const headers: string[] = [];
  const add = (name: string, value: string) => {
    if (!given.has(name.toLowerCase())) headers.push(`${name}: ${value}`);
  };
  add('Date', mailDate(ctx.now));
  add('Message-ID', `<${ctx.unique}@${ctx.machine}>`);
  add('From', `<${c.from}>`);
  add('To', c.to.map((t) => `<${t}>`).join(', '));
  add('Subject', c.subject ?? 'porthole test');
  headers.push(...c.headers);
  // A bare CR is a line break too: sent inside a line, "\r.\r\n" could end the message early at a
  // server that takes a bare CR as a line end (SMTP smuggling).
  const body = (c.body ?? 'This is a test message sent by porthole.').split(/\r\n|\r|\n/);
  // A body that ends with a line break has no empty last line of its own.
  if (body.length > 1 && body.at(-1) === '') body.pop();
  return [...headers, '', ...body];
}

/** IMAP's astring for a value: an atom when it can be, else a quoted string, else a literal. */
export function imapString(value: string, bytes: (text: string) => number): { text: string } | { literal: string; bytes: number } {
  if (/^[!#$&'+,\-./0-9:;<=>?@A-Z^_`a-z|~]+$/.test(value) && !/^(NIL)$/i.test(value)) return { text: value };
  if (/^[\x20-\x7e]*$/.test(value)) return { text: `"${value.replace(/["\\]/g, (ch) => `\\${ch}`)}"` };
  return { literal: value, bytes: bytes(value) };
}

function step(lines: string[], wait: PlanStep['wait'], verb: string, what: string, extra: Partial<PlanStep> = {}): PlanStep {
  return { lines, shown: extra.shown ?? lines, wait, verb, what, ...extra };
}

/** The plan of a composer: its steps in order. `secret`: the password asked for, when it asks. */
export function plan(c: Compose, ctx: PlanContext, secret: string | null): PlanStep[] {
  const walk = ctx.walk;
  switch (c.kind) {
    case 'smtp-send': {
      const steps: PlanStep[] = [];
      const smtp = walk?.proto === 'smtp' ? walk : null;
      if (!smtp?.greeted) steps.push(step([], 'greeting', 'greeting', 'the greeting'));
      if (!smtp?.hello) {
        const helo = step([`HELO ${ctx.machine}`], 'ok', 'HELO', `HELO ${ctx.machine}`);
        steps.push(step([`EHLO ${ctx.machine}`], 'ok', 'EHLO', `EHLO ${ctx.machine}`, { orElse: [helo] }));
      }
      steps.push(step([`MAIL FROM:<${c.from}>`], 'ok', 'MAIL', `MAIL FROM:<${c.from}>`));
      for (const t of c.to) steps.push(step([`RCPT TO:<${t}>`], 'ok', 'RCPT', `RCPT TO:<${t}>`));
      steps.push(step(['DATA'], 'go', 'DATA', 'DATA'));
      const message = messageLines(c, ctx);
      steps.push(step([...dotStuff(message), '.'], 'ok', '.', 'the message (ended by ".")'));
      return steps;
    }
    case 'smtp-auth': {
      const s = secret ?? '';
      const pre: PlanStep[] = walk?.proto === 'smtp' && walk.greeted ? [] : [step([], 'greeting', 'greeting', 'the greeting')];
      if (!(walk?.proto === 'smtp' && walk.hello)) pre.push(step([`EHLO ${ctx.machine}`], 'ok', 'EHLO', `EHLO ${ctx.machine}`));
      if (c.mech === 'plain') {
        return [...pre, step([`AUTH PLAIN ${b64(`\0${c.user}\0${s}`)}`], 'ok', 'AUTH', 'AUTH PLAIN', { shown: [`AUTH PLAIN ${MASK}`] })];
      }
      return [
        ...pre,
        step(['AUTH LOGIN'], 'go', 'AUTH', 'AUTH LOGIN'),
        step([b64(c.user)], 'go', 'AUTH', 'the user name'),
        step([b64(s)], 'ok', 'AUTH', 'the password', { shown: [MASK] }),
      ];
    }
    case 'http': {
      const version = c.http10 ? 'HTTP/1.0' : 'HTTP/1.1';
      const given = new Set(c.headers.map((h) => h.slice(0, h.indexOf(':')).trim().toLowerCase()));
      const body = c.data;
      const host = given.has('host') ? [] : [`Host: ${ctx.host}`];
      const needsLength = (body !== undefined || c.method === 'POST' || c.method === 'PUT') && !given.has('content-length');
      const length = needsLength ? [`Content-Length: ${ctx.bytes(body ?? '')}`] : [];
      const added = [...host, ...length];
      const lines = [`${c.method} ${c.path} ${version}`, ...host, ...c.headers, ...length, ''];
      const masked = lines.map((l) => l.replace(/^((?:Proxy-)?Authorization:\s*)(\S+)(\s+\S.*)?$/i, (_m, h: string, a: string, b: string | undefined) => (b ? `${h}${a} ${MASK}` : `${h}${MASK}`)));
      return [
        step(lines, 'ok', 'RESPONSE', `${c.method} ${c.path}`, {
          shown: masked,
          ...(body !== undefined && body !== '' ? { body } : {}),
          ...(added.length ? { note: `porthole added: ${added.join(', ')}` } : {}),
        }),
      ];
    }
    case 'pop3-login': {
      const pre: PlanStep[] = walk?.proto === 'pop3' && walk.greeted ? [] : [step([], 'greeting', 'greeting', 'the greeting')];
      return [...pre, step([`USER ${c.user}`], 'ok', 'USER', `USER ${c.user}`), step([`PASS ${secret ?? ''}`], 'ok', 'PASS', 'PASS', { shown: [`PASS ${MASK}`] })];
    }
    case 'imap-login': {
      const pre: PlanStep[] = walk?.proto === 'imap' && walk.greeted ? [] : [step([], 'greeting', 'greeting', 'the greeting')];
      const user = imapString(c.user, ctx.bytes);
      const pass = imapString(secret ?? '', ctx.bytes);
      const steps: PlanStep[] = [];
      let head = 'LOGIN';
      // A literal ends the line with {n}: the rest follows the server's "+".
      if ('literal' in user) {
        steps.push(step([`${head} {${user.bytes}}`], 'go', 'LOGIN', 'LOGIN (the user name)'));
        head = user.literal;
      } else head = `${head} ${user.text}`;
      if ('literal' in pass) {
        steps.push(step([`${head} {${pass.bytes}}`], 'go', 'LOGIN', 'LOGIN'));
        steps.push(step([pass.literal], 'ok', 'LOGIN', 'LOGIN (the password)', { shown: [MASK] }));
      } else {
        steps.push(step([`${head} ${pass.text}`], 'ok', 'LOGIN', 'LOGIN', { shown: [`${head} ${MASK}`] }));
      }
      return [...pre, ...steps];
    }
    case 'imap-select': {
      const box = imapString(c.mailbox, ctx.bytes);
      if ('literal' in box) {
        return [step([`SELECT {${box.bytes}}`], 'go', 'SELECT', `SELECT ${c.mailbox}`), step([box.literal], 'ok', 'SELECT', `SELECT ${c.mailbox}`)];
      }
      return [step([`SELECT ${box.text}`], 'ok', 'SELECT', `SELECT ${box.text}`)];
    }
    case 'imap-fetch': {
      // FETCH needs a mailbox: INBOX, said as added, when none is selected yet.
      const select = walk?.proto === 'imap' && walk.selected ? [] : [step(['SELECT INBOX'], 'ok', 'SELECT', 'SELECT INBOX', { note: 'porthole added: SELECT INBOX (no mailbox selected yet)' })];
      return [...select, step([`FETCH ${c.which} (FLAGS BODY.PEEK[])`], 'ok', 'FETCH', `FETCH ${c.which}`)];
    }
  }
}
