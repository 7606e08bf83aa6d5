#!/usr/bin/env node
// The soak: the built TUI in tmux for a few minutes of mixed traffic against the lab on loopback
// (floods, typed lines on an echo port, resizes, reconnects), its heap read after a full GC every
// second by a preloaded probe (scripts/soak-probe.mjs). Says whether the heap grew after the
// first minute: the scrollback, the hex log and the send queue are capped, so it must not.
//
//   npm run build && npm run soak [-- --minutes N] [--flood-mb N]

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '..');
const { values } = parseArgs({ options: { minutes: { type: 'string' }, 'flood-mb': { type: 'string' } } });
const minutes = Number(values.minutes ?? 3);
const floodMb = Number(values['flood-mb'] ?? 20);
if (!(minutes >= 1.5) || !(floodMb >= 1)) {
  console.error('soak: --minutes needs 1.5 or more (the first minute is the warm-up), --flood-mb 1 or more');
  process.exit(2);
}

const { startLab } = await import(path.join(ROOT, 'dist', 'lab', 'lab.js'));
const lab = await startLab({ basePort: 0, floodBytes: floodMb * 1024 * 1024, only: ['flood', 'echo', 'smtp'] });
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'porthole-soak-'));
const heapLog = path.join(dir, 'heap.jsonl');
const socket = `porthole-soak-${process.pid}`;
const tmux = (...args) => execFileSync('tmux', ['-L', socket, '-f', '/dev/null', ...args], { encoding: 'utf8' });
const screen = () => tmux('capture-pane', '-p', '-t', 's');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
async function waitFor(re, ms = 20_000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (re.test(screen())) return true;
    await sleep(50);
  }
  throw new Error(`soak: timed out waiting for ${re}; screen:\n${screen()}`);
}
const prompt = async (command) => {
  tmux('send-keys', '-t', 's', 'C-]');
  await waitFor(/porthole>/);
  tmux('send-keys', '-t', 's', '-l', command);
  tmux('send-keys', '-t', 's', 'Enter');
};

const probe = process.env.SOAK_PROBE ?? path.join(HERE, 'soak-probe.mjs');
const cli = path.join(ROOT, 'dist', 'porthole.cjs');
tmux('new-session', '-d', '-s', 's', '-x', '120', '-y', '40', 'env', '-u', 'CI', `SOAK_HEAP_LOG=${heapLog}`, process.execPath, '--expose-gc', '--import', probe, cli, '127.0.0.1', String(lab.ports.echo));
const started = Date.now();
let cycles = 0;
let floods = 0;
try {
  await waitFor(/Connected to/);
  const sizes = [[120, 40], [80, 24], [160, 50], [100, 30], [60, 20]];
  while (Date.now() - started < minutes * 60_000) {
    cycles++;
    // A flood, to its end.
    await prompt(`open 127.0.0.1 ${lab.ports.flood}`);
    // This connection's own count (the pane still holds the last flood's end).
    await waitFor(new RegExp(`\\| in ${floodMb.toFixed(1)} MB \\|`), 60_000);
    floods++;
    // Back to the echo port: typed lines, and resizes while they come back.
    await prompt(`open 127.0.0.1 ${lab.ports.echo}`);
    // A new connection's own counters (the pane still holds the last one's words).
    await waitFor(/\| in 0 B \| out 0 B \|/);
    for (let i = 0; i < 20; i++) {
      tmux('send-keys', '-t', 's', '-l', `soak line ${cycles}.${i} ${'x'.repeat(i * 5)}`);
      tmux('send-keys', '-t', 's', 'Enter');
      const [c, r] = sizes[(cycles + i) % sizes.length];
      if (i % 4 === 0) tmux('resize-window', '-t', 's', '-x', String(c), '-y', String(r));
    }
    tmux('resize-window', '-t', 's', '-x', '120', '-y', '40');
    await waitFor(new RegExp(`soak line ${cycles}\\.19`));
    await prompt('reconnect');
    await waitFor(/\| in 0 B \| out 0 B \|/);
  }
  await prompt('quit');
  await sleep(1000);
} finally {
  try {
    tmux('kill-server');
  } catch {
    // Gone already.
  }
  await lab.close();
}

const samples = fs.existsSync(heapLog) ? fs.readFileSync(heapLog, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l)) : [];
if (samples.length < 70) {
  console.error(`soak: ${samples.length} heap samples in ${heapLog}: the probe did not run (node --expose-gc --import ${probe}?)`);
  process.exit(1);
}
const mib = (b) => b / 1024 / 1024;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const at = (fromS, toS) => samples.filter((s) => s.t >= fromS && s.t < toS);
const firstMinuteEnd = at(50, 70).map((s) => s.heapUsed);
const lastS = samples.at(-1).t;
const lastStretch = at(lastS - 20, lastS + 1).map((s) => s.heapUsed);
const afterWarmup = at(60, lastS + 1).map((s) => s.heapUsed);
const growth = mib(median(lastStretch) - median(firstMinuteEnd));
const limitMib = 2;
console.log(`soak: ${minutes} min, ${cycles} cycles (${floods} floods of ${floodMb} MiB, ${cycles * 20} typed lines, resizes, ${cycles} reconnects)`);
console.log(`  heap after a full GC, median: at the first minute ${mib(median(firstMinuteEnd)).toFixed(1)} MiB, over the last 20 s ${mib(median(lastStretch)).toFixed(1)} MiB: ${growth >= 0 ? '+' : ''}${growth.toFixed(2)} MiB`);
console.log(`  after the first minute: min ${mib(Math.min(...afterWarmup)).toFixed(1)}, max ${mib(Math.max(...afterWarmup)).toFixed(1)} MiB; peak RSS ${mib(Math.max(...samples.map((s) => s.rss))).toFixed(1)} MiB`);
const met = growth < limitMib;
console.log(`  target: no growth in heap after the first minute (under ${limitMib} MiB): ${met ? 'met' : 'NOT met'}`);
process.exit(met ? 0 : 1);
