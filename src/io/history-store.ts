// The lines typed at each host:port, in files under the XDG state directory, so that Up brings
// back what was typed there yesterday. Each entry is appended by one write to a file opened for
// appending and closed again: two sessions at once interleave whole entries, and neither keeps a
// descriptor that a rewrite by the other would leave pointing at an unlinked file. Past its bound
// a file is rewritten with its newest entries (to a temporary file, then renamed over it), under a
// lock file so that two sessions do not both rewrite. Files are 0600 in a 0700 directory: what
// was typed is the user's alone. Trouble is said once; the session goes on without history.

import { closeSync, fchmodSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import { xdgDir } from './xdg.js';
import { compactHistory, HISTORY_LIMIT, HISTORY_SLACK, historyFileName, historyRecord, historyTarget, parseHistory } from '../core/history.js';

export interface HistoryStore {
  /** The entries kept for host:port, oldest first; null once the store has failed (keep what the session has). */
  load(host: string, port: number): string[] | null;
  /** Appends a line sent to host:port (masked already), cutting the file back past its bound. */
  remember(host: string, port: number, line: string): void;
  /** Where the files are, for the man page's FILES and for messages. */
  readonly dir: string;
}

/** $XDG_STATE_HOME/porthole/history, or ~/.local/state/porthole/history (a relative XDG path is ignored, as the spec says). */
export function historyDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(xdgDir('XDG_STATE_HOME', env), 'history');
}

/** The hosts there is history of, the most recently used first (for the shell's completion). */
export function historyHosts(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const seen = new Map<string, number>();
  for (const name of names) {
    const t = historyTarget(name);
    if (!t) continue;
    let mtime = 0;
    try {
      mtime = statSync(path.join(dir, name)).mtimeMs;
    } catch {
      continue;
    }
    // An IPv6 address bare (::1), as the host word before a port word takes it: in brackets it
    // would be a glob pattern to bash and zsh.
    seen.set(t.host, Math.max(mtime, seen.get(t.host) ?? 0));
  }
  return [...seen].sort((a, b) => b[1] - a[1]).map(([h]) => h);
}

/** A lock older than this was left by a session that died mid-rewrite. */
const STALE_LOCK_MS = 10_000;

export function openHistoryStore(dir: string, say: (line: string) => void, limit = HISTORY_LIMIT): HistoryStore {
  let broken = false;
  let dirMade = false;
  /** Entries in each file as far as this session knows: a rewrite is due past limit + slack. */
  const counts = new Map<string, number>();
  const fail = (what: string, err: unknown) => {
    if (broken) return;
    broken = true;
    const e = err as NodeJS.ErrnoException;
    say(`History not kept: could not ${what} (${e.code ?? e.message}). Up still recalls this session's lines.`);
  };
  const fileOf = (host: string, port: number) => path.join(dir, historyFileName(host, port));

  /**
   * Cut the file back to its newest entries. Whatever goes wrong here only leaves the file longer
   * (the next append tries again): appending must not stop for it.
   */
  const rewrite = (file: string) => {
    const lock = `${file}.lock`;
    const gone = (err: unknown) => (err as NodeJS.ErrnoException).code === 'ENOENT';
    try {
      closeSync(openSync(lock, 'wx', 0o600));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') return;
      // Another session rewrites it now, or one died doing so: a stale lock goes, and the next
      // append past the bound tries again.
      try {
        if (Date.now() - statSync(lock).mtimeMs > STALE_LOCK_MS) unlinkSync(lock);
      } catch (e) {
        if (!gone(e)) return;
      }
      return;
    }
    try {
      const before = readFileSync(file);
      let kept = compactHistory(before.toString('utf8'), limit);
      const tmp = `${file}.${process.pid}.tmp`;
      writeFileSync(tmp, kept, { mode: 0o600 });
      // Lines another session appended meanwhile go along: only whole ones (each is one write).
      const after = readFileSync(file);
      if (after.length > before.length) {
        const tail = after.subarray(before.length).toString('utf8');
        const whole = tail.slice(0, tail.lastIndexOf('\n') + 1);
        if (whole) {
          kept += whole;
          writeFileSync(tmp, kept, { mode: 0o600 });
        }
      }
      renameSync(tmp, file);
      counts.set(file, limit);
    } catch {
      // Left as it was.
    } finally {
      try {
        unlinkSync(lock);
      } catch {
        // Taken over as stale by another session meanwhile.
      }
    }
  };

  return {
    dir,
    load(host, port) {
      if (broken) return null;
      const file = fileOf(host, port);
      try {
        const entries = parseHistory(readFileSync(file, 'utf8'), limit);
        counts.set(file, entries.length);
        return entries;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
          counts.set(file, 0);
          return [];
        }
        fail(`read ${file}`, err);
        return null;
      }
    },
    remember(host, port, line) {
      if (broken || line === '') return;
      const file = fileOf(host, port);
      try {
        if (!dirMade) mkdirSync(dir, { recursive: true, mode: 0o700 });
        dirMade = true;
        const fd = openSync(file, 'a', 0o600);
        try {
          // A file made by hand (or by an older umask) is narrowed to its owner.
          fchmodSync(fd, 0o600);
          writeSync(fd, historyRecord(line));
        } finally {
          closeSync(fd);
        }
        const n = (counts.get(file) ?? limit) + 1;
        counts.set(file, n);
        if (n > limit + HISTORY_SLACK) rewrite(file);
      } catch (err) {
        fail(`write ${file}`, err);
      }
    },
  };
}
