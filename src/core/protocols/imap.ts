// IMAP typed by hand: a command typed without its tag gets the next one (A001, A002, ...), and a
// tag of the user's own is left alone. Only a line that starts with an IMAP command is tagged, and
// none while the server waits for a literal's data (after its "+" continuation request).

const COMMANDS = new Set([
  'CAPABILITY', 'NOOP', 'LOGOUT', 'STARTTLS', 'AUTHENTICATE', 'LOGIN', 'SELECT', 'EXAMINE', 'CREATE',
  'DELETE', 'RENAME', 'SUBSCRIBE', 'UNSUBSCRIBE', 'LIST', 'LSUB', 'STATUS', 'APPEND', 'CHECK', 'CLOSE',
  'UNSELECT', 'EXPUNGE', 'SEARCH', 'FETCH', 'STORE', 'COPY', 'MOVE', 'UID', 'IDLE', 'ID', 'ENABLE',
  'NAMESPACE', 'GETQUOTA', 'GETQUOTAROOT', 'SETQUOTA', 'GETACL', 'SETACL', 'MYRIGHTS', 'SORT', 'THREAD',
]);

/** The tag the n-th command gets (1-based): A001 ... A999, then A1000 on. */
export function imapTag(n: number): string {
  return `A${String(n).padStart(3, '0')}`;
}

/** Whether a typed line is a command without its tag: its first word is a command. */
export function needsTag(line: string): boolean {
  const first = /^\s*(\S+)/.exec(line)?.[1];
  return first !== undefined && COMMANDS.has(first.toUpperCase());
}
