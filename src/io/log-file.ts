// A transcript file: opened at once (a path that cannot be written is said at once), appended to,
// and written with synchronous writes from a small buffer, so that what was logged is in the file
// whatever way the process ends: quit, the peer's close, SIGTERM, SIGHUP or a crash (the 'exit'
// handler flushes; an async stream would lose its queue there). The path is the user's: `~` is
// their home, as in the shell they typed it in.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface LogFile {
  /** The path written to, with `~` expanded. */
  readonly path: string;
  /**
   * Text (as UTF-8) or bytes (copied: a pooled read buffer may be lent). `stamp` marks a
   * transcript line's time stamp, which a writer that keeps none drops.
   */
  write(data: string | Uint8Array, stamp?: boolean): void;
  /** Flush and close; nothing is written after. */
  end(): void;
  /** Called once if the file cannot be written, with the error's code. */
  onError(report: (code: string) => void): void;
}

/** `~` and `~/...` are the home directory, as a shell would read them. */
export function expandHome(file: string, home = os.homedir()): string {
  if (file === '~') return home;
  if (file.startsWith('~/')) return path.join(home, file.slice(2));
  return file;
}

/**
 * A signal ends the process without its 'exit' hooks unless someone handles it: where nobody does
 * (pipe mode, -c), these do, so a file's last bytes are written before the process goes.
 */
function flushOnSignals(): void {
  for (const [sig, n] of [['SIGTERM', 15], ['SIGINT', 2], ['SIGHUP', 1]] as const) {
    if (process.listenerCount(sig) === 0) process.once(sig, () => process.exit(128 + n));
  }
}

/** Bytes gathered before a write: a flood's lines do not each cost a system call. */
const FLUSH_AT = 64 * 1024;

/**
 * Opens (appends to) a transcript file; throws the open's error (ENOENT, EACCES...) at once. Only
 * a regular file: writes are synchronous, and a FIFO or a device could block the session (a FIFO
 * without a reader blocks the open itself, hence O_NONBLOCK, which makes that open fail instead).
 */
export function fileLog(file: string, opts: { truncate?: boolean } = {}): LogFile {
  const full = expandHome(file);
  const { O_WRONLY, O_APPEND, O_CREAT, O_NONBLOCK, O_TRUNC } = fs.constants;
  // A capture starts empty (its bytes are this run's alone); a transcript is appended to.
  const fd = fs.openSync(full, O_WRONLY | O_CREAT | O_NONBLOCK | O_APPEND | (opts.truncate ? O_TRUNC : 0), 0o600);
  if (!fs.fstatSync(fd).isFile()) {
    fs.closeSync(fd);
    throw Object.assign(new Error(`${full} is not a regular file`), { code: 'not a regular file' });
  }
  let buffered: (string | Uint8Array)[] = [];
  let size = 0;
  let scheduled = false;
  let closed = false;
  let failed: string | null = null;
  let report: ((code: string) => void) | null = null;
  const flush = () => {
    scheduled = false;
    if (closed || failed !== null || size === 0) return;
    const chunks = buffered;
    buffered = [];
    size = 0;
    try {
      const data = chunks.every((c) => typeof c === 'string') ? Buffer.from(chunks.join(''), 'utf8') : Buffer.concat(chunks.map((c) => (typeof c === 'string' ? Buffer.from(c, 'utf8') : c)));
      // A short write (a file size limit, a full disk) leaves the rest to write, or says why not.
      for (let at = 0; at < data.length; ) at += fs.writeSync(fd, data, at);
    } catch (err) {
      failed = (err as NodeJS.ErrnoException).code ?? String(err);
      // A log that failed is over: its descriptor and exit hook go now, not at quit.
      end();
      report?.(failed);
    }
  };
  function end(): void {
    if (closed) return;
    if (failed === null) flush();
    closed = true;
    process.off('exit', end);
    try {
      fs.closeSync(fd);
    } catch {
      // Closing a descriptor that failed to write: nothing more to say than the failure itself.
    }
  }
  process.on('exit', end);
  flushOnSignals();
  return {
    path: full,
    write(data) {
      if (closed || failed !== null || data.length === 0) return;
      buffered.push(typeof data === 'string' ? data : Buffer.from(data));
      size += data.length;
      if (size >= FLUSH_AT) flush();
      else if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    },
    end,
    onError(fn) {
      report = fn;
      if (failed !== null) fn(failed);
    },
  };
}

/**
 * A file a flag asked for, opened at once; one that cannot be opened is said, with what is lost
 * (`lost`), and left out: nothing else stops. A later write failure is said once too.
 */
export function openFlagFile(file: string | null, flag: string, lost: string, say: (line: string) => void, opts: { truncate?: boolean } = {}): LogFile | null {
  if (file === null) return null;
  try {
    const f = fileLog(file, opts);
    f.onError((code) => say(`${flag}: stopped: cannot write ${f.path} (${code}).`));
    return f;
  } catch (err) {
    say(`${flag}: cannot write ${expandHome(file)} (${(err as NodeJS.ErrnoException).code ?? String(err)}): ${lost}; the rest goes on.`);
    return null;
  }
}

/** The capture files asked for (--capture, --capture-sent), emptied first. */
export function openCaptures(files: { received: string | null; sent: string | null }, say: (line: string) => void): { received: LogFile | null; sent: LogFile | null } {
  return {
    received: openFlagFile(files.received, '--capture', 'not captured', say, { truncate: true }),
    sent: openFlagFile(files.sent, '--capture-sent', 'not captured', say, { truncate: true }),
  };
}

/** --json-log's file, emptied first. */
export function openJsonLog(file: string | null, say: (line: string) => void): LogFile | null {
  return openFlagFile(file, '--json-log', 'not written', say, { truncate: true });
}
