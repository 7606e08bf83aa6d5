// The XDG base directories porthole keeps its files under: the variable's path when it is set and
// absolute (the spec says a relative one is to be ignored), else its default under $HOME.
import { homedir } from 'node:os';
import path from 'node:path';

const DEFAULTS = { XDG_STATE_HOME: ['.local', 'state'], XDG_CONFIG_HOME: ['.config'] } as const;

/** `$XDG_…/porthole`, or its default under the home directory. */
export function xdgDir(kind: keyof typeof DEFAULTS, env: NodeJS.ProcessEnv = process.env): string {
  const xdg = env[kind];
  const base = xdg && path.isAbsolute(xdg) ? xdg : path.join(env.HOME || homedir(), ...DEFAULTS[kind]);
  return path.join(base, 'porthole');
}
