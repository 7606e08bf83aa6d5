// porthole(1), written at build (scripts/build.js) from the tables the program itself uses: the
// options of --help, the prompt's commands, the keys and the exit codes. Only the prose is here.

import { shownNames, OPTION_GROUPS, OPTIONS, SYNOPSIS, type OptionSpec } from './cli-options.js';
import { COMMANDS } from './commands.js';
import { EXIT_STATUS, EXIT_STATUS_NOTE } from './exit-codes.js';
import { DEFAULT_KEYS, DESCRIPTIONS, formatKey, type Command } from './key-bindings.js';

/**
 * Text for roff: a backslash doubled as \e, a hyphen-minus written \- (so copying an option
 * from the page gives the ASCII one), and a line that would start with . or ' protected.
 */
export function roffText(text: string): string {
  return text
    .replace(/\\/g, '\\e')
    .replace(/-/g, '\\-')
    .split('\n')
    .map((l) => (/^[.']/.test(l) ? `\\&${l}` : l))
    .join('\n');
}

const bold = (t: string) => `\\fB${roffText(t)}\\fR`;
const italic = (t: string) => `\\fI${roffText(t)}\\fR`;

function optionLine(o: OptionSpec): string {
  const head = shownNames(o).map(bold).join(', ');
  const withArg = o.arg ? `${head} ${italic(o.arg)}` : head;
  return o.negatable && o.type === 'string' ? `${withArg}, ${bold(`--no-${o.name}`)}` : withArg;
}

function optionsSection(): string[] {
  const out = ['.SH OPTIONS'];
  for (const g of OPTION_GROUPS) {
    const opts = OPTIONS.filter((o) => o.group === g.id && !o.hidden);
    if (opts.length === 0) continue;
    out.push(`.SS ${g.title}`);
    for (const o of opts) {
      out.push('.TP', optionLine(o), roffText(o.describe));
    }
  }
  return out;
}

function commandsSection(): string[] {
  const out = [
    '.SH COMMANDS',
    'Ctrl+] opens the prompt, as telnet\'s',
    '.BR telnet> ;',
    'a command may be shortened to any unique prefix, and Tab completes it.',
    '.B ?',
    'is',
    '.BR help ,',
    '.B exit',
    'is',
    '.BR quit .',
  ];
  for (const c of COMMANDS) out.push('.TP', c.args ? `${bold(c.name)} ${italic(c.args)}` : bold(c.name), roffText(c.help));
  return out;
}

function keysSection(): string[] {
  const out = ['.SH KEYS', 'In a session, the input line edits as readline does:'];
  for (const [command, keys] of Object.entries(DEFAULT_KEYS) as [Command, (typeof DEFAULT_KEYS)[Command]][]) {
    out.push('.TP', keys.map((k) => bold(formatKey(k))).join(', '), roffText(DESCRIPTIONS[command]));
  }
  return out;
}

/** An example: what is typed, then what it does. */
function example(command: string, what: string): string[] {
  return ['.PP', roffText(what), '.PP', '.RS 4', '.nf', bold(command), '.fi', '.RE'];
}

export function manPage(version: string, date: string): string {
  const lines = [
    `.TH PORTHOLE 1 "${date}" "porthole ${version}" "User Commands"`,
    // No hyphenation: an option or a command split across lines cannot be copied as it is.
    '.nh',
    '.SH NAME',
    'porthole \\- interactive raw\\-TCP client that says why a connection failed: refused, filtered, unknown host or closed by an access rule',
    '.SH SYNOPSIS',
    '.nf',
    ...SYNOPSIS.map((s) => {
      const [cmd, ...rest] = s.split(' ');
      return `${bold(cmd!)} ${roffText(rest.join(' '))}`;
    }),
    '.fi',
    '.SH DESCRIPTION',
    '.B porthole',
    'opens a TCP connection, as',
    '.BR telnet ,',
    '.BR nc ,',
    '.B openssl s_client',
    'and',
    '.B swaks',
    'do, and says what happened in words to act on: connected (with the service\'s banner), refused',
    '(nothing listens, or a firewall rejects), timed out (filtered by a firewall, or the host is down),',
    'unknown host (DNS), unreachable (the network path), or closed by the foreign host right after',
    'connecting (an access rule of the service).',
    '.PP',
    'On a terminal it is an interactive session: a scrolling output pane, a line editor with history,',
    'and a status bar with the connection\'s state. Ctrl+] opens a prompt (see',
    '.BR COMMANDS ).',
    'Protocol helpers follow SMTP, HTTP, POP3 and IMAP sessions: they explain each reply, suggest the',
    'next step (Tab takes it) and keep passwords off the screen, the history and the logs.',
    '.PP',
    'When stdin or stdout is not a terminal, or with',
    '.BR \\-\\-pipe ,',
    'porthole is a pipe, as',
    '.BR nc :',
    'stdin goes to the socket, the socket to stdout, the outcome to stderr and the exit status.',
    'With',
    '.BR \\-z ,',
    'it probes each port and prints one line for each: open (with the banner), or why not.',
    'With',
    '.BR \\-\\-watch ,',
    'it probes again every few seconds: a live table on a terminal (each target\'s state, connect',
    'times, loss, a sparkline and when it last changed; q quits, p pauses, r re-checks, Enter opens a',
    'session to the selected row), a line a check elsewhere. Several targets are given as',
    '.IR HOST:PORT ,',
    'config target names, or a list in a file',
    '.RB ( \\-f ).',
    'With',
    '.BR \\-c ,',
    'it runs prompt commands once connected (a whole SMTP mail, an HTTP request, an IMAP login).',
    '.PP',
    'Ports are numbers or service names (smtp, submission, http, https, pop3, imap, imaps, ssh...).',
    'Hosts are names, IPv4 or IPv6 addresses, with or without [brackets];',
    italic('HOST:PORT'),
    'works too. A',
    italic('TARGET'),
    'is a [targets.NAME] table of the config file (see',
    '.BR FILES ).',
    ...optionsSection(),
    ...commandsSection(),
    ...keysSection(),
    '.SH EXIT STATUS',
    ...EXIT_STATUS.flatMap((e) => ['.TP', bold(String(e.code)), roffText(e.text)]),
    '.PP',
    roffText(EXIT_STATUS_NOTE),
    '.SH FILES',
    '.TP',
    italic('$XDG_CONFIG_HOME/porthole/config.toml'),
    'The config file (by default ~/.config/porthole/config.toml), TOML:',
    '.B [defaults]',
    'holds options by their long names (connect\\-timeout, encoding, line\\-ending = "crlf", history = false, color, tls...),',
    'and each',
    '.B [targets.NAME]',
    'a host, a port and the options for it (tls, starttls, proto, ca, servername, encoding...), so',
    '.B porthole NAME',
    'reaches it. An option on the command line wins over the file.',
    '.TP',
    italic('$XDG_STATE_HOME/porthole/history/'),
    'The lines typed at each host and port (by default under ~/.local/state/porthole), one file',
    'for each, mode 0600, the newest 1,000 lines. Passwords, AUTH exchanges, Authorization headers',
    'and what is typed while the server echoes are never kept.',
    '.SH ENVIRONMENT',
    '.TP',
    bold('NO_COLOR'),
    'Set and not empty: no colour (unless \\-\\-color always, or FORCE_COLOR). What is not colour stays: the status bar inverse, notes dim.',
    '.TP',
    bold('FORCE_COLOR'),
    'Set: colour even when the output is not a terminal, and over NO_COLOR (unless \\-\\-color never); 0 or false: no colour.',
    '.TP',
    `${bold('XDG_CONFIG_HOME')}, ${bold('XDG_STATE_HOME')}`,
    'Where the config file and the history are (see',
    '.BR FILES ).',
    '.TP',
    bold('TERM'),
    'The terminal type a telnet session gives the server.',
    '.TP',
    bold('PORTHOLE_PASSWORD'),
    'The password a',
    '.B \\-c',
    'command asks for (pop3 login, imap login, smtp auth) when there is no terminal to ask on.',
    '.SH EXAMPLES',
    ...example('porthole -z mail.example.com 25 587 993', 'Is the port open, and if not, why? One line for each port; the exit status is the first failure\'s.'),
    ...example('porthole --watch 5 mail.example.com:25 mail.example.com:587 web.example.com:443', 'Is it still up, and when did it go down? A live table, a row a target, and the log of changes.'),
    ...example('porthole --watch 10 --count 6 --json -f targets.txt', 'The same for a script or a log collector: a JSON object a check, six rounds, then the exit status of the first target not open in the last.'),
    ...example('porthole mail.example.com smtp', 'Walk a mail through SMTP by hand: type EHLO, MAIL FROM, RCPT TO, DATA; the helper explains each reply and Tab takes the next step it suggests.'),
    ...example("porthole -c 'smtp send --from me@example.com --to you@example.com' mail.example.com 25", 'The same mail in one command, as swaks does.'),
    ...example('porthole example.com 80', 'A raw HTTP request: type GET / HTTP/1.1, Host: example.com, then an empty line.'),
    ...example("printf 'GET / HTTP/1.0\\r\\n\\r\\n' | porthole example.com 80", 'The same from a script: porthole is a pipe when stdin is not a terminal.'),
    ...example('porthole --starttls smtp mail.example.com 587', 'Plaintext first, then STARTTLS, then the TLS session and its certificate, as openssl s_client -starttls smtp.'),
    ...example('porthole --tls imap.example.com 993', 'Implicit TLS; then imap login USER at the prompt (Ctrl+]) asks for the password without showing it.'),
    '.SH SEE ALSO',
    '.BR telnet (1),',
    '.BR nc (1),',
    '.BR openssl\\-s_client (1),',
    '.BR swaks (1),',
    '.BR socat (1)',
    '',
  ];
  return lines.join('\n');
}
