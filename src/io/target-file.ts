// -f FILE: the targets' list read from disk (`-` is stdin, for a list made by another command);
// its lines are parsed by core/target-list.

import { readFileSync } from 'node:fs';
import { UsageError } from '../core/errors.js';
import { parseTargetFile, type TargetWords } from '../core/target-list.js';
import { expandHome } from './log-file.js';

/** A list of a million targets is a mistake, not a watch: said instead of read into memory. */
const MAX_BYTES = 16 * 1024 * 1024;

export function readTargetFile(name: string, isTargetName: (w: string) => boolean): TargetWords[] {
  if (name.trim() === '') throw new UsageError('PH_BAD_FILE', '-f needs a file name');
  const file = name === '-' ? 0 : expandHome(name);
  let text: string;
  try {
    const bytes = readFileSync(file);
    if (bytes.length > MAX_BYTES) throw new UsageError('PH_BAD_FILE', `${name}: ${bytes.length} bytes is more than a list of targets (at most 16 MiB)`);
    text = bytes.toString('utf8');
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError('PH_BAD_FILE', `${name}: cannot read the targets (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  return parseTargetFile(text, name === '-' ? 'stdin' : name, isTargetName);
}
