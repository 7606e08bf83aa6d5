// Every command-line option once, as data: --help (yargs, in main.ts), the man page
// (core/manpage.ts, written at build) and the shell completions (core/completion.ts) are all
// made from this table, so none of them can say what the others do not.

import { COLOUR_CHOICES } from './colour.js';
import { DEFAULTS } from './options.js';
import { PROTOS } from './protocols/choose.js';
import { STARTTLS_PROTOCOLS, TLS_VERSIONS } from './tls-options.js';

/** The groups of --help and of the man page's OPTIONS, in their order. */
export const OPTION_GROUPS = [
  { id: 'connection', title: 'Connection' },
  { id: 'tls', title: 'TLS' },
  { id: 'session', title: 'Session' },
  { id: 'probe', title: 'Probe and watch' },
  { id: 'output', title: 'Output' },
  { id: 'files', title: 'Files' },
  { id: 'other', title: 'Other' },
] as const;

export type OptionGroup = (typeof OPTION_GROUPS)[number]['id'];

/** What a value is, for the completions: a file name, or one of a set. */
export type ValueKind = 'file' | 'number' | 'text' | 'encoding';

export interface OptionSpec {
  /** The long name, without dashes. One letter makes it a short option only (-q, -N). */
  name: string;
  aliases?: readonly string[];
  type: 'boolean' | 'string';
  group: OptionGroup;
  /** The value's name in the synopsis and the man page (SECONDS, FILE). */
  arg?: string;
  /** A value must be one of these: completed from them, listed in the man page. */
  values?: readonly string[];
  /** What to complete when the values are not a set. */
  kind?: ValueKind;
  /** A boolean whose --no- form means something (--no-history), shown in the man page. */
  negatable?: boolean;
  /** One value for each use, repeatable (-c): an array option would take the host and port too. */
  repeatable?: boolean;
  /** A value must follow: `--log --json` is an error, not a log file named "--json". */
  requiresArg?: boolean;
  hidden?: boolean;
  describe: string;
}

/** Offered for --encoding: iconv-lite takes many more names; these are the ones met in the field. */
export const COMMON_ENCODINGS: readonly string[] = [
  'utf-8', 'latin1', 'iso-8859-15', 'cp1252', 'cp437', 'cp850', 'koi8-r', 'cp1251', 'shift_jis', 'euc-jp', 'gb18030', 'big5', 'euc-kr', 'utf-16le',
];

export const OPTIONS: readonly OptionSpec[] = [
  // Connection
  { name: 'ipv4', aliases: ['4'], type: 'boolean', group: 'connection', describe: 'IPv4 addresses only' },
  { name: 'ipv6', aliases: ['6'], type: 'boolean', group: 'connection', describe: 'IPv6 addresses only' },
  { name: 'connect-timeout', aliases: ['w'], type: 'string', group: 'connection', arg: 'SECONDS', kind: 'number', describe: `Seconds to wait for each address to connect [default: ${DEFAULTS.connectTimeoutS}]` },
  { name: 'crlf', aliases: ['C'], type: 'boolean', group: 'connection', describe: 'Send CRLF as the line ending (pipe: LF becomes CRLF)' },
  { name: 'lf', type: 'boolean', group: 'connection', describe: 'Send a bare LF as the line ending' },
  { name: 'encoding', type: 'string', group: 'connection', arg: 'NAME', kind: 'encoding', describe: 'Character set of the service (iconv-lite names) [default: utf-8]' },
  { name: 'telnet', type: 'boolean', group: 'connection', describe: 'Speak telnet (options, echo) whatever the port; on by default for port 23' },
  { name: 'raw', type: 'boolean', group: 'connection', describe: 'No telnet even on port 23: every byte as it is, as nc' },
  { name: 'user', aliases: ['l'], type: 'string', group: 'connection', arg: 'USER', kind: 'text', describe: "The user telnet gives the server (NEW-ENVIRON's USER), as telnet -l" },
  { name: 'pipe', type: 'boolean', group: 'connection', describe: 'Pipe mode even on a terminal: stdin to the socket, the socket to stdout' },
  { name: 'shutdown', type: 'boolean', group: 'connection', negatable: true, describe: 'Pipe: half-close when stdin ends (nc -N); --no-shutdown keeps sending open [default: true]' },
  { name: 'q', aliases: ['quit-after'], type: 'string', group: 'connection', arg: 'SECONDS', kind: 'number', describe: 'Pipe: quit SECONDS after stdin ends, whatever the peer does (nc -q)' },
  { name: 'N', type: 'boolean', group: 'connection', hidden: true, describe: 'nc -N: half-close when stdin ends (the default)' },
  // TLS
  { name: 'tls', aliases: ['ssl'], type: 'boolean', group: 'tls', describe: 'TLS right after connecting (implicit TLS: 443, 465, 993, 995), in every mode' },
  { name: 'starttls', type: 'string', group: 'tls', arg: 'PROTO', values: [...STARTTLS_PROTOCOLS, 'auto'], describe: "Plaintext first, then the protocol's upgrade, then TLS: smtp, pop3, imap, ftp or auto" },
  { name: 'ca', type: 'string', group: 'tls', arg: 'FILE', kind: 'file', describe: "Trust this CA (PEM file) too, beside the system's and Node's" },
  { name: 'insecure', aliases: ['k'], type: 'boolean', group: 'tls', describe: 'Go on when the certificate does not verify (the verdict is still shown)' },
  { name: 'servername', type: 'string', group: 'tls', arg: 'NAME', kind: 'text', describe: 'The name sent as SNI and checked [default: the host, none for an IP address]' },
  { name: 'alpn', type: 'string', group: 'tls', arg: 'LIST', kind: 'text', describe: 'Protocols offered by ALPN, comma-separated (h2,http/1.1)' },
  { name: 'cert', type: 'string', group: 'tls', arg: 'FILE', kind: 'file', describe: 'Client certificate (PEM file), with --key' },
  { name: 'key', type: 'string', group: 'tls', arg: 'FILE', kind: 'file', describe: 'Private key of --cert (PEM file)' },
  { name: 'tls-min', type: 'string', group: 'tls', arg: 'VERSION', values: TLS_VERSIONS, describe: 'Lowest version accepted: TLSv1, TLSv1.1, TLSv1.2, TLSv1.3 [default: TLSv1.2]' },
  { name: 'tls-max', type: 'string', group: 'tls', arg: 'VERSION', values: TLS_VERSIONS, describe: 'Highest version offered: TLSv1, TLSv1.1, TLSv1.2, TLSv1.3 [default: TLSv1.3]' },
  // Session
  { name: 'proto', type: 'string', group: 'session', arg: 'PROTO', values: [...PROTOS, 'auto'], describe: 'The protocol helper: smtp, http, pop3, imap, none, or auto (from the port, else the banner) [default: auto]' },
  { name: 'command', aliases: ['c'], type: 'string', group: 'session', arg: 'CMD', kind: 'text', repeatable: true, requiresArg: true, describe: "A prompt command to run once connected, repeatable (-c 'smtp send --from a@x --to b@y')" },
  { name: 'terminal', type: 'boolean', group: 'session', describe: 'Terminal mode once connected: the remote program gets the terminal (a shell, vi, top); Ctrl+] comes back' },
  { name: 'scrollback', type: 'string', group: 'session', arg: 'LINES', kind: 'number', describe: 'Lines of scrollback to keep' },
  { name: 'history', type: 'boolean', group: 'session', negatable: true, describe: 'Keep the lines typed at each host:port for Up and Ctrl+R next time; --no-history keeps none [default: true]' },
  // Probe and watch
  { name: 'probe', aliases: ['z'], type: 'boolean', group: 'probe', describe: 'Probe mode: report the outcome of each port, then exit' },
  { name: 'banner-wait', type: 'string', group: 'probe', arg: 'SECONDS', kind: 'number', describe: `Seconds to wait for a banner or an early close [default: ${DEFAULTS.bannerWaitS}]` },
  { name: 'parallel', type: 'string', group: 'probe', arg: 'N', kind: 'number', describe: `Ports probed at once [default: ${DEFAULTS.parallel}]` },
  { name: 'json', type: 'boolean', group: 'probe', describe: 'One JSON object per port (a watch: per check, with its round and time)' },
  { name: 'watch', type: 'string', group: 'probe', arg: '[SECONDS]', kind: 'number', describe: `Probe again every SECONDS, in a live table on a terminal, a line a check elsewhere [default: ${DEFAULTS.watchS}]` },
  { name: 'count', type: 'string', group: 'probe', arg: 'N', kind: 'number', describe: 'Watch: stop after N rounds (exit as -z: the first target not open in the last)' },
  { name: 'expect', type: 'string', group: 'probe', arg: 'REGEX', kind: 'text', requiresArg: true, describe: "An open port whose banner does not match REGEX is an unexpected banner: the wrong service" },
  { name: 'file', aliases: ['f'], type: 'string', group: 'probe', arg: 'FILE', kind: 'file', requiresArg: true, describe: 'Probe (or watch) the targets in FILE: one a line, HOST:PORT, [v6]:PORT, a config target or HOST PORT...; # comments' },
  { name: 'open', type: 'boolean', group: 'probe', describe: 'Only the open ports, as nc -z -v is read for a range; the summary on stderr counts every port' },
  // Output
  { name: 'verbose', aliases: ['v'], type: 'boolean', group: 'output', describe: 'Report each address tried, on stderr' },
  { name: 'color', type: 'string', group: 'output', arg: 'WHEN', values: COLOUR_CHOICES, describe: 'Colour: auto (a terminal, unless NO_COLOR; FORCE_COLOR too), always, never [default: auto]' },
  { name: 'colours', aliases: ['colors'], type: 'boolean', group: 'output', describe: "Session: show the peer's colours (a safe subset of SGR) instead of marks" },
  { name: 'keep-output', type: 'string', group: 'output', arg: 'N', values: ['screen', 'all', 'none'], describe: 'Session: lines of output left in the terminal after quit: N, screen, all or none [default: screen]' },
  // Files
  { name: 'config', type: 'string', group: 'files', arg: 'FILE', kind: 'file', negatable: true, describe: 'The config file [default: $XDG_CONFIG_HOME/porthole/config.toml]; --no-config reads none' },
  { name: 'log', type: 'string', group: 'files', arg: 'FILE', kind: 'file', requiresArg: true, describe: "Session and pipe: write a transcript to FILE from the start (each line's time, direction marks, secrets masked), as `log FILE`" },
  { name: 'json-log', type: 'string', group: 'files', arg: 'FILE', kind: 'file', requiresArg: true, describe: 'Session and pipe: a JSON object a line to FILE for each event (connect, attempt, TLS, close) and every byte (base64)' },
  { name: 'capture', type: 'string', group: 'files', arg: 'FILE', kind: 'file', requiresArg: true, describe: 'Every mode but -z: the bytes received, exactly, to FILE (truncated first)' },
  { name: 'capture-sent', type: 'string', group: 'files', arg: 'FILE', kind: 'file', requiresArg: true, describe: 'Every mode but -z: the bytes sent, exactly, to FILE' },
  // Other
  { name: 'help', aliases: ['h'], type: 'boolean', group: 'other', describe: 'Show this help, then exit' },
  { name: 'version', type: 'boolean', group: 'other', describe: 'Show the version, then exit' },
  { name: 'completion', type: 'string', group: 'other', arg: 'SHELL', values: ['bash', 'zsh', 'fish'], describe: 'Print the completion script for SHELL (bash, zsh or fish), to source: eval "$(porthole --completion bash)"' },
];

/** "-w, --connect-timeout": a short form first, as --help and man pages write them. */
export function flagNames(o: OptionSpec): string[] {
  return [o.name, ...(o.aliases ?? [])]
    .map((n) => (n.length === 1 ? `-${n}` : `--${n}`))
    .sort((a, b) => Number(b.length === 2) - Number(a.length === 2));
}

/** How porthole is called, for --help's usage and the man page's SYNOPSIS. */
export const SYNOPSIS = [
  'porthole [options] HOST [PORT]',
  'porthole -z [options] HOST PORT|A-B...',
  'porthole -z|--watch [SECONDS] [options] HOST:PORT|TARGET... [-f FILE]',
  'porthole -c CMD [-c CMD] [options] HOST PORT',
  'porthole [options] TARGET',
  'porthole --completion bash|zsh|fish',
] as const;

/**
 * The names as --help and the man page show them: "--[no-]history" for a switch with a --no-
 * form; a value's --no- form (--no-config) after it, since it takes no value.
 */
export function shownNames(o: OptionSpec): string[] {
  const names = flagNames(o);
  if (!o.negatable) return names;
  return o.type === 'boolean' ? names.map((n) => (n === `--${o.name}` ? `--[no-]${o.name}` : n)) : names;
}

/** "-w, --connect-timeout SECONDS", "--config FILE, --no-config": the option as it is typed. */
export function optionHead(o: OptionSpec): string {
  const head = `${shownNames(o).join(', ')}${o.arg ? ` ${o.arg}` : ''}`;
  return o.negatable && o.type === 'string' ? `${head}, --no-${o.name}` : head;
}

/** Words of `text` in lines of at most `width` columns (a longer word stands alone). */
export function wrapWords(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  if (line !== '') lines.push(line);
  return lines;
}

/** --help: the synopsis, the options by group, then `epilog`; fitted to `columns` (at most 100). */
export function helpText(columns: number, epilog: string): string {
  const width = Math.max(60, Math.min(100, columns || 100));
  const HEAD = 30;
  const out = [`Usage: ${SYNOPSIS.join('\n       ')}`, ''];
  for (const g of OPTION_GROUPS) {
    const opts = OPTIONS.filter((o) => o.group === g.id && !o.hidden);
    if (opts.length === 0) continue;
    out.push(`${g.title}:`);
    for (const o of opts) {
      // A long option without a short one lines up under the other long ones.
      const head = `  ${flagNames(o)[0]!.length === 2 ? '' : '    '}${optionHead(o)}`;
      const desc = wrapWords(o.describe, width - HEAD);
      if (head.length > HEAD - 2) out.push(head);
      else out.push(`${head.padEnd(HEAD)}${desc.shift() ?? ''}`);
      for (const l of desc) out.push(`${' '.repeat(HEAD)}${l}`);
    }
    out.push('');
  }
  out.push(epilog);
  return `${out.join('\n')}\n`;
}
