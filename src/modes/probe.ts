// Probe mode (-z): is this port open, and if not, why not. Ports are probed in parallel up to a
// bound and reported in the order given. Never loads React or Ink.

import type { Clock } from '../core/clock.js';
import { createDecoder } from '../core/codec.js';
import { LineAssembler, LineCollector } from '../core/line-assembler.js';
import { ExitCode } from '../core/exit-codes.js';
import { makeOutcome, PortholeCode, type Outcome } from '../core/outcome.js';
import { wantsColour } from '../core/colour.js';
import { needsTlsConfig } from '../core/options.js';
import { attemptLine, probeLine, probeRecord, probeSummary, safeJson, type ProbeCounts, type ProbeResult } from '../core/report.js';
import type { ProbePart, ProbeTarget, SessionPart, TlsPart } from '../core/options.js';
import { formatHostPort } from '../core/target.js';
import { realClock } from '../io/clock.js';
import type { Family, ResolvedAddress, Resolver } from '../io/resolver.js';
import { systemResolver } from '../io/resolver.js';
import { connect, type Connection } from '../io/session.js';
import type { Dial } from '../io/transport.js';
import { probeDial } from '../io/fast-dial.js';
import type { TlsConfig } from '../io/tls.js';
import { toVisible } from '../core/sanitize.js';

export interface ProbeOptions extends ProbePart {
  /** How to open each connection: TCP by default, TLS with --tls (made by runProbe). */
  dial?: Dial;
  /** The TLS material, for --starttls (made by runProbe). */
  tlsConfig?: TlsConfig;
  /** What a session opened from the watch's table starts from (its host and port replaced). */
  session?: SessionPart;
  resolver?: Resolver;
  clock?: Clock;
  out?: (line: string) => void;
  err?: (line: string) => void;
}

/** A banner's first line rarely needs more; a flood must not grow the probe. */
const BANNER_MAX_BYTES = 4096;
/**
 * After the banner's first line, how long to wait for a close that follows it ("421 too many
 * connections" then FIN) before calling the port open; such a FIN trails the banner by one RTT.
 */
const AFTER_BANNER_GRACE_MS = 150;

/** A target made ready to probe: how to dial it and, for --starttls, the TLS material. */
export interface ReadyTarget extends ProbeTarget {
  dial?: Dial;
  tlsConfig?: TlsConfig;
}

/**
 * Each target's dial: TLS material read once for each set of TLS options (a file that cannot be
 * read is a usage error, said before anything connects). Loaded only for TLS: a plain probe does
 * not pay for node:tls, and connects through libuv's handle directly (io/fast-dial): a range is
 * mostly refused ports.
 */
export async function readyTargets(opts: ProbeOptions): Promise<ReadyTarget[]> {
  const plain = opts.dial ?? probeDial();
  const made = new Map<string, { dial?: Dial; tlsConfig?: TlsConfig }>();
  const setup = async (tls: TlsPart) => {
    const key = JSON.stringify(tls);
    let m = made.get(key);
    if (!m) {
      const { config, dial } = (await import('../io/tls.js')).tlsSetup(tls, opts.clock);
      made.set(key, (m = { ...(dial ? { dial } : {}), ...(config ? { tlsConfig: config } : {}) }));
    }
    return m;
  };
  const out: ReadyTarget[] = [];
  for (const t of opts.targets) out.push(needsTlsConfig(t.tls) ? { ...t, ...(await setup(t.tls)) } : { ...t, dial: plain });
  return out;
}

/** Probe every port and print one line (or JSON record) each; resolves to the exit code. */
export async function runProbe(opts: ProbeOptions): Promise<number> {
  const targets = await readyTargets(opts);
  if (opts.watch) return (await import('./watch.js')).runWatch(opts, targets);
  return probeAll(opts, targets);
}

/** The machine ran out of descriptors: a local limit, never the port's answer while others are open. */
const outOfFds = (o: Outcome) => o.code === 'EMFILE' || o.code === 'ENFILE';

async function probeAll(opts: ProbeOptions, targets: ReadyTarget[]): Promise<number> {
  const total = targets.reduce((n, t) => n + t.ports.length, 0);
  let stdoutGone = false;
  let stdoutFailed = false;
  if (!opts.out) {
    // The reader went away (`| head`): stop probing and end quietly, as pipe mode does; any other
    // failure to write stops it too, said once.
    process.stdout.on('error', (e: NodeJS.ErrnoException) => {
      stdoutGone = true;
      if (e.code !== 'EPIPE' && !stdoutFailed) {
        stdoutFailed = true;
        process.stderr.write(`porthole: cannot write output: ${e.code ?? e.message}\n`);
      }
    });
  }
  // Lines gathered and written together, at the end of the loop's turn or every 64 KB: a write a
  // line was a tenth of a full range's time (65,535 writes to a terminal or a file).
  let pending: string[] = [];
  let pendingChars = 0;
  let scheduled = false;
  const flushOut = () => {
    scheduled = false;
    if (pending.length === 0) return;
    const text = `${pending.join('\n')}\n`;
    pending = [];
    pendingChars = 0;
    if (!stdoutGone) process.stdout.write(text);
  };
  const out =
    opts.out ??
    ((l: string) => {
      pending.push(l);
      pendingChars += l.length;
      if (pendingChars >= 65536) flushOut();
      else if (!scheduled) {
        scheduled = true;
        setImmediate(flushOut);
      }
    });
  const err = opts.err ?? ((l: string) => process.stderr.write(l + '\n'));
  // Lines for a person (JSON never): coloured on a terminal, or as --color, NO_COLOR, FORCE_COLOR say.
  const colour = !opts.json && wantsColour(opts.colour, Boolean(process.stdout.isTTY), process.env);
  const clock = opts.clock ?? realClock;
  const started = clock.now();
  const resolver = memoResolver(opts.resolver ?? systemResolver);
  const expect = expectMatcher(opts.expect);
  // Results wait here only until every earlier one is printed: a range of 65,535 ports holds the
  // few in flight, not all of them. The exit code and the summary are counted as they go.
  const results: (ProbeResult | undefined)[] = new Array(total);
  const counts: ProbeCounts = {};
  let exit: number = ExitCode.ok;
  let printed = 0;
  const flush = () => {
    // Results print in the order given, each as soon as every earlier one is known.
    while (printed < results.length && results[printed]) {
      const r = results[printed]!;
      results[printed++] = undefined;
      counts[r.outcome.kind] = (counts[r.outcome.kind] ?? 0) + 1;
      if (exit === ExitCode.ok && r.outcome.kind !== 'open') exit = r.outcome.exit;
      if (opts.verbose) for (const a of r.attempts) err(`${formatHostPort(r.host, r.port)}: ${attemptLine(a)}`);
      if (opts.openOnly && r.outcome.kind !== 'open') continue;
      out(opts.json ? safeJson(probeRecord(r)) : probeLine(r, colour));
    }
  };
  // Sockets in flight, bounded by --parallel, and lowered to what the machine allows once a
  // connect fails for want of descriptors (ulimit -n): that port waits for one to close and is
  // probed again, so a low limit costs time, never a wrong answer.
  let limit = Math.max(1, Math.min(opts.parallel, total));
  let inFlight = 0;
  const waiting: (() => void)[] = [];
  let saidLimit = false;
  const slot = async () => {
    while (inFlight >= limit) await new Promise<void>((r) => waiting.push(r));
    inFlight++;
  };
  const free = () => {
    inFlight--;
    waiting.shift()?.();
  };
  // The next port to probe, walked target by target: a range is one target, not 65,535 objects.
  let next = 0;
  let ti = 0;
  let pi = 0;
  const worker = async () => {
    while (next < total && !stdoutGone) {
      const i = next++;
      while (pi >= targets[ti]!.ports.length) {
        ti++;
        pi = 0;
      }
      const target = targets[ti]!;
      const port = target.ports[pi++]!;
      for (;;) {
        await slot();
        const r = await probeOne(opts, target, port, resolver, expect);
        free();
        // With nothing else open, the limit is the machine's own: that is this port's answer.
        if (outOfFds(r.outcome) && inFlight > 0) {
          limit = Math.max(1, inFlight);
          if (!saidLimit) {
            saidLimit = true;
            err(`porthole: out of file descriptors (${r.outcome.label.toLowerCase()}; see ulimit -n): fewer ports are probed at a time, and each that met the limit is probed again.`);
          }
          continue;
        }
        results[i] = r;
        break;
      }
      flush();
    }
  };
  await Promise.all(Array.from({ length: limit }, worker));
  flushOut();
  // What a slow reader has not taken yet is still queued: the process must not end before it goes.
  if (!opts.out && !stdoutGone) await new Promise<void>((r) => process.stdout.write('', () => r()));
  if (stdoutGone) return stdoutFailed ? ExitCode.internal : ExitCode.ok;
  // Several ports: how they went, on stderr, so stdout stays one line (or object) a port.
  if (total > 1) err(`porthole: ${probeSummary(counts, clock.now() - started, !opts.json && wantsColour(opts.colour, Boolean(process.stderr.isTTY), process.env), targets.length > 1 ? 'target' : 'port')}`);
  return exit;
}

/**
 * One lookup per host, however many ports: a range must not become a thousand DNS queries. A
 * watch passes `ttlMs` (its interval): a name is looked up again then, so a changed address is seen.
 */
export function memoResolver(resolver: Resolver, ttlMs = Infinity, clock: Clock = realClock): Resolver {
  const cache = new Map<string, { at: number; p: Promise<ResolvedAddress[]> }>();
  return (host, family) => {
    const key = `${family}/${host}`;
    const hit = cache.get(key);
    // (A range asks once a port: no clock read when nothing expires.)
    if (hit && (ttlMs === Infinity || clock.now() - hit.at < ttlMs)) return hit.p;
    const p = resolver(host, family);
    cache.set(key, { at: clock.now(), p });
    return p;
  };
}

/** --expect's test of a banner (null: anything goes). */
export type ExpectMatcher = ((banner: string | null) => boolean) | null;

export function expectMatcher(pattern: string | null): ExpectMatcher {
  if (pattern === null) return null;
  const re = new RegExp(pattern);
  return (banner) => banner !== null && re.test(banner);
}

/** Probe one port of a target: connect, TLS or STARTTLS as asked, the banner, then hang up. */
export async function probeOne(opts: ProbeOptions, target: ReadyTarget, port: number, resolver: Resolver, expect: ExpectMatcher = null): Promise<ProbeResult> {
  const r = await probeConnect(opts, target, port, resolver);
  // --expect: open, but not the service wanted, is a state of its own.
  if (expect && r.outcome.kind === 'open' && !expect(r.banner)) {
    return {
      ...r,
      outcome: makeOutcome('unexpected-banner', PortholeCode.unexpectedBanner, r.banner === null ? { meaning: 'The port is open, but the service said nothing within the banner wait, and --expect wants a banner.' } : {}),
    };
  }
  return r;
}

async function probeConnect(opts: ProbeOptions, target: ReadyTarget, port: number, resolver: Resolver): Promise<ProbeResult> {
  const clock = opts.clock ?? realClock;
  const r = await connect({
    host: target.host,
    port,
    family: target.family,
    connectTimeoutMs: target.connectTimeoutMs,
    resolver,
    clock,
    ...(target.dial ? { dial: target.dial } : {}),
    // STARTTLS reads the greeting itself, through its hold: nothing may be read before.
    ...(target.tls.starttls ? { paused: true } : {}),
  });
  const base = { name: target.name, host: target.host, port, attempts: r.attempts, resolveMs: r.resolveMs, bannerAwaited: target.bannerWaitMs > 0 };
  if (!r.ok) {
    const last = r.attempts.at(-1);
    const reported = r.attempts.find((a) => a.address === r.address) ?? last;
    return {
      ...base,
      address: r.address ?? null,
      family: r.family ?? null,
      outcome: r.outcome,
      ms: reported ? reported.ms : null,
      banner: null,
      tls: r.tls ?? null,
    };
  }
  const c = r.connection;
  if (target.tls.starttls && target.tlsConfig) return { ...base, address: c.address, family: c.family, ms: c.connectMs, ...(await upgrade(c, opts, target, port, clock)) };
  const tls = c.tls;
  const { outcome, banner } = await watchBanner(c, target.bannerWaitMs, target.encoding, clock);
  return { ...base, address: c.address, family: c.family, outcome, ms: c.connectMs, banner, tls };
}

/** --starttls: the protocol's dialogue, then TLS, then hang up; the greeting is the banner. */
async function upgrade(c: Connection, opts: ProbeOptions, target: ReadyTarget, port: number, clock: Clock): Promise<Pick<ProbeResult, 'outcome' | 'banner' | 'tls'>> {
  const { startTls, localName } = await import('../io/starttls.js');
  const r = await startTls(c, {
    protocol: target.tls.starttls!,
    full: true,
    config: target.tlsConfig!,
    host: target.host,
    port,
    timeoutMs: target.connectTimeoutMs,
    ehloName: localName(),
    clock,
    onLine: (dir, text) => {
      if (opts.verbose) (opts.err ?? ((l: string) => process.stderr.write(l + '\n')))(`${formatHostPort(target.host, port)}: ${dir === 'in' ? '<-' : '->'} ${toVisible(text)}`);
    },
  });
  c.close();
  const banner = r.greeting === null ? null : `${r.greeting}\r\n`;
  if (!r.ok) return { outcome: r.outcome, banner, tls: r.tls ?? null };
  return { outcome: makeOutcome('open', PortholeCode.open), banner, tls: r.tls };
}

/** Listen for the first words of the service, or for it closing on us, then hang up. */
function watchBanner(
  c: Connection,
  waitMs: number,
  encoding: string,
  clock: Clock,
): Promise<{ outcome: Outcome; banner: string | null }> {
  const open = makeOutcome('open', PortholeCode.open);
  if (waitMs <= 0) {
    c.close();
    return Promise.resolve({ outcome: open, banner: null });
  }
  return new Promise((resolve) => {
    const decoder = createDecoder(encoding);
    // The session's line assembler says when the banner's first line has ended.
    const assembler = new LineAssembler();
    const lines = new LineCollector(BANNER_MAX_BYTES);
    let text = '';
    let size = 0;
    let cancelGrace: (() => void) | null = null;
    const done = (ending: Outcome | null) => {
      cancelWait();
      cancelGrace?.();
      off();
      c.close();
      if (size > 0) text += decoder.end();
      resolve({ outcome: ending ?? open, banner: size > 0 ? text : null });
    };
    const off = c.on((e) => {
      if (e.type === 'data') {
        const take = e.bytes.subarray(0, BANNER_MAX_BYTES - size);
        size += take.length;
        const chunk = decoder.write(take);
        text += chunk;
        assembler.push(chunk, lines);
        if (size >= BANNER_MAX_BYTES) return done(null);
        if (!cancelGrace && lines.take().length > 0) {
          cancelGrace = clock.setTimer(() => done(null), Math.min(AFTER_BANNER_GRACE_MS, waitMs));
        }
      } else if (e.type === 'peer-eof' || e.type === 'closed') {
        done(e.outcome);
      }
    });
    const cancelWait = clock.setTimer(() => done(null), waitMs);
  });
}
