#!/usr/bin/env node
// npm run bench:probe: a full port range on loopback, `porthole -z` beside `nc -z -v` in the same
// run, one client at a time: wall time and peak RSS, medians of the rounds, and the ratios issue 12
// asks for (within 1.25x nc's time, under 80 MB). Loopback only: 127.0.0.1, nothing else.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const HOST = '127.0.0.1';
const TIME_LIMIT = 1.25;
const RSS_LIMIT_MB = 80;

const USAGE = `Usage: npm run bench:probe -- [options]

Probes every port of a range on ${HOST} with porthole -z (stdout and stderr to /dev/null, every
port's line written) and with nc -z -v (its per-port words on stderr, to /dev/null), one after
the other in each round; GNU time reads wall time, CPU time and peak RSS. porthole runs twice a
round: as users type it (each open port's banner awaited, up to 1 s for a silent one) and with
--banner-wait 0, the same work as nc -z (connect, close); the time target is judged on the latter.

  --range A-B     the ports                                 [default: 1-65535]
  --rounds N      rounds                                    [default: 3]
  --porthole P    the command to bench                      [default: dist/porthole.cjs here]
  --json          the results as JSON
  -h, --help`;

function usage(message) {
  process.stderr.write(`bench:probe: ${message}\n\n${USAGE}\n`);
  process.exit(2);
}

let values;
try {
  ({ values } = parseArgs({ options: { range: { type: 'string' }, rounds: { type: 'string' }, porthole: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } }));
} catch (e) {
  usage(e.message);
}
if (values.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
const range = values.range ?? '1-65535';
if (!/^\d+-\d+$/.test(range)) usage(`--range is A-B, not "${range}"`);
const rounds = Number(values.rounds ?? 3);
if (!Number.isInteger(rounds) || rounds < 1) usage('--rounds is a whole number from 1');
const cli = path.resolve(values.porthole ?? path.join(ROOT, 'dist', 'porthole.cjs'));
if (!fs.existsSync(cli)) usage(`${cli} is missing: npm run build first`);

const gnuTime = ['/usr/bin/time'].find((p) => fs.existsSync(p));
if (!gnuTime) usage('GNU time (/usr/bin/time) is needed: apt-get install time');
const hasNc = spawnSync('sh', ['-c', 'command -v nc'], { encoding: 'utf8' }).status === 0;

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-probe-'));
const timeFile = path.join(tmp, 'time');

/** One run: wall seconds and peak RSS in MiB, from GNU time; the exit code as the client gave it. */
function run(argv) {
  const r = spawnSync(gnuTime, ['-o', timeFile, '-f', '%e %M %U %S', ...argv], { stdio: ['ignore', 'ignore', 'ignore'], env: { ...process.env, NODE_OPTIONS: '' } });
  const [seconds, kb, user, sys] = fs.readFileSync(timeFile, 'utf8').trim().split('\n').at(-1).split(' ').map(Number);
  return { seconds, rssMiB: kb / 1024, cpu: user + sys, code: r.status };
}

const clients = [
  // The command itself, not `node porthole.cjs`: its first line carries the heap cap users get.
  { name: 'porthole -z', argv: [cli, '-z', HOST, range] },
  { name: 'porthole -z --banner-wait 0', argv: [cli, '-z', '--banner-wait', '0', HOST, range] },
  ...(hasNc ? [{ name: 'nc -z -v', argv: ['nc', '-z', '-v', HOST, range] }] : []),
];
const results = Object.fromEntries(clients.map((c) => [c.name, []]));
for (let round = 1; round <= rounds; round++) {
  // Alternating who goes first, so neither always meets a machine the other has warmed.
  const order = round % 2 ? clients : [...clients].reverse();
  for (const c of order) {
    const r = run(c.argv);
    results[c.name].push(r);
    process.stderr.write(`round ${round} ${c.name.padEnd(27)} ${r.seconds.toFixed(2)} s  CPU ${r.cpu.toFixed(2)} s  ${r.rssMiB.toFixed(1)} MiB  exit ${r.code}\n`);
  }
}
fs.rmSync(tmp, { recursive: true, force: true });

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const summary = Object.fromEntries(
  Object.entries(results).map(([name, rs]) => [
    name,
    { seconds: median(rs.map((r) => r.seconds)), minSeconds: Math.min(...rs.map((r) => r.seconds)), maxSeconds: Math.max(...rs.map((r) => r.seconds)), cpuSeconds: median(rs.map((r) => r.cpu)), rssMiB: median(rs.map((r) => r.rssMiB)), maxRssMiB: Math.max(...rs.map((r) => r.rssMiB)) },
  ]),
);
const typed = summary['porthole -z'];
const same = summary['porthole -z --banner-wait 0'];
const nc = summary['nc -z -v'];
const ratio = nc ? same.seconds / nc.seconds : null;
const typedRatio = nc ? typed.seconds / nc.seconds : null;
const targets = [
  { target: `a full range within ${TIME_LIMIT}x nc -z's time (the same work: --banner-wait 0)`, met: ratio === null ? null : ratio <= TIME_LIMIT },
  { target: `peak RSS under ${RSS_LIMIT_MB} MB (either run)`, met: Math.max(typed.maxRssMiB, same.maxRssMiB) * 1.048576 < RSS_LIMIT_MB },
];
if (values.json) {
  process.stdout.write(`${JSON.stringify({ range, rounds, summary, ratio, typedRatio, targets }, null, 2)}\n`);
} else {
  process.stdout.write(`\nports ${range} on ${HOST}, ${rounds} rounds, medians (wall min-max)\n`);
  for (const [name, s] of Object.entries(summary)) {
    process.stdout.write(`  ${name.padEnd(27)} ${s.seconds.toFixed(2)} s (${s.minSeconds.toFixed(2)}-${s.maxSeconds.toFixed(2)})  CPU ${s.cpuSeconds.toFixed(2)} s  peak RSS ${s.rssMiB.toFixed(1)} MiB (max ${s.maxRssMiB.toFixed(1)})\n`);
  }
  if (ratio !== null) {
    process.stdout.write(`  porthole/nc time, the same work: ${ratio.toFixed(2)}x\n`);
    process.stdout.write(`  porthole/nc time, banners awaited: ${typedRatio.toFixed(2)}x (a silent open port holds the run for the banner wait)\n`);
  } else process.stdout.write('  nc is not installed: no ratio\n');
  process.stdout.write('\nTargets:\n');
  for (const t of targets) process.stdout.write(`  ${t.met === null ? 'unknown' : t.met ? 'met    ' : 'MISSED '}  ${t.target}\n`);
}
