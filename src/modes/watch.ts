// Watch mode (--watch, --count): the probe repeated on a schedule kept by core/watch. On a terminal
// (stdin and stdout, no --json) a live table in the alternate screen (modes/watch-table); elsewhere
// a line a check, written at once, for scripts and log collectors. Ink loads for the table only.

import { wantsColour } from '../core/colour.js';
import { probeLine, probeRecord, safeJson, type ProbeResult } from '../core/report.js';
import { formatHostPort } from '../core/target.js';
import { Watch, type WatchEvents } from '../core/watch.js';
import { watchSummary } from '../core/watch-view.js';
import { realClock } from '../io/clock.js';
import { systemResolver } from '../io/resolver.js';
import { expectMatcher, memoResolver, probeOne, type ProbeOptions, type ReadyTarget } from './probe.js';

/** One row of the watch: a target's host and one of its ports. */
export interface WatchCheck {
  target: ReadyTarget;
  port: number;
}

/** The running watch, for the table: its state, and what it can be told. */
export interface WatchRun {
  watch: Watch;
  checks: readonly WatchCheck[];
  /** Called after anything changed (a check ended, a round, a key). */
  onChange: (() => void) | null;
  pause(paused: boolean): void;
  recheck(): void;
  stop(): void;
  /** Resolves when the rounds asked for are done, or stop() was called. */
  ended: Promise<void>;
  startedAt: number;
}

/** Local clock time of a wall-clock instant, as the table and the log show it. */
export const timeOf = (ms: number): string => new Date(ms).toTimeString().slice(0, 8);

export function startWatch(
  opts: ProbeOptions,
  targets: ReadyTarget[],
  report: { result(r: ProbeResult, round: number, at: number): void; events(e: WatchEvents): void },
): WatchRun {
  const clock = opts.clock ?? realClock;
  const wall = () => Date.now();
  const checks: WatchCheck[] = targets.flatMap((target) => target.ports.map((port) => ({ target, port })));
  const watch = new Watch(
    checks.map((c) => formatHostPort(c.target.name ?? c.target.host, c.port)),
    opts.watch!,
    clock.now(),
  );
  const resolver = memoResolver(opts.resolver ?? systemResolver, opts.watch!.intervalMs, clock);
  const expect = expectMatcher(opts.expect);
  // Sockets in flight, bounded by --parallel; a due check waits its turn (and counts as running).
  const queue: number[] = [];
  let inFlight = 0;
  let stopped = false;
  let cancelTimer: (() => void) | null = null;
  let endWatch!: () => void;
  const ended = new Promise<void>((r) => (endWatch = r));
  const run: WatchRun = {
    watch,
    checks,
    onChange: null,
    pause(p) {
      watch.setPaused(p, clock.now());
      if (!p) pump();
      schedule();
      changed();
    },
    recheck() {
      for (const i of watch.recheck()) launch(i);
      changed();
    },
    stop() {
      if (stopped) return;
      stopped = true;
      cancelTimer?.();
      queue.length = 0;
      endWatch();
    },
    ended,
    startedAt: clock.now(),
  };
  const changed = () => run.onChange?.();
  const emit = (e: WatchEvents) => {
    if (e.log.length > 0 || e.rounds.length > 0) report.events(e);
  };
  const launch = (i: number) => {
    if (inFlight >= opts.parallel) return void queue.push(i);
    inFlight++;
    const c = checks[i]!;
    void probeOne(opts, c.target, c.port, resolver, expect).then(
      (r) => {
        inFlight--;
        if (stopped) return;
        const events = watch.finished(i, r, clock.now(), wall());
        report.result(r, events.round, wall());
        emit(events);
        pump();
        if (watch.done) run.stop();
        changed();
      },
      (err: unknown) => {
        // probeOne classifies every network failure itself: this is a bug, and is said as one.
        inFlight--;
        process.stderr.write(`porthole: internal error: ${(err as Error)?.stack ?? String(err)}\n`);
        run.stop();
      },
    );
  };
  const pump = () => {
    // Paused: what waits for a socket waits for the resume too.
    if (watch.paused) return;
    while (inFlight < opts.parallel && queue.length > 0) launch(queue.shift()!);
  };
  const tick = () => {
    cancelTimer = null;
    if (stopped) return;
    const { start, events } = watch.due(clock.now(), wall());
    emit(events);
    for (const i of start) launch(i);
    if (watch.done) return run.stop();
    schedule();
    if (start.length > 0 || events.log.length > 0) changed();
  };
  const schedule = () => {
    cancelTimer?.();
    cancelTimer = null;
    const at = watch.nextDue();
    if (at === null || stopped) return;
    cancelTimer = clock.setTimer(tick, Math.max(0, at - clock.now()));
  };
  // The clock's timers do not hold the process (io/clock): a watch must, until it ends.
  const hold = setInterval(() => {}, 1 << 30);
  void ended.then(() => clearInterval(hold));
  tick();
  return run;
}

/** The exit code of a watch: as the probe's, for the last round that ended. */
export const watchExit = (w: Watch): number => w.exitCode();

/** Without a terminal (or with --json): a line a check, the log of changes on stderr. (On a terminal the command line runs modes/watch-table: Ink is never loaded from here.) */
export async function runWatch(opts: ProbeOptions, targets: ReadyTarget[]): Promise<number> {
  const out = opts.out ?? ((l: string) => void process.stdout.write(`${l}\n`));
  const err = opts.err ?? ((l: string) => process.stderr.write(`${l}\n`));
  const colour = !opts.json && wantsColour(opts.colour, Boolean(process.stdout.isTTY), process.env);
  let stdoutGone = false;
  if (!opts.out) process.stdout.on('error', () => (stdoutGone = true));
  const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
  const run = startWatch(opts, targets, {
    result(r, round, at) {
      if (stdoutGone) return run.stop();
      if (opts.openOnly && r.outcome.kind !== 'open') return;
      out(opts.json ? safeJson({ ...probeRecord(r), round, time: new Date(at).toISOString() }) : `${iso(at)} ${probeLine(r, colour)}`);
    },
    events(e) {
      for (const l of e.log) err(`porthole: ${iso(l.at)} ${l.text}`);
    },
  });
  // SIGINT and SIGTERM end the watch as --count does: the summary, and the last round's code.
  const onSignal = () => run.stop();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  await run.ended;
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  const clock = opts.clock ?? realClock;
  for (const l of watchSummary(run.watch, clock.now() - run.startedAt, timeOf)) err(`porthole: ${l}`);
  if (!opts.out && !stdoutGone) await new Promise<void>((r) => process.stdout.write('', () => r()));
  return watchExit(run.watch);
}
