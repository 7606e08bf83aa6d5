// SMTP's replies as a person reads them: multi-line replies assembled, the basic code (RFC 5321)
// and the enhanced status code (RFC 3463) explained in one line with the next step, and an EHLO
// reply's capabilities in words. Tables, not branches: a code's words are data.

/** One whole reply: "250-a", "250-b", "250 c" is one reply of three lines. */
export interface SmtpReply {
  code: number;
  /** The enhanced status code of its last line ("5.1.1"), when it has one. */
  enhanced: string | null;
  /** The text of each line, without the code. */
  lines: readonly string[];
}

/** Most continuation lines kept for one reply: an EHLO reply has a dozen; a flood is no reply. */
const MAX_LINES = 64;

/** A reply being assembled: its code and its lines so far; EMPTY between replies. */
export interface ReplyInProgress {
  readonly code: number | null;
  readonly lines: readonly string[];
}

export const EMPTY_REPLY: ReplyInProgress = Object.freeze({ code: null, lines: Object.freeze([]) as readonly string[] });

/**
 * One more line of the server's: "NNN-" continues a reply, "NNN " ends it. A line that is no
 * reply line (not three digits) ends nothing and is passed over: the session shows it as it came.
 * Pure, for the reducer: the reply so far goes in, the next one (and any reply ended) comes out.
 */
export function pushReplyLine(so: ReplyInProgress, line: string): { next: ReplyInProgress; reply: SmtpReply | null } {
  const m = /^([2-5]\d\d)([ -]|$)(.*)$/.exec(line);
  if (!m) return { next: so, reply: null };
  const code = Number(m[1]);
  // A continuation of another code starts afresh (a server that mixes them is broken anyway).
  const before = so.code === code ? so.lines : [];
  const lines = before.length < MAX_LINES ? [...before, m[3]!] : before;
  if (m[2] === '-') return { next: { code, lines }, reply: null };
  const enhanced = /^([245])\.(\d{1,3})\.(\d{1,3})\b/.exec(lines.at(-1)!.trim());
  return { next: EMPTY_REPLY, reply: { code, enhanced: enhanced ? `${enhanced[1]}.${enhanced[2]}.${enhanced[3]}` : null, lines } };
}

interface Words {
  /** What it means, in a few words. */
  meaning: string;
  /** What to do, when there is something to do. */
  next?: string;
}

/** Basic reply codes (RFC 5321 4.2), the ones worth a word. 250 and friends need none. */
const CODES: Readonly<Record<number, Words>> = {
  221: { meaning: 'the server is closing the connection' },
  251: { meaning: 'user not local: the server will forward the mail' },
  252: { meaning: 'the server cannot verify the user, but will accept mail for them' },
  334: { meaning: 'the server waits for the next step of the AUTH exchange (base64)' },
  354: { meaning: 'send the message', next: 'headers, an empty line, the body, then a line with a single "." (put another "." in front of a line that starts with one)' },
  421: { meaning: 'the service is not available and closes the connection (shutting down, or too many connections from you)', next: 'try again later' },
  450: { meaning: 'mailbox unavailable for now (busy, or greylisting)', next: 'try again later: a real sender retries' },
  451: { meaning: 'the server failed locally, or greylists you', next: 'try again in a few minutes' },
  452: { meaning: 'not enough storage, or too many recipients in one transaction', next: 'send to fewer recipients, or later' },
  455: { meaning: 'the server cannot take these parameters now' },
  500: { meaning: 'command not recognized (or line too long)', next: 'check the spelling: HELP lists the commands' },
  501: { meaning: 'syntax error in the arguments', next: 'addresses go in angle brackets: MAIL FROM:<you@example.com>' },
  502: { meaning: 'command not implemented by this server' },
  503: { meaning: 'bad sequence of commands', next: 'the order is EHLO, then MAIL FROM, RCPT TO (one or more), DATA' },
  504: { meaning: 'command parameter not implemented' },
  521: { meaning: 'this host accepts no mail at all' },
  530: { meaning: 'authentication required', next: 'AUTH first (often offered only after STARTTLS)' },
  534: { meaning: 'the authentication mechanism is too weak', next: 'use another AUTH mechanism, or STARTTLS first' },
  535: { meaning: 'authentication failed: the user name or password was rejected' },
  538: { meaning: 'encryption required for this authentication mechanism', next: 'STARTTLS first' },
  550: { meaning: 'the server refused the mailbox or the mail (no such user, or a policy)' },
  551: { meaning: 'user not local', next: 'send to the address the reply gives' },
  552: { meaning: 'storage exceeded: the message is too big, or the mailbox full' },
  553: { meaning: 'the mailbox name is not allowed (bad syntax, or not permitted)' },
  554: { meaning: 'transaction failed, or (as a greeting) no SMTP service for you: a blocklist or a policy' },
  555: { meaning: 'MAIL FROM or RCPT TO parameters not recognized' },
};

/** Enhanced status codes (RFC 3463 and the IANA registry), by subject.detail. */
const ENHANCED: Readonly<Record<string, Words>> = {
  '1.0': { meaning: 'an address problem' },
  '1.1': { meaning: 'no such mailbox at that domain', next: 'check the spelling of the address' },
  '1.2': { meaning: 'the destination domain does not exist or takes no mail' },
  '1.3': { meaning: 'the address is not valid syntax' },
  '1.6': { meaning: 'the mailbox has moved' },
  '1.7': { meaning: 'the sender address is not valid' },
  '1.8': { meaning: 'the sender\'s domain does not exist or takes no mail' },
  '1.10': { meaning: 'the recipient domain has a null MX: it takes no mail' },
  '2.0': { meaning: 'a mailbox problem' },
  '2.1': { meaning: 'the mailbox is disabled' },
  '2.2': { meaning: 'the mailbox is full' },
  '2.3': { meaning: 'the message is too big for this mailbox' },
  '3.4': { meaning: 'the message is too big for this server', next: 'see the SIZE limit in the EHLO reply' },
  '4.1': { meaning: 'no answer from the next host' },
  '4.4': { meaning: 'the mail could not be routed' },
  '4.7': { meaning: 'delivery time expired' },
  '5.1': { meaning: 'invalid command' },
  '5.2': { meaning: 'syntax error' },
  '5.3': { meaning: 'too many recipients' },
  '5.4': { meaning: 'invalid command arguments' },
  '5.5': { meaning: 'wrong protocol version' },
  '6.0': { meaning: 'a content problem' },
  '7.0': { meaning: 'a security or policy reason (often: authenticate, or STARTTLS first)' },
  '7.1': { meaning: 'not authorized: relaying denied or refused by policy', next: 'a server relays only for its own domains or after AUTH' },
  '7.8': { meaning: 'the credentials are not valid' },
  '7.9': { meaning: 'the authentication mechanism is too weak' },
  '7.11': { meaning: 'encryption is required', next: 'STARTTLS first' },
  '7.13': { meaning: 'the user account is disabled' },
  '7.20': { meaning: 'no valid DKIM signature' },
  '7.23': { meaning: 'SPF validation failed: this host may not send for that domain' },
  '7.25': { meaning: 'reverse DNS validation failed for your address' },
  '7.26': { meaning: 'authentication checks failed (DMARC: SPF and DKIM)' },
  '7.27': { meaning: 'the sender domain has a null MX' },
};

const CLASS: Readonly<Record<string, string>> = { '2': 'success', '4': 'temporary failure: try again later', '5': 'permanent failure' };

/** An AUTH prompt (334) decoded for the eye: "Username:", "Password:"; null when it is no base64 text. */
function authPrompt(reply: SmtpReply): string | null {
  const b64 = reply.lines.at(-1)!.trim();
  if (b64 === '') return '334: the server waits for your answer (base64).';
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(b64) || b64.length % 4 !== 0) return null;
  const text = Buffer.from(b64, 'base64').toString('latin1');
  // Only printable words are shown: a challenge of binary (CRAM-MD5's is text, SCRAM's may not be).
  if (!/^[\x20-\x7e]+$/.test(text)) return null;
  return `334: the server asks "${text}" (base64 of it); answer in base64 (masked here).`;
}

/** The reply in one line of words (null for a plain success that needs none). */
export function explainReply(reply: SmtpReply): string | null {
  if (reply.code === 334) return authPrompt(reply) ?? `334: ${CODES[334]!.meaning}.`;
  const basic = CODES[reply.code];
  const enhanced = reply.enhanced ? enhancedWords(reply.enhanced) : null;
  if (!basic && !enhanced) {
    if (reply.code < 400) return null;
    return `${reply.code}: ${reply.code < 500 ? CLASS['4'] : CLASS['5']}.`;
  }
  // A greeting of 220, or a 250 with an enhanced 2.x.x, tells nothing the reply does not.
  if (!basic && reply.code < 400) return null;
  const parts: string[] = [];
  if (basic) parts.push(basic.meaning);
  if (enhanced && reply.enhanced![0] !== '2') parts.push(`${reply.enhanced}: ${enhanced.meaning}`);
  // A temporary failure's next step is to retry, whatever the enhanced code's words for its
  // permanent form (450 4.7.1 is greylisting, not relaying denied).
  const next = reply.code >= 400 && reply.code < 500 ? (basic?.next ?? enhanced?.next) : (enhanced?.next ?? basic?.next);
  const head = reply.code >= 400 ? `${reply.code} (${reply.code < 500 ? 'temporary' : 'permanent'})` : String(reply.code);
  return `${head}: ${parts.join('; ')}${next ? `. Next: ${next}` : ''}.`;
}

function enhancedWords(code: string): Words | null {
  const [, subject, detail] = code.split('.');
  return ENHANCED[`${subject}.${detail}`] ?? ENHANCED[`${subject}.0`] ?? null;
}

/** EHLO keywords in words, in the order a person asks about them. */
const CAPABILITIES: readonly { key: RegExp; words: (arg: string) => string }[] = [
  { key: /^STARTTLS$/i, words: () => 'TLS (STARTTLS: starttls in the prompt)' },
  { key: /^AUTH$/i, words: (arg) => `login with AUTH ${arg.trim() || '(no mechanism listed)'}` },
  // RFC 1870: SIZE 0 (or no number) announces the extension with no fixed limit.
  { key: /^SIZE$/i, words: (arg) => (Number(arg) > 0 ? `messages up to ${formatSize(Number(arg))}` : 'no fixed size limit') },
  { key: /^PIPELINING$/i, words: () => 'pipelining' },
  { key: /^8BITMIME$/i, words: () => '8-bit MIME' },
  { key: /^SMTPUTF8$/i, words: () => 'UTF-8 addresses' },
  { key: /^CHUNKING$/i, words: () => 'chunking (BDAT)' },
  { key: /^DSN$/i, words: () => 'delivery status notifications' },
  { key: /^ENHANCEDSTATUSCODES$/i, words: () => 'enhanced status codes' },
  { key: /^VRFY$/i, words: () => 'VRFY' },
  { key: /^ETRN$/i, words: () => 'ETRN' },
  { key: /^BINARYMIME$/i, words: () => 'binary MIME' },
];

function formatSize(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${bytes} bytes`;
}

/**
 * An EHLO reply's capabilities in words ("The server offers: TLS (STARTTLS), login with AUTH
 * PLAIN LOGIN, messages up to 10.0 MiB, ..."), or null when the reply is no EHLO reply (a 250 to
 * anything else has no keyword lines).
 */
export function ehloCapabilities(reply: SmtpReply): string | null {
  if (reply.code !== 250 || reply.lines.length < 2) return null;
  const said: { at: number; words: string }[] = [];
  const other: string[] = [];
  for (const line of reply.lines.slice(1)) {
    const m = /^(\S+)(?:[ =](.*))?$/.exec(line.trim());
    if (!m) continue;
    const at = CAPABILITIES.findIndex((c) => c.key.test(m[1]!));
    if (at >= 0) said.push({ at, words: CAPABILITIES[at]!.words(m[2] ?? '') });
    else other.push(m[1]!);
  }
  // Keyword lines are what makes it an EHLO reply: a multi-line 250 to anything else is not one.
  if (said.length === 0) return null;
  return `The server offers: ${[...said.sort((a, b) => a.at - b.at).map((s) => s.words), ...other].join(', ')}.`;
}
