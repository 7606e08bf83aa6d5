#!/usr/bin/env node
// npm run bench:tui: porthole's interactive session against the issue's speed targets, beside
// telnet in tmux panes of the same size: a flood end to end, peak memory whatever the flood's
// size, keys during a flood, start-up, and a flood of random bytes beside a text flood.
// Loopback only; whatever it starts, it stops.

import { fork, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { closeAllTerminals, Terminal } from './bench-tui/terminal.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '..');
const MiB = 1 << 20;
const HOST = '127.0.0.1';
/** Issue 10: the flood's last line on screen in half telnet's time or less. */
const FLOOD_RATIO_TARGET = 0.5;
/** The lab's flood: 64-byte lines, each opening with its 12-digit zero-based number. */
const LINE_BYTES = 64;
const SESSION = 'run';
/** What tmux writes over a pane whose program has exited (remain-on-exit). */
const DEAD_PANE = /^Pane is dead \(/m;

const TARGETS = {
  flood: 'a 25 MB flood: porthole shows its last line in half telnet\'s time or less (porthole/telnet <= 0.5)',
  memory: 'peak RSS under 200 MB whatever the size of the flood',
  keys: 'during a flood, the typed line appears within 50 ms',
  startup: 'start to first frame under 250 ms',
  binary: 'a random-byte flood: peak RSS under 200 MB, on screen within 3x of the text flood\'s time',
};
const MEMORY_LIMIT_MIB = 200;
const KEY_LIMIT_MS = 50;
const STARTUP_LIMIT_MS = 250;
const BINARY_SLOWDOWN_LIMIT = 3;

const USAGE = `Usage: npm run bench:tui -- [options]

Runs porthole's interactive session (and telnet beside it) in tmux panes on a private tmux
server per run, against the practice lab on ${HOST}, and reads the screens with capture-pane
through a tmux control client. Medians of the rounds; ratios porthole/telnet (< 1: porthole
is faster). The default run takes about 4 minutes on 2 cores; --quick, about a minute.

  --size WxH        terminal size of every pane                    [default: 120x40]
  --rounds N        runs of each measurement                       [default: 5; --quick: 2]
  --flood-mb N      MiB of the timed flood (1.)                    [default: 25]
  --mem-mb LIST     flood sizes in MiB for porthole's peak RSS (2.); the flood-mb runs of 1.
                    count for their size                           [default: 25,200; --quick: 25,100]
  --key-flood-mb N  MiB of the flood keys are typed into (3.); it must outlast the typing
                                                                   [default: 1024]
  --keys CHARS      characters typed, one at a time, each round (3.) [default: xyzqw; --quick: xyz]
  --poll-ms N       capture interval during floods (1., 2.)        [default: 20]
  --fine-poll-ms N  capture interval for keys and start-up (3., 4.) [default: 5]
  --binary-mb N     MiB of random bytes, and of the text flood beside it, for porthole's peak
                    RSS and rate on each (5.)                      [default: 200; --quick: 100]
  --only LIST       parts, comma-separated: flood,memory,keys,startup,binary [default: all]
  --porthole P      the command to bench [default: a copy of this checkout's dist/, taken at start,
                    so that a rebuild by someone else during the run cannot break it]
  --quick           a short run: 2 rounds, 100 MiB floods for memory and binary, 3 keys a round
  --json            the results as JSON on stdout (progress stays on stderr)
  -h, --help`;

// ---------------------------------------------------------------------------------------------
// Options

function options() {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        size: { type: 'string', default: '120x40' },
        rounds: { type: 'string' },
        'flood-mb': { type: 'string' },
        'mem-mb': { type: 'string' },
        'binary-mb': { type: 'string' },
        'key-flood-mb': { type: 'string' },
        keys: { type: 'string' },
        'poll-ms': { type: 'string' },
        'fine-poll-ms': { type: 'string' },
        only: { type: 'string' },
        porthole: { type: 'string' },
        quick: { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (e) {
    usage(e.message);
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  const whole = (v, flag, fallback, min, max = Infinity) => {
    if (v === undefined) return fallback;
    const n = Number(v);
    if (!Number.isInteger(n) || n < min || n > max) usage(`${flag} needs a whole number from ${min}${max < Infinity ? ` to ${max}` : ''}, not "${v}"`);
    return n;
  };
  const quick = values.quick;
  const size = /^(\d+)x(\d+)$/.exec(values.size);
  // Narrower than a flood line's number and the input line's prompt, nothing here can be read.
  if (!size || Number(size[1]) < 40 || Number(size[2]) < 10) usage(`--size needs WxH of at least 40x10, not "${values.size}"`);
  const parts = ['flood', 'memory', 'keys', 'startup', 'binary'];
  const only = values.only === undefined ? parts : values.only.split(',').map((s) => s.trim()).filter(Boolean);
  for (const p of only) if (!parts.includes(p)) usage(`--only: unknown part "${p}" (known: ${parts.join(', ')})`);
  const memMb = (values['mem-mb'] ?? (quick ? '25,100' : '25,200')).split(',').map((s) => whole(s.trim(), '--mem-mb', 0, 1));
  const keys = values.keys ?? (quick ? 'xyz' : 'xyzqw');
  // Letters and digits only: the input line must show exactly what was typed.
  if (!/^[A-Za-z0-9]{1,20}$/.test(keys)) usage(`--keys needs 1 to 20 letters or digits, not "${keys}"`);
  return {
    cols: Number(size[1]),
    rows: Number(size[2]),
    rounds: whole(values.rounds, '--rounds', quick ? 2 : 5, 1),
    floodBytes: whole(values['flood-mb'], '--flood-mb', 25, 1) * MiB,
    memBytes: [...new Set(memMb)].sort((a, b) => a - b).map((n) => n * MiB),
    binaryBytes: whole(values['binary-mb'], '--binary-mb', quick ? 100 : 200, 1) * MiB,
    keyFloodBytes: whole(values['key-flood-mb'], '--key-flood-mb', 1024, 16) * MiB,
    keys,
    pollMs: whole(values['poll-ms'], '--poll-ms', 20, 1, 1000),
    finePollMs: whole(values['fine-poll-ms'], '--fine-poll-ms', 5, 1, 1000),
    only,
    porthole: values.porthole === undefined ? null : path.resolve(values.porthole),
    quick,
    json: values.json,
  };
}

function usage(message) {
  process.stderr.write(`bench-tui: ${message}\n\n${USAGE}\n`);
  process.exit(2);
}

// ---------------------------------------------------------------------------------------------
// The machine

function firstLine(file, args) {
  const r = spawnSync(file, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 5000 });
  if (r.error) return null;
  return `${r.stdout}${r.stderr}`.trim().split('\n')[0].trim() || null;
}

function facts() {
  return {
    node: process.version,
    cpus: os.availableParallelism?.() ?? os.cpus().length,
    cpuModel: os.cpus()[0]?.model?.trim() ?? 'unknown',
    kernel: `${os.type()} ${os.release()}`,
    tmux: firstLine('tmux', ['-V']),
    telnet: firstLine('telnet', ['--version']),
    // The bench shares the machine: a load above zero at the start means other work competed.
    loadAtStart: os.loadavg().map((x) => +x.toFixed(2)),
  };
}

// ---------------------------------------------------------------------------------------------
// What the bench starts, and stops on every way out

const started = { tmp: null, lab: null };

function cleanup() {
  closeAllTerminals();
  if (started.lab && started.lab.exitCode === null && started.lab.signalCode === null) started.lab.kill('SIGKILL');
  started.lab = null;
  if (started.tmp) fs.rmSync(started.tmp, { recursive: true, force: true });
  started.tmp = null;
}

process.on('exit', cleanup);
for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143], ['SIGHUP', 129]]) {
  process.on(signal, () => {
    process.stderr.write(`bench-tui: ${signal}: stopping everything it started\n`);
    cleanup();
    process.exit(code);
  });
}

/**
 * A copy of dist/ in the bench's temporary directory: others build in this checkout (the build
 * removes dist/ first), and a minute-long run must not lose its client halfway. package.json is
 * where the CLI reads its version; node_modules is where the bundle finds its external packages.
 */
function snapshotDist(tmp) {
  const dist = path.join(ROOT, 'dist');
  if (!fs.existsSync(path.join(dist, 'porthole.cjs')) || !fs.existsSync(path.join(dist, 'lab', 'lab.js'))) {
    throw new Error('dist/porthole.cjs or dist/lab/lab.js is missing: run npm run build first');
  }
  const home = path.join(tmp, 'porthole');
  fs.cpSync(dist, path.join(home, 'dist'), { recursive: true });
  fs.copyFileSync(path.join(ROOT, 'package.json'), path.join(home, 'package.json'));
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(home, 'node_modules'));
  return { cli: path.join(home, 'dist', 'porthole.cjs'), labJs: path.join(home, 'dist', 'lab', 'lab.js') };
}

async function startLab(labJs, sizes) {
  const child = fork(path.join(HERE, 'bench-tui', 'lab-server.js'), [labJs, ...sizes.map(String)], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    execArgv: [],
  });
  started.lab = child;
  const ports = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the lab did not start within 10 s')), 10_000);
    child.once('message', (m) => (clearTimeout(timer), resolve(m.ports)));
    child.once('exit', (code) => (clearTimeout(timer), reject(new Error(`the lab exited (${code}) before it listened`))));
  });
  return ports;
}

// ---------------------------------------------------------------------------------------------
// Screens

const now = () => performance.now();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const lineNumber = (n) => String(n).padStart(12, '0');

/** The highest flood line number on a screen, or -1. */
function lastFloodLine(screen) {
  let max = -1;
  for (const m of screen.matchAll(/^(\d{12}) porthole lab flood/gm)) max = Math.max(max, Number(m[1]));
  return max;
}

/** What porthole's input line shows after the prompt, or null when there is no input line. */
function inputLine(screen) {
  const lines = screen.split('\n').filter((l) => /^>( |$)/.test(l));
  return lines.length ? lines.at(-1).slice(2).trimEnd() : null;
}

/**
 * Captures the screen every `everyMs` (from the start of one capture to the next) until test()
 * says yes or the deadline passes. A time is taken when the capture's answer arrives: the change
 * happened at most one interval plus one capture round trip before it.
 */
async function poll(term, everyMs, deadline, test) {
  for (;;) {
    const sent = now();
    const screen = await term.capture(SESSION);
    const at = now();
    if (test(screen, at)) return { screen, at, timedOut: false };
    if (at >= deadline) return { screen, at, timedOut: true };
    const wait = everyMs - (now() - sent);
    if (wait > 0) await sleep(wait);
  }
}

/** Whether a process has exited: gone, or a zombie its parent has not reaped yet. */
function hasExited(pid) {
  try {
    return /^\d+ \(.*\) Z /.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true;
  }
}

/**
 * The pane once its program has exited, or as it is when ms have passed. tmux marks a pane dead
 * when its terminal reads EOF and learns the status when it reaps the child; here (tmux 3.3a) it
 * now and then leaves the child a zombie for seconds, so an exited process counts as dead, with
 * its status unknown (null).
 */
async function waitDead(term, ms) {
  const deadline = now() + ms;
  for (;;) {
    const p = await term.pane(SESSION);
    if (p.dead && (p.status !== null || p.signal !== null || hasExited(p.pid))) return p;
    if (now() >= deadline) return p;
    await sleep(20);
  }
}

/** The last non-empty lines of a screen, for a problem report. */
const tail = (screen, n = 2) =>
  screen
    .split('\n')
    .filter((l) => l.trim())
    .slice(-n)
    .map((l) => (l.length > 70 ? `${l.slice(0, 70)}...` : l))
    .join(' / ');

/** Peak and current RSS of a live process, in MiB, from the kernel's own accounting. */
function memoryOf(pid, mustInclude) {
  let status;
  let cmdline;
  try {
    cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
    status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return { error: `process ${pid} is gone` };
  }
  if (!cmdline.includes(mustInclude)) return { error: `process ${pid} is not the client (${cmdline.slice(0, 80)})` };
  const kb = (k) => Number(new RegExp(`^${k}:\\s+(\\d+) kB`, 'm').exec(status)?.[1]);
  return { hwmMiB: kb('VmHWM') / 1024, rssMiB: kb('VmRSS') / 1024 };
}

// ---------------------------------------------------------------------------------------------
// Clients

function clients(cli) {
  return {
    porthole: {
      name: 'porthole',
      // env -u CI: with CI set, Ink draws only the last frame (design.md).
      // The CLI itself, as users run it: its first line carries node's flags.
      argv: (port) => ['env', '-u', 'CI', cli, HOST, String(port)],
      // The peer's FIN is a half-close (our side stays open until the user ends it): the status
      // says so at once; a build from before that change said "... after N s" once closed.
      closed: /Connection closed by foreign host(?: after|: the peer stopped sending)/,
      firstFrame: /^>( |$)/m,
      connected: new RegExp(`Connected to ${HOST.replace(/\./g, '\\.')}:\\d+ in `),
    },
    telnet: {
      name: 'telnet',
      argv: (port) => ['env', '-u', 'CI', 'telnet', HOST, String(port)],
      // telnet prints it after the data (and drops the tail of the data it had not written yet).
      closed: /Connection closed by foreign host\./,
      firstFrame: /^Trying /m,
      connected: new RegExp(`^Connected to ${HOST.replace(/\./g, '\\.')}\\.`, 'm'),
    },
  };
}

async function withTerminal(o, tmp, fn) {
  const term = await Terminal.open({ dir: tmp, cols: o.cols, rows: o.rows, env: o.childEnv });
  try {
    return await fn(term);
  } finally {
    o.captureMs.push(...term.captureMs);
    term.closeSync();
  }
}

/** The pane must be the size asked for, or the comparison is not in "the same terminal size". */
async function checkSize(term, o, r) {
  const p = await term.pane(SESSION);
  if (p.width !== o.cols || p.height !== o.rows) r.problems.push(`the pane is ${p.width}x${p.height}, not ${o.cols}x${o.rows}`);
}

/** Ctrl+] quit Enter, as a person leaves; the exit status is porthole's. */
async function quitPorthole(term, o, r) {
  await term.keys(SESSION, 'C-]');
  const menu = await poll(term, o.finePollMs, now() + 3000, (s) => /porthole>/.test(s));
  if (menu.timedOut) r.problems.push('Ctrl+] did not open the porthole> prompt within 3 s');
  await term.type(SESSION, 'quit');
  await term.keys(SESSION, 'Enter');
  const p = await waitDead(term, 5000);
  if (!p.dead) r.problems.push('porthole was still running 5 s after quit');
  else if (p.signal !== null) r.problems.push(`porthole ended with signal ${p.signal} after quit`);
  else if (p.status !== null && p.status !== 0) r.problems.push(`porthole exited with status ${p.status} after quit`);
  r.exitStatus = p.status;
}

// ---------------------------------------------------------------------------------------------
// 1. and 2. Floods

/**
 * A flood into a client's pane, from spawn until its end is on screen. `random`: the flood is
 * random bytes; then tmux now and then draws a row of random characters wider than string-width
 * (so than Ink) measured it, the rows below shift by one, and Ink's next frame writes the status
 * over the last line, before or after it was seen. The run still counts, ended by the last line
 * or else "Connection closed" (porthole shows it once every byte before it is in the pane), and
 * says so.
 */
async function floodRun(o, tmp, client, port, bytes, random = false) {
  const expected = bytes / LINE_BYTES - 1;
  const lastLine = new RegExp(`^${lineNumber(expected)} porthole lab flood`, 'm');
  return withTerminal(o, tmp, async (term) => {
    const r = { client: client.name, bytes, expectedLast: expected, valid: false, problems: [] };
    const t0 = now();
    const pid = await term.newSession(SESSION, client.argv(port));
    await checkSize(term, o, r);
    const t = { last: null, closed: null, exited: null };
    // Generous: 2 MiB/s is far below either client; slower than that is a hang.
    const deadline = t0 + 10_000 + (bytes / MiB) * 500;
    const track = (s, at) => {
      if (t.last === null && lastLine.test(s)) t.last = at - t0;
      if (t.closed === null && client.closed.test(s)) t.closed = at - t0;
      if (t.exited === null && DEAD_PANE.test(s)) t.exited = at - t0;
    };
    const porthole = client.name === 'porthole';
    let seen = await poll(term, o.pollMs, deadline, (s, at) => {
      track(s, at);
      return porthole ? t.last !== null || t.closed !== null : t.closed !== null || t.exited !== null;
    });
    if (seen.timedOut) {
      r.problems.push(`the end of the stream was not on screen after ${((seen.at - t0) / 1000).toFixed(1)} s (screen ends: ${tail(seen.screen)})`);
    } else if (porthole && (t.last === null || t.closed === null)) {
      // Both, for the record and so that memory is read once everything has arrived. The status
      // can come a frame before the last line: the bar grows by two rows and the pane's rows
      // follow one layout later.
      seen = await poll(term, o.pollMs, now() + 5000, (s, at) => (track(s, at), t.last !== null && t.closed !== null));
      if (t.closed === null) r.problems.push('the last line is shown, but not "Connection closed by foreign host" 5 s later');
    }
    r.lastSeen = lastFloodLine(seen.screen);
    r.lastLineMs = t.last;
    r.closedMs = t.closed;
    if (porthole) {
      // Hidden from the start, or shown and then written over: either way the end came.
      r.lastLineHidden = random && r.lastSeen !== expected && t.closed !== null;
      r.doneMs = t.last === null ? (r.lastLineHidden ? t.closed : null) : Math.min(t.last, t.closed ?? Infinity);
      if (r.lastSeen !== expected && !r.lastLineHidden) r.problems.push(`the last flood line on screen is ${r.lastSeen}, not ${expected}`);
      r.valid = r.doneMs !== null && (r.lastSeen === expected || r.lastLineHidden);
      Object.assign(r, memoryOf(pid, path.basename(o.cli)));
      if (r.error) r.problems.push(`no memory figure: ${r.error}`);
      await quitPorthole(term, o, r);
    } else {
      // telnet writes "closed" before the data it had not written to the terminal yet, and now
      // and then drops the message too and just exits: the lines it never shows are a fact about
      // telnet, not a failed run, and its exit is as much an end as its message.
      r.doneMs = t.closed ?? t.exited;
      r.saidClosed = t.closed !== null;
      r.missingLines = r.lastSeen >= 0 ? expected - r.lastSeen : null;
      if (r.lastSeen < 0) r.problems.push('no flood line on screen');
      r.valid = r.doneMs !== null && r.lastSeen >= 0;
      const p = await waitDead(term, 3000);
      r.exitStatus = p.dead ? p.status : null;
    }
    if (r.doneMs !== null) r.mibps = bytes / MiB / (r.doneMs / 1000);
    return r;
  });
}

// ---------------------------------------------------------------------------------------------
// 3. Keys

async function keysRun(o, tmp, client, port, floodBytes) {
  return withTerminal(o, tmp, async (term) => {
    const r = { flood: floodBytes !== null, valid: false, problems: [], latencies: [] };
    const t0 = now();
    await term.newSession(SESSION, client.argv(port));
    await checkSize(term, o, r);
    const ready = floodBytes !== null ? (s) => lastFloodLine(s) >= 0 : (s) => /^220 /m.test(s);
    const first = await poll(term, o.finePollMs, t0 + 10_000, ready);
    if (first.timedOut) {
      r.problems.push(floodBytes !== null ? 'no flood line within 10 s' : 'no SMTP banner within 10 s');
      return r;
    }
    // Into the flood, not at its start: the pane is busy and the process has work queued.
    await sleep(1000);
    let typed = '';
    r.linesAtFirstKey = lastFloodLine((await poll(term, o.finePollMs, 0, () => true)).screen);
    for (const ch of o.keys) {
      const want = typed + ch;
      const t = now();
      await term.type(SESSION, ch);
      const seen = await poll(term, o.finePollMs, t + 2000, (s) => inputLine(s) === want);
      if (seen.timedOut) {
        r.problems.push(`"${want}" was not on the input line 2 s after the key (it shows "${inputLine(seen.screen)}")`);
        break;
      }
      r.latencies.push(seen.at - t);
      typed = want;
      // Apart, so that each key meets a busy process on its own rather than in one read.
      await sleep(100 + Math.random() * 50);
    }
    const last = await poll(term, o.finePollMs, 0, () => true);
    if (floodBytes !== null) {
      r.linesAtLastKey = lastFloodLine(last.screen);
      if (/Connection closed by foreign host/.test(last.screen) || r.linesAtLastKey >= floodBytes / LINE_BYTES - 1) {
        r.problems.push('the flood ended before the last key: give --key-flood-mb more');
      } else if (r.linesAtLastKey <= r.linesAtFirstKey) {
        r.problems.push('the flood did not move on screen while keys were typed');
      }
    }
    r.valid = r.problems.length === 0;
    return r;
  });
}

// ---------------------------------------------------------------------------------------------
// 4. Start-up

async function startupRun(o, tmp, client, port) {
  return withTerminal(o, tmp, async (term) => {
    const r = { client: client.name, valid: false, problems: [] };
    const t = { firstFrame: null, connected: null, banner: null };
    const t0 = now();
    await term.newSession(SESSION, client.argv(port));
    const seen = await poll(term, o.finePollMs, t0 + 10_000, (s, at) => {
      if (t.firstFrame === null && client.firstFrame.test(s)) t.firstFrame = at - t0;
      if (t.connected === null && client.connected.test(s)) t.connected = at - t0;
      if (t.banner === null && /^220 /m.test(s)) t.banner = at - t0;
      return t.firstFrame !== null && t.connected !== null && t.banner !== null;
    });
    if (seen.timedOut) r.problems.push(`not all of first frame, "Connected to" and the banner within 10 s`);
    await checkSize(term, o, r);
    Object.assign(r, { firstFrameMs: t.firstFrame, connectedMs: t.connected, bannerMs: t.banner });
    r.valid = r.problems.length === 0;
    return r;
  });
}

/** Wall time of a command that exits by itself, from spawn to exit, with its output checked. */
async function commandRun(name, argv, check) {
  const t0 = now();
  const child = spawn(argv[0], argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NODE_OPTIONS: '' } });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (s) => (out += s));
  child.stderr.setEncoding('utf8').on('data', (s) => (out += s));
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  const [code, ms] = await new Promise((resolve) => child.once('exit', (c) => resolve([c, now() - t0])));
  clearTimeout(timer);
  await new Promise((resolve) => (child.stdout.readableEnded ? resolve() : child.stdout.once('end', resolve)));
  const problem = check(code, out.trim());
  return { name, ms, valid: !problem, problems: problem ? [problem] : [] };
}

// ---------------------------------------------------------------------------------------------
// Figures

function stats(xs) {
  const s = xs.filter((x) => typeof x === 'number' && Number.isFinite(x)).sort((a, b) => a - b);
  if (s.length === 0) return { n: 0, median: null, min: null, max: null };
  const h = s.length >> 1;
  // Hundredths: more would be noise, in the table and in the JSON.
  const r = (x) => Math.round(x * 100) / 100;
  return { n: s.length, median: r(s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2), min: r(s[0]), max: r(s.at(-1)) };
}

const fmt = (x, digits = 0) => (x === null || x === undefined || Number.isNaN(x) ? 'n/a' : x.toFixed(digits));
const ms = (x) => (x === null || x === undefined ? 'n/a' : `${x.toFixed(0)} ms`);
const secs = (x) => (x === null || x === undefined ? 'n/a' : `${(x / 1000).toFixed(2)} s`);
const mib = (bytes) => `${+(bytes / MiB).toFixed(1)} MiB`;
const verdict = (met) => (met === null ? 'NOT MEASURED' : met ? 'met' : 'MISSED');

function problemsOf(runs) {
  return runs.filter((r) => r.problems.length).map((r) => `${r.client ?? r.name ?? (r.flood ? 'flood' : 'idle')} run ${r.round}: ${r.problems.join('; ')}`);
}

// ---------------------------------------------------------------------------------------------
// Main

async function main() {
  const o = options();
  const m = facts();
  const log = (s) => process.stderr.write(`${s}\n`);
  for (const tool of ['tmux', 'telnet']) if (!m[tool]) throw new Error(`${tool} is not installed (the bench compares against telnet under tmux)`);

  started.tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'porthole-bench-tui-'));
  const tmp = started.tmp;
  const snap = snapshotDist(tmp);
  const cli = o.porthole ?? snap.cli;
  if (!fs.existsSync(cli)) usage(`--porthole: ${cli} not found`);
  // (Its memory is read off the process whose command line names it.)
  o.cli = cli;
  const c = clients(cli);
  // Neither the tmux server nor what it runs sees CI (Ink would draw only the last frame) or the
  // TMUX of a terminal the bench itself may run in.
  o.childEnv = { ...process.env };
  delete o.childEnv.CI;
  delete o.childEnv.TMUX;
  delete o.childEnv.NODE_OPTIONS;
  o.captureMs = [];

  const want = (p) => o.only.includes(p);
  const sizes = new Set();
  if (want('flood')) sizes.add(o.floodBytes);
  if (want('memory')) o.memBytes.forEach((b) => sizes.add(b));
  if (want('keys')) sizes.add(o.keyFloodBytes);
  if (want('binary')) sizes.add(o.binaryBytes);
  const ports = await startLab(snap.labJs, [...sizes]);
  const started0 = now();
  const results = { startup: null, flood: null, memory: null, keys: null, binary: null };
  const rounds = Array.from({ length: o.rounds }, (_, i) => i + 1);

  if (want('startup')) {
    log('4. start-up: porthole and telnet against the SMTP port, and porthole without its TUI');
    const node = process.execPath;
    const runs = [];
    const cmdRuns = [];
    const smtp = String(ports.smtp);
    const commands = [
      ['node -e 0', [node, '-e', '0'], (code) => (code === 0 ? null : `exit ${code}`)],
      ['--version', [node, cli, '--version'], (code, out) => (code === 0 && /^\d+\.\d+\.\d+/.test(out) ? null : `exit ${code}: ${out.slice(0, 80)}`)],
      ['-z', [node, cli, '-z', HOST, smtp], (code, out) => (code === 0 && /open/i.test(out) ? null : `exit ${code}: ${out.slice(0, 80)}`)],
    ];
    // One run of each first, not counted: the page cache and the lab's first connection.
    await startupRun(o, tmp, c.porthole, ports.smtp);
    await startupRun(o, tmp, c.telnet, ports.smtp);
    for (const [name, argv, check] of commands) await commandRun(name, argv, check);
    for (const round of rounds) {
      const order = round % 2 ? [c.porthole, c.telnet] : [c.telnet, c.porthole];
      for (const client of order) runs.push({ round, ...(await startupRun(o, tmp, client, ports.smtp)) });
      for (const [name, argv, check] of commands) cmdRuns.push({ round, ...(await commandRun(name, argv, check)) });
    }
    const of = (client, k) => stats(runs.filter((r) => r.valid && r.client === client).map((r) => r[k]));
    const cmd = (name) => stats(cmdRuns.filter((r) => r.valid && r.name === name).map((r) => r.ms));
    const first = of('porthole', 'firstFrameMs');
    results.startup = {
      runs: [...runs, ...cmdRuns],
      porthole: { firstFrameMs: first, connectedMs: of('porthole', 'connectedMs'), bannerMs: of('porthole', 'bannerMs') },
      telnet: { firstFrameMs: of('telnet', 'firstFrameMs'), connectedMs: of('telnet', 'connectedMs'), bannerMs: of('telnet', 'bannerMs') },
      commands: { nodeAlone: cmd('node -e 0'), version: cmd('--version'), probe: cmd('-z') },
      target: TARGETS.startup,
      // The median: start-up moves with whatever else the machine is doing; the max is shown.
      met: first.n === 0 ? null : first.median < STARTUP_LIMIT_MS,
      problems: problemsOf([...runs, ...cmdRuns]),
    };
  }

  const floodPorthole = [];
  if (want('flood')) {
    log(`1. flood: ${mib(o.floodBytes)} to porthole and to telnet, ${o.rounds} rounds`);
    const runs = [];
    for (const round of rounds) {
      const order = round % 2 ? [c.porthole, c.telnet] : [c.telnet, c.porthole];
      for (const client of order) {
        const r = { round, ...(await floodRun(o, tmp, client, ports.floods[o.floodBytes], o.floodBytes)) };
        log(`   round ${round} ${client.name.padEnd(8)} ${secs(r.doneMs)}  last line ${r.lastSeen}${r.problems.length === 0 ? '' : `  (${r.problems.join('; ')})`}`);
        runs.push(r);
      }
    }
    floodPorthole.push(...runs.filter((r) => r.client === 'porthole'));
    const of = (client) => stats(runs.filter((r) => r.valid && r.client === client).map((r) => r.doneMs));
    const p = of('porthole');
    const t = of('telnet');
    const ratio = p.median !== null && t.median ? p.median / t.median : null;
    results.flood = {
      bytes: o.floodBytes,
      expectedLast: o.floodBytes / LINE_BYTES - 1,
      runs,
      porthole: {
        doneMs: p,
        lastLineMs: stats(runs.filter((r) => r.valid && r.client === 'porthole').map((r) => r.lastLineMs)),
        closedMs: stats(runs.filter((r) => r.valid && r.client === 'porthole').map((r) => r.closedMs)),
        // Runs whose screen showed the last line sent: the others are problems, not figures.
        verified: runs.filter((r) => r.valid && r.client === 'porthole').length,
        runs: runs.filter((r) => r.client === 'porthole').length,
      },
      telnet: {
        doneMs: t,
        missingLines: stats(runs.filter((r) => r.client === 'telnet').map((r) => r.missingLines)),
        exitedSilently: runs.filter((r) => r.client === 'telnet' && r.valid && !r.saidClosed).length,
      },
      ratio,
      target: TARGETS.flood,
      met: ratio === null ? null : ratio <= FLOOD_RATIO_TARGET,
      problems: problemsOf(runs),
    };
  }

  if (want('memory')) {
    const extra = o.memBytes.filter((b) => !(want('flood') && b === o.floodBytes));
    log(`2. memory: porthole's peak RSS after floods of ${o.memBytes.map(mib).join(', ')}`);
    const runs = floodPorthole.filter((r) => o.memBytes.includes(r.bytes));
    for (const bytes of extra) {
      for (const round of rounds) {
        const r = { round, ...(await floodRun(o, tmp, c.porthole, ports.floods[bytes], bytes)) };
        log(`   ${mib(bytes).padStart(9)} round ${round}: peak ${fmt(r.hwmMiB, 1)} MiB in ${secs(r.doneMs)}${r.problems.length === 0 ? '' : `  (${r.problems.join('; ')})`}`);
        runs.push(r);
      }
    }
    const bySize = o.memBytes.map((bytes) => {
      const mine = runs.filter((r) => r.bytes === bytes && Number.isFinite(r.hwmMiB));
      return {
        bytes,
        hwmMiB: stats(mine.map((r) => r.hwmMiB)),
        rssAtEndMiB: stats(mine.map((r) => r.rssMiB)),
        doneMs: stats(mine.filter((r) => r.valid).map((r) => r.doneMs)),
        mibps: stats(mine.filter((r) => r.valid).map((r) => r.mibps)),
      };
    });
    floodPorthole.push(...runs.filter((r) => !floodPorthole.includes(r)));
    const peaks = bySize.filter((s) => s.hwmMiB.n > 0);
    results.memory = {
      sizes: bySize,
      runs,
      target: TARGETS.memory,
      met: peaks.length === 0 ? null : peaks.every((s) => s.hwmMiB.max < MEMORY_LIMIT_MIB),
      problems: problemsOf(runs),
    };
  }

  if (want('binary')) {
    const bytes = o.binaryBytes;
    // Text runs of the same size from 1. or 2. count: the same flood, the same client.
    const text = floodPorthole.filter((r) => r.bytes === bytes);
    const more = Math.max(0, o.rounds - text.length);
    log(`5. binary: ${mib(bytes)} of random bytes to porthole, beside ${more ? `${more} text flood run(s) of that size` : 'the text floods above'}`);
    const runs = [];
    for (const round of rounds) {
      const kinds = round <= more ? (round % 2 ? ['random', 'text'] : ['text', 'random']) : ['random'];
      for (const kind of kinds) {
        const port = kind === 'random' ? ports.binaryFloods[bytes] : ports.floods[bytes];
        const r = { round, kind, ...(await floodRun(o, tmp, c.porthole, port, bytes, kind === 'random')) };
        const note = r.lastLineHidden ? '  (ended by "Connection closed": tmux hid the last line)' : '';
        log(`   ${kind.padEnd(6)} round ${round}: peak ${fmt(r.hwmMiB, 1)} MiB, ${fmt(r.mibps, 1)} MiB/s in ${secs(r.doneMs)}${note}${r.problems.length === 0 ? '' : `  (${r.problems.join('; ')})`}`);
        runs.push(r);
      }
    }
    const all = [...text.map((r) => ({ ...r, kind: 'text' })), ...runs];
    const of = (kind) => {
      const mine = all.filter((r) => r.kind === kind);
      const valid = mine.filter((r) => r.valid);
      return {
        runs: mine.length,
        verified: valid.length,
        lastLineHidden: mine.filter((r) => r.lastLineHidden).length,
        hwmMiB: stats(mine.filter((r) => Number.isFinite(r.hwmMiB)).map((r) => r.hwmMiB)),
        doneMs: stats(valid.map((r) => r.doneMs)),
        mibps: stats(valid.map((r) => r.mibps)),
      };
    };
    const random = of('random');
    const plain = of('text');
    const slowdown = random.doneMs.median !== null && plain.doneMs.median ? random.doneMs.median / plain.doneMs.median : null;
    results.binary = {
      bytes,
      random,
      text: plain,
      slowdown,
      runs: all,
      target: TARGETS.binary,
      met:
        random.hwmMiB.n === 0 || slowdown === null
          ? null
          : random.hwmMiB.max < MEMORY_LIMIT_MIB && random.verified === random.runs && slowdown <= BINARY_SLOWDOWN_LIMIT,
      problems: problemsOf(runs),
    };
  }

  if (want('keys')) {
    log(`3. keys: "${o.keys}" typed into porthole, idle on SMTP and during a ${mib(o.keyFloodBytes)} flood`);
    const runs = [];
    for (const round of rounds) {
      runs.push({ round, ...(await keysRun(o, tmp, c.porthole, ports.smtp, null)) });
      const r = { round, ...(await keysRun(o, tmp, c.porthole, ports.floods[o.keyFloodBytes], o.keyFloodBytes)) };
      runs.push(r);
      log(`   round ${round}: idle ${runs.at(-2).latencies.map((x) => x.toFixed(0)).join(' ')} ms; flood ${r.latencies.map((x) => x.toFixed(0)).join(' ')} ms${r.problems.length === 0 ? '' : `  (${r.problems.join('; ')})`}`);
    }
    const of = (flood) => stats(runs.filter((r) => r.valid && r.flood === flood).flatMap((r) => r.latencies));
    const flood = of(true);
    const floodRuns = runs.filter((r) => r.valid && r.flood);
    results.keys = {
      keys: o.keys,
      floodBytes: o.keyFloodBytes,
      idleMs: of(false),
      floodMs: flood,
      // Lines the pane moved on while keys were typed: the flood was running, at this rate.
      floodLinesWhileTyping: stats(floodRuns.map((r) => r.linesAtLastKey - r.linesAtFirstKey)),
      runs,
      target: TARGETS.keys,
      met: flood.n === 0 ? null : flood.max <= KEY_LIMIT_MS,
      problems: problemsOf(runs),
    };
  }

  m.loadAtEnd = os.loadavg().map((x) => +x.toFixed(2));
  const capture = stats(o.captureMs);
  const report = {
    machine: m,
    settings: {
      size: `${o.cols}x${o.rows}`,
      rounds: o.rounds,
      pollMs: o.pollMs,
      finePollMs: o.finePollMs,
      captureRoundTripMs: capture,
      porthole: o.porthole ?? 'dist/porthole.cjs (a copy taken at start)',
      quick: o.quick,
    },
    durationS: +((now() - started0) / 1000).toFixed(1),
    results,
  };
  if (o.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  else process.stdout.write(table(report, o));
}

function table(rep, o) {
  const { machine: m, settings: s, results: r } = rep;
  const out = [];
  const say = (line = '') => out.push(line);
  say(`porthole TUI bench: panes ${s.size} under ${m.tmux}, ${s.rounds} rounds, ${rep.durationS} s`);
  say(`  ${m.node}, ${m.cpus} CPUs (${m.cpuModel}), ${m.kernel}; load ${m.loadAtStart.join(' ')} at start, ${m.loadAtEnd.join(' ')} at end`);
  // The clients compete for 2 cores with whatever else runs: say so beside the figures.
  if (Math.max(m.loadAtStart[0], m.loadAtEnd[0]) > 0.5 * m.cpus) {
    say(`  NOTE: the machine was busy with other work (1-minute load above ${0.5 * m.cpus}): the figures are noisier than on an idle machine.`);
  }
  say(`  screen read with capture-pane through a tmux control client: every ${s.pollMs} ms in floods,`);
  say(`  every ${s.finePollMs} ms for keys and start-up; a capture's round trip: median ${fmt(s.captureRoundTripMs.median, 1)} ms, max ${fmt(s.captureRoundTripMs.max, 1)} ms.`);
  say(`  A time is taken when the capture that shows the change returns: it is late by at most one`);
  say(`  interval plus one round trip.`);
  const row = (label, st, f) => `  ${label.padEnd(34)}${f(st.median).padStart(10)}${f(st.min).padStart(10)}${f(st.max).padStart(10)}`;
  const head = (label) => `  ${label.padEnd(34)}${'median'.padStart(10)}${'min'.padStart(10)}${'max'.padStart(10)}`;

  if (r.flood) {
    const f = r.flood;
    say();
    say(`1. Flood: ${mib(f.bytes)} (${f.expectedLast + 1} lines), from spawn until the whole stream is on screen`);
    say(head(''));
    say(row('porthole: stream on screen', f.porthole.doneMs, secs));
    say(row('  its last line shown', f.porthole.lastLineMs, secs));
    say(row('  its "closed" status shown', f.porthole.closedMs, secs));
    say(row('telnet: "Connection closed" shown', f.telnet.doneMs, secs));
    if (f.telnet.exitedSilently) say(`  (${f.telnet.exitedSilently} of the telnet runs exited without the message: there, the time is its exit)`);
    say(`  porthole/telnet: ${fmt(f.ratio, 2)}x (< 1: porthole is faster)`);
    say(`  ${f.porthole.verified} of ${f.porthole.runs} porthole runs showed the last line sent, ${f.expectedLast}`);
    if (f.telnet.missingLines.n) {
      say(`  telnet printed "Connection closed" ${fmt(f.telnet.missingLines.min)} to ${fmt(f.telnet.missingLines.max)} lines short of line ${f.expectedLast}: it drops what it had not written yet.`);
    }
    say(`  target: ${f.target}: ${verdict(f.met)}`);
    for (const p of f.problems) say(`  problem: ${p}`);
  }
  if (r.memory) {
    const mm = r.memory;
    say();
    say(`2. Memory: porthole's peak RSS (VmHWM of its node process, read after the flood, before quit)`);
    const col = (x) => x.padStart(14);
    say(`  ${''.padEnd(34)}${mm.sizes.map((z) => col(mib(z.bytes))).join('')}`);
    say(`  ${'peak RSS, median (MiB)'.padEnd(34)}${mm.sizes.map((z) => col(fmt(z.hwmMiB.median, 1))).join('')}`);
    say(`  ${'peak RSS, max (MiB)'.padEnd(34)}${mm.sizes.map((z) => col(fmt(z.hwmMiB.max, 1))).join('')}`);
    say(`  ${'RSS at the end, median (MiB)'.padEnd(34)}${mm.sizes.map((z) => col(fmt(z.rssAtEndMiB.median, 1))).join('')}`);
    say(`  ${'time to last line, median'.padEnd(34)}${mm.sizes.map((z) => col(secs(z.doneMs.median))).join('')}`);
    say(`  ${'rate on screen, median (MiB/s)'.padEnd(34)}${mm.sizes.map((z) => col(fmt(z.mibps.median, 1))).join('')}`);
    say(`  target: ${mm.target} (every run): ${verdict(mm.met)}`);
    for (const p of mm.problems) say(`  problem: ${p}`);
  }
  if (r.keys) {
    const k = r.keys;
    say();
    say(`3. Keys: send-keys -l of one character until the input line shows it, ${k.idleMs.n + k.floodMs.n} keys ("${k.keys}" per round)`);
    say(head(''));
    say(row('idle SMTP session', k.idleMs, ms));
    say(row(`during a ${mib(k.floodBytes)} flood`, k.floodMs, ms));
    say(`  the flood ran on meanwhile: the pane moved ${fmt(k.floodLinesWhileTyping.median)} lines (median) while the keys were typed`);
    say(`  target: ${k.target} (every key, within the ${s.finePollMs} ms polling): ${verdict(k.met)}`);
    for (const p of k.problems) say(`  problem: ${p}`);
  }
  if (r.startup) {
    const st = r.startup;
    say();
    say(`4. Start-up against the SMTP port, from spawn (tmux new-session) until the screen shows it`);
    say(head(''));
    say(row('porthole: first frame ("> ")', st.porthole.firstFrameMs, ms));
    say(row('porthole: "Connected to" status', st.porthole.connectedMs, ms));
    say(row('porthole: SMTP banner', st.porthole.bannerMs, ms));
    say(row('telnet: "Trying"', st.telnet.firstFrameMs, ms));
    say(row('telnet: "Connected to"', st.telnet.connectedMs, ms));
    say(row('telnet: SMTP banner', st.telnet.bannerMs, ms));
    say('  without a terminal, spawn to exit:');
    say(row('node -e 0 (Node alone)', st.commands.nodeAlone, ms));
    say(row('porthole --version', st.commands.version, ms));
    say(row(`porthole -z ${HOST} PORT`, st.commands.probe, ms));
    const ratio = st.porthole.connectedMs.median !== null && st.telnet.connectedMs.median ? st.porthole.connectedMs.median / st.telnet.connectedMs.median : null;
    say(`  "Connected to", porthole/telnet: ${fmt(ratio, 1)}x`);
    say(`  target: ${st.target} (median): ${verdict(st.met)}`);
    for (const p of st.problems) say(`  problem: ${p}`);
  }
  if (r.binary) {
    const b = r.binary;
    say();
    say(`5. Binary flood: ${mib(b.bytes)} of random bytes (then the text flood's last line) beside the text flood`);
    say(`   of the same size, porthole only; peak RSS as in 2., time from spawn until the last line is shown`);
    const col = (x) => x.padStart(14);
    say(`  ${''.padEnd(34)}${col('text')}${col('random')}`);
    const line = (label, f) => say(`  ${label.padEnd(34)}${col(f(b.text))}${col(f(b.random))}`);
    line('peak RSS, median (MiB)', (k) => fmt(k.hwmMiB.median, 1));
    line('peak RSS, max (MiB)', (k) => fmt(k.hwmMiB.max, 1));
    line('time to last line, median', (k) => secs(k.doneMs.median));
    line('rate on screen, median (MiB/s)', (k) => fmt(k.mibps.median, 1));
    line('runs that reached the end', (k) => `${k.verified} of ${k.runs}`);
    if (b.random.lastLineHidden) {
      say(`  (${b.random.lastLineHidden} random run(s) ended by "Connection closed": tmux drew a row of random characters wider`);
      say(`   than string-width measured it, and the frame after wrote the status over the last line)`);
    }
    say(`  random/text time: ${fmt(b.slowdown, 2)}x`);
    say(`  target: ${b.target} (every run, median time): ${verdict(b.met)}`);
    for (const p of b.problems) say(`  problem: ${p}`);
  }
  say();
  say('Targets:');
  for (const [name, part] of Object.entries(r)) if (part) say(`  ${verdict(part.met).padEnd(13)}${part.target}`);
  return `${out.join('\n')}\n`;
}

main().then(
  () => {
    cleanup();
    process.exit(0);
  },
  (e) => {
    process.stderr.write(`bench-tui: ${e.stack ?? e.message ?? e}\n`);
    cleanup();
    process.exit(1);
  },
);
