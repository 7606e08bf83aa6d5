// The watch (--watch): when each target is checked, what its checks add up to, and which changes
// are worth saying. Pure: the mode hands in the time and each check's result, and starts the
// checks this says are due. Every target is checked once an interval, at an offset of its own so
// a round's checks are spread over it, not sent at once; a check that has not ended when the next
// is due makes that one skipped, and the round says so. Memory is fixed per target: a ring of its
// last connect times and states, counters for the rest.

import { ExitCode } from './exit-codes.js';
import type { OutcomeKind } from './outcome.js';
import type { ProbeResult } from './report.js';
import { STATE_WORDS } from './report.js';
import { formatCount } from './count.js';

export interface WatchSettings {
  intervalMs: number;
  /** Rounds to run; null: until stopped. */
  count: number | null;
  /** Connect times kept per target, for the sparkline. */
  historySize?: number;
}

/** Checks of one round are this far apart at most: a few targets are all checked at once, nearly. */
export const MAX_SPACING_MS = 25;
/** Flapping, judged on the last FLAP_WINDOW changes of state or not (Nagios's way, unweighted). */
export const FLAP = { window: 20, start: 5, stop: 2 } as const;
export const HISTORY_SIZE = 60;
export const LOG_SIZE = 500;

/** The outcomes whose check did connect: a connect time belongs to them. */
const CONNECTED: ReadonlySet<OutcomeKind> = new Set(['open', 'unexpected-banner', 'closed-by-peer', 'reset-by-peer', 'tls-failure']);

export interface TargetState {
  label: string;
  /** The last finished check's outcome; null before the first has ended (never "open" before). */
  kind: OutcomeKind | null;
  /** Its words as the probe says them ("Connection refused"). */
  outcomeLabel: string | null;
  /** A check is in flight (or waits for a socket). */
  checking: boolean;
  checks: number;
  /** Checks that connected (TCP), whatever came after. */
  connected: number;
  skipped: number;
  lastMs: number | null;
  minMs: number | null;
  maxMs: number | null;
  sumMs: number;
  /** Mean difference between consecutive connect times (ms). */
  jitterSum: number;
  jitterN: number;
  prevMs: number | null;
  /** The last connect times, oldest first; null for a check that did not connect. */
  history: (number | null)[];
  /** The last states, for flapping. */
  states: OutcomeKind[];
  /** Wall-clock time of the last change of state (or of the first state). */
  changedAt: number | null;
  flapping: boolean;
  /** Changes of state since the first. */
  changes: number;
  /** Days the TLS certificate has left, where TLS is used. */
  tlsDays: number | null;
  /** The check in flight is an extra one (r), not a round's. */
  extra: boolean;
}

export type LogTone = OutcomeKind | 'note';

export interface LogEntry {
  /** Wall-clock milliseconds. */
  at: number;
  text: string;
  tone: LogTone;
}

/** A round whose checks have all ended (or been skipped). */
export interface RoundEnd {
  round: number;
  /** From its first check's due time to its last check's end. */
  ms: number;
  skipped: number;
  /** The exit code of the first target not open in it (0: every one open). */
  exit: number;
  counts: Partial<Record<OutcomeKind, number>>;
}

interface RoundAcc {
  remaining: number;
  startedAt: number;
  skipped: number;
  firstBad: number;
  exit: number;
  counts: Partial<Record<OutcomeKind, number>>;
}

/** What a finished check (or a tick) changed, for the mode to print or draw. */
export interface WatchEvents {
  /** The round a finished check belonged to; 0 for an extra one (r) or a tick. */
  round: number;
  log: LogEntry[];
  rounds: RoundEnd[];
}

export const stateWords = (kind: OutcomeKind): string => STATE_WORDS.get(kind) ?? kind;

export class Watch {
  readonly targets: TargetState[];
  readonly log: LogEntry[] = [];
  readonly settings: Required<WatchSettings>;
  /** The last round that ended, for the exit code and the status line. */
  lastRound: RoundEnd | null = null;
  roundsDone = 0;
  paused = false;
  private readonly spacing: number;
  private base: number;
  /** The next slot to come due: round (1-based) and target. */
  private cursorRound = 1;
  private cursorTarget = 0;
  private readonly rounds = new Map<number, RoundAcc>();
  /** The round each target's check in flight belongs to (0: an extra check). */
  private readonly inRound: number[];
  /** Rounds whose slot a target skipped while its check ran: that check's end settles them too. */
  private readonly owed: number[][];
  private pausedAt = 0;
  /** Exit codes by outcome, from the probe's results, for a skipped slot's target. */
  private readonly exits: number[];

  constructor(labels: readonly string[], settings: WatchSettings, now: number) {
    if (labels.length === 0) throw new Error('a watch needs a target');
    this.settings = { historySize: HISTORY_SIZE, ...settings };
    this.targets = labels.map((label) => ({
      label,
      kind: null,
      outcomeLabel: null,
      checking: false,
      checks: 0,
      connected: 0,
      skipped: 0,
      lastMs: null,
      minMs: null,
      maxMs: null,
      sumMs: 0,
      jitterSum: 0,
      jitterN: 0,
      prevMs: null,
      history: [],
      states: [],
      changedAt: null,
      flapping: false,
      changes: 0,
      tlsDays: null,
      extra: false,
    }));
    this.spacing = Math.min(settings.intervalMs / labels.length, MAX_SPACING_MS);
    this.base = now;
    this.inRound = labels.map(() => 0);
    this.owed = labels.map(() => []);
    this.exits = labels.map(() => 0);
  }

  /** When slot (round, target) is due. */
  private dueAt(round: number, target: number): number {
    return this.base + target * this.spacing + (round - 1) * this.settings.intervalMs;
  }

  /**
   * The exit code: the last round's, as -z's for its targets; before a round has ended, the
   * first target whose state is known and not open (0 when none is).
   */
  exitCode(): number {
    if (this.lastRound) return this.lastRound.exit;
    const i = this.targets.findIndex((t) => t.kind !== null && t.kind !== 'open');
    return i < 0 ? ExitCode.ok : this.exits[i]!;
  }

  /** Every round asked for has ended. */
  get done(): boolean {
    return this.settings.count !== null && this.roundsDone >= this.settings.count;
  }

  /** When the next check is due (null: none will be, or paused). */
  nextDue(): number | null {
    if (this.paused || this.scheduledAll()) return null;
    return this.dueAt(this.cursorRound, this.cursorTarget);
  }

  private scheduledAll(): boolean {
    return this.settings.count !== null && this.cursorRound > this.settings.count;
  }

  /** The checks to start now (target indexes), and what skipping the others said. */
  due(now: number, wall: number): { start: number[]; events: WatchEvents } {
    const start: number[] = [];
    const events: WatchEvents = { round: 0, log: [], rounds: [] };
    if (this.paused) return { start, events };
    // Stopped (Ctrl+Z, a stalled machine) for more than an interval: the rounds missed are said,
    // not replayed; the schedule moves on to now.
    const late = now - this.dueAt(this.cursorRound, this.cursorTarget);
    if (!this.scheduledAll() && late > this.settings.intervalMs) {
      const missed = Math.floor(late / this.settings.intervalMs);
      this.base += missed * this.settings.intervalMs;
      this.say(events, { at: wall, text: `${formatCount(missed)} interval${missed === 1 ? '' : 's'} missed (porthole was stopped or the machine stalled): not made up, the schedule goes on from now`, tone: 'note' });
    }
    while (!this.scheduledAll() && this.dueAt(this.cursorRound, this.cursorTarget) <= now) {
      const round = this.cursorRound;
      const i = this.cursorTarget;
      if (!this.rounds.has(round)) {
        this.rounds.set(round, { remaining: this.targets.length, startedAt: this.dueAt(round, 0), skipped: 0, firstBad: Infinity, exit: 0, counts: {} });
      }
      const t = this.targets[i]!;
      if (t.checking && !t.extra) {
        // The check before has not ended: this one is skipped, and its round will say so; the
        // running check's outcome answers for it when it ends (a state, not a stale one).
        t.skipped++;
        this.rounds.get(round)!.skipped++;
        this.owed[i]!.push(round);
      } else if (t.checking) {
        // An extra check (r) is in flight: it answers for this slot too.
        this.inRound[i] = round;
        t.extra = false;
      } else {
        t.checking = true;
        this.inRound[i] = round;
        start.push(i);
      }
      if (++this.cursorTarget >= this.targets.length) {
        this.cursorTarget = 0;
        this.cursorRound++;
      }
    }
    return { start, events };
  }

  /** r: every target not being checked is checked now, beside the schedule. */
  recheck(): number[] {
    if (this.paused) return [];
    const start: number[] = [];
    this.targets.forEach((t, i) => {
      if (t.checking) return;
      t.checking = true;
      t.extra = true;
      this.inRound[i] = 0;
      start.push(i);
    });
    return start;
  }

  /** p: no check starts while paused; the schedule moves on by the time paused. */
  setPaused(paused: boolean, now: number): void {
    if (paused === this.paused) return;
    this.paused = paused;
    if (paused) this.pausedAt = now;
    else this.base += now - this.pausedAt;
  }

  /** A check of target `i` ended with `r`. */
  finished(i: number, r: ProbeResult, now: number, wall: number): WatchEvents {
    const events: WatchEvents = { round: 0, log: [], rounds: [] };
    const t = this.targets[i]!;
    t.checking = false;
    t.extra = false;
    t.checks++;
    const kind = r.outcome.kind;
    this.exits[i] = r.outcome.exit;
    const connected = CONNECTED.has(kind) && r.ms !== null;
    const ms = connected ? r.ms : null;
    if (ms !== null) {
      t.connected++;
      t.lastMs = ms;
      t.minMs = t.minMs === null ? ms : Math.min(t.minMs, ms);
      t.maxMs = t.maxMs === null ? ms : Math.max(t.maxMs, ms);
      t.sumMs += ms;
      if (t.prevMs !== null) {
        t.jitterSum += Math.abs(ms - t.prevMs);
        t.jitterN++;
      }
      t.prevMs = ms;
    } else t.lastMs = null;
    t.history.push(ms);
    if (t.history.length > this.settings.historySize) t.history.shift();
    const leaf = r.tls?.chain[0];
    t.tlsDays = leaf ? leaf.daysLeft : r.tls ? null : t.tlsDays;
    this.judge(t, kind, wall, events);
    t.outcomeLabel = r.outcome.label;
    const round = this.inRound[i]!;
    this.inRound[i] = 0;
    events.round = round;
    if (round > 0) this.slotDone(round, i, kind, now, wall, events);
    for (const r of this.owed[i]!.splice(0)) this.slotDone(r, i, kind, now, wall, events);
    return events;
  }

  /** A change of state said once; a target that flaps said to flap, not at every change. */
  private judge(t: TargetState, kind: OutcomeKind, wall: number, events: WatchEvents): void {
    const before = t.kind;
    t.kind = kind;
    t.states.push(kind);
    if (t.states.length > FLAP.window + 1) t.states.shift();
    let changes = 0;
    for (let k = 1; k < t.states.length; k++) if (t.states[k] !== t.states[k - 1]) changes++;
    if (before === null) {
      t.changedAt = wall;
      // Open from the start is what is expected; anything else is worth a line at once.
      if (kind !== 'open') this.say(events, { at: wall, text: `${t.label} ${stateWords(kind)}`, tone: kind });
      return;
    }
    if (before !== kind) {
      t.changedAt = wall;
      t.changes++;
    }
    if (!t.flapping && changes >= FLAP.start) {
      t.flapping = true;
      const seen = [...new Set(t.states)].map(stateWords).join(' / ');
      this.say(events, { at: wall, text: `${t.label} flaps: ${changes} changes in its last ${t.states.length} checks (${seen}); changes are no longer logged one by one`, tone: 'note' });
      return;
    }
    if (t.flapping && changes <= FLAP.stop) {
      t.flapping = false;
      this.say(events, { at: wall, text: `${t.label} stopped flapping: ${stateWords(kind)}`, tone: kind });
      return;
    }
    if (before !== kind && !t.flapping) this.say(events, { at: wall, text: `${t.label} ${stateWords(before)} -> ${stateWords(kind)}`, tone: kind });
  }

  private slotDone(round: number, i: number, kind: OutcomeKind | null, now: number, wall: number, events: WatchEvents): void {
    const acc = this.rounds.get(round);
    if (!acc) return;
    if (kind !== null) acc.counts[kind] = (acc.counts[kind] ?? 0) + 1;
    if (kind !== 'open' && i < acc.firstBad) {
      acc.firstBad = i;
      acc.exit = kind === null ? ExitCode.timeout : this.exits[i]!;
    }
    if (--acc.remaining > 0) return;
    this.rounds.delete(round);
    const end: RoundEnd = { round, ms: now - acc.startedAt, skipped: acc.skipped, exit: acc.firstBad === Infinity ? 0 : acc.exit, counts: acc.counts };
    if (end.skipped > 0) {
      this.say(events, {
        at: wall,
        text: `round ${round} overran its ${fmtSeconds(this.settings.intervalMs)} interval: ${formatCount(end.skipped)} of ${formatCount(this.targets.length)} checks skipped, their previous check (or its wait for a socket, --parallel) still running`,
        tone: 'note',
      });
    }
    // A round's skipped slots wait for the check that ran through them, so rounds end in order.
    if (round > this.roundsDone) {
      this.roundsDone = round;
      this.lastRound = end;
    }
    events.rounds.push(end);
  }

  private say(events: WatchEvents, e: LogEntry): void {
    events.log.push(e);
    this.log.push(e);
    if (this.log.length > LOG_SIZE) this.log.shift();
  }
}

export function fmtSeconds(ms: number): string {
  const s = ms / 1000;
  return `${Number.isInteger(s) ? s : s.toFixed(1)} s`;
}

/** Mean connect time, or null before one connected. */
export const avgMs = (t: TargetState): number | null => (t.connected === 0 ? null : t.sumMs / t.connected);
export const jitterMs = (t: TargetState): number | null => (t.jitterN === 0 ? null : t.jitterSum / t.jitterN);
/** Checks that did not connect, in percent of all. */
export const lossPct = (t: TargetState): number | null => (t.checks === 0 ? null : (100 * (t.checks - t.connected)) / t.checks);

const BLOCKS = '▁▂▃▄▅▆▇█';

/**
 * The last `width` connect times as Unicode blocks, scaled between the fastest and the slowest
 * shown; a check that did not connect is a `·`, one not made yet a space.
 */
export function sparkline(history: readonly (number | null)[], width: number): string {
  const shown = history.slice(-width);
  const values = shown.filter((v): v is number => v !== null);
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const cells = shown.map((v) => {
    if (v === null) return '·';
    if (hi - lo < 1e-9) return BLOCKS[0]!;
    return BLOCKS[Math.min(BLOCKS.length - 1, Math.floor(((v - lo) / (hi - lo)) * BLOCKS.length))]!;
  });
  return ' '.repeat(Math.max(0, width - cells.length)) + cells.join('');
}
