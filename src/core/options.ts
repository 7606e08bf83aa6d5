// From what yargs parsed to the options each mode runs with: every check that makes a bad
// command line a one-line usage error lives here, pure and tested without spawning anything.

import { checkEncoding, type LineEnding } from './codec.js';
import { parseHost, parsePort, parsePortSpec, UsageError } from './target.js';

/** What yargs hands over: loosely typed, as typed by the user. */
export interface RawArgs {
  host?: unknown;
  ports?: unknown;
  probe?: unknown;
  pipe?: unknown;
  ipv4?: unknown;
  ipv6?: unknown;
  connectTimeout?: unknown;
  bannerWait?: unknown;
  json?: unknown;
  verbose?: unknown;
  crlf?: unknown;
  lf?: unknown;
  encoding?: unknown;
  parallel?: unknown;
  scrollback?: unknown;
}

export type Mode = 'probe' | 'pipe' | 'tui';

export interface Options {
  mode: Mode;
  host: string;
  /** One port outside probe mode; the ports in order in probe mode. */
  ports: number[];
  family: 0 | 4 | 6;
  connectTimeoutMs: number;
  bannerWaitMs: number;
  json: boolean;
  verbose: boolean;
  /** The line ending chosen explicitly, or null for the mode's default (CRLF in the TUI, none in pipe). */
  lineEnding: LineEnding | null;
  /** The encoding chosen explicitly, or null: pipe mode passes bytes through, the TUI uses UTF-8. */
  encoding: string | null;
  parallel: number;
  scrollback: number | null;
}

/** telnet's default port. */
export const DEFAULT_PORT = 23;
export const DEFAULTS = { connectTimeoutS: 10, bannerWaitS: 1, parallel: 32 } as const;

function seconds(value: unknown, flag: string, min: number): number {
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isFinite(n) || n < min || n > 86400) {
    throw new UsageError('PH_BAD_OPTION', `${flag} needs a number of seconds${min > 0 ? ' above 0' : ''}, not "${String(value)}"`);
  }
  return Math.round(n * 1000);
}

function positiveInt(value: unknown, flag: string, max: number): number {
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isInteger(n) || n < 1 || n > max) {
    throw new UsageError('PH_BAD_OPTION', `${flag} needs a whole number from 1 to ${max}, not "${String(value)}"`);
  }
  return n;
}

function list(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  return (Array.isArray(value) ? value : [value]).map(String);
}

export function resolveOptions(raw: RawArgs, stdinIsTTY: boolean): Options {
  const hostText = raw.host === undefined ? '' : String(raw.host);
  if (hostText.trim() === '') throw new UsageError('PH_NO_HOST', 'no host given');
  const { host, port: inlinePort } = parseHost(hostText);
  const portArgs = list(raw.ports);
  const probe = raw.probe === true;

  let ports: number[];
  if (probe) {
    if (inlinePort !== undefined && portArgs.length > 0) {
      throw new UsageError('PH_BAD_PORT', `port given twice: in "${hostText}" and as ${portArgs.join(' ')}`);
    }
    ports = inlinePort !== undefined ? [inlinePort] : portArgs.flatMap(parsePortSpec);
    if (ports.length === 0) throw new UsageError('PH_NO_PORT', 'probe mode (-z) needs at least one port or range');
  } else {
    if (portArgs.length > 1) {
      throw new UsageError('PH_BAD_PORT', `one port for a session, got ${portArgs.join(' ')} (several ports are for -z)`);
    }
    if (inlinePort !== undefined && portArgs.length > 0) {
      throw new UsageError('PH_BAD_PORT', `port given twice: in "${hostText}" and as ${portArgs[0]}`);
    }
    ports = [inlinePort ?? (portArgs.length ? parsePort(portArgs[0]!) : DEFAULT_PORT)];
  }

  if (raw.ipv4 === true && raw.ipv6 === true) throw new UsageError('PH_BAD_OPTION', '-4 and -6 exclude each other');
  if (raw.crlf === true && raw.lf === true) throw new UsageError('PH_BAD_OPTION', '--crlf and --lf exclude each other');
  if (raw.probe === true && raw.pipe === true) throw new UsageError('PH_BAD_OPTION', '-z and --pipe exclude each other');
  const family = raw.ipv4 === true ? 4 : raw.ipv6 === true ? 6 : 0;
  if (family !== 0 && host.includes(':') && family === 4) {
    throw new UsageError('PH_BAD_HOST', `-4 was given but ${host} is an IPv6 address`);
  }
  if (family === 6 && /^\d{1,3}(\.\d{1,3}){3}$/.test(host)) {
    throw new UsageError('PH_BAD_HOST', `-6 was given but ${host} is an IPv4 address`);
  }

  const encoding = raw.encoding === undefined ? null : checkEncoding(String(raw.encoding));
  const mode: Mode = probe ? 'probe' : raw.pipe === true || !stdinIsTTY ? 'pipe' : 'tui';

  return {
    mode,
    host,
    ports,
    family,
    connectTimeoutMs: seconds(raw.connectTimeout ?? DEFAULTS.connectTimeoutS, '-w/--connect-timeout', 0.001),
    bannerWaitMs: seconds(raw.bannerWait ?? DEFAULTS.bannerWaitS, '--banner-wait', 0),
    json: raw.json === true,
    verbose: raw.verbose === true || (typeof raw.verbose === 'number' && raw.verbose > 0),
    lineEnding: raw.crlf === true ? 'crlf' : raw.lf === true ? 'lf' : null,
    encoding,
    parallel: raw.parallel === undefined ? DEFAULTS.parallel : positiveInt(raw.parallel, '--parallel', 1024),
    scrollback: raw.scrollback === undefined ? null : positiveInt(raw.scrollback, '--scrollback', 10_000_000),
  };
}
