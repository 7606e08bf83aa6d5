// What the watch's table shows, computed here and drawn by ui/watch-table: the lines of the
// screen as runs of text with a tone each, fitted to the terminal's size. Also the summary said
// when a watch ends. Labels are the user's own words (checked hosts, config names); the only
// words of a peer's here are outcome labels of ours, so nothing needs making visible.

import { formatMs } from './clock.js';
import type { LogTone, TargetState, Watch } from './watch.js';
import { avgMs, fmtSeconds, jitterMs, lossPct, sparkline, stateWords } from './watch.js';
import { SUMMARY_WORDS } from './report.js';
import { OUTCOME_COLOURS } from './colour.js';
import { DIM_SGR } from './styles.js';
import { formatCount } from './count.js';

export type Tone = LogTone | 'dim' | 'head' | 'plain';

export interface Run {
  text: string;
  tone: Tone;
}

export interface ViewLine {
  runs: Run[];
  /** The selected row: drawn inverse. */
  selected?: boolean;
}

export interface ViewInput {
  cols: number;
  rows: number;
  selected: number;
  /** Local clock time of a wall-clock instant ("12:03:41"), given by io. */
  timeOf: (wallMs: number) => string;
  /** Rows to keep for the log of changes, at least. */
  minLogRows?: number;
}

const num = (ms: number | null): string => (ms === null ? '-' : ms < 10 ? ms.toFixed(1) : String(Math.round(ms)));
const pct = (p: number | null): string => (p === null ? '-' : p === 0 ? '0%' : p < 10 ? `${p.toFixed(1)}%` : `${Math.round(p)}%`);
const fit = (s: string, w: number): string => (s.length > w ? `${s.slice(0, Math.max(0, w - 1))}…` : s.padEnd(w));
const right = (s: string, w: number): string => (s.length > w ? s.slice(0, w) : s.padStart(w));

/** A row's state: the last finished check's, never a guess for the one in flight. */
export function rowState(t: TargetState): { text: string; tone: Tone } {
  if (t.kind === null) return { text: t.checking ? 'checking…' : 'waiting', tone: 'dim' };
  if (t.flapping) return { text: `flapping (${stateWords(t.kind)})`, tone: 'note' };
  return { text: stateWords(t.kind), tone: t.kind };
}

interface Column {
  head: string;
  width: number;
  align: 'left' | 'right';
  cell: (t: TargetState) => Run;
  /** Which goes first when the terminal is narrow (lowest first); 99: never. */
  drop?: number;
}

/** The columns that fit, the history taking what is left. */
function columns(watch: Watch, cols: number, timeOf: ViewInput['timeOf']): Column[] {
  // A loop, not Math.max(...all): a list of a hundred thousand targets is too many arguments.
  // The state at least as wide as "checking…" and "refused": columns do not shift as results come.
  let labelW = 6;
  let stateW = 12;
  for (const t of watch.targets) {
    labelW = Math.max(labelW, t.label.length);
    stateW = Math.max(stateW, rowState(t).text.length);
  }
  labelW = Math.min(32, labelW);
  stateW = Math.min(30, stateW);
  const tls = watch.targets.some((t) => t.tlsDays !== null);
  const all: Column[] = [
    { head: 'TARGET', width: labelW, align: 'left', drop: 99, cell: (t) => ({ text: t.label, tone: 'plain' }) },
    { head: ' ', width: 1, align: 'left', drop: 99, cell: (t) => ({ text: t.checking ? '*' : ' ', tone: 'dim' }) },
    { head: 'STATE', width: stateW, align: 'left', drop: 99, cell: rowState },
    { head: 'LAST', width: 8, align: 'right', drop: 90, cell: (t) => ({ text: t.lastMs === null ? '-' : formatMs(t.lastMs), tone: 'plain' }) },
    { head: 'MIN/AVG/MAX ms', width: 16, align: 'right', drop: 40, cell: (t) => ({ text: t.connected === 0 ? '-' : `${num(t.minMs)}/${num(avgMs(t))}/${num(t.maxMs)}`, tone: 'plain' }) },
    { head: 'JITTER', width: 6, align: 'right', drop: 30, cell: (t) => ({ text: num(jitterMs(t)), tone: 'plain' }) },
    { head: 'LOSS', width: 5, align: 'right', drop: 80, cell: (t) => ({ text: pct(lossPct(t)), tone: (lossPct(t) ?? 0) > 0 ? 'timeout' : 'plain' }) },
    ...(tls
      ? [{ head: 'TLS', width: 6, align: 'right' as const, drop: 60, cell: (t: TargetState): Run => ({ text: t.tlsDays === null ? '-' : `${t.tlsDays} d`, tone: t.tlsDays !== null && t.tlsDays < 14 ? 'timeout' : 'plain' }) }]
      : []),
    { head: 'CHANGED', width: 8, align: 'right', drop: 50, cell: (t) => ({ text: t.changedAt === null ? '-' : timeOf(t.changedAt), tone: 'plain' }) },
  ];
  const MIN_SPARK = 8;
  const total = (cs: Column[]) => cs.reduce((n, c) => n + c.width + 1, 0);
  let shown = [...all];
  // Narrow: the least needed columns go first, until the history has its least width.
  while (total(shown) + MIN_SPARK > cols) {
    const least = shown.filter((c) => (c.drop ?? 99) < 99).sort((a, b) => a.drop! - b.drop!)[0];
    if (!least) break;
    shown = shown.filter((c) => c !== least);
  }
  const sparkW = Math.max(0, Math.min(watch.settings.historySize, cols - total(shown)));
  const at = shown.findIndex((c) => c.head === 'CHANGED');
  const spark: Column = { head: 'HISTORY', width: sparkW, align: 'left', cell: (t) => ({ text: sparkline(t.history, sparkW), tone: 'plain' }) };
  if (sparkW >= MIN_SPARK) shown.splice(at < 0 ? shown.length : at, 0, spark);
  return shown;
}

/** The whole screen: a status line, the table, the log of changes, the keys. */
export function watchView(watch: Watch, v: ViewInput): { lines: ViewLine[]; scroll: number } {
  const cols = Math.max(20, v.cols);
  const cs = columns(watch, cols, v.timeOf);
  const lines: ViewLine[] = [];
  lines.push({ runs: statusRuns(watch, cols) });
  lines.push({ runs: [{ text: cs.map((c) => (c.align === 'right' ? right(c.head, c.width) : fit(c.head, c.width))).join(' '), tone: 'head' }] });
  const logWanted = Math.max(v.minLogRows ?? 3, Math.min(watch.log.length, Math.floor(v.rows / 3)));
  const room = Math.max(1, v.rows - 4 - logWanted);
  const n = watch.targets.length;
  const scroll = Math.max(0, Math.min(v.selected - Math.floor(room / 2), n - room));
  for (let i = scroll; i < Math.min(n, scroll + room); i++) {
    const t = watch.targets[i]!;
    const runs: Run[] = [];
    cs.forEach((c, k) => {
      const cell = c.cell(t);
      runs.push({ text: (c.align === 'right' ? right(cell.text, c.width) : fit(cell.text, c.width)) + (k < cs.length - 1 ? ' ' : ''), tone: cell.tone });
    });
    lines.push({ runs, selected: i === v.selected });
  }
  const logRows = Math.max(1, v.rows - lines.length - 2);
  lines.push({ runs: [{ text: fit(n > room ? `── changes ── rows ${scroll + 1}-${Math.min(n, scroll + room)} of ${n} ` : '── changes ', cols).replace(/ +$/, (s) => '─'.repeat(s.length)), tone: 'dim' }] });
  const shownLog = watch.log.slice(-logRows);
  if (shownLog.length === 0) lines.push({ runs: [{ text: 'no change yet', tone: 'dim' }] });
  for (const e of shownLog) lines.push({ runs: [{ text: `${v.timeOf(e.at)} `, tone: 'dim' }, { text: fit(e.text, cols - 9).trimEnd(), tone: e.tone }] });
  while (lines.length < v.rows - 1) lines.push({ runs: [{ text: '', tone: 'plain' }] });
  lines.push({ runs: [{ text: fit(FOOTER, cols).trimEnd(), tone: 'dim' }] });
  return { lines: lines.slice(0, Math.max(1, v.rows)), scroll };
}

function statusRuns(watch: Watch, cols: number): Run[] {
  const n = watch.targets.length;
  const runs: Run[] = [{ text: `porthole watch: ${formatCount(n)} target${n === 1 ? '' : 's'} every ${fmtSeconds(watch.settings.intervalMs)}`, tone: 'head' }];
  const r = watch.lastRound;
  if (watch.settings.count !== null) runs.push({ text: `, round ${Math.min(watch.roundsDone + 1, watch.settings.count)} of ${watch.settings.count}`, tone: 'plain' });
  else runs.push({ text: `, round ${watch.roundsDone + 1}`, tone: 'plain' });
  if (r) {
    runs.push({ text: ` · last round ${formatMs(r.ms)}:`, tone: 'plain' });
    for (const [kind, words] of SUMMARY_WORDS) {
      const c = r.counts[kind];
      if (c) runs.push({ text: ` ${formatCount(c)} ${words}`, tone: kind });
    }
    if (r.skipped > 0) runs.push({ text: ` · ${r.skipped} skipped (overran)`, tone: 'note' });
  }
  if (watch.paused) runs.push({ text: ' · PAUSED (p resumes)', tone: 'note' });
  // One line: cut at the width.
  let left = cols;
  return runs.flatMap((run) => {
    if (left <= 0) return [];
    const text = run.text.length > left ? `${run.text.slice(0, Math.max(0, left - 1))}…` : run.text;
    left -= text.length;
    return [{ ...run, text }];
  });
}

/** When a watch ends: how it went, in a few lines for stderr (the targets that were not always open by name). */
export function watchSummary(watch: Watch, elapsedMs: number, timeOf: ViewInput['timeOf'], most = 20): string[] {
  const n = watch.targets.length;
  const r = watch.lastRound;
  const last = r
    ? SUMMARY_WORDS.filter(([k]) => r.counts[k])
        .map(([k, w]) => `${formatCount(r.counts[k]!)} ${w}`)
        .join(', ')
    : 'no round finished';
  const lines = [`watched ${formatCount(n)} target${n === 1 ? '' : 's'} for ${formatMs(elapsedMs)}, ${watch.roundsDone} round${watch.roundsDone === 1 ? '' : 's'}; the last: ${last}`];
  const troubled = watch.targets.filter((t) => t.checks > 0 && (t.kind !== 'open' || t.changes > 0 || t.connected < t.checks || t.skipped > 0));
  for (const t of troubled.slice(0, most)) {
    const stats = t.connected > 0 ? `, connect ${num(t.minMs)}/${num(avgMs(t))}/${num(t.maxMs)} ms` : '';
    const changes = t.changes > 0 ? `, ${t.changes} change${t.changes === 1 ? '' : 's'} (last at ${timeOf(t.changedAt!)})` : '';
    const skipped = t.skipped > 0 ? `, ${t.skipped} skipped` : '';
    lines.push(`  ${t.label}: ${t.flapping ? 'flapping, ' : ''}${stateWords(t.kind!)} now; ${t.checks} check${t.checks === 1 ? '' : 's'}, ${pct(lossPct(t))} without a connection${stats}${changes}${skipped}`);
  }
  if (troubled.length > most) lines.push(`  … and ${troubled.length - most} more not always open`);
  return lines;
}

/** Colours of the table's own tones; outcomes take theirs from core/colour. */
const NOTE_SGR = ['\x1b[36m', '\x1b[39m'] as const;
const BOLD_SGR = ['\x1b[1m', '\x1b[22m'] as const;

/**
 * A line as the terminal draws it: each run in its tone's colour. Without colour (NO_COLOR,
 * --color never) the marks that are not colour stay, as in the session (core/styles): the dim of
 * porthole's notes, the bold of the heads, the selected row's inverse.
 */
export function paintViewLine(line: ViewLine, colour: boolean): string {
  const text = line.runs
    .map((r) => {
      const sgr =
        r.tone === 'plain' ? null : r.tone === 'dim' ? DIM_SGR : r.tone === 'head' ? BOLD_SGR : !colour ? null : r.tone === 'note' ? NOTE_SGR : OUTCOME_COLOURS[r.tone];
      return sgr ? `${sgr[0]}${r.text}${sgr[1]}` : r.text;
    })
    .join('');
  return line.selected ? `\x1b[7m${text}\x1b[27m` : text;
}

export type WatchAction = 'quit' | 'pause' | 'recheck' | 'up' | 'down' | 'pageUp' | 'pageDown' | 'first' | 'last' | 'session';

/** The table's keys (names as core/key-decoder gives them), and the footer that lists them. */
export const WATCH_KEYS: readonly { keys: readonly string[]; action: WatchAction; help?: string }[] = [
  { keys: ['q', 'ctrl+c'], action: 'quit', help: 'q quit' },
  { keys: ['p'], action: 'pause', help: 'p pause' },
  { keys: ['r'], action: 'recheck', help: 'r re-check now' },
  { keys: ['up', 'k'], action: 'up', help: '↑↓ select' },
  { keys: ['down', 'j'], action: 'down' },
  { keys: ['pageup'], action: 'pageUp' },
  { keys: ['pagedown'], action: 'pageDown' },
  { keys: ['home'], action: 'first' },
  { keys: ['end'], action: 'last' },
  { keys: ['enter'], action: 'session', help: 'Enter session' },
];

const ACTION_OF = new Map(WATCH_KEYS.flatMap((b) => b.keys.map((k) => [k, b.action] as const)));

/** What a key does in the table, or null. */
export const watchAction = (key: string): WatchAction | null => ACTION_OF.get(key) ?? null;

const FOOTER = `${WATCH_KEYS.flatMap((b) => (b.help ? [b.help] : [])).join('  ')}  * checking`;
