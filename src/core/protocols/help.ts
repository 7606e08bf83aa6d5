// Each protocol's commands in one line each: what it does and what it needs. The help panel shows
// them (`help PROTO` in the prompt, F1 in a session), the helper's own commands below: its
// composers first, then the rest.

import type { ProtoName } from './choose.js';

type Entry = readonly [command: string, words: string];

const SMTP: readonly Entry[] = [
  ['EHLO name', "greet with your host's name; the reply lists what the server offers"],
  ['HELO name', 'the old greeting, for a server that refuses EHLO'],
  ['STARTTLS', 'ask for TLS (then EHLO again); or starttls in the prompt'],
  ['AUTH PLAIN base64', 'log in: base64 of "\\0user\\0password" (masked here)'],
  ['AUTH LOGIN', 'log in in two steps, user then password, each base64 (masked here)'],
  ['MAIL FROM:<address>', 'the sender (the envelope); <> for none, as bounces have'],
  ['RCPT TO:<address>', 'a recipient; once for each'],
  ['DATA', 'then the message: headers, an empty line, the body, and a line with a single "."'],
  ['RSET', 'forget the mail in progress, stay connected'],
  ['NOOP', 'do nothing: is the server still there?'],
  ['VRFY address', 'ask whether an address exists (most servers will not say)'],
  ['QUIT', 'say goodbye; the server closes'],
];

const POP3: readonly Entry[] = [
  ['CAPA', 'what the server offers (STLS, USER, SASL...)'],
  ['STLS', 'ask for TLS; or starttls in the prompt'],
  ['USER name', 'the user name'],
  ['PASS password', 'the password (masked here)'],
  ['STAT', 'how many messages, and their size'],
  ['LIST [n]', 'each message and its size; or one'],
  ['UIDL [n]', 'each message and its unique id'],
  ['RETR n', 'message n, whole, up to a line with a single "."'],
  ['TOP n lines', "message n's headers and its first lines"],
  ['DELE n', 'mark message n deleted (gone at QUIT)'],
  ['RSET', 'undo the deletions'],
  ['QUIT', 'end the session; deletions take effect'],
];

const IMAP: readonly Entry[] = [
  ['CAPABILITY', 'what the server offers (STARTTLS, AUTH=..., IDLE...); the tag is added for you'],
  ['STARTTLS', 'ask for TLS; or starttls in the prompt'],
  ['LOGIN user password', 'log in (quote a name or password with spaces; the password is masked here)'],
  ['LIST "" "*"', 'every mailbox'],
  ['SELECT INBOX', 'open a mailbox for reading and changing'],
  ['EXAMINE INBOX', 'open it read-only'],
  ['STATUS INBOX (MESSAGES UNSEEN)', "a mailbox's counts without opening it"],
  ['FETCH 1 (FLAGS BODY[HEADER])', "message 1's flags and headers; BODY[] for all of it"],
  ['SEARCH UNSEEN', 'the numbers of the messages that match'],
  ['STORE 1 +FLAGS (\\Seen)', 'set a flag; -FLAGS clears it'],
  ['EXPUNGE', 'remove the messages flagged \\Deleted'],
  ['IDLE', 'wait for news from the server; DONE ends it'],
  ['LOGOUT', 'end the session'],
];

const HTTP: readonly Entry[] = [
  ['GET /path HTTP/1.1', 'the request line: method, path, version'],
  ['Host: name', 'required in HTTP/1.1: the site asked for'],
  ['Connection: close', 'ask the server to close after its answer'],
  ['(an empty line)', 'ends the headers: the server answers now'],
  ['HEAD /path HTTP/1.1', 'the headers only, no body'],
  ['POST /path HTTP/1.1', 'send a body: give Content-Length: n, then the n bytes after the empty line'],
  ['OPTIONS * HTTP/1.1', 'what the server allows'],
];

const TABLES: Readonly<Record<Exclude<ProtoName, 'none'>, { name: string; entries: readonly Entry[] }>> = {
  smtp: { name: 'SMTP', entries: SMTP },
  pop3: { name: 'POP3', entries: POP3 },
  imap: { name: 'IMAP', entries: IMAP },
  http: { name: 'HTTP', entries: HTTP },
};

/** Each protocol's composers: a whole step done right, every line shown as it goes. */
const COMPOSERS: Readonly<Record<Exclude<ProtoName, 'none'>, readonly Entry[]>> = {
  smtp: [
    ['smtp send --from A --to B', 'a whole mail: EHLO if need be, MAIL, RCPT (each --to), DATA, headers, the dot-stuffed body, "."'],
    ['  [--subject S] [--body TEXT]', "--body-file FILE for a file; --header 'K: V' adds one; \n in --body '...' is a line break"],
    ['smtp auth plain|login USER', 'log in: the password is asked for (masked), the base64 done for you'],
  ],
  http: [
    ['http get|head|delete PATH', 'a whole request: Host (and Content-Length) added, and said as added'],
    ['http post|put PATH --data TEXT', "with a body (--data-file FILE); --header 'K: V', --http1.0"],
  ],
  pop3: [['pop3 login USER', 'USER, then PASS with the password asked for (masked)']],
  imap: [
    ['imap login USER', 'LOGIN, quoted or as a literal as needed; the password asked for (masked)'],
    ['imap select MAILBOX', 'SELECT it'],
    ['imap fetch N', 'FETCH message N whole (INBOX selected first if none is)'],
  ],
};

const OURS: readonly Entry[] = [
  ['Tab (or Right at the end)', 'take the suggested next step (dimmed) into the line; Enter sends only what is typed'],
  ['proto NAME', 'the helper: smtp, http, pop3, imap, none or auto'],
  ['starttls [now]', "upgrade to TLS with the protocol's own command (now: after one typed by hand)"],
  ['tls', 'the TLS session and its certificate chain'],
  ['log FILE', 'write a transcript (secrets masked, as in the pane)'],
  ['toggle raw', "answers as they came (HTTP's chunk sizes, POP3's stuffed dots)"],
];

/** The help panel's lines for a protocol (or, for none, how to pick one). */
export function helpLines(proto: ProtoName | null): string[] {
  if (proto === null || proto === 'none') {
    return ['No protocol helper in force: proto smtp|http|pop3|imap in the prompt picks one.', '', 'porthole, in the Ctrl+] prompt:', ...table(OURS)];
  }
  const t = TABLES[proto];
  return [`${t.name}, typed as is:`, ...table(t.entries), '', 'porthole, in the Ctrl+] prompt:', ...table([...COMPOSERS[proto], ...OURS])];
}

function table(entries: readonly Entry[]): string[] {
  const w = Math.max(...entries.map(([c]) => c.length));
  return entries.map(([c, words]) => `  ${c.padEnd(w)}  ${words}`);
}
