// The lines porthole prints outside the TUI: verbose attempt lines, one human line per probed
// port, and JSON records. Everything that came from the wire is made visible before it is shown.

import { formatMs, roundMs } from './clock.js';
import type { Attempt, Outcome } from './outcome.js';
import { LineAssembler, LineCollector } from './line-assembler.js';
import { isVisibleSafe, toVisible } from './sanitize.js';
import { formatHostPort, serviceName } from './target.js';
import { tlsRecord, tlsSummary, type TlsReport } from './tls.js';
import { paintOutcome } from './colour.js';
import { formatCount } from './count.js';

/** What probing one port found. */
export interface ProbeResult {
  /** The config target's name when one was named; null otherwise. */
  name: string | null;
  host: string;
  port: number;
  /** The address the outcome belongs to; null when no address was tried (DNS). */
  address: string | null;
  family: 4 | 6 | null;
  outcome: Outcome;
  /** Time to the connection's verdict (connect, refusal, timeout), from the first SYN. */
  ms: number | null;
  /** Decoded text the service sent within the banner wait; null when it sent nothing. */
  banner: string | null;
  /** False when the probe did not wait for a banner (--banner-wait 0): no banner then means nothing. */
  bannerAwaited: boolean;
  attempts: Attempt[];
  resolveMs: number;
  /** With --tls: what the handshake showed (also when its certificate was refused); else null. */
  tls: TlsReport | null;
}

/** telnet's "Trying 127.0.0.1..." line, finished with the verdict. */
export function attemptLine(a: Attempt): string {
  const verdict = a.outcome.kind === 'open' ? 'connected' : a.outcome.label.toLowerCase();
  return `Trying ${a.address}... ${verdict} in ${formatMs(a.ms)}`;
}

/**
 * The banner's first non-empty line, safe for a terminal and short enough for one line. Lines are
 * split by the session's own line assembler, so the probe and the session agree on where a
 * banner's line ends (a bare CR is text, shown as ␍, as in the session).
 */
export function bannerFirstLine(banner: string, max = 160): string {
  const lines = new LineCollector(max * 4);
  const assembler = new LineAssembler();
  assembler.push(banner, lines);
  assembler.flush(lines);
  const first = [...lines.take().map((l) => l.text), lines.partial].find((l) => l.trim() !== '') ?? '';
  const shown = toVisible(first.trimEnd());
  return shown.length > max ? `${shown.slice(0, max - 1)}…` : shown;
}

/**
 * One human line per port: where, what (in its colour, with `colour`), how fast, and the banner or
 * the next step. With `hintsSaid` (a probe of several ports), a failure's explanation is given on
 * the first line that needs it and left out of the lines after that would repeat it word for word.
 */
export function probeLine(r: ProbeResult, colour = false, hintsSaid?: Set<string>): string {
  // The certificate's fields are the peer's words: made visible like a banner.
  const tls = r.tls ? `, ${toVisible(tlsSummary(r.tls, { verdict: r.outcome.kind !== 'tls-failure' }))}` : '';
  const head = lineHead(r.name, r.host, r.port, r.address, r.outcome, r.ms, colour) + tls;
  // A TLS failure's words are what to act on; the greeting that came before them is a detail.
  if (r.banner !== null && r.outcome.kind === 'tls-failure') return `${head}: ${hint(r.outcome)} (greeting: ${bannerFirstLine(r.banner)})`;
  if (r.banner !== null && r.outcome.kind === 'unexpected-banner') return `${head}: ${bannerFirstLine(r.banner)} (not what --expect wants)`;
  if (r.banner !== null) return `${head}: ${bannerFirstLine(r.banner)}`;
  if (r.outcome.kind === 'open' && !r.bannerAwaited) return `${head} (banner not awaited: --banner-wait 0)`;
  if (r.outcome.kind === 'open') return `${head} (no banner: the service waits for the client to speak)`;
  return withHint(head, r.outcome, hintsSaid);
}

/**
 * The line of a port that did not connect and sent nothing (what probeLine says of it), from its
 * parts: the range scanner prints most of a range this way, with no result object made a port.
 */
export function failedLine(name: string | null, host: string, port: number, address: string | null, outcome: Outcome, ms: number | null, colour: boolean, hintsSaid?: Set<string>): string {
  return withHint(lineHead(name, host, port, address, outcome, ms, colour), outcome, hintsSaid);
}

/** Where, what (in its colour), how fast. */
function lineHead(name: string | null, host: string, port: number, address: string | null, outcome: Outcome, ms: number | null, colour: boolean): string {
  const svc = serviceName(port);
  const where = (name ? `${name}: ` : '') + formatHostPort(host, port) + (svc ? ` (${svc})` : '');
  const addr = address && address !== host ? ` [${address}]` : '';
  // A timeout's label already says how long it waited.
  const time = ms === null || outcome.kind === 'timeout' ? '' : ` in ${formatMs(ms)}`;
  return `${where}${addr}: ${paintOutcome(outcome.kind, outcome.kind === 'open' ? 'open' : outcome.label, colour)}${time}`;
}

function withHint(head: string, outcome: Outcome, hintsSaid: Set<string> | undefined): string {
  if (!hintsSaid) return `${head}: ${hint(outcome)}`;
  const h = sharedHint(outcome);
  if (hintsSaid.has(h)) return head;
  hintsSaid.add(h);
  return `${head}: ${h}`;
}

/** The hint of an outcome object met on thousands of lines (a range's refusals): made once. */
const hints = new WeakMap<Outcome, string>();
function sharedHint(o: Outcome): string {
  let h = hints.get(o);
  if (h === undefined) hints.set(o, (h = hint(o)));
  return h;
}

export function hint(o: Outcome): string {
  return o.next ? `${o.meaning} ${o.next}` : o.meaning;
}

/** What a summary (and a watch's log) calls each outcome, in the order it lists them. */
export const SUMMARY_WORDS: readonly [Outcome['kind'], string][] = [
  ['open', 'open'],
  ['refused', 'refused'],
  ['timeout', 'timed out (filtered?)'],
  ['unreachable', 'unreachable'],
  ['closed-by-peer', 'closed by the peer'],
  ['reset-by-peer', 'reset by the peer'],
  ['tls-failure', 'TLS failed'],
  ['unexpected-banner', 'unexpected banner'],
  ['dns-not-found', 'unknown host'],
  ['dns-unavailable', 'name lookup failed'],
  ['local-error', 'local error'],
];

/** An outcome in a few words: "timed out (filtered?)". */
export const STATE_WORDS: ReadonlyMap<Outcome['kind'], string> = new Map(SUMMARY_WORDS);

/** Outcomes counted as a probe of several ports goes, for its last line. */
export type ProbeCounts = Partial<Record<Outcome['kind'], number>>;

/** "65535 ports: 2 open, 65533 refused in 2.1 s": open always said, other outcomes when met. */
export function probeSummary(counts: ProbeCounts, ms: number, colour = false, noun = 'port'): string {
  const total = Object.values(counts).reduce((a, b) => a + (b ?? 0), 0);
  const parts = SUMMARY_WORDS.filter(([k]) => k === 'open' || counts[k]).map(([k, w]) => paintOutcome(k, `${formatCount(counts[k] ?? 0)} ${w}`, colour));
  return `${formatCount(total)} ${noun}${total === 1 ? '' : 's'}: ${parts.join(', ')} in ${formatMs(ms)}`;
}

/** The JSON record of one probe, as documented for `--json`. */
export function probeRecord(r: ProbeResult): Record<string, unknown> {
  return {
    ...(r.name ? { target: r.name } : {}),
    host: r.host,
    port: r.port,
    address: r.address,
    family: r.family === null ? null : `IPv${r.family}`,
    outcome: r.outcome.kind,
    code: r.outcome.code,
    label: r.outcome.label,
    ms: r.ms === null ? null : roundMs(r.ms),
    resolveMs: roundMs(r.resolveMs),
    banner: r.banner,
    attempts: r.attempts.map((a) => ({
      address: a.address,
      family: `IPv${a.family}`,
      outcome: a.outcome.kind,
      code: a.outcome.code,
      ms: roundMs(a.ms),
    })),
    hint: hint(r.outcome),
    exit: r.outcome.exit,
    ...(r.tls ? { tls: tlsRecord(r.tls) } : {}),
  };
}

/**
 * JSON.stringify leaves C1 controls, DEL, bidi overrides and line separators raw; a peer's banner
 * could use them to act on the terminal that shows the JSON. Whatever the sanitizer would mark is
 * escaped instead, so the JSON's value stays the same.
 */
export function safeJson(value: unknown): string {
  return JSON.stringify(value).replace(/[\u007f-\u{10ffff}]/gu, (c) =>
    isVisibleSafe(c)
      ? c
      : [...Array(c.length).keys()].map((i) => `\\u${c.charCodeAt(i).toString(16).padStart(4, '0')}`).join(''),
  );
}
