// Several targets in one probe or watch: the words of the command line and the lines of a -f FILE
// made into groups of one host (a name, an address or a config target's name) and its ports. The
// classic form `-z HOST PORT|A-B...` stays one group; `HOST:PORT [v6]:PORT NAME...` is a group each.

import { UsageError } from './errors.js';
import { checkPortSpec, parseHost } from './target.js';

/** One host as written and the port words that go with it (none: the host holds its port). */
export interface TargetWords {
  host: string;
  ports: string[];
  /** Where it was written, for a message: "targets.txt:3", or null for the command line. */
  origin: string | null;
}

const isPortSpec = (w: string): boolean => {
  try {
    checkPortSpec(w);
    return true;
  } catch {
    return false;
  }
};

const hasPort = (w: string): boolean => {
  try {
    return parseHost(w).port !== undefined;
  } catch {
    return false;
  }
};

/**
 * The command line's words as groups. `HOST PORT...` (the host without a port of its own, every
 * other word a port or range) is one group; otherwise every word is a target of its own and must
 * hold its port (HOST:PORT, [v6]:PORT) or be a config target's name.
 */
export function groupWords(words: readonly string[], isTargetName: (w: string) => boolean): TargetWords[] {
  if (words.length === 0) return [];
  const [first, ...rest] = words as [string, ...string[]];
  // A host without a port of its own leads the classic form: what follows are its ports (a bad
  // one is said as a bad port). A config target's name does too, when only ports follow it.
  if (!hasPort(first) && (!isTargetName(first) || rest.every(isPortSpec))) return [{ host: first, ports: rest, origin: null }];
  return words.map((w) => {
    if (hasPort(w) || isTargetName(w)) return { host: w, ports: [], origin: null };
    throw new UsageError(
      'PH_BAD_TARGET',
      isPortSpec(w)
        ? `"${w}" is a port, but the targets before it hold their own: write HOST:${w}`
        : `"${w}" needs a port: HOST:PORT, [v6]:PORT, or the name of a config target (several targets are given)`,
    );
  });
}

/**
 * A -f FILE: one target a line, as on the command line (`HOST:PORT`, `[v6]:PORT`, a config
 * target's name, or `HOST PORT|A-B...`); `#` starts a comment, blank lines are skipped.
 */
export function parseTargetFile(text: string, file: string, isTargetName: (w: string) => boolean): TargetWords[] {
  const out: TargetWords[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.replace(/(^|\s)#.*$/, '').trim();
    if (line === '') return;
    const origin = `${file}:${i + 1}`;
    const words = line.split(/\s+/);
    try {
      const groups = groupWords(words, isTargetName);
      const bare = groups.find((g) => g.ports.length === 0 && !hasPort(g.host) && !isTargetName(g.host));
      if (bare) throw new UsageError('PH_BAD_TARGET', `"${bare.host}" needs a port: HOST:PORT, [v6]:PORT, HOST PORT..., or the name of a config target`);
      // A line is one target: "a:1 b:2" on a line is two, which is what the user wrote.
      for (const g of groups) out.push({ ...g, origin });
    } catch (err) {
      if (err instanceof UsageError) throw new UsageError('PH_BAD_TARGET', `${origin}: ${err.message}`);
      throw err;
    }
  });
  if (out.length === 0) throw new UsageError('PH_BAD_TARGET', `${file} holds no target (one a line: HOST:PORT, [v6]:PORT, a config target's name, or HOST PORT...)`);
  return out;
}
