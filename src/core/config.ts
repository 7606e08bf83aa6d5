// The config file: `[defaults]` for options, `[targets.NAME]` for named targets (`porthole mail`),
// as one more layer under the command line (defaults <- config <- argv, see options.ts). TOML,
// through smol-toml. Every key is known and typed here; a key that is not, a value of the wrong
// type or one the options refuse is one line naming the file, the line and the key.

import { parse, TomlError } from 'smol-toml';
import { UsageError } from './errors.js';
import { mergeLayers, resolveOptions, type Options, type ProbeTarget, type RawArgs, type Terminal } from './options.js';
import { groupWords, type TargetWords } from './target-list.js';

type Kind = 'string' | 'boolean' | 'integer' | 'seconds' | 'port';

/** A config key: the long flag it stands for, the RawArgs field it fills, what it holds. */
interface Key {
  field: keyof RawArgs;
  kind: Kind;
  /** Only in a target's table. */
  targetOnly?: true;
}

/** Named as the long flags are, so what works on the command line works here. */
const KEYS: Readonly<Record<string, Key>> = {
  host: { field: 'host', kind: 'string', targetOnly: true },
  port: { field: 'ports', kind: 'port', targetOnly: true },
  'connect-timeout': { field: 'connectTimeout', kind: 'seconds' },
  'banner-wait': { field: 'bannerWait', kind: 'seconds' },
  'line-ending': { field: 'crlf', kind: 'string' },
  encoding: { field: 'encoding', kind: 'string' },
  scrollback: { field: 'scrollback', kind: 'integer' },
  colours: { field: 'colours', kind: 'boolean' },
  colors: { field: 'colours', kind: 'boolean' },
  history: { field: 'history', kind: 'boolean' },
  color: { field: 'color', kind: 'string' },
  'keep-output': { field: 'keepOutput', kind: 'string' },
  proto: { field: 'proto', kind: 'string' },
  parallel: { field: 'parallel', kind: 'integer' },
  ipv4: { field: 'ipv4', kind: 'boolean' },
  ipv6: { field: 'ipv6', kind: 'boolean' },
  tls: { field: 'tls', kind: 'boolean' },
  starttls: { field: 'starttls', kind: 'string' },
  ca: { field: 'ca', kind: 'string' },
  insecure: { field: 'insecure', kind: 'boolean' },
  servername: { field: 'servername', kind: 'string' },
  alpn: { field: 'alpn', kind: 'string' },
  cert: { field: 'cert', kind: 'string' },
  key: { field: 'key', kind: 'string' },
  'tls-min': { field: 'tlsMin', kind: 'string' },
  'tls-max': { field: 'tlsMax', kind: 'string' },
  telnet: { field: 'telnet', kind: 'boolean' },
  raw: { field: 'raw', kind: 'boolean' },
  user: { field: 'user', kind: 'string' },
};

/** Where a value came from, for the message that names it. */
export interface Origin {
  file: string;
  line: number;
  /** As written: "defaults.encoding", "targets.mail.port". */
  key: string;
}

/** One table's options as a RawArgs layer, each field with where it was set. */
export interface ConfigLayer {
  args: RawArgs;
  origins: Partial<Record<keyof RawArgs, Origin>>;
}

export interface Config {
  file: string;
  defaults: ConfigLayer;
  targets: ReadonlyMap<string, ConfigLayer>;
}

export const EMPTY_CONFIG: Config = { file: '', defaults: { args: {}, origins: {} }, targets: new Map() };

/** The config's text parsed and checked; a file that does not parse or holds a bad key throws. */
export function parseConfig(text: string, file: string): Config {
  let doc: Record<string, unknown>;
  try {
    doc = parse(text) as Record<string, unknown>;
  } catch (err) {
    if (err instanceof TomlError) throw bad(file, err.line, err.message.split('\n')[0]!.replace(/^Invalid TOML document: /, 'not TOML: '));
    throw err;
  }
  const lines = text.split(/\r?\n/);
  for (const top of Object.keys(doc)) {
    if (top !== 'defaults' && top !== 'targets') throw bad(file, lineOf(lines, [], top), `unknown table [${top}] (there are [defaults] and [targets.NAME])`);
  }
  const defaults = layer(doc.defaults ?? {}, ['defaults'], file, lines, false);
  const targets = new Map<string, ConfigLayer>();
  const t = doc.targets ?? {};
  if (!isTable(t)) throw bad(file, lineOf(lines, [], 'targets'), '"targets" must be tables, [targets.NAME]');
  for (const [name, table] of Object.entries(t)) {
    const l = layer(table, ['targets', name], file, lines, true);
    if (l.args.host === undefined) throw bad(file, lineOf(lines, ['targets', name], null), `[targets.${name}] needs a host`);
    targets.set(name, l);
  }
  return { file, defaults, targets };
}

function layer(table: unknown, path: string[], file: string, lines: string[], target: boolean): ConfigLayer {
  const where = path.join('.');
  if (!isTable(table)) throw bad(file, lineOf(lines, path.slice(0, -1), path.at(-1)!), `"${where}" must be a table, [${where}]`);
  const args: Record<string, unknown> = {};
  const origins: ConfigLayer['origins'] = {};
  for (const [name, value] of Object.entries(table)) {
    const line = lineOf(lines, path, name);
    const key = KEYS[name];
    if (!key || (key.targetOnly && !target)) {
      throw bad(file, line, `unknown key "${name}" in [${where}]${key ? ' (it belongs in a [targets.NAME])' : ''}`);
    }
    const origin = { file, line, key: `${where}.${name}` };
    const v = typed(value, key.kind, origin);
    if (name === 'line-ending') {
      if (v !== 'crlf' && v !== 'lf') throw bad(file, line, `"${origin.key}" is crlf or lf, not ${JSON.stringify(v)}`);
      args[v] = true;
      origins[v] = origin;
      continue;
    }
    args[key.field] = key.field === 'ports' ? [v] : v;
    origins[key.field] = origin;
  }
  return { args: args as RawArgs, origins };
}

function typed(value: unknown, kind: Kind, o: Origin): unknown {
  const fail = (what: string) => bad(o.file, o.line, `"${o.key}" must be ${what}, not ${JSON.stringify(value)}`);
  switch (kind) {
    case 'boolean':
      if (typeof value !== 'boolean') throw fail('true or false');
      return value;
    case 'string':
      if (typeof value !== 'string') throw fail('a string');
      return value;
    case 'integer':
      if (typeof value !== 'number' || !Number.isInteger(value)) throw fail('a whole number');
      return String(value);
    case 'seconds':
      if (typeof value !== 'number' && typeof value !== 'string') throw fail('a number of seconds');
      return String(value);
    case 'port':
      if (!(typeof value === 'number' && Number.isInteger(value)) && typeof value !== 'string') throw fail('a port number or service name');
      return String(value);
  }
}

function isTable(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);
}

function bad(file: string, line: number, what: string): UsageError {
  return new UsageError('PH_BAD_CONFIG', `${file}:${line}: ${what}`);
}

/**
 * The line where `key` is set in table `path` (the table's header when `key` is null), for the
 * message: TOML's parser gives no positions for what parsed, so the text is read again. A key in
 * a table written inline or dotted is found as the table's line, or 1.
 */
function lineOf(lines: readonly string[], path: readonly string[], key: string | null): number {
  const header = path.length ? new RegExp(`^\\s*\\[\\s*${path.map(quoted).join('\\s*\\.\\s*')}\\s*\\]`) : null;
  let start = 0;
  if (header) {
    const at = lines.findIndex((l) => header.test(l));
    if (at < 0) return 1;
    if (key === null) return at + 1;
    start = at + 1;
  }
  const keyRe = key === null ? null : new RegExp(`^\\s*${quoted(key)}\\s*=|^\\s*\\[\\s*${quoted(key)}\\b`);
  for (let i = start; i < lines.length; i++) {
    if (header && /^\s*\[/.test(lines[i]!) && !keyRe!.test(lines[i]!)) break;
    if (keyRe!.test(lines[i]!)) return i + 1;
  }
  return start || 1;
}

/** A key as a pattern: bare, or in either kind of quotes. */
function quoted(key: string): string {
  const e = key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return `(?:${e}|"${e}"|'${e}')`;
}

/** The layer for a target named on the command line, if the host is one of the config's names. */
export function targetNamed(config: Config, host: unknown): ConfigLayer | null {
  return typeof host === 'string' ? (config.targets.get(host) ?? null) : null;
}

/** Options of which one excludes the other: the upper layer's choice takes the pair. */
const PAIRS: readonly (readonly [keyof RawArgs, keyof RawArgs])[] = [
  ['crlf', 'lf'],
  ['ipv4', 'ipv6'],
  ['telnet', 'raw'],
  ['tls', 'starttls'],
];

/** `lower` merged under `upper`, without its half of a pair `upper` chose the other half of. */
function under(lower: RawArgs, upper: RawArgs): RawArgs {
  const kept: Record<string, unknown> = { ...lower };
  for (const [a, b] of PAIRS) {
    if (upper[a] !== undefined) delete kept[b];
    if (upper[b] !== undefined) delete kept[a];
  }
  return mergeLayers(kept as RawArgs, upper);
}

/**
 * The options from the command line over the config: `[defaults]`, then the target the host names
 * (its host and port in place of the name; a port on the command line still wins), then argv. A
 * value of the config's that the options refuse is said with its file, line and key.
 */
export function resolveWithConfig(argv: RawArgs, terminal: Terminal, config: Config, fileTargets: readonly TargetWords[] = []): Options {
  const a: RawArgs = { ...argv };
  const words = [...(a.host === undefined ? [] : [String(a.host)]), ...(Array.isArray(a.ports) ? a.ports.map(String) : a.ports === undefined ? [] : [String(a.ports)])];
  // --watch takes its seconds optionally: a word after it that is no number is the first target.
  if (typeof a.watch === 'string' && a.watch.trim() !== '' && !/^\s*(\d+(\.\d*)?|\.\d+)\s*$/.test(a.watch)) {
    words.unshift(a.watch);
    a.watch = '';
  }
  const groups = [...groupWords(words, (w) => config.targets.has(w)), ...fileTargets];
  if (groups.length === 1 && groups[0]!.origin === null && fileTargets.length === 0) {
    return resolveOne({ ...a, host: groups[0]!.host, ports: groups[0]!.ports }, terminal, config);
  }
  if (groups.length === 0) return resolveOne({ ...a, host: undefined, ports: [] }, terminal, config);
  // Several targets: each resolved as if alone (its config target's options under the command
  // line's), then gathered into one probe; a host:port given twice is probed once.
  let first: Options | null = null;
  const targets: ProbeTarget[] = [];
  const seen = new Set<string>();
  for (const g of groups) {
    let o: Options;
    try {
      o = resolveOne({ ...a, host: g.host, ports: g.ports }, terminal, config);
    } catch (err) {
      if (err instanceof UsageError && g.origin) throw new UsageError(err.code, `${g.origin}: ${err.message}`);
      throw err;
    }
    if (o.mode !== 'probe') throw new UsageError('PH_BAD_TARGET', 'several targets are for -z (once) or --watch (again and again); a session or a pipe has one');
    first ??= o;
    for (const t of o.probe.targets) {
      const ports = t.ports.filter((p) => {
        // Where it leads, not how it was named: a config target and its own host:port are one.
        const key = `${t.host}/${p}`;
        if (seen.has(key)) return false;
        seen.add(key);
        return true;
      });
      if (ports.length > 0) targets.push({ ...t, ports });
    }
  }
  const o = first!;
  return { ...o, probe: { ...o.probe, targets, host: targets[0]!.host, ports: targets[0]!.ports } };
}

function resolveOne(argv: RawArgs, terminal: Terminal, config: Config): Options {
  const o = resolveNamed(argv, terminal, config);
  const named = targetNamed(config, argv.host);
  if (named) o.probe.targets = o.probe.targets.map((t) => ({ ...t, name: String(argv.host) }));
  return o;
}

function resolveNamed(argv: RawArgs, terminal: Terminal, config: Config): Options {
  const target = targetNamed(config, argv.host);
  const cli: Record<string, unknown> = { ...argv };
  if (target) delete cli.host;
  if (Array.isArray(cli.ports) && cli.ports.length === 0) delete cli.ports;
  const layer = under(under(config.defaults.args, target?.args ?? {}), cli as RawArgs);
  try {
    return resolveOptions(cli as RawArgs, terminal, layer);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    const origins = { ...config.defaults.origins, ...target?.origins };
    const base: RawArgs = target ? { host: target.args.host, ...(target.args.ports ? { ports: target.args.ports } : {}) } : {};
    const blame = (field: keyof RawArgs, e: UsageError) => {
      const o = origins[field]!;
      return new UsageError('PH_BAD_CONFIG', `${o.file}:${o.line}: ${o.key}: ${e.message}`);
    };
    // The target alone, then each value of the config alone over the command line: the first
    // that fails by itself is the one to name. None: the trouble is the command line's own.
    const alone = (l: RawArgs): UsageError | null => {
      try {
        resolveOptions(cli as RawArgs, terminal, l);
        return null;
      } catch (e) {
        if (e instanceof UsageError) return e;
        throw e;
      }
    };
    const t = alone(base);
    if (t && !target) throw err;
    if (t) throw blame(t.code === 'PH_BAD_PORT' && origins.ports ? 'ports' : 'host', t);
    for (const field of Object.keys(layer) as (keyof RawArgs)[]) {
      if (cli[field] !== undefined || !origins[field] || field === 'host' || field === 'ports') continue;
      const e = alone({ ...base, [field]: layer[field] });
      if (e) throw blame(field, e);
    }
    throw err;
  }
}
