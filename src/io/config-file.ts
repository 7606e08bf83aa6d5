// Where the config file is and reading it: $XDG_CONFIG_HOME/porthole/config.toml, by default
// ~/.config/porthole/config.toml; --config FILE another, --no-config none. No file at the default
// place is no config; a file named with --config that cannot be read is a usage error.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { EMPTY_CONFIG, parseConfig, type Config } from '../core/config.js';
import { UsageError } from '../core/errors.js';
import { expandHome } from './log-file.js';
import { xdgDir } from './xdg.js';

export function configPath(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(xdgDir('XDG_CONFIG_HOME', env), 'config.toml');
}

/** `option`: --config's value (a path), false for --no-config, undefined for the default place. */
export function loadConfig(option: unknown, env: NodeJS.ProcessEnv = process.env): Config {
  if (option === false) return EMPTY_CONFIG;
  const explicit = typeof option === 'string';
  const file = explicit ? expandHome(option) : configPath(env);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (!explicit && code === 'ENOENT') return EMPTY_CONFIG;
    throw new UsageError('PH_BAD_CONFIG', `${file}: cannot read the config (${code ?? (err as Error).message})`);
  }
  return parseConfig(text, file);
}
