// The watch's schedule, stats, flapping and rounds, driven by hand: time is a number passed in.
import { makeOutcome, type OutcomeKind } from '../../src/core/outcome.js';
import type { ProbeResult } from '../../src/core/report.js';
import { FLAP, MAX_SPACING_MS, Watch, avgMs, jitterMs, lossPct, sparkline } from '../../src/core/watch.js';
import { paintViewLine, rowState, watchAction, watchSummary, watchView } from '../../src/core/watch-view.js';

const result = (kind: OutcomeKind, ms: number | null = 1): ProbeResult => ({
  name: null,
  host: 'h',
  port: 1,
  address: '127.0.0.1',
  family: 4,
  outcome: makeOutcome(kind, kind === 'open' ? 'PH_OPEN' : kind === 'refused' ? 'ECONNREFUSED' : 'PH_CONNECT_TIMEOUT'),
  ms,
  banner: null,
  bannerAwaited: true,
  attempts: [],
  resolveMs: 0,
  tls: null,
});
const timeOf = (ms: number) => `t${ms}`;

test('a round is spread over the interval, each target at its own offset, never more than MAX_SPACING_MS apart', () => {
  const labels = Array.from({ length: 1000 }, (_, i) => `h:${i + 1}`);
  const w = new Watch(labels, { intervalMs: 5000, count: null }, 0);
  expect(w.due(0, 0).start).toEqual([0]);
  // 1,000 targets in 5 s: one every 5 ms.
  expect(w.due(4.9, 0).start).toEqual([]);
  expect(w.due(5, 0).start).toEqual([1]);
  expect(w.due(4999, 0).start).toHaveLength(998);
  const few = new Watch(['a:1', 'b:1', 'c:1'], { intervalMs: 5000, count: null }, 0);
  expect(few.due(0, 0).start).toEqual([0]);
  expect(few.due(2 * MAX_SPACING_MS, 0).start).toEqual([1, 2]);
  expect(few.nextDue()).toBe(5000);
});

test('a check that has not ended when the next is due makes that one skipped, and its round says it overran', () => {
  const w = new Watch(['a:1', 'b:1'], { intervalMs: 1000, count: null }, 0);
  expect(w.due(100, 0).start).toEqual([0, 1]);
  w.finished(1, result('open'), 200, 200);
  // a is still in flight at its next due time (1000): skipped.
  const next = w.due(1100, 1100);
  expect(next.start).toEqual([1]);
  expect(w.targets[0]!.skipped).toBe(1);
  const end1 = w.finished(0, result('timeout', null), 1200, 1200);
  expect(end1.rounds.map((r) => r.round)).toEqual([1]);
  const end2 = w.finished(1, result('open'), 1300, 1300);
  expect(end2.rounds[0]).toMatchObject({ round: 2, skipped: 1 });
  expect(end2.log.map((l) => l.text).join('\n')).toMatch(/round 2 overran its 1 s interval: 1 of 2 checks skipped/);
});

test('the exit code of a round is the first target not open in it; --count ends the watch', () => {
  const w = new Watch(['a:1', 'b:1', 'c:1'], { intervalMs: 1000, count: 2 }, 0);
  for (const round of [0, 1000]) {
    expect(w.due(round + 100, round).start).toEqual([0, 1, 2]);
    w.finished(2, result('timeout', null), round + 200, round);
    w.finished(0, result('open'), round + 200, round);
    w.finished(1, result('refused', null), round + 200, round);
  }
  expect(w.lastRound).toMatchObject({ round: 2, exit: 4, counts: { open: 1, refused: 1, timeout: 1 } });
  expect(w.done).toBe(true);
  expect(w.nextDue()).toBeNull();
});

test('min, avg, max, jitter and loss come from the checks; the sparkline from the last connect times', () => {
  const w = new Watch(['a:1'], { intervalMs: 1000, count: null, historySize: 4 }, 0);
  const times = [2, 4, null, 3, 1];
  times.forEach((ms, k) => {
    w.due(k * 1000, 0);
    w.finished(0, ms === null ? result('timeout', null) : result('open', ms), k * 1000 + 1, k);
  });
  const t = w.targets[0]!;
  expect([t.minMs, t.maxMs, avgMs(t)]).toEqual([1, 4, 2.5]);
  // |4-2|, |3-4|, |1-3|: consecutive connect times, a timeout between them skipped.
  expect(jitterMs(t)).toBeCloseTo(5 / 3);
  expect(lossPct(t)).toBe(20);
  expect(t.history).toEqual([4, null, 3, 1]);
  expect(sparkline(t.history, 6)).toBe('  █·▆▁');
  expect(sparkline([], 3)).toBe('   ');
});

test('a change is logged once; a target that flaps is said to flap, then quiet, then said to settle', () => {
  const w = new Watch(['mail:587'], { intervalMs: 1000, count: null }, 0);
  const texts: string[] = [];
  let k = 0;
  const check = (kind: OutcomeKind) => {
    w.due(k * 1000, 0);
    for (const l of w.finished(0, result(kind, kind === 'open' ? 1 : null), k * 1000 + 1, k).log) texts.push(l.text);
    k++;
  };
  check('open');
  expect(texts).toEqual([]);
  check('timeout');
  expect(texts).toEqual(['mail:587 open -> timed out (filtered?)']);
  for (let i = 0; i < 8; i++) check(i % 2 === 0 ? 'open' : 'timeout');
  const flapAt = texts.findIndex((t) => /flaps/.test(t));
  expect(flapAt).toBe(FLAP.start - 1);
  expect(texts).toHaveLength(FLAP.start);
  expect(rowState(w.targets[0]!).text).toMatch(/^flapping/);
  for (let i = 0; i < FLAP.window; i++) check('open');
  expect(texts.at(-1)).toBe('mail:587 stopped flapping: open');
  expect(rowState(w.targets[0]!)).toEqual({ text: 'open', tone: 'open' });
});

test('a row never shows open before its check has ended; pause holds the schedule, r checks now', () => {
  const w = new Watch(['a:1', 'b:1'], { intervalMs: 1000, count: null }, 0);
  w.due(0, 0);
  expect(rowState(w.targets[0]!)).toEqual({ text: 'checking…', tone: 'dim' });
  expect(rowState(w.targets[1]!)).toEqual({ text: 'waiting', tone: 'dim' });
  w.finished(0, result('open'), 10, 10);
  w.setPaused(true, 10);
  expect(w.due(5000, 0).start).toEqual([]);
  expect(w.recheck()).toEqual([]);
  w.setPaused(false, 5000);
  // Paused for 4,990 ms: b, due at 25 ms, is due at 5,015.
  expect(w.due(5014, 0).start).toEqual([]);
  expect(w.due(5015, 0).start).toEqual([1]);
  expect(w.recheck()).toEqual([0]);
});

test('the view fits the terminal, marks the selected row, and keeps the log below', () => {
  const labels = Array.from({ length: 30 }, (_, i) => `host-${i}:25`);
  const w = new Watch(labels, { intervalMs: 1000, count: null }, 0);
  w.due(1000, 0);
  labels.forEach((_, i) => w.finished(i, result(i === 3 ? 'refused' : 'open', i === 3 ? null : 0.5), 1000, 1000));
  for (const cols of [40, 80, 160]) {
    const { lines } = watchView(w, { cols, rows: 20, selected: 25, timeOf });
    expect(lines).toHaveLength(20);
    for (const l of lines) expect(l.runs.map((r) => r.text).join('').length).toBeLessThanOrEqual(cols);
    const selected = lines.filter((l) => l.selected);
    expect(selected).toHaveLength(1);
    expect(selected[0]!.runs[0]!.text).toMatch(/^host-25:25/);
    expect(lines.some((l) => l.runs.some((r) => r.text.includes('host-3:25 refused')))).toBe(true);
  }
  const wide = watchView(w, { cols: 160, rows: 20, selected: 0, timeOf }).lines;
  expect(wide[1]!.runs[0]!.text).toMatch(/TARGET +STATE +LAST +MIN\/AVG\/MAX ms JITTER +LOSS HISTORY +CHANGED/);
  expect(paintViewLine({ runs: [{ text: 'x', tone: 'open' }], selected: true }, false)).toBe('\x1b[7mx\x1b[27m');
  expect(paintViewLine({ runs: [{ text: 'x', tone: 'open' }] }, true)).toBe('\x1b[32mx\x1b[39m');
});

test('the summary names the targets that were not always open, and only those', () => {
  const w = new Watch(['a:1', 'b:1'], { intervalMs: 1000, count: null }, 0);
  w.due(100, 0);
  w.finished(0, result('open', 2), 200, 200);
  w.finished(1, result('refused', null), 200, 200);
  const lines = watchSummary(w, 1500, timeOf);
  expect(lines[0]).toBe('watched 2 targets for 1.50 s, 1 round; the last: 1 open, 1 refused');
  expect(lines.slice(1)).toEqual(['  b:1: refused now; 1 check, 100% without a connection']);
});

test('a skipped slot is settled by the check that ran through it: rounds end in order, --count waits for it', () => {
  const w = new Watch(['a:1', 'b:1'], { intervalMs: 1000, count: 2 }, 0);
  w.due(100, 0);
  w.finished(1, result('open'), 150, 150);
  // a's first check runs past the second round's due time: its slot there is skipped.
  expect(w.due(1100, 1100).start).toEqual([1]);
  expect(w.finished(1, result('open'), 1150, 1150).rounds).toEqual([]);
  expect(w.done).toBe(false);
  // Its end settles both rounds, with its own outcome, not the state before it.
  const end = w.finished(0, result('timeout', null), 1900, 1900);
  expect(end.rounds.map((r) => [r.round, r.exit, r.skipped])).toEqual([
    [1, 5, 0],
    [2, 5, 1],
  ]);
  expect(w.done).toBe(true);
  expect(w.exitCode()).toBe(5);
});

test('stopped for longer than an interval (Ctrl+Z, a stall): the missed rounds are said, not replayed', () => {
  const w = new Watch(['a:1', 'b:1'], { intervalMs: 1000, count: null }, 0);
  w.due(100, 0);
  w.finished(0, result('open'), 110, 110);
  w.finished(1, result('open'), 110, 110);
  const back = w.due(600_000, 600_000);
  expect(back.start.length).toBeLessThanOrEqual(2);
  expect(back.events.log.map((l) => l.text)).toEqual([expect.stringMatching(/^599 intervals missed/)]);
  expect(w.targets.every((t) => t.skipped === 0)).toBe(true);
});

test('before any round has ended, the exit code is the first target known not to be open', () => {
  const w = new Watch(['a:1', 'b:1', 'c:1'], { intervalMs: 1000, count: null }, 0);
  expect(w.exitCode()).toBe(0);
  w.due(100, 0);
  w.finished(1, result('refused', null), 110, 110);
  expect(w.exitCode()).toBe(4);
});

test('without colour the table keeps its marks that are not colour: dim notes, bold heads, the inverse row', () => {
  expect(paintViewLine({ runs: [{ text: 'n', tone: 'dim' }, { text: 'h', tone: 'head' }, { text: 'x', tone: 'refused' }, { text: 'c', tone: 'note' }] }, false)).toBe('\x1b[2mn\x1b[22m\x1b[1mh\x1b[22mxc');
  expect(paintViewLine({ runs: [{ text: 'c', tone: 'note' }] }, true)).toBe('\x1b[36mc\x1b[39m');
});

test('the keys are a table: vi keys and arrows select, q and Ctrl+C quit, others do nothing', () => {
  expect(['up', 'k', 'down', 'j', 'q', 'ctrl+c', 'enter', 'x'].map(watchAction)).toEqual(['up', 'up', 'down', 'down', 'quit', 'quit', 'session', null]);
});
