// A transcript file: appended to, written as the session goes, its failure reported once. The path
// is the user's: `~` is their home, as in the shell they typed it in.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface LogFile {
  /** The path written to, with `~` expanded. */
  readonly path: string;
  write(text: string): void;
  /** Flush and close; nothing is written after. */
  end(): void;
  /** Called once if the file cannot be opened or written, with the error's code. */
  onError(report: (code: string) => void): void;
}

/** `~` and `~/...` are the home directory, as a shell would read them. */
export function expandHome(file: string, home = os.homedir()): string {
  if (file === '~') return home;
  if (file.startsWith('~/')) return path.join(home, file.slice(2));
  return file;
}

export function fileLog(file: string): LogFile {
  const full = expandHome(file);
  const stream = fs.createWriteStream(full, { flags: 'a' });
  let report: ((code: string) => void) | null = null;
  let failed: string | null = null;
  let ended = false;
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (failed !== null) return;
    failed = err.code ?? err.message;
    report?.(failed);
  });
  return {
    path: full,
    write(text) {
      // After end() or a failure, a write would only raise another error: the log is over.
      if (!ended && failed === null) stream.write(text);
    },
    end() {
      if (ended) return;
      ended = true;
      stream.end();
    },
    onError(fn) {
      report = fn;
      if (failed !== null) fn(failed);
    },
  };
}
