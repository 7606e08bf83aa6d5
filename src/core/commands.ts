// The Ctrl+] prompt's command language, as telnet's `telnet>`: a table of commands with their
// arguments and help, a parser that accepts unique prefixes, and completion for the prompt.

import { checkEncoding } from './codec.js';
import { parseHost, parsePort } from './target.js';
import { UsageError, type CommandCode } from './errors.js';
import { parseStartTlsProtocol, STARTTLS_PROTOCOLS, type StartTlsProtocol } from './starttls.js';
import { parseProto, PROTOS, type ProtoName } from './protocols/choose.js';
import { checkCompose, FieldError, type Compose } from './protocols/compose.js';
import { MASK } from './protocols/secrets.js';

/** A parsed command, ready for the session to carry out. */
export type Command =
  | { type: 'quit' }
  | { type: 'suspend' }
  | { type: 'close' }
  | { type: 'open'; host: string; port?: number }
  | { type: 'reconnect' }
  | { type: 'status' }
  | { type: 'tls' }
  | { type: 'proto'; proto: ProtoName | 'auto' }
  | { type: 'starttls'; how: StartTlsProtocol | 'auto' | 'now' }
  | { type: 'send'; what: 'eof' }
  | { type: 'send'; what: 'bytes'; bytes: Uint8Array; label: string }
  /** A telnet command (IAC AYT...); `eof` is telnet's EOF in a telnet session, else the half-close. */
  | { type: 'send'; what: 'telnet'; name: string }
  | { type: 'mode'; mode: 'line' | 'char' | 'terminal' }
  | { type: 'set-line-ending'; ending: 'crlf' | 'lf' }
  | { type: 'set-encoding'; encoding: string }
  | { type: 'toggle'; what: Toggle }
  | { type: 'log'; file: string | null }
  | { type: 'clear' }
  | { type: 'help'; proto?: ProtoName }
  /** A composer: a whole protocol step (smtp send, http get, imap login...), its fields checked. */
  | { type: 'compose'; spec: Compose };

export type Toggle = 'echo' | 'hex' | 'timestamps' | 'colours' | 'raw' | 'options';

export type ParseResult = { ok: true; command: Command } | { ok: false; code: UsageError['code']; message: string };

interface Spec {
  name: string;
  /** Argument synopsis for the list and for help. */
  args: string;
  help: string;
  /** Words that may follow, for completion. */
  words?: readonly string[];
  parse(args: string[]): Command;
}

const bad = (code: CommandCode, message: string): never => {
  throw new UsageError(code, message);
};

const oneOf = <T extends string>(word: string | undefined, choices: readonly T[], what: string): T => {
  const w = word?.toLowerCase();
  const exact = choices.find((c) => c === w);
  if (exact) return exact;
  const found = choices.filter((c) => w !== undefined && c.startsWith(w));
  if (found.length === 1) return found[0]!;
  return bad('PH_BAD_ARGUMENT', `${what}: ${choices.join(' or ')}`);
};

const SEND_WORDS = ['eof', 'nul', 'esc', 'escape-char', 'crlf', 'lf', 'hex', 'ao', 'ayt', 'brk', 'ec', 'el', 'ga', 'ip', 'nop', 'synch'] as const;
/** telnet's `send` words (eof among them: telnet's EOF in a telnet session). */
const TELNET_SENDS: ReadonlySet<string> = new Set(['ao', 'ayt', 'brk', 'ec', 'el', 'ga', 'ip', 'nop', 'synch']);
const TOGGLES: readonly Toggle[] = ['echo', 'hex', 'timestamps', 'colours', 'raw', 'options'];

/** Named single sends: the bytes a user cannot type into the line editor. */
const SEND_BYTES: Record<string, { bytes: number[]; label: string }> = {
  nul: { bytes: [0x00], label: 'NUL' },
  esc: { bytes: [0x1b], label: 'ESC' },
  'escape-char': { bytes: [0x1d], label: '^]' },
  crlf: { bytes: [0x0d, 0x0a], label: 'CRLF' },
  lf: { bytes: [0x0a], label: 'LF' },
};

/** A command that takes nothing: `quit now` is a mistake to say, not a quit to carry out. */
function noArgs(name: string, command: Command): (args: string[]) => Command {
  return (args) => {
    if (args.length > 0) bad('PH_BAD_ARGUMENT', `${name} takes no arguments (got "${args.join(' ')}")`);
    return command;
  };
}

function parseHex(args: string[]): Uint8Array {
  const hex = args.join('').replace(/^0x/i, '');
  if (hex === '' || !/^[0-9a-f]*$/i.test(hex) || hex.length % 2 !== 0) {
    bad('PH_BAD_ARGUMENT', 'send hex needs pairs of hex digits, e.g. send hex 1b 5b 41');
  }
  return Uint8Array.from(hex.match(/../g)!.map((h) => parseInt(h, 16)));
}

/**
 * A composer's flags: `--name value` or `--name=value`; `many` may repeat, `bare` take no value.
 * What is not a flag is positional.
 */
function flags(
  args: string[],
  known: { one?: readonly string[]; many?: readonly string[]; bare?: readonly string[] },
  usage: string,
): { one: Map<string, string>; many: Map<string, string[]>; bare: Set<string>; rest: string[] } {
  const out = { one: new Map<string, string>(), many: new Map<string, string[]>(), bare: new Set<string>(), rest: [] as string[] };
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (!a.startsWith('--')) {
      out.rest.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const name = (eq < 0 ? a : a.slice(0, eq)).slice(2).toLowerCase();
    if (known.bare?.includes(name)) {
      out.bare.add(name);
      continue;
    }
    if (!known.one?.includes(name) && !known.many?.includes(name)) bad('PH_BAD_ARGUMENT', `unknown option --${name}; usage: ${usage}`);
    const value = eq >= 0 ? a.slice(eq + 1) : args[++i];
    if (value === undefined) bad('PH_BAD_ARGUMENT', `--${name} needs a value; usage: ${usage}`);
    if (known.many?.includes(name)) out.many.set(name, [...(out.many.get(name) ?? []), value!]);
    else if (out.one.has(name)) bad('PH_BAD_ARGUMENT', `--${name} given twice`);
    else out.one.set(name, value!);
  }
  return out;
}

/** A composer's command, its fields checked before anything can be sent. */
function composing(spec: Compose): Command {
  try {
    checkCompose(spec);
  } catch (e) {
    if (e instanceof FieldError) bad('PH_BAD_FIELD', e.message);
    throw e;
  }
  return { type: 'compose', spec };
}

/** `\n` in a body given on the prompt's one line is a line break (in single quotes: 'a\nb'). */
const lineBreaks = (text: string) => text.replace(/\\n/g, '\n');

const SMTP_SEND = 'smtp send --from A --to B [--to C] [--subject S] [--body TEXT | --body-file FILE] [--header "K: V"]';
const HTTP_USAGE = 'http get|head|delete|options PATH, http post|put PATH [--data TEXT | --data-file FILE] [--header "K: V"] [--http1.0]';

function parseSmtp(args: string[]): Command {
  const sub = oneOf(args[0], ['send', 'auth'] as const, 'smtp');
  if (sub === 'auth') {
    const usage = 'smtp auth plain|login USER (the password is asked for)';
    if (args.length !== 3) bad('PH_BAD_ARGUMENT', `usage: ${usage}`);
    const mech = oneOf(args[1], ['plain', 'login'] as const, 'smtp auth');
    return composing({ kind: 'smtp-auth', mech, user: args[2]! });
  }
  const f = flags(args.slice(1), { one: ['from', 'subject', 'body', 'body-file'], many: ['to', 'header'] }, SMTP_SEND);
  if (f.rest.length > 0) bad('PH_BAD_ARGUMENT', `unexpected "${f.rest[0]}"; usage: ${SMTP_SEND}`);
  const from = f.one.get('from');
  if (from === undefined) bad('PH_BAD_ARGUMENT', `smtp send needs --from ADDRESS (--from '' for the null sender); usage: ${SMTP_SEND}`);
  if (f.one.has('body') && f.one.has('body-file')) bad('PH_BAD_ARGUMENT', '--body or --body-file, not both');
  const body = f.one.get('body');
  return composing({
    kind: 'smtp-send',
    from: from!,
    to: f.many.get('to') ?? [],
    headers: f.many.get('header') ?? [],
    ...(f.one.has('subject') ? { subject: f.one.get('subject')! } : {}),
    ...(body !== undefined ? { body: lineBreaks(body) } : {}),
    ...(f.one.has('body-file') ? { bodyFile: f.one.get('body-file')! } : {}),
  });
}

const HTTP_METHODS = ['get', 'head', 'delete', 'options', 'post', 'put', 'patch'] as const;

function parseHttp(args: string[]): Command {
  const method = oneOf(args[0], HTTP_METHODS, 'http').toUpperCase();
  const f = flags(args.slice(1), { one: ['data', 'data-file'], many: ['header'], bare: ['http1.0'] }, HTTP_USAGE);
  if (f.rest.length > 1) bad('PH_BAD_ARGUMENT', `one PATH; usage: ${HTTP_USAGE}`);
  const withBody = method === 'POST' || method === 'PUT' || method === 'PATCH';
  if (!withBody && (f.one.has('data') || f.one.has('data-file'))) bad('PH_BAD_ARGUMENT', `${method} sends no body: --data goes with post, put or patch`);
  if (f.one.has('data') && f.one.has('data-file')) bad('PH_BAD_ARGUMENT', '--data or --data-file, not both');
  return composing({
    kind: 'http',
    method,
    path: f.rest[0] ?? '/',
    headers: f.many.get('header') ?? [],
    http10: f.bare.has('http1.0'),
    ...(f.one.has('data') ? { data: f.one.get('data')! } : {}),
    ...(f.one.has('data-file') ? { dataFile: f.one.get('data-file')! } : {}),
  });
}

function parsePop3(args: string[]): Command {
  oneOf(args[0], ['login'] as const, 'pop3');
  if (args.length !== 2) bad('PH_BAD_ARGUMENT', 'usage: pop3 login USER (the password is asked for)');
  return composing({ kind: 'pop3-login', user: args[1]! });
}

function parseImap(args: string[]): Command {
  const sub = oneOf(args[0], ['login', 'select', 'fetch'] as const, 'imap');
  const usage = { login: 'imap login USER (the password is asked for)', select: 'imap select MAILBOX', fetch: 'imap fetch N (or a set: 1:3)' }[sub];
  if (args.length !== 2) bad('PH_BAD_ARGUMENT', `usage: ${usage}`);
  if (sub === 'login') return composing({ kind: 'imap-login', user: args[1]! });
  if (sub === 'select') return composing({ kind: 'imap-select', mailbox: args[1]! });
  return composing({ kind: 'imap-fetch', which: args[1]! });
}

/** The commands, in the order the list shows them. */
export const COMMANDS: readonly Spec[] = [
  { name: 'quit', args: '', help: 'close the connection and leave porthole', parse: noArgs('quit', { type: 'quit' }) },
  { name: 'close', args: '', help: 'close the connection (or cancel the connect), stay in porthole', parse: noArgs('close', { type: 'close' }) },
  {
    name: 'open',
    args: 'HOST [PORT]',
    help: 'connect to another host (port 23 if none)',
    parse: (args) => {
      if (args.length === 0 || args.length > 2) bad('PH_BAD_ARGUMENT', 'usage: open HOST [PORT]');
      const target = parseHost(args[0]!);
      if (args[1] !== undefined && target.port !== undefined) bad('PH_BAD_ARGUMENT', 'port given twice');
      const port = args[1] !== undefined ? parsePort(args[1]) : target.port;
      return port === undefined ? { type: 'open', host: target.host } : { type: 'open', host: target.host, port };
    },
  },
  { name: 'reconnect', args: '', help: 'connect again to the same host and port', parse: noArgs('reconnect', { type: 'reconnect' }) },
  { name: 'status', args: '', help: 'show the connection, counters and settings', parse: noArgs('status', { type: 'status' }) },
  {
    name: 'starttls',
    args: '[smtp|pop3|imap|ftp|now]',
    help: "upgrade to TLS: the protocol's STARTTLS (detected if not named), or now, after a go-ahead you got by hand",
    words: [...STARTTLS_PROTOCOLS, 'auto', 'now'],
    parse: (args) => {
      if (args.length > 1) bad('PH_BAD_ARGUMENT', 'usage: starttls [smtp|pop3|imap|ftp|now]');
      if (args[0] === undefined) return { type: 'starttls', how: 'auto' };
      if (args[0].toLowerCase() === 'now') return { type: 'starttls', how: 'now' };
      const how = parseStartTlsProtocol(args[0]);
      if (how === null) bad('PH_BAD_ARGUMENT', `starttls: ${STARTTLS_PROTOCOLS.join(', ')}, auto or now, not "${args[0]}"`);
      return { type: 'starttls', how: how! };
    },
  },
  {
    name: 'proto',
    args: 'smtp|http|pop3|imap|none|auto',
    help: 'the protocol helper: explains the replies (none: the raw session)',
    words: [...PROTOS, 'auto'],
    parse: (args) => {
      const p = args.length === 1 ? parseProto(args[0]!) : null;
      if (p === null) bad('PH_BAD_ARGUMENT', `usage: proto ${PROTOS.join('|')}|auto`);
      return { type: 'proto', proto: p! };
    },
  },
  { name: 'tls', args: '', help: "show the TLS session: version, cipher, verdict and the certificate chain", parse: noArgs('tls', { type: 'tls' }) },
  {
    name: 'send',
    args: 'WHAT',
    help: "eof (half-close; telnet's EOF in a telnet session), nul, esc, escape-char (^]), crlf, lf, hex HH..; telnet: ao ayt brk ec el ga ip nop synch",
    words: SEND_WORDS,
    parse: (args) => {
      const what = oneOf(args[0], SEND_WORDS, 'send what');
      if (what === 'eof') return { type: 'send', what: 'eof' };
      if (TELNET_SENDS.has(what)) return { type: 'send', what: 'telnet', name: what };
      if (what === 'hex') {
        const bytes = parseHex(args.slice(1));
        return { type: 'send', what: 'bytes', bytes, label: `${bytes.length} byte${bytes.length === 1 ? '' : 's'}` };
      }
      const b = SEND_BYTES[what]!;
      return { type: 'send', what: 'bytes', bytes: Uint8Array.from(b.bytes), label: b.label };
    },
  },
  {
    name: 'mode',
    args: 'line|char|terminal',
    help: 'line: edit, then send on Enter; char: each key as typed; terminal: the remote program gets the terminal (Ctrl+] comes back)',
    words: ['line', 'char', 'terminal'],
    parse: (args) => ({ type: 'mode', mode: oneOf(args[0], ['line', 'char', 'terminal'] as const, 'mode') }),
  },
  {
    name: 'set',
    args: 'crlf|lf|encoding NAME',
    help: 'line ending sent on Enter, or the character set',
    words: ['crlf', 'lf', 'encoding'],
    parse: (args) => {
      const what = oneOf(args[0], ['crlf', 'lf', 'encoding'] as const, 'set what');
      if (what !== 'encoding') return { type: 'set-line-ending', ending: what };
      if (!args[1]) bad('PH_BAD_ARGUMENT', 'usage: set encoding NAME (utf-8, latin1, cp437, ...)');
      return { type: 'set-encoding', encoding: checkEncoding(args[1]!) };
    },
  },
  {
    name: 'toggle',
    args: 'WHAT',
    help: "echo (local), hex (view), timestamps, colours (the peer's), raw (answers as they came: HTTP's chunk sizes, POP3's stuffed dots), options (telnet's negotiation)",
    words: TOGGLES,
    parse: (args) => ({ type: 'toggle', what: oneOf(args[0] === 'colors' ? 'colours' : args[0], TOGGLES, 'toggle what') }),
  },
  {
    name: 'log',
    args: 'FILE|off',
    help: 'write a transcript to FILE (quote a path with spaces; ~ is home), or stop',
    parse: (args) => {
      if (args.length !== 1) bad('PH_BAD_ARGUMENT', 'usage: log FILE or log off (quote a path with spaces: log "my file.txt")');
      return { type: 'log', file: args[0] === 'off' ? null : args[0]! };
    },
  },
  { name: 'clear', args: '', help: 'clear the output pane', parse: noArgs('clear', { type: 'clear' }) },
  { name: 'z', args: '', help: "suspend porthole, as telnet's z: the shell's fg brings the session back", parse: noArgs('z', { type: 'suspend' }) },
  { name: 'smtp', args: 'send|auth ...', help: 'send a whole mail (--from --to [--subject --body]), or log in (auth plain|login USER)', words: ['send', 'auth'], parse: parseSmtp },
  { name: 'http', args: 'get|head|post|put|delete PATH', help: 'a whole request: Host and Content-Length added ([--data TEXT] [--header "K: V"])', words: HTTP_METHODS, parse: parseHttp },
  { name: 'pop3', args: 'login USER', help: 'log in with USER and PASS (the password is asked for)', words: ['login'], parse: parsePop3 },
  { name: 'imap', args: 'login USER|select BOX|fetch N', help: 'log in (password asked for), select a mailbox, fetch a message', words: ['login', 'select', 'fetch'], parse: parseImap },
  {
    name: 'help',
    args: '[smtp|http|pop3|imap]',
    help: "list these commands (also ?); with a protocol, its commands in a panel (F1 in a session)",
    words: ['smtp', 'http', 'pop3', 'imap'],
    parse: (args) => {
      if (args.length === 0) return { type: 'help' };
      const p = args.length === 1 ? parseProto(args[0]!) : null;
      if (p === null || p === 'auto' || p === 'none') bad('PH_BAD_ARGUMENT', 'usage: help [smtp|http|pop3|imap]');
      return { type: 'help', proto: p as ProtoName };
    },
  },
];

/** Aliases that are not prefixes: telnet's `?`, and `exit` which people type anyway. */
const ALIASES: Record<string, string> = { '?': 'help', exit: 'quit' };

/** Commands whose name matches a typed word: exact, else every command it is a prefix of. */
function matching(word: string): Spec[] {
  const w = ALIASES[word.toLowerCase()] ?? word.toLowerCase();
  const exact = COMMANDS.find((c) => c.name === w);
  return exact ? [exact] : COMMANDS.filter((c) => c.name.startsWith(w));
}

/**
 * Words as a shell splits them, so a path with spaces can be given: 'single' and "double" quotes
 * group, a backslash takes the next character as it is. Null when a quote is left open.
 */
export function splitWords(text: string): string[] | null {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quote) {
      if (ch === quote) quote = null;
      else if (ch === '\\' && quote === '"' && i + 1 < text.length) word += text[++i];
      else word += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      inWord = true;
    } else if (ch === '\\' && i + 1 < text.length) {
      word += text[++i];
      inWord = true;
    } else if (/\s/.test(ch)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += ch;
      inWord = true;
    }
  }
  if (quote) return null;
  if (inWord) words.push(word);
  return words;
}

export function parseCommand(text: string): ParseResult {
  const words = splitWords(text.trim());
  if (words === null) return { ok: false, code: 'PH_BAD_ARGUMENT', message: 'a quote is not closed' };
  if (words.length === 0) return { ok: false, code: 'PH_EMPTY', message: '' };
  const found = matching(words[0]!);
  if (found.length === 0) return { ok: false, code: 'PH_UNKNOWN_COMMAND', message: `unknown command "${words[0]}"` };
  if (found.length > 1) {
    return { ok: false, code: 'PH_AMBIGUOUS', message: `"${words[0]}" could be ${found.map((c) => c.name).join(', ')}` };
  }
  try {
    return { ok: true, command: found[0]!.parse(words.slice(1)) };
  } catch (e) {
    if (e instanceof UsageError) return { ok: false, code: e.code, message: e.message };
    throw e;
  }
}

/** One line per command for the list under the prompt and for `help`. */
export function commandList(): string[] {
  const synopsis = COMMANDS.map((c) => `${c.name} ${c.args}`.trim());
  const width = Math.max(...synopsis.map((s) => s.length));
  return COMMANDS.map((c, i) => `${synopsis[i]!.padEnd(width)}  ${c.help}`);
}

/**
 * Tab completion: complete the word under the end of the prompt when it is unique, else extend to
 * the longest common prefix and return the candidates to show.
 */
export function complete(text: string): { text: string; candidates: string[] } {
  const parts = text.split(/\s+/);
  const first = parts.length === 1;
  const word = parts.at(-1)!.toLowerCase();
  let pool: readonly string[];
  if (first) {
    pool = COMMANDS.map((c) => c.name);
  } else {
    const spec = matching(parts[0]!);
    pool = spec.length === 1 && parts.length === 2 ? (spec[0]!.words ?? []) : [];
  }
  const candidates = pool.filter((w) => w.startsWith(word));
  if (candidates.length === 0) return { text, candidates };
  const common = candidates.reduce((a, b) => {
    let i = 0;
    while (i < a.length && a[i] === b[i]) i++;
    return a.slice(0, i);
  });
  const head = parts.slice(0, -1).join(' ');
  const completed = candidates.length === 1 ? `${candidates[0]} ` : common;
  return { text: (head ? `${head} ` : '') + completed, candidates: candidates.length === 1 ? [] : candidates };
}

/**
 * Where a command's secrets are, to draw them as marks in the prompt: the credentials of every
 * Authorization (and Proxy-Authorization) header given to a composer, from after the scheme to the
 * end of the argument that holds it (its closing quote, or the next space outside quotes), so a
 * Digest's parameters and a signature's fields are covered too. Empty when it has none.
 */
export function commandSecretSpans(text: string): [number, number][] {
  const spans: [number, number][] = [];
  const header = /(?:proxy-)?authorization:/giy;
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quote) {
      if (ch === quote) quote = null;
      else if (ch === '\\' && quote === '"') i++;
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '\\') i++;
    header.lastIndex = i;
    if (!header.test(text)) continue;
    let at = header.lastIndex;
    while (at < text.length && text[at] === ' ') at++;
    // The scheme stays (Basic, Bearer, Digest): what follows it is the secret.
    const scheme = /^[A-Za-z][\w-]*\s+/.exec(text.slice(at));
    if (scheme) at += scheme[0].length;
    let end = at;
    while (end < text.length && (quote ? text[end] !== quote : !/\s/.test(text[end]!))) end++;
    if (end > at) spans.push([at, end]);
    i = end - 1;
  }
  return spans;
}

/** A command as it may be shown and kept (the prompt's history, -c's messages): its secrets masked. */
export function shownCommand(text: string): string {
  let out = text;
  for (const [from, to] of commandSecretSpans(text).reverse()) out = out.slice(0, from) + MASK + out.slice(to);
  return out;
}
