// The lab's in-memory mail: practice accounts, a few canned messages, and whatever people deliver
// over SMTP, so a mail sent by hand can be read back over POP3 or IMAP.

/** The lab's own mail domain (RFC 2606 reserves .test, so it can never leak anywhere real). */
export const LAB_DOMAIN = 'lab.porthole.test';

/** Domains the lab's SMTP service treats as its own; any other is relaying, which it refuses. */
export const LOCAL_DOMAINS: readonly string[] = [LAB_DOMAIN, 'localhost'];

/** Practice accounts for POP3 and IMAP; scripts/lab.js prints them. */
export const PRACTICE_ACCOUNTS: readonly { user: string; password: string }[] = [
  { user: 'alice', password: 'wonderland' },
  { user: 'bob', password: 'builder' },
];

/** Local parts SMTP accepts, and whose mailbox each lands in. Anything else gets 550. */
export const LOCAL_MAILBOXES: Readonly<Record<string, string>> = {
  alice: 'alice',
  bob: 'bob',
  postmaster: 'alice',
};

/** Largest message SMTP accepts (advertised as EHLO SIZE). */
export const MAX_MESSAGE_BYTES = 1024 * 1024;
/** Messages a mailbox holds before SMTP answers "mailbox full". */
export const MAX_MAILBOX_MESSAGES = 100;

export interface StoredMessage {
  readonly uid: number;
  /** The whole message, CRLF line endings, ending with CRLF. */
  readonly raw: string;
  readonly size: number;
  readonly internalDate: Date;
  readonly flags: Set<string>;
  /** Not yet seen by any IMAP SELECT (RFC 3501 \Recent). */
  recent: boolean;
}

export interface Mailbox {
  readonly uidValidity: number;
  uidNext: number;
  messages: StoredMessage[];
}

export class MailStore {
  private readonly boxes = new Map<string, Mailbox>();

  constructor() {
    for (const { user } of PRACTICE_ACCOUNTS) {
      this.boxes.set(user, { uidValidity: 1, uidNext: 1, messages: [] });
    }
    for (const canned of CANNED_MESSAGES) {
      const message = this.deliver(canned.to, canned.raw, new Date(canned.date));
      if (canned.seen) message.flags.add('\\Seen');
      message.recent = false;
    }
  }

  authenticate(user: string, password: string): boolean {
    return PRACTICE_ACCOUNTS.some((a) => a.user === user && a.password === password);
  }

  mailbox(user: string): Mailbox | undefined {
    return this.boxes.get(user);
  }

  isFull(user: string): boolean {
    return (this.boxes.get(user)?.messages.length ?? 0) >= MAX_MAILBOX_MESSAGES;
  }

  deliver(user: string, text: string, when = new Date()): StoredMessage {
    const box = this.boxes.get(user);
    if (!box) throw new Error(`no mailbox for ${user}`);
    const raw = toCrlf(text);
    const message: StoredMessage = {
      uid: box.uidNext++,
      raw,
      size: Buffer.byteLength(raw),
      internalDate: when,
      flags: new Set(),
      recent: true,
    };
    box.messages.push(message);
    return message;
  }

  remove(user: string, gone: ReadonlySet<StoredMessage>): void {
    const box = this.boxes.get(user);
    if (box) box.messages = box.messages.filter((m) => !gone.has(m));
  }
}

/** Normalises any mix of line endings to CRLF and makes sure the text ends with one. */
export function toCrlf(text: string): string {
  const crlf = text.replace(/\r?\n/g, '\r\n');
  return crlf.endsWith('\r\n') ? crlf : `${crlf}\r\n`;
}

/** The header block (with its blank line) and the body of a CRLF message. */
export function splitMessage(raw: string): { header: string; body: string } {
  const at = raw.indexOf('\r\n\r\n');
  if (at === -1) return { header: raw, body: '' };
  return { header: raw.slice(0, at + 4), body: raw.slice(at + 4) };
}

/** Unfolded header fields in order, names as written. */
export function headerFields(raw: string): { name: string; value: string; text: string }[] {
  const fields: { name: string; value: string; text: string }[] = [];
  for (const line of splitMessage(raw).header.split('\r\n')) {
    if (line === '') continue;
    const last = fields[fields.length - 1];
    if ((line.startsWith(' ') || line.startsWith('\t')) && last) {
      last.value += ` ${line.trim()}`;
      last.text += `\r\n${line}`;
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    fields.push({ name: line.slice(0, colon).trim(), value: line.slice(colon + 1).trim(), text: line });
  }
  return fields;
}

export function headerValue(raw: string, name: string): string | undefined {
  const wanted = name.toLowerCase();
  return headerFields(raw).find((f) => f.name.toLowerCase() === wanted)?.value;
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const two = (n: number): string => String(n).padStart(2, '0');
const clock = (d: Date): string => `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}`;

/** RFC 5322 date, in UTC: "Tue, 01 Jul 2025 09:30:00 +0000". */
export function mailDate(d: Date): string {
  return `${DAYS[d.getUTCDay()]}, ${two(d.getUTCDate())} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ${clock(d)} +0000`;
}

/** IMAP INTERNALDATE: "01-Jul-2025 09:30:00 +0000". */
export function imapDate(d: Date): string {
  return `${two(d.getUTCDate())}-${MONTHS[d.getUTCMonth()]}-${d.getUTCFullYear()} ${clock(d)} +0000`;
}

/** Mailbox contents at start-up. The second one has lines starting with "." to show dot-stuffing. */
const CANNED_MESSAGES: readonly { to: string; date: string; seen: boolean; raw: string }[] = [
  {
    to: 'alice',
    date: '2025-07-01T09:30:00Z',
    seen: true,
    raw: `From: Porthole Lab <lab@${LAB_DOMAIN}>
To: Alice <alice@${LAB_DOMAIN}>
Subject: Welcome to the porthole lab
Date: Tue, 01 Jul 2025 09:30:00 +0000
Message-ID: <welcome.1@${LAB_DOMAIN}>
Content-Type: text/plain; charset=utf-8

Hello Alice,

This mailbox lives in the porthole lab's memory. Read it over POP3 (RETR 1)
or IMAP (FETCH 1 BODY[]), send more over SMTP to alice@${LAB_DOMAIN}, and
watch them arrive here.

Nothing leaves this machine; the lab only listens on loopback.
`,
  },
  {
    to: 'alice',
    date: '2025-07-02T14:05:00Z',
    seen: false,
    raw: `From: White Rabbit <rabbit@${LAB_DOMAIN}>
To: alice@${LAB_DOMAIN}
Subject: I'm late!
Date: Wed, 02 Jul 2025 14:05:00 +0000
Message-ID: <late.2@${LAB_DOMAIN}>
Content-Type: text/plain; charset=utf-8

Oh dear! Oh dear! I shall be too late!

The next lines start with a dot. On the wire POP3 and SMTP double that dot
(dot-stuffing), so that a lone "." can mean "end of message":
.hidden under the mat
..two dots here
.
The line above was a single dot, sent as "..".
`,
  },
  {
    to: 'alice',
    date: '2025-07-03T18:00:00Z',
    seen: false,
    raw: `From: "The Cheshire Cat" <cat@${LAB_DOMAIN}>
To: alice@${LAB_DOMAIN}
Cc: bob@${LAB_DOMAIN}
Subject: Which way?
Date: Thu, 03 Jul 2025 18:00:00 +0000
Message-ID: <grin.3@${LAB_DOMAIN}>
Content-Type: text/plain; charset=utf-8

"Would you tell me, please, which way I ought to go from here?"
"That depends a good deal on where you want to get to."
"I don't much care where."
"Then it doesn't matter which way you go."
"So long as I get somewhere."
"Oh, you're sure to do that, if only you walk long enough."

(Try TOP 3 2 over POP3 to read only the first two lines of this body.)
`,
  },
];
