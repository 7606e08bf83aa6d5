// IMAP wire syntax for the lab (RFC 3501 section 9): reading a command's arguments, sequence sets,
// and writing strings as atoms, quoted strings or literals.

export type ImapToken =
  | { kind: 'atom'; value: string }
  | { kind: 'string'; value: string }
  | { kind: 'list'; items: ImapToken[] };

/** A piece of a response: text, or raw bytes (a literal's contents). */
export type ImapPart = string | Buffer;

export class ImapSyntaxError extends Error {}

const ATOM_STOP = new Set([' ', '(', ')', '"', '{', '\r', '\n']);

/**
 * Splits a command's arguments. Brackets are part of an atom even with spaces inside, so
 * `BODY[HEADER.FIELDS (FROM SUBJECT)]<0.100>` is one token. Literals are refused: the lab reads
 * lines, and people typing by hand use quoted strings.
 */
export function tokenize(text: string): ImapToken[] {
  let pos = 0;

  const readList = (close: string | undefined): ImapToken[] => {
    const items: ImapToken[] = [];
    for (;;) {
      while (text[pos] === ' ') pos++;
      const ch = text[pos];
      if (ch === undefined) {
        if (close) throw new ImapSyntaxError('Missing ")"');
        return items;
      }
      if (ch === ')') {
        if (!close) throw new ImapSyntaxError('Unexpected ")"');
        pos++;
        return items;
      }
      if (ch === '(') {
        pos++;
        items.push({ kind: 'list', items: readList(')') });
      } else if (ch === '"') {
        items.push({ kind: 'string', value: readQuoted() });
      } else if (ch === '{') {
        throw new ImapSyntaxError('Literals are not supported by the lab: use "quoted strings"');
      } else {
        items.push({ kind: 'atom', value: readAtom() });
      }
    }
  };

  const readQuoted = (): string => {
    pos++;
    let value = '';
    for (;;) {
      const ch = text[pos++];
      if (ch === undefined) throw new ImapSyntaxError('Missing closing quote');
      if (ch === '"') return value;
      if (ch === '\\') {
        const next = text[pos++];
        if (next !== '"' && next !== '\\') throw new ImapSyntaxError('Only \\" and \\\\ may be escaped');
        value += next;
      } else {
        value += ch;
      }
    }
  };

  const readAtom = (): string => {
    const start = pos;
    let depth = 0;
    while (pos < text.length) {
      const ch = text[pos]!;
      if (ch === '[') depth++;
      else if (ch === ']') depth = Math.max(0, depth - 1);
      else if (depth === 0 && ATOM_STOP.has(ch)) break;
      pos++;
    }
    if (depth > 0) throw new ImapSyntaxError('Missing "]"');
    return text.slice(start, pos);
  };

  return readList(undefined);
}

/** An atom's or string's text (IMAP "astring"), or undefined for a list. */
export function astring(token: ImapToken | undefined): string | undefined {
  return token && token.kind !== 'list' ? token.value : undefined;
}

/**
 * The numbers a sequence set names (`1`, `2:4`, `3:*`, `1,5:*`), among `existing` (sequence
 * numbers 1..n, or UIDs). Sequence numbers beyond the mailbox are an error; unknown UIDs are just
 * skipped (RFC 3501 6.4.8).
 */
export function sequenceSet(text: string, existing: readonly number[], uidMode: boolean): number[] {
  const max = existing.length > 0 ? existing[existing.length - 1]! : 0;
  const wanted = new Set<number>();
  for (const range of text.split(',')) {
    const m = /^(\d+|\*)(?::(\d+|\*))?$/.exec(range);
    if (!m) throw new ImapSyntaxError('Invalid sequence set');
    const ends = [m[1]!, m[2] ?? m[1]!].map((s) => (s === '*' ? max : Number(s)));
    const [low, high] = ends[0]! <= ends[1]! ? ends : [ends[1]!, ends[0]!];
    if (!uidMode && (low! < 1 || high! > max)) throw new ImapSyntaxError('Invalid messageset');
    for (const n of existing) if (n >= low! && n <= high!) wanted.add(n);
  }
  return existing.filter((n) => wanted.has(n));
}

/** Safe as a quoted string: 7-bit, no CR/LF/NUL, not huge. */
const QUOTABLE = /^[\x01-\x09\x0b\x0c\x0e-\x7f]{0,500}$/;

/** A string as IMAP writes it: quoted when it can be, else a literal `{size}` plus its bytes. */
export function imapString(value: string): ImapPart[] {
  if (QUOTABLE.test(value)) return [`"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`];
  return literal(Buffer.from(value, 'utf8'));
}

export function nstring(value: string | undefined): ImapPart[] {
  return value === undefined ? ['NIL'] : imapString(value);
}

/** A literal: the exact byte count, CRLF, then the bytes themselves. */
export function literal(bytes: Buffer): ImapPart[] {
  return [`{${bytes.length}}\r\n`, bytes];
}

/** Turns a LIST pattern ("*" any, "%" any but the hierarchy delimiter) into a test. */
export function mailboxPattern(pattern: string): (name: string) => boolean {
  const source = pattern
    .split('')
    .map((ch) => (ch === '*' ? '.*' : ch === '%' ? '[^/]*' : ch.replace(/[.+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  const re = new RegExp(`^${source}$`, 'i');
  return (name) => re.test(name);
}
