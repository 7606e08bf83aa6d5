// The lines typed at a host:port, kept between sessions: what a file of them is called and holds.
// Pure: io/history-store reads and writes the files. An entry is one JSON string a line, so a line
// holding any character at all (a NUL, a CR, a U+2028) is kept whole and the file stays one entry
// a line; a line that does not parse (a torn write, an edit by hand) is skipped, not fatal.

const UTF8 = new TextEncoder();

/** Entries kept a target: the newest. */
export const HISTORY_LIMIT = 1000;

/** Lines a file may grow to by appends before it is cut back to HISTORY_LIMIT. */
export const HISTORY_SLACK = 200;

/**
 * The file of a target's history: host (lowercased, as names are) and port, every character that
 * could mean something to a file system or a shell percent-encoded. "mail.example.com_25",
 * "%3A%3A1_143" for ::1. Never ".." nor a path: a leading dot is encoded too.
 */
export function historyFileName(host: string, port: number): string {
  const name = host.toLowerCase().replace(/^\[(.*)\]$/, '$1');
  let safe = '';
  for (const ch of name) {
    const ok = /[a-z0-9-]/.test(ch) || (ch === '.' && safe !== '');
    safe += ok ? ch : Array.from(UTF8.encode(ch), (b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join('');
  }
  // A file name has 255 bytes at most: a long (encoded) name keeps its start and a hash of it all.
  return safe.length > 200 ? `${safe.slice(0, 180)}~${fnv1a(safe)}_${port}` : `${safe}_${port}`;
}

/**
 * The host and port a history file is of, from its name: historyFileName read back. Null for a
 * file that is not one (a lock, a temporary) or whose long name was cut and hashed.
 */
export function historyTarget(fileName: string): { host: string; port: number } | null {
  const m = /^((?:[a-z0-9.-]|%[0-9A-F]{2})+)_(\d{1,5})$/.exec(fileName);
  if (!m) return null;
  const port = Number(m[2]);
  if (port < 1 || port > 65535) return null;
  try {
    return { host: decodeURIComponent(m[1]!), port };
  } catch {
    return null;
  }
}

/** FNV-1a, 32 bits, as hex: a short, stable tag for a long name (no collision resistance needed). */
function fnv1a(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

/** One entry as a line of its file. */
export function historyRecord(line: string): string {
  return `${JSON.stringify(line)}\n`;
}

/** A file's entries, oldest first, the newest HISTORY_LIMIT of them; bad lines are skipped. */
export function parseHistory(text: string, limit = HISTORY_LIMIT): string[] {
  const out: string[] = [];
  for (const raw of text.split('\n')) {
    if (raw === '') continue;
    try {
      const v: unknown = JSON.parse(raw);
      if (typeof v === 'string' && v !== '') out.push(v);
    } catch {
      // A torn or hand-edited line: the rest of the file is still good.
    }
  }
  return out.slice(Math.max(0, out.length - limit));
}

/** The file cut back to its newest entries, as it is written again (whole, by rename). */
export function compactHistory(text: string, limit = HISTORY_LIMIT): string {
  return parseHistory(text, limit).map(historyRecord).join('');
}
