// The lab's IMAP4rev1 dialogue (RFC 3501), enough to log in, open INBOX and read, flag and delete
// mail by hand; FETCH bodies go out as literals with their exact byte counts.

import type { LineSession, Reply } from './line-service.js';
import {
  headerFields,
  headerValue,
  imapDate,
  type MailStore,
  type StoredMessage,
  splitMessage,
} from './mail-store.js';
import {
  astring,
  type ImapPart,
  ImapSyntaxError,
  type ImapToken,
  literal,
  mailboxPattern,
  nstring,
  sequenceSet,
  tokenize,
} from './imap-syntax.js';

export const IMAP_MAX_LINE = 8192;
/** Dovecot's limit on bad commands before it hangs up. */
const MAX_BAD = 20;

const CAPABILITY = 'IMAP4rev1 ID UNSELECT';
const SYSTEM_FLAGS = ['\\Answered', '\\Flagged', '\\Deleted', '\\Seen', '\\Draft'];
const INBOX = 'INBOX';

type State = 'not-authenticated' | 'authenticated' | 'selected';

interface Outcome {
  status: 'OK' | 'NO' | 'BAD';
  text: string;
  untagged?: ImapPart[];
  close?: boolean;
  /** After this tagged OK: TLS (STARTTLS). */
  startTls?: boolean;
}

interface Selection {
  readOnly: boolean;
  messages: StoredMessage[];
}

interface Command {
  states: readonly State[];
  run(args: ImapToken[], uid: boolean): Outcome;
}

/** Why a command is refused: what the client has to do (or has already done) first. */
function wrongState(current: State, wanted: readonly State[]): string {
  if (current === 'not-authenticated') return 'Log in first, e.g. a1 LOGIN alice wonderland';
  if (wanted.includes('not-authenticated')) return 'Already logged in';
  return 'Select a mailbox first, e.g. a1 SELECT INBOX';
}

const ANY: readonly State[] = ['not-authenticated', 'authenticated', 'selected'];
const AUTHED: readonly State[] = ['authenticated', 'selected'];
const SELECTED: readonly State[] = ['selected'];

const ok = (text: string, untagged?: ImapPart[]): Outcome => ({ status: 'OK', text, untagged });
const no = (text: string): Outcome => ({ status: 'NO', text });
const bad = (text: string): Outcome => ({ status: 'BAD', text });
const untaggedLine = (text: string): string => `* ${text}\r\n`;

/** Joins parts with spaces, as an IMAP list body. */
function spaced(groups: ImapPart[][]): ImapPart[] {
  return groups.flatMap((g, i) => (i === 0 ? g : [' ', ...g]));
}

function flagList(m: StoredMessage): string {
  return `(${[...m.flags].join(' ')})`;
}

/** "Name <box@host>, other@host" -> address structures; good enough for the lab's own mail. */
function addresses(value: string | undefined): ImapPart[] {
  if (!value) return ['NIL'];
  const list: ImapPart[][] = [];
  for (const item of value.match(/(?:"[^"]*"|<[^>]*>|[^,])+/g) ?? []) {
    const m = /^\s*(.*?)\s*<([^>]*)>\s*$/.exec(item);
    const name = m ? m[1]!.replace(/^"(.*)"$/, '$1') : '';
    const address = (m ? m[2]! : item).trim();
    const at = address.lastIndexOf('@');
    const box = at === -1 ? address : address.slice(0, at);
    const host = at === -1 ? undefined : address.slice(at + 1);
    list.push(['(', ...nstring(name || undefined), ' NIL ', ...nstring(box), ' ', ...nstring(host), ')']);
  }
  return list.length > 0 ? ['(', ...list.flat(), ')'] : ['NIL'];
}

function envelope(m: StoredMessage): ImapPart[] {
  const h = (name: string): string | undefined => headerValue(m.raw, name);
  const from = h('From');
  return [
    '(',
    ...spaced([
      nstring(h('Date')),
      nstring(h('Subject')),
      addresses(from),
      addresses(h('Sender') ?? from),
      addresses(h('Reply-To') ?? from),
      addresses(h('To')),
      addresses(h('Cc')),
      addresses(h('Bcc')),
      nstring(h('In-Reply-To')),
      nstring(h('Message-ID')),
    ]),
    ')',
  ];
}

/** The body sections the lab serves; every message is a single text part, so "1" is its body. */
const BODY_SECTION = /^(?:|HEADER|TEXT|1|HEADER\.FIELDS(?:\.NOT)? \([^()]*\))$/;

/** A body section's bytes: "" whole message, HEADER, TEXT, 1, HEADER.FIELDS[.NOT] (...). */
function sectionBytes(m: StoredMessage, section: string): Buffer | undefined {
  const { header, body } = splitMessage(m.raw);
  if (section === '') return Buffer.from(m.raw);
  if (section === 'HEADER') return Buffer.from(header);
  if (section === 'TEXT' || section === '1') return Buffer.from(body);
  const fields = /^HEADER\.FIELDS(\.NOT)? \(([^()]*)\)$/.exec(section);
  if (!fields) return undefined;
  const names = new Set(fields[2]!.trim().split(/\s+/).map((n) => n.toLowerCase()));
  const keep = headerFields(m.raw).filter((f) => names.has(f.name.toLowerCase()) !== Boolean(fields[1]));
  return Buffer.from(keep.map((f) => `${f.text}\r\n`).join('') + '\r\n');
}

interface FetchItem {
  /** Reading it marks the message \Seen (unless the mailbox was opened with EXAMINE). */
  seen: boolean;
  isFlags?: boolean;
  render(m: StoredMessage): ImapPart[];
}

/** Plain fetch attributes; BODY[...] sections are parsed by `fetchItem` below. */
const FETCH_ATTRIBUTES: Record<string, FetchItem> = {
  FLAGS: { seen: false, isFlags: true, render: (m) => [`FLAGS ${flagList(m)}`] },
  UID: { seen: false, render: (m) => [`UID ${m.uid}`] },
  'RFC822.SIZE': { seen: false, render: (m) => [`RFC822.SIZE ${m.size}`] },
  INTERNALDATE: { seen: false, render: (m) => [`INTERNALDATE "${imapDate(m.internalDate)}"`] },
  ENVELOPE: { seen: false, render: (m) => ['ENVELOPE ', ...envelope(m)] },
  RFC822: { seen: true, render: (m) => ['RFC822 ', ...literal(Buffer.from(m.raw))] },
  'RFC822.HEADER': { seen: false, render: (m) => ['RFC822.HEADER ', ...literal(sectionBytes(m, 'HEADER')!)] },
  'RFC822.TEXT': { seen: true, render: (m) => ['RFC822.TEXT ', ...literal(sectionBytes(m, 'TEXT')!)] },
};

const FETCH_MACROS: Record<string, string[]> = {
  ALL: ['FLAGS', 'INTERNALDATE', 'RFC822.SIZE', 'ENVELOPE'],
  FAST: ['FLAGS', 'INTERNALDATE', 'RFC822.SIZE'],
};

function fetchItem(spec: string): FetchItem {
  const upper = spec.toUpperCase();
  const attribute = FETCH_ATTRIBUTES[upper];
  if (attribute) return attribute;
  const m = /^BODY(\.PEEK)?\[([^\]]*)\](?:<(\d+)\.(\d+)>)?$/.exec(upper);
  if (!m) {
    throw new ImapSyntaxError(
      upper === 'BODYSTRUCTURE' || upper === 'BODY' || upper === 'FULL'
        ? `${upper} is not supported by the lab; try BODY[] or BODY[HEADER]`
        : `Unknown FETCH item ${spec}`,
    );
  }
  const section = m[2]!.replace(/\s+/g, ' ').replace(/\( /g, '(').replace(/ \)/g, ')');
  const start = m[3] === undefined ? undefined : Number(m[3]);
  const count = Number(m[4]);
  if (!BODY_SECTION.test(section)) throw new ImapSyntaxError(`Unknown body section [${m[2]}]`);
  return {
    seen: !m[1],
    render: (msg) => {
      let bytes = sectionBytes(msg, section)!;
      if (start !== undefined) bytes = bytes.subarray(start, start + count);
      return [`BODY[${section}]${start === undefined ? '' : `<${start}>`} `, ...literal(bytes)];
    },
  };
}

/** SEARCH keys the lab understands: name, how many arguments, the test. */
const SEARCH_KEYS: Record<string, { args: number; test: (m: StoredMessage, arg: string) => boolean }> = {
  ALL: { args: 0, test: () => true },
  SEEN: { args: 0, test: (m) => m.flags.has('\\Seen') },
  UNSEEN: { args: 0, test: (m) => !m.flags.has('\\Seen') },
  DELETED: { args: 0, test: (m) => m.flags.has('\\Deleted') },
  UNDELETED: { args: 0, test: (m) => !m.flags.has('\\Deleted') },
  FLAGGED: { args: 0, test: (m) => m.flags.has('\\Flagged') },
  UNFLAGGED: { args: 0, test: (m) => !m.flags.has('\\Flagged') },
  ANSWERED: { args: 0, test: (m) => m.flags.has('\\Answered') },
  UNANSWERED: { args: 0, test: (m) => !m.flags.has('\\Answered') },
  FROM: { args: 1, test: (m, a) => contains(headerValue(m.raw, 'From'), a) },
  TO: { args: 1, test: (m, a) => contains(headerValue(m.raw, 'To'), a) },
  CC: { args: 1, test: (m, a) => contains(headerValue(m.raw, 'Cc'), a) },
  SUBJECT: { args: 1, test: (m, a) => contains(headerValue(m.raw, 'Subject'), a) },
  BODY: { args: 1, test: (m, a) => contains(splitMessage(m.raw).body, a) },
  TEXT: { args: 1, test: (m, a) => contains(m.raw, a) },
};

function contains(haystack: string | undefined, needle: string): boolean {
  return (haystack ?? '').toLowerCase().includes(needle.toLowerCase());
}

export function createImapSession(store: MailStore, tls = false): LineSession {
  let state: State = 'not-authenticated';
  let secure = false;
  /** What CAPABILITY says now: STARTTLS while it can still be asked for. */
  const capability = () => (tls && !secure ? `${CAPABILITY} STARTTLS` : CAPABILITY);
  let user = '';
  let selection: Selection | undefined;
  let badCount = 0;

  const mailbox = () => store.mailbox(user)!;

  /** Messages of the open mailbox named by a sequence set, with their sequence numbers. */
  const pick = (set: string | undefined, uid: boolean): { seq: number; m: StoredMessage }[] => {
    if (set === undefined) throw new ImapSyntaxError('Missing sequence set');
    const list = selection!.messages;
    const numbers = uid ? list.map((m) => m.uid) : list.map((_, i) => i + 1);
    const wanted = new Set(sequenceSet(set, numbers, uid));
    return list.map((m, i) => ({ seq: i + 1, m })).filter(({ seq, m }) => wanted.has(uid ? m.uid : seq));
  };

  const open = (args: ImapToken[], readOnly: boolean): Outcome => {
    const name = astring(args[0]);
    if (name === undefined || args.length !== 1) return bad('Syntax: SELECT mailbox');
    selection = undefined;
    state = 'authenticated';
    if (name.toUpperCase() !== INBOX) return no(`[NONEXISTENT] Mailbox doesn't exist: ${name}`);
    const box = mailbox();
    const messages = [...box.messages];
    const recent = messages.filter((m) => m.recent).length;
    if (!readOnly) for (const m of messages) m.recent = false;
    const firstUnseen = messages.findIndex((m) => !m.flags.has('\\Seen'));
    selection = { readOnly, messages };
    state = 'selected';
    const lines = [
      `FLAGS (${SYSTEM_FLAGS.join(' ')})`,
      `OK [PERMANENTFLAGS (${SYSTEM_FLAGS.join(' ')} \\*)] Flags permitted.`,
      `${messages.length} EXISTS`,
      `${recent} RECENT`,
      ...(firstUnseen === -1 ? [] : [`OK [UNSEEN ${firstUnseen + 1}] First unseen.`]),
      `OK [UIDVALIDITY ${box.uidValidity}] UIDs valid`,
      `OK [UIDNEXT ${box.uidNext}] Predicted next UID`,
    ];
    return ok(`[${readOnly ? 'READ-ONLY' : 'READ-WRITE'}] ${readOnly ? 'EXAMINE' : 'SELECT'} completed`, lines.map(untaggedLine));
  };

  /** Mail delivered since SELECT shows up on NOOP/CHECK, as real servers report it. */
  const newMail = (): ImapPart[] => {
    if (!selection) return [];
    const fresh = mailbox().messages.filter((m) => !selection!.messages.includes(m));
    if (fresh.length === 0) return [];
    selection.messages.push(...fresh);
    return [untaggedLine(`${selection.messages.length} EXISTS`)];
  };

  /** Removes \Deleted messages; returns the untagged EXPUNGE lines (numbers shift as we go). */
  const expunge = (): ImapPart[] => {
    const sel = selection!;
    const gone = sel.messages.filter((m) => m.flags.has('\\Deleted'));
    if (sel.readOnly || gone.length === 0) return [];
    const lines: ImapPart[] = [];
    let removed = 0;
    sel.messages.forEach((m, i) => {
      if (!m.flags.has('\\Deleted')) return;
      lines.push(untaggedLine(`${i + 1 - removed} EXPUNGE`));
      removed++;
    });
    store.remove(user, new Set(gone));
    sel.messages = sel.messages.filter((m) => !m.flags.has('\\Deleted'));
    return lines;
  };

  const fetch = (args: ImapToken[], uid: boolean): Outcome => {
    const spec = args[1];
    if (args.length !== 2 || !spec) return bad('Syntax: FETCH sequence-set (items)');
    const names =
      spec.kind === 'list'
        ? spec.items.map((t) => astring(t) ?? '')
        : (FETCH_MACROS[spec.value.toUpperCase()] ?? [spec.value]);
    const items = names.map(fetchItem);
    if (uid && !names.some((n) => n.toUpperCase() === 'UID')) items.unshift(FETCH_ATTRIBUTES.UID!);
    const targets = pick(astring(args[0]), uid);
    const out: ImapPart[] = [];
    for (const { seq, m } of targets) {
      let flagsChanged = false;
      if (!selection!.readOnly && items.some((i) => i.seen) && !m.flags.has('\\Seen')) {
        m.flags.add('\\Seen');
        flagsChanged = true;
      }
      const rendered = items.map((i) => i.render(m));
      if (flagsChanged && !items.some((i) => i.isFlags)) rendered.push(FETCH_ATTRIBUTES.FLAGS!.render(m));
      out.push(`* ${seq} FETCH (`, ...spaced(rendered), ')\r\n');
    }
    return ok(`${uid ? 'UID ' : ''}FETCH completed`, out);
  };

  const storeFlags = (args: ImapToken[], uid: boolean): Outcome => {
    const action = /^([+-]?)FLAGS(\.SILENT)?$/i.exec(astring(args[1]) ?? '');
    if (!action || args.length < 3) return bad('Syntax: STORE sequence-set +FLAGS (\\Seen)');
    if (selection!.readOnly) return no('Mailbox is read-only (opened with EXAMINE)');
    const flagTokens = args[2]!.kind === 'list' ? args[2]!.items : args.slice(2);
    const flags = flagTokens.map((t) => astring(t) ?? '');
    for (const flag of flags) {
      if (!/^\\?[^\s(){%*"\\\]]+$/.test(flag) || (flag.startsWith('\\') && !SYSTEM_FLAGS.some((f) => f.toLowerCase() === flag.toLowerCase()))) {
        return bad(`Invalid flag ${flag}`);
      }
    }
    const canonical = flags.map((f) => SYSTEM_FLAGS.find((s) => s.toLowerCase() === f.toLowerCase()) ?? f);
    const out: ImapPart[] = [];
    for (const { seq, m } of pick(astring(args[0]), uid)) {
      if (action[1] === '') m.flags.clear();
      for (const f of canonical) (action[1] === '-' ? m.flags.delete(f) : m.flags.add(f));
      if (!action[2]) out.push(untaggedLine(`${seq} FETCH (${uid ? `UID ${m.uid} ` : ''}FLAGS ${flagList(m)})`));
    }
    return ok(`${uid ? 'UID ' : ''}STORE completed`, out);
  };

  const search = (args: ImapToken[], uid: boolean): Outcome => {
    const tokens = [...args];
    if (astring(tokens[0])?.toUpperCase() === 'CHARSET') tokens.splice(0, 2);
    const tests: ((m: StoredMessage) => boolean)[] = [];
    while (tokens.length > 0) {
      const key = astring(tokens.shift())?.toUpperCase() ?? '';
      const entry = SEARCH_KEYS[key];
      if (!entry) return bad(`Unknown SEARCH key ${key || '(list)'}; the lab knows ${Object.keys(SEARCH_KEYS).join(' ')}`);
      const arg = entry.args > 0 ? astring(tokens.shift()) : '';
      if (arg === undefined) return bad(`SEARCH ${key} needs a string`);
      tests.push((m) => entry.test(m, arg));
    }
    const hits = selection!.messages
      .map((m, i) => ({ m, n: uid ? m.uid : i + 1 }))
      .filter(({ m }) => tests.every((t) => t(m)))
      .map(({ n }) => ` ${n}`);
    return ok(`${uid ? 'UID ' : ''}SEARCH completed`, [untaggedLine(`SEARCH${hits.join('')}`)]);
  };

  const listing = (args: ImapToken[], kind: 'LIST' | 'LSUB'): Outcome => {
    const pattern = astring(args[1]);
    if (astring(args[0]) === undefined || pattern === undefined) return bad(`Syntax: ${kind} "" "*"`);
    if (pattern === '') return ok(`${kind} completed`, [untaggedLine(`${kind} (\\Noselect) "/" ""`)]);
    const lines = mailboxPattern(pattern)(INBOX) ? [untaggedLine(`${kind} (\\HasNoChildren) "/" ${INBOX}`)] : [];
    return ok(`${kind} completed`, lines);
  };

  const UID_COMMANDS: Record<string, (args: ImapToken[], uid: boolean) => Outcome> = {
    FETCH: fetch,
    STORE: storeFlags,
    SEARCH: search,
  };

  const COMMANDS: Record<string, Command> = {
    CAPABILITY: { states: ANY, run: () => ok('CAPABILITY completed', [untaggedLine(`CAPABILITY ${capability()}`)]) },
    NOOP: { states: ANY, run: () => ok('NOOP completed', newMail()) },
    LOGOUT: {
      states: ANY,
      run: () => ({ status: 'OK', text: 'LOGOUT completed', untagged: [untaggedLine('BYE Porthole Lab IMAP signing off')], close: true }),
    },
    ID: { states: ANY, run: () => ok('ID completed', [untaggedLine('ID ("name" "Porthole Lab")')]) },
    LOGIN: {
      states: ['not-authenticated'],
      run: (args) => {
        const [name, password] = [astring(args[0]), astring(args[1])];
        if (name === undefined || password === undefined || args.length !== 2) {
          return bad('Syntax: LOGIN user password (quote them if they have spaces)');
        }
        if (!store.authenticate(name, password)) return no('[AUTHENTICATIONFAILED] Authentication failed.');
        user = name;
        state = 'authenticated';
        return ok(`[CAPABILITY ${capability()}] Logged in`);
      },
    },
    AUTHENTICATE: { states: ['not-authenticated'], run: () => no('[CANNOT] The lab offers only LOGIN') },
    STARTTLS: {
      states: ['not-authenticated'],
      run: () => {
        if (!tls) return bad('The lab speaks plain text only');
        if (secure) return bad('TLS is already active');
        return { status: 'OK', text: 'Begin TLS negotiation now', startTls: true };
      },
    },
    SELECT: { states: AUTHED, run: (args) => open(args, false) },
    EXAMINE: { states: AUTHED, run: (args) => open(args, true) },
    LIST: { states: AUTHED, run: (args) => listing(args, 'LIST') },
    LSUB: { states: AUTHED, run: (args) => listing(args, 'LSUB') },
    STATUS: {
      states: AUTHED,
      run: (args) => {
        const name = astring(args[0]);
        const wanted = args[1]?.kind === 'list' ? args[1].items.map((t) => (astring(t) ?? '').toUpperCase()) : undefined;
        if (name === undefined || !wanted) return bad('Syntax: STATUS INBOX (MESSAGES UNSEEN)');
        if (name.toUpperCase() !== INBOX) return no(`[NONEXISTENT] Mailbox doesn't exist: ${name}`);
        const box = mailbox();
        const values: Record<string, number> = {
          MESSAGES: box.messages.length,
          RECENT: box.messages.filter((m) => m.recent).length,
          UIDNEXT: box.uidNext,
          UIDVALIDITY: box.uidValidity,
          UNSEEN: box.messages.filter((m) => !m.flags.has('\\Seen')).length,
        };
        const unknown = wanted.find((w) => values[w] === undefined);
        if (unknown !== undefined) return bad(`Unknown STATUS item ${unknown}`);
        return ok('STATUS completed', [untaggedLine(`STATUS ${INBOX} (${wanted.map((w) => `${w} ${values[w]}`).join(' ')})`)]);
      },
    },
    CREATE: { states: AUTHED, run: () => no('[CANNOT] The lab has only INBOX') },
    DELETE: { states: AUTHED, run: () => no('[CANNOT] The lab has only INBOX') },
    RENAME: { states: AUTHED, run: () => no('[CANNOT] The lab has only INBOX') },
    SUBSCRIBE: { states: AUTHED, run: () => ok('SUBSCRIBE completed') },
    UNSUBSCRIBE: { states: AUTHED, run: () => ok('UNSUBSCRIBE completed') },
    APPEND: { states: AUTHED, run: () => no('[CANNOT] APPEND needs a literal; deliver mail over SMTP instead') },
    CHECK: { states: SELECTED, run: () => ok('CHECK completed', newMail()) },
    FETCH: { states: SELECTED, run: (args) => fetch(args, false) },
    STORE: { states: SELECTED, run: (args) => storeFlags(args, false) },
    SEARCH: { states: SELECTED, run: (args) => search(args, false) },
    UID: {
      states: SELECTED,
      run: (args) => {
        const sub = UID_COMMANDS[(astring(args[0]) ?? '').toUpperCase()];
        return sub ? sub(args.slice(1), true) : bad('UID takes FETCH, STORE or SEARCH here');
      },
    },
    EXPUNGE: {
      states: SELECTED,
      run: () => (selection!.readOnly ? no('Mailbox is read-only (opened with EXAMINE)') : ok('EXPUNGE completed', expunge())),
    },
    CLOSE: {
      states: SELECTED,
      run: () => {
        expunge(); // CLOSE expunges silently (RFC 3501 6.4.2)
        selection = undefined;
        state = 'authenticated';
        return ok('CLOSE completed');
      },
    },
    UNSELECT: {
      states: SELECTED,
      run: () => {
        selection = undefined;
        state = 'authenticated';
        return ok('UNSELECT completed');
      },
    },
  };

  const respond = (tag: string, outcome: Outcome): Reply => {
    const parts: ImapPart[] = [...(outcome.untagged ?? []), `${tag} ${outcome.status} ${outcome.text}\r\n`];
    let close = outcome.close ?? false;
    if (outcome.status === 'BAD') {
      badCount++;
      if (badCount >= MAX_BAD) {
        parts.push(untaggedLine('BYE Too many invalid IMAP commands.'));
        close = true;
      }
    }
    return { out: Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : p))), close, ...(outcome.startTls ? { startTls: true } : {}) };
  };

  return {
    greeting: untaggedLine(
      `OK [CAPABILITY ${capability()}] Porthole Lab IMAP4rev1 ready (practice login: a1 LOGIN alice wonderland)`,
    ),
    line(text) {
      const m = /^\s*(\S+)(?: +(\S+))?(?: +(.*))?$/.exec(text);
      if (!m) return respond('*', bad('Empty line: an IMAP command starts with a tag, e.g. a1 CAPABILITY'));
      const tag = m[1]!;
      if (!/^[^\s(){%*"\\+\x00-\x1f\x7f]+$/.test(tag)) return respond('*', bad(`Invalid tag ${tag}`));
      if (m[2] === undefined) return respond(tag, bad('Missing command'));
      const name = m[2].toUpperCase();
      const command = COMMANDS[name];
      if (!command) {
        return respond(tag, bad(`Unknown command ${m[2]} (a line is: tag command arguments, e.g. a1 LOGIN alice wonderland)`));
      }
      if (!command.states.includes(state)) return respond(tag, no(wrongState(state, command.states)));
      try {
        return respond(tag, command.run(tokenize(m[3] ?? ''), false));
      } catch (e) {
        if (e instanceof ImapSyntaxError) return respond(tag, bad(`Error in IMAP command ${name}: ${e.message}`));
        throw e;
      }
    },
    overflow: () => respond('*', bad('Line too long')),
    tlsStarted: () => {
      secure = true;
    },
  };
}
