// From what the user asked for to the options each mode runs with, in one pipeline:
// defaults <- config file (core/config.ts) <- argv -> Options. Every check that makes a bad command
// line a one-line usage error lives here, pure and tested without spawning anything.

import { checkEncoding, type LineEnding } from './codec.js';
import { UsageError } from './errors.js';
import { parseHost, parsePort, uniquePorts } from './target.js';
import { parseStartTlsProtocol, parseTlsVersion, STARTTLS_PROTOCOLS, TLS_VERSIONS, type StartTlsProtocol, type TlsVersion } from './tls-options.js';
import { parseProto, PROTOS, type ProtoName } from './protocols/choose.js';
import { COLOUR_CHOICES, type ColourChoice } from './colour.js';

/** One layer of what was asked for, loosely typed as yargs (or a config file) hands it over. */
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
  /** -z --open: only the open ports' lines (nc -z -v's habit, for a range). */
  open?: unknown;
  verbose?: unknown;
  crlf?: unknown;
  lf?: unknown;
  encoding?: unknown;
  parallel?: unknown;
  scrollback?: unknown;
  /** Pipe: false keeps our sending side open after stdin ends (yargs turns --no-shutdown into this). */
  shutdown?: unknown;
  /** Pipe: quit this many seconds after stdin ends (nc -q). */
  quitAfter?: unknown;
  colours?: unknown;
  keepOutput?: unknown;
  /** --color auto|always|never (probe and pipe diagnostics). */
  color?: unknown;
  /** false with --no-history: nothing typed is kept between sessions. */
  history?: unknown;
  /** nc's -N: half-close when stdin ends, which is the default here. */
  N?: unknown;
  tls?: unknown;
  ca?: unknown;
  insecure?: unknown;
  servername?: unknown;
  alpn?: unknown;
  cert?: unknown;
  key?: unknown;
  tlsMin?: unknown;
  tlsMax?: unknown;
  starttls?: unknown;
  proto?: unknown;
  /** -c: prompt commands to run once connected. */
  command?: unknown;
  /** --telnet: speak telnet whatever the port; --raw: never (every byte as it is). */
  telnet?: unknown;
  raw?: unknown;
  /** -l, --user: the user telnet's NEW-ENVIRON gives. */
  user?: unknown;
  terminal?: unknown;
  /** --log FILE: the session's transcript from the start; --capture(-sent) FILE: the bytes exactly. */
  log?: unknown;
  capture?: unknown;
  captureSent?: unknown;
  jsonLog?: unknown;
  /** --watch [SECONDS]: repeat the probe every SECONDS ('' when given without a value). */
  watch?: unknown;
  /** --count N: stop the watch after N rounds. */
  count?: unknown;
  /** --expect REGEX: an open port whose banner does not match is an unexpected banner. */
  expect?: unknown;
  /** -f FILE: targets one a line (read by the command line, given to resolveWithConfig). */
  file?: unknown;
}

export type Mode = 'probe' | 'pipe' | 'tui' | 'script';

/** Where porthole runs: which of its standard streams are terminals. */
export interface Terminal {
  stdinIsTTY: boolean;
  stdoutIsTTY: boolean;
  /** The user's TERM, which telnet gives as the terminal type. */
  term?: string;
}

/**
 * TLS as asked for. The options stand on a plaintext connection too: they apply to a STARTTLS
 * later. Files are named here and read by io (an unreadable one is a usage error there).
 */
export interface TlsPart {
  /** --tls: the handshake right after TCP connects (implicit TLS). */
  implicit: boolean;
  /** --starttls: plaintext first, the protocol's own upgrade, then TLS; null without. */
  starttls: StartTlsProtocol | 'auto' | null;
  caFiles: string[];
  /** -k: go on when the certificate does not verify; the verdict is still shown. */
  insecure: boolean;
  /** SNI and the name checked; null: the host (none for an IP address); '' sends none. */
  servername: string | null;
  alpn: string[];
  certFile: string | null;
  keyFile: string | null;
  minVersion: TlsVersion;
  maxVersion: TlsVersion;
}

export interface ConnectPart {
  host: string;
  family: 0 | 4 | 6;
  /** Our own connect timer for each address (TCP and, with TLS, the handshake too). */
  connectTimeoutMs: number;
  tls: TlsPart;
}

/** One host of a probe or watch and its ports, with the connect settings its own (a config target's). */
export interface ProbeTarget {
  /** The config target's name when it was named ("mail"); null for a host as written. */
  name: string | null;
  host: string;
  family: 0 | 4 | 6;
  connectTimeoutMs: number;
  tls: TlsPart;
  bannerWaitMs: number;
  encoding: string;
  ports: number[];
}

/** --watch and --count: the probe repeated. */
export interface WatchPart {
  intervalMs: number;
  /** Rounds to run, or null: until q, SIGINT or SIGTERM. */
  count: number | null;
}

export interface ProbePart extends ConnectPart {
  ports: number[];
  /** Every host probed, in the order given; the first is `host` and `ports` above. */
  targets: ProbeTarget[];
  /** --watch / --count; null for a single round. */
  watch: WatchPart | null;
  /** --expect: the pattern an open port's banner must match (JavaScript RegExp syntax); null for none. */
  expect: string | null;
  /** --color: whether its lines are coloured (auto: stdout a terminal, NO_COLOR, FORCE_COLOR). */
  colour: ColourChoice;
  bannerWaitMs: number;
  parallel: number;
  json: boolean;
  /** --open: print the open ports only (the summary still counts every one). */
  openOnly: boolean;
  verbose: boolean;
  encoding: string;
}

export interface PipePart extends ConnectPart {
  port: number;
  /** --color: whether its diagnostics on stderr are coloured. */
  colour: ColourChoice;
  /** LF -> CRLF on what we send (nc -C); off by default: bytes go as they are. */
  crlf: boolean;
  /** When set, stdin is UTF-8 text re-encoded to this, and the peer's bytes are decoded from it. */
  encoding: string | null;
  verbose: boolean;
  /** Half-close when stdin ends (nc -N, the default); false keeps our side open (--no-shutdown). */
  shutdown: boolean;
  /** Quit this long after stdin ends, whatever the peer does (nc -q); null waits for the peer. */
  quitAfterEofMs: number | null;
  /** End the connection after this long with nothing in either direction (nc -w); null never. */
  idleTimeoutMs: number | null;
  /** Speak telnet (port 23 unless --raw, or --telnet): IAC out of stdout, the negotiation answered. */
  telnet: { term: string; user: string | null } | null;
  captures: Captures;
  /** --log FILE: the transcript of what crossed, beside stdout's data. */
  log: string | null;
  /** --json-log FILE: a JSON object a line for each event and every byte. */
  jsonLog: string | null;
}

/** --capture and --capture-sent: where the bytes received, and sent, go exactly as they crossed. */
export interface Captures {
  received: string | null;
  sent: string | null;
}

export interface TelnetPart {
  when: 'port-23' | 'always' | 'never';
  term: string;
  user: string | null;
}

export interface SessionPart extends ConnectPart {
  port: number;
  lineEnding: LineEnding;
  encoding: string;
  /** Lines of scrollback kept, or null for the store's default. */
  scrollback: number | null;
  /** Show the peer's SGR colours (a safe subset) instead of marking them. */
  colours: boolean;
  /** Lines of the session's output left in the terminal after quit: a number, or 'screen'. */
  keepOutput: number | 'screen';
  /** --color: the session's own colours (auto: unless NO_COLOR, TERM=dumb or FORCE_COLOR=0). */
  colour: ColourChoice;
  /** Keep what is typed at each host:port between sessions (not with --no-history). */
  history: boolean;
  /** The protocol helper: by name, none, or auto (the port's, else the banner's). */
  proto: ProtoName | 'auto';
  /** -c: prompt commands run once connected, in order (checked by the mode before it connects). */
  commands: string[];
  /** Telnet: when (port 23's connections, unless --raw; every one with --telnet), the terminal type and user it gives. */
  telnet: TelnetPart;
  /** --terminal: the remote program gets the terminal once connected (terminal mode). */
  terminal: boolean;
  /** --log FILE: a transcript from the start, as `log FILE` in the prompt writes. */
  log: string | null;
  /** --json-log FILE: a JSON object a line for each event and every byte. */
  jsonLog: string | null;
  captures: Captures;
}

export interface Options {
  mode: Mode;
  /** Why the mode was chosen when the user did not choose it, to be said on stderr; else null. */
  modeNote: string | null;
  probe: ProbePart;
  pipe: PipePart;
  session: SessionPart;
}

/** telnet's default port. */
export const DEFAULT_PORT = 23;
export const DEFAULTS = { connectTimeoutS: 10, bannerWaitS: 1, parallel: 32, watchS: 5 } as const;
/** The longest timer that means anything here: a day. */
const MAX_SECONDS = 86400;

function seconds(value: unknown, flag: string, min: number): number {
  const n = typeof value === 'number' ? value : Number(value);
  if (typeof value === 'string' && value.trim() === '') return seconds(NaN, flag, min);
  if (!Number.isFinite(n) || n < min || n > MAX_SECONDS) {
    const range = min > 0 ? `from ${min} to ${MAX_SECONDS}` : `from 0 to ${MAX_SECONDS}`;
    throw new UsageError('PH_BAD_OPTION', `${flag} needs a number of seconds ${range}, not "${String(value)}"`);
  }
  return Math.round(n * 1000);
}

function positiveInt(value: unknown, flag: string, max: number, min = 1): number {
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new UsageError('PH_BAD_OPTION', `${flag} needs a whole number from ${min} to ${max}, not "${String(value)}"`);
  }
  return n;
}

function list(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  return (Array.isArray(value) ? value : [value]).map(String);
}

/** Later layers win; a key a layer leaves undefined does not hide an earlier one. */
export function mergeLayers(...layers: RawArgs[]): RawArgs {
  const out: Record<string, unknown> = {};
  for (const layer of layers) {
    for (const [k, v] of Object.entries(layer)) if (v !== undefined) out[k] = v;
  }
  return out as RawArgs;
}

function colourChoice(value: unknown): ColourChoice {
  if (value === undefined) return 'auto';
  const t = String(value).trim().toLowerCase();
  if ((COLOUR_CHOICES as readonly string[]).includes(t)) return t as ColourChoice;
  throw new UsageError('PH_BAD_OPTION', `--color is auto, always or never, not "${String(value)}"`);
}

function keepOutput(value: unknown): number | 'screen' {
  if (value === undefined) return 'screen';
  const t = String(value).trim().toLowerCase();
  if (t === 'screen') return 'screen';
  if (t === 'all') return Number.MAX_SAFE_INTEGER;
  if (t === 'none') return 0;
  if (!/^\d+$/.test(t)) throw new UsageError('PH_BAD_OPTION', `--keep-output needs a number of lines, screen, all or none, not "${String(value)}"`);
  return Number(t);
}

/** --watch [SECONDS] and --count N; either makes a watch (the other takes its default). */
function watchPart(raw: RawArgs): WatchPart | null {
  if (raw.watch === undefined && raw.count === undefined) return null;
  const given = raw.watch === undefined || raw.watch === true || String(raw.watch).trim() === '' ? DEFAULTS.watchS : raw.watch;
  const intervalMs = seconds(given, '--watch', 0.1);
  return { intervalMs, count: raw.count === undefined ? null : positiveInt(raw.count, '--count', 1_000_000_000) };
}

/** --expect's pattern, checked here so a typo is a usage error before anything connects. */
function expectPattern(value: unknown, bannerWaitMs: number): string {
  const src = String(value);
  if (src === '') throw new UsageError('PH_BAD_OPTION', '--expect needs a pattern (a regular expression the banner must match)');
  try {
    new RegExp(src);
  } catch (err) {
    throw new UsageError('PH_BAD_OPTION', `--expect: not a regular expression: ${(err as Error).message.replace(/^Invalid regular expression: /, '')}`);
  }
  if (bannerWaitMs === 0) throw new UsageError('PH_BAD_OPTION', '--expect matches the banner: not with --banner-wait 0');
  return src;
}

/** No TLS asked for: what a STARTTLS typed in the prompt uses then (the system's trust store). */
export const DEFAULT_TLS: TlsPart = {
  implicit: false,
  starttls: null,
  caFiles: [],
  insecure: false,
  servername: null,
  alpn: [],
  certFile: null,
  keyFile: null,
  minVersion: 'TLSv1.2',
  maxVersion: 'TLSv1.3',
};

/** TLS material must be read: for --tls, and for files given (an unreadable one is said at once). */
export function needsTlsConfig(part: TlsPart): boolean {
  return part.implicit || part.starttls !== null || part.caFiles.length > 0 || part.certFile !== null;
}

function protoOption(value: unknown): ProtoName | 'auto' {
  if (value === undefined) return 'auto';
  const p = parseProto(String(value));
  if (p === null) throw new UsageError('PH_BAD_OPTION', `--proto needs ${PROTOS.join(', ')} or auto, not "${String(value)}"`);
  return p;
}

function tlsVersion(value: unknown, flag: string, fallback: TlsVersion): TlsVersion {
  if (value === undefined) return fallback;
  const v = parseTlsVersion(String(value));
  if (!v) throw new UsageError('PH_BAD_OPTION', `${flag} needs a TLS version (${TLS_VERSIONS.join(', ')}; 1.2 will do), not "${String(value)}"`);
  return v;
}

function text(value: unknown, flag: string): string | null {
  if (value === undefined) return null;
  const t = String(value);
  if (t.trim() === '') throw new UsageError('PH_BAD_OPTION', `${flag} needs a value`);
  return t;
}

function tlsPart(raw: RawArgs): TlsPart {
  const certFile = text(raw.cert, '--cert');
  const keyFile = text(raw.key, '--key');
  if (keyFile !== null && certFile === null) throw new UsageError('PH_BAD_OPTION', '--key needs --cert (the client certificate it belongs to)');
  if (certFile !== null && keyFile === null) throw new UsageError('PH_BAD_OPTION', '--cert needs --key (its private key)');
  const minVersion = tlsVersion(raw.tlsMin, '--tls-min', 'TLSv1.2');
  const maxVersion = tlsVersion(raw.tlsMax, '--tls-max', 'TLSv1.3');
  if (TLS_VERSIONS.indexOf(minVersion) > TLS_VERSIONS.indexOf(maxVersion)) {
    throw new UsageError('PH_BAD_OPTION', `--tls-min ${minVersion} is above --tls-max ${maxVersion}`);
  }
  let starttls: TlsPart['starttls'] = null;
  if (raw.starttls !== undefined) {
    starttls = parseStartTlsProtocol(String(raw.starttls));
    if (starttls === null) throw new UsageError('PH_BAD_OPTION', `--starttls needs ${STARTTLS_PROTOCOLS.join(', ')} or auto, not "${String(raw.starttls)}"`);
    if (raw.tls === true) throw new UsageError('PH_BAD_OPTION', '--tls and --starttls exclude each other (--tls: TLS at once; --starttls: plaintext first, then TLS)');
  }
  const alpn = list(raw.alpn).flatMap((a) => a.split(',')).map((a) => a.trim()).filter(Boolean);
  for (const a of alpn) if (a.length > 255) throw new UsageError('PH_BAD_OPTION', `--alpn: a protocol name is at most 255 bytes, not "${a.slice(0, 20)}..."`);
  return {
    implicit: raw.tls === true,
    starttls,
    caFiles: list(raw.ca).map((f) => text(f, '--ca')!),
    insecure: raw.insecure === true,
    servername: raw.servername === undefined ? null : String(raw.servername),
    alpn,
    certFile,
    keyFile,
    minVersion,
    maxVersion,
  };
}

/**
 * Resolves the layers (argv last: a flag on the command line always wins) into the options of
 * every mode. `config` is the config file's layer (core/config.ts: [defaults] and the target named).
 */
export function resolveOptions(argv: RawArgs, terminal: Terminal, config: RawArgs = {}): Options {
  const raw = mergeLayers(config, argv);
  const hostText = raw.host === undefined ? '' : String(raw.host);
  if (hostText.trim() === '') throw new UsageError('PH_NO_HOST', 'no host given');
  const { host, port: inlinePort } = parseHost(hostText);
  const portArgs = list(raw.ports);
  // --watch, --count and -f are the probe's: each makes one.
  const probe = raw.probe === true || raw.watch !== undefined || raw.count !== undefined || raw.file !== undefined;

  let ports: number[];
  if (probe) {
    if (inlinePort !== undefined && portArgs.length > 0) {
      throw new UsageError('PH_BAD_PORT', `port given twice: in "${hostText}" and as ${portArgs.join(' ')}`);
    }
    // A port given twice (25 20-30) is probed once, where it first came.
    ports = inlinePort !== undefined ? [inlinePort] : uniquePorts(portArgs);
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
  if (probe && raw.pipe === true) throw new UsageError('PH_BAD_OPTION', `${raw.probe === true ? '-z' : raw.file !== undefined ? '-f' : '--watch'} and --pipe exclude each other`);
  if (raw.N === true && raw.shutdown === false) throw new UsageError('PH_BAD_OPTION', '-N (half-close when stdin ends) and --no-shutdown exclude each other');
  const family = raw.ipv4 === true ? 4 : raw.ipv6 === true ? 6 : 0;
  if (family === 4 && host.includes(':')) {
    throw new UsageError('PH_BAD_HOST', `-4 was given but ${host} is an IPv6 address`);
  }
  if (family === 6 && /^\d{1,3}(\.\d{1,3}){3}$/.test(host)) {
    throw new UsageError('PH_BAD_HOST', `-6 was given but ${host} is an IPv4 address`);
  }

  const encoding = raw.encoding === undefined ? null : checkEncoding(String(raw.encoding));
  // Without a terminal on both sides there is no screen to draw: nc's way, bytes in and out.
  const commands = list(raw.command).map(String);
  const file = (v: unknown, flag: string): string | null => {
    if (v === undefined) return null;
    const f = String(v);
    if (f.trim() === '' || /[\0\r\n]/.test(f)) throw new UsageError('PH_BAD_FILE', `${flag} needs a file name`);
    return f;
  };
  const captures: Captures = { received: file(raw.capture, '--capture'), sent: file(raw.captureSent, '--capture-sent') };
  const log = file(raw.log, '--log');
  const jsonLog = file(raw.jsonLog, '--json-log');
  const files = [captures.received, captures.sent, log, jsonLog].filter((f): f is string => f !== null);
  if (new Set(files).size !== files.length) throw new UsageError('PH_BAD_FILE', '--log, --json-log, --capture and --capture-sent each need a file of their own');
  if (probe && files.length > 0) throw new UsageError('PH_BAD_OPTION', '-z probes: --log, --json-log and the captures are for a session or a pipe');
  if (raw.telnet === true && raw.raw === true) throw new UsageError('PH_BAD_OPTION', '--telnet and --raw exclude each other');
  const user = raw.user === undefined ? null : String(raw.user);
  if (user !== null && !/^[\x21-\x7e]{1,64}$/.test(user)) throw new UsageError('PH_BAD_OPTION', `-l/--user: a user name of printable characters, not "${user}"`);
  if (commands.length > 0 && (probe || raw.pipe === true)) throw new UsageError('PH_BAD_OPTION', '-c runs in a session (or, without a terminal, as a script): not with -z or --pipe');
  let mode: Mode;
  let modeNote: string | null = null;
  if (probe) mode = 'probe';
  // -c without a terminal: the commands run, the transcript goes to stdout.
  else if (commands.length > 0 && (!terminal.stdinIsTTY || !terminal.stdoutIsTTY)) mode = 'script';
  else if (raw.pipe === true || !terminal.stdinIsTTY) mode = 'pipe';
  else if (!terminal.stdoutIsTTY) {
    mode = 'pipe';
    modeNote = 'stdout is not a terminal: pipe mode (what you type goes to the peer, what it sends goes to stdout; -C for CRLF line endings)';
  } else mode = 'tui';

  const watch = watchPart(raw);
  const verbose = raw.verbose === true || (typeof raw.verbose === 'number' && raw.verbose > 0);
  // A watch's check must end before the next is due: unless -w says otherwise, half the interval.
  const connectTimeoutMs =
    raw.connectTimeout === undefined && watch ? Math.min(DEFAULTS.connectTimeoutS * 1000, Math.round(watch.intervalMs / 2)) : seconds(raw.connectTimeout ?? DEFAULTS.connectTimeoutS, '-w/--connect-timeout', 0.001);
  const connect: ConnectPart = { host, family, connectTimeoutMs, tls: tlsPart(raw) };
  const lineEnding: LineEnding | null = raw.crlf === true ? 'crlf' : raw.lf === true ? 'lf' : null;
  const port = ports[0]!;
  const colour = colourChoice(raw.color);
  const bannerWaitMs = seconds(raw.bannerWait ?? DEFAULTS.bannerWaitS, '--banner-wait', 0);
  const probeEncoding = encoding ?? 'utf-8';
  const expect = raw.expect === undefined ? null : expectPattern(raw.expect, bannerWaitMs);
  if (!probe && (raw.expect !== undefined || raw.open === true)) {
    throw new UsageError('PH_BAD_OPTION', `${raw.expect !== undefined ? '--expect' : '--open'} is for -z and --watch`);
  }

  return {
    mode,
    modeNote,
    probe: {
      ...connect,
      ports,
      targets: [{ name: null, host, family, connectTimeoutMs, tls: connect.tls, bannerWaitMs, encoding: probeEncoding, ports }],
      watch,
      expect,
      colour,
      bannerWaitMs,
      parallel: raw.parallel === undefined ? DEFAULTS.parallel : positiveInt(raw.parallel, '--parallel', 1024),
      json: raw.json === true,
      openOnly: raw.open === true,
      verbose,
      encoding: probeEncoding,
    },
    pipe: {
      ...connect,
      port,
      colour,
      crlf: lineEnding === 'crlf',
      encoding,
      verbose,
      shutdown: raw.shutdown !== false,
      quitAfterEofMs: raw.quitAfter === undefined ? null : seconds(raw.quitAfter, '-q', 0),
      // nc's -w: the same number bounds an idle connection, but only when it was asked for.
      idleTimeoutMs: raw.connectTimeout === undefined ? null : connectTimeoutMs,
      // As telnet in a pipe does: port 23's negotiation answered, none of it on stdout (--raw: nc's bytes).
      telnet: raw.raw !== true && (raw.telnet === true || port === DEFAULT_PORT) ? { term: terminal.term || 'dumb', user } : null,
      captures,
      log,
      jsonLog,
    },
    session: {
      ...connect,
      port,
      lineEnding: lineEnding ?? 'crlf',
      encoding: encoding ?? 'utf-8',
      scrollback: raw.scrollback === undefined ? null : positiveInt(raw.scrollback, '--scrollback', 10_000_000),
      colours: raw.colours === true,
      colour,
      keepOutput: keepOutput(raw.keepOutput),
      history: raw.history !== false,
      proto: protoOption(raw.proto),
      commands,
      // Port 23 is telnet's own: its servers negotiate, and a login prompt takes over echo.
      telnet: { when: raw.raw === true ? 'never' : raw.telnet === true ? 'always' : 'port-23', term: terminal.term || 'dumb', user },
      terminal: raw.terminal === true,
      log,
      jsonLog,
      captures,
    },
  };
}
