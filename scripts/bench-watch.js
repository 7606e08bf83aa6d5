#!/usr/bin/env node
// npm run bench:watch: what a watch of many targets costs. (1) One round of 1,000 loopback targets,
// `porthole -z -f FILE` beside `nmap -sT` on the same addresses and ports, wall time and peak RSS,
// medians of the rounds; (2) the CPU a running `porthole --watch` takes, for those 1,000 targets and
// for 10, read from /proc. Loopback only: 127.0.0.1..127.0.0.N, nothing else.
//
// The listeners run in a child of this script (this file again, forked), so the clients' runs can
// be waited for here without stalling the servers they connect to.

import { execFileSync, fork, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const SELF = fileURLToPath(import.meta.url);
const ROOT = path.resolve(path.dirname(SELF), '..');
const LISTEN_MODE = '--listeners-child';
const BANNER = '220 bench\r\n';

// ---- The listeners' process: forked by the bench, told what to open over IPC. ----------------

if (process.argv[2] === LISTEN_MODE) {
  listenersChild();
} else {
  await main();
}

/**
 * Finds `ports` ports from `base` up that are free on every host, then listens on half of the
 * (host, port) pairs, a checkerboard: host i, port j open when i + j is even. Each accepted
 * connection gets the banner and is closed. The other half stay free: connects are refused.
 */
function listenersChild() {
  let accepted = 0;
  const servers = [];
  const listen = (host, port) =>
    new Promise((resolve) => {
      const s = net.createServer((sock) => {
        accepted++;
        sock.on('error', () => {});
        sock.end(BANNER);
      });
      s.once('error', () => resolve(null));
      s.listen({ host, port, backlog: 511 }, () => resolve(s));
    });
  const close = (s) => new Promise((r) => s.close(() => r()));
  // Ends with the bench: its channel closing. A Ctrl+C at the terminal is the bench's to handle.
  process.on('disconnect', () => process.exit(0));
  process.on('SIGINT', () => {});
  process.on('message', async (m) => {
    if (m.type === 'stats') return process.send({ type: 'stats', accepted });
    if (m.type !== 'setup') return;
    const { hosts, ports: wanted, base, last } = m;
    const ports = [];
    const open = [];
    for (let port = base; port <= last && ports.length < wanted; port++) {
      // Bind every host first: a port someone holds on any of them (or on 0.0.0.0) is skipped.
      const held = await Promise.all(hosts.map((h) => listen(h, port)));
      if (held.some((s) => s === null)) {
        await Promise.all(held.filter(Boolean).map(close));
        continue;
      }
      const j = ports.length;
      ports.push(port);
      for (let i = 0; i < hosts.length; i++) {
        if ((i + j) % 2 === 0) {
          servers.push(held[i]);
          open.push(`${hosts[i]}:${port}`);
        } else {
          await close(held[i]);
        }
      }
    }
    if (ports.length < wanted) return process.send({ type: 'error', message: `only ${ports.length} of ${wanted} ports free on all of ${hosts[0]}..${hosts.at(-1)} in ${base}-${last}` });
    process.send({ type: 'ready', ports, open });
  });
}

// ---- The bench. --------------------------------------------------------------------------------

async function main() {
  const USAGE = `Usage: npm run bench:watch -- [options]

Listens (in a child process) on half of ADDRS x PORTS loopback targets, 127.0.0.1..127.0.0.ADDRS
and PORTS ports from 20000 up free on all of them: an open target sends "220 bench" and closes, a
refused one has nothing listening. The targets, one HOST:PORT a line, go to a temp file.

1. A round: porthole -z -f FILE --banner-wait 0 --parallel P (stdout to /dev/null), beside
   nmap -sT -Pn -n -p PORTS 127.0.0.1-ADDRS (the same set: the cross product of the addresses and
   the ports), and porthole -z on 1 target (its start-up), one after the other in each round;
   wall time from this script's clock, peak RSS from GNU time.
2. Idle cost: porthole --watch INTERVAL -f FILE --banner-wait 0 runs for --idle-seconds (stdout
   to a temp file, to count its checks), then SIGTERM; its CPU (utime+stime, /proc/PID/stat) and
   VmRSS are read just before. The same for a watch of 10 of the targets.

  --rounds N          rounds of (1)                             [default: 3]
  --parallel P        porthole's --parallel, in (1) and (2)     [default: 32]
  --idle-seconds S    how long each watch of (2) runs           [default: 30]
  --interval S        the watch's interval                      [default: 5]
  --addresses N       loopback addresses, 127.0.0.1..N          [default: 10]
  --ports N           ports on each address                     [default: 100]
  --porthole P        the command to bench                      [default: dist/porthole.cjs here]
  --json              the results as JSON
  -h, --help`;

  const usage = (message) => {
    process.stderr.write(`bench:watch: ${message}\n\n${USAGE}\n`);
    process.exit(2);
  };
  const fail = (message) => {
    process.stderr.write(`bench:watch: ${message}\n`);
    process.exit(1);
  };

  let values;
  try {
    ({ values } = parseArgs({
      options: {
        rounds: { type: 'string' },
        parallel: { type: 'string' },
        'idle-seconds': { type: 'string' },
        interval: { type: 'string' },
        addresses: { type: 'string' },
        ports: { type: 'string' },
        porthole: { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (e) {
    usage(e.message);
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  const whole = (name, dflt, min, max = Infinity) => {
    const v = Number(values[name] ?? dflt);
    if (!Number.isInteger(v) || v < min || v > max) usage(`--${name} is a whole number from ${min}${max < Infinity ? ` to ${max}` : ''}, not "${values[name]}"`);
    return v;
  };
  const rounds = whole('rounds', 3, 1);
  const parallel = whole('parallel', 32, 1);
  const idleSeconds = whole('idle-seconds', 30, 2);
  const interval = whole('interval', 5, 1);
  const nAddr = whole('addresses', 10, 1, 254);
  const nPorts = whole('ports', 100, 1, 5000);
  const cli = path.resolve(values.porthole ?? path.join(ROOT, 'dist', 'porthole.cjs'));
  if (!fs.existsSync(cli)) usage(`${cli} is missing: npm run build first`);
  // The command itself, not `node porthole.cjs`, as bench:probe: its first line carries the heap cap users get.
  const clientArgv = (() => {
    try {
      fs.accessSync(cli, fs.constants.X_OK);
      return [cli];
    } catch {
      return [process.execPath, cli];
    }
  })();

  const gnuTime = fs.existsSync('/usr/bin/time') && /GNU/.test(tryRun('/usr/bin/time', ['--version'])) ? '/usr/bin/time' : null;
  const nmap = tryRun('sh', ['-c', 'command -v nmap']).trim() || null;
  const nmapVersion = nmap ? (tryRun(nmap, ['--version']).match(/Nmap version (\S+)/)?.[1] ?? '?') : null;
  const clkTck = Number(tryRun('getconf', ['CLK_TCK']).trim()) || 100;
  if (!fs.existsSync('/proc/self/stat')) fail('/proc is needed for the idle figures (Linux)');

  const hosts = Array.from({ length: nAddr }, (_, i) => `127.0.0.${i + 1}`);
  const nTargets = nAddr * nPorts;

  // ---- Clean-up: children killed, temp files gone, whatever way this ends. ----
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-watch-'));
  const children = new Set();
  let cleaned = false;
  const cleanup = () => {
    if (cleaned) return;
    cleaned = true;
    for (const c of children) {
      // A timed run is its own process group (GNU time and the client under it): the group goes.
      try {
        if (c.detached) process.kill(-c.pid, 'SIGKILL');
        else c.kill('SIGKILL');
      } catch {}
    }
    fs.rmSync(tmp, { recursive: true, force: true });
  };
  process.on('exit', cleanup);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(sig, () => {
      process.stderr.write(`bench:watch: ${sig}, stopping\n`);
      cleanup();
      process.exit(128 + os.constants.signals[sig]);
    });
  }
  process.on('uncaughtException', (e) => fail(`${e?.stack ?? e}`));
  process.on('unhandledRejection', (e) => fail(`${e?.stack ?? e}`));

  /** Spawns a child that the clean-up knows of; resolves with its exit once it ends. */
  const track = (child, detached = false) => {
    child.detached = detached;
    children.add(child);
    const done = new Promise((resolve, reject) => {
      child.once('error', (e) => {
        children.delete(child);
        reject(e);
      });
      child.once('exit', (code, signal) => {
        children.delete(child);
        resolve({ code, signal });
      });
    });
    return { child, done };
  };
  const collect = (stream) => {
    let s = '';
    stream?.setEncoding('utf8');
    stream?.on('data', (d) => (s += d));
    return () => s;
  };

  // ---- The listeners. ----
  const say = (l) => process.stderr.write(`${l}\n`);
  say(`listeners: ${nTargets.toLocaleString('en-US')} targets on ${hosts[0]}..${hosts.at(-1)}, half listening`);
  const listeners = track(fork(SELF, [LISTEN_MODE], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv: [] }));
  const ask = (msg, type, ms) =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the listeners did not answer "${msg.type}" in ${ms / 1000} s`)), ms);
      const on = (m) => {
        if (m.type !== type && m.type !== 'error') return;
        clearTimeout(timer);
        listeners.child.off('message', on);
        if (m.type === 'error') reject(new Error(`listeners: ${m.message}`));
        else resolve(m);
      };
      listeners.child.on('message', on);
      listeners.child.send(msg);
    });
  void listeners.done.then(({ code, signal }) => {
    if (!cleaned) fail(`the listeners' process ended (${signal ?? `exit ${code}`}) before the bench did`);
  });
  let layout;
  try {
    layout = await ask({ type: 'setup', hosts, ports: nPorts, base: 20000, last: 32767 }, 'ready', 60_000);
  } catch (e) {
    fail(e.message);
  }
  const openSet = new Set(layout.open);
  const lines = hosts.flatMap((h) => layout.ports.map((p) => `${h}:${p}`));
  const targetsFile = path.join(tmp, 'targets');
  fs.writeFileSync(targetsFile, `${lines.join('\n')}\n`);
  // The small watch: the first 10 targets, 5 open and 5 refused with the checkerboard.
  const smallFile = path.join(tmp, 'targets-10');
  const small = lines.slice(0, Math.min(10, lines.length));
  fs.writeFileSync(smallFile, `${small.join('\n')}\n`);
  const expectOpen = lines.filter((l) => openSet.has(l)).length;
  const expectRefused = lines.length - expectOpen;
  const portList = compressPorts(layout.ports);
  const hostRange = nAddr === 1 ? hosts[0] : `127.0.0.1-${nAddr}`;
  say(`listeners: ports ${portList}; ${expectOpen} open, ${expectRefused} refused`);

  // ---- (1) Rounds. ----
  const timeFile = path.join(tmp, 'time');
  /** One timed run: wall seconds and peak RSS (MiB, null without GNU time), exit, stdout/stderr. */
  const timed = async (argv, stdoutFile) => {
    const out = stdoutFile ? fs.openSync(stdoutFile, 'w') : 'ignore';
    const full = gnuTime ? [gnuTime, '-o', timeFile, '-f', '%e %M', ...argv] : argv;
    const t0 = process.hrtime.bigint();
    const r = track(spawn(full[0], full.slice(1), { stdio: ['ignore', out, 'pipe'], detached: true, env: { ...process.env, NODE_OPTIONS: '' } }), true);
    const stderr = collect(r.child.stderr);
    let ended;
    try {
      ended = await r.done;
    } catch (e) {
      fail(`${argv[0]}: ${e.message}`);
    } finally {
      if (typeof out === 'number') fs.closeSync(out);
    }
    // Wall time from this clock, not GNU time's %e: that has 10 ms steps, and a round of nmap on
    // loopback takes a few of them. GNU time's fork and exec are in it (well under 1 ms).
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    let rssMiB = null;
    if (gnuTime) {
      // GNU time says "Command exited with non-zero status N" first; its figures are the last line.
      const kb = Number(fs.readFileSync(timeFile, 'utf8').trim().split('\n').at(-1).split(' ')[1]);
      if (Number.isFinite(kb)) rssMiB = kb / 1024;
    }
    return { seconds, rssMiB, code: ended.code, signal: ended.signal, stderr: stderr() };
  };

  /** Its summary on stderr ("N targets: A open, B refused in T") says what it found. */
  const saidBy = (r, open, refused) => {
    const m = r.stderr.match(/porthole: ([\d,]+) targets?: (.*) in /);
    if (!m) return `no summary on stderr (exit ${r.signal ?? r.code}): ${r.stderr.trim().slice(0, 300)}`;
    const counts = Object.fromEntries([...m[2].matchAll(/([\d,]+) ([a-z -]+)/g)].map(([, n, w]) => [w.trim(), Number(n.replace(/,/g, ''))]));
    if ((counts.open ?? 0) !== open || (counts.refused ?? 0) !== refused) return `expected ${open} open, ${refused} refused; porthole said: ${m[0]}`;
    return null;
  };
  const porthole = {
    name: 'porthole -z',
    argv: [...clientArgv, '-z', '-f', targetsFile, '--banner-wait', '0', '--parallel', String(parallel)],
    targets: nTargets,
    check: (r) => saidBy(r, expectOpen, expectRefused),
  };
  // Start-up and one connect: what of a round is not the targets.
  const porthole1 = {
    name: 'porthole -z, 1 target',
    argv: [...clientArgv, '-z', lines[0], '--banner-wait', '0'],
    targets: 1,
    // One target says no summary: its exit says open (0).
    check: (r) => (r.code === 0 ? null : `exit ${r.signal ?? r.code}, not 0 (open): ${r.stderr.trim().slice(0, 300)}`),
  };
  const nmapOut = path.join(tmp, 'nmap.out');
  const nmapClient = nmap && {
    name: 'nmap -sT',
    argv: [nmap, '-sT', '-Pn', '-n', '-p', portList, hostRange],
    targets: nTargets,
    stdoutFile: nmapOut,
    check(r) {
      if (r.code !== 0) return `exit ${r.signal ?? r.code}: ${r.stderr.trim().slice(0, 300)}`;
      const text = fs.readFileSync(nmapOut, 'utf8');
      const open = (text.match(/^\d+\/tcp\s+open\b/gm) ?? []).length;
      if (open !== expectOpen) return `expected ${expectOpen} open ports, nmap found ${open}`;
      return null;
    },
  };
  const clients = [porthole, porthole1, ...(nmapClient ? [nmapClient] : [])];
  const results = Object.fromEntries(clients.map((c) => [c.name, []]));
  for (let round = 1; round <= rounds; round++) {
    // Alternating who goes first, so neither always meets a machine the other has warmed.
    const order = round % 2 ? clients : [...clients].reverse();
    for (const c of order) {
      const r = await timed(c.argv, c.stdoutFile);
      const problem = c.check(r);
      if (problem) fail(`round ${round}, ${c.name}: ${problem}`);
      results[c.name].push(r);
      say(`round ${round} ${c.name.padEnd(22)} ${r.seconds.toFixed(2)} s  ${r.rssMiB === null ? 'RSS unknown' : `${r.rssMiB.toFixed(1)} MiB`}  exit ${r.code}`);
    }
  }
  const summary = Object.fromEntries(
    clients.map(({ name, targets }) => {
      const rs = results[name];
      const rss = rs.map((r) => r.rssMiB).filter((x) => x !== null);
      const seconds = median(rs.map((r) => r.seconds));
      return [name, { seconds, rssMiB: rss.length ? median(rss) : null, maxRssMiB: rss.length ? Math.max(...rss) : null, probesPerSecond: targets / seconds }];
    }),
  );
  const p = summary['porthole -z'];
  const n = summary['nmap -sT'];
  const ratios = n ? { time: p.seconds / n.seconds, rss: p.rssMiB !== null && n.rssMiB ? p.rssMiB / n.rssMiB : null } : null;

  // ---- (2) Idle cost of a watch. ----
  const procStat = (pid) => {
    const s = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the ")" of the command name: state is field 3, utime 14, stime 15.
    const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / clkTck;
  };
  const procStatus = (pid) => {
    const s = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (k) => Number(s.match(new RegExp(`^${k}:\\s+(\\d+) kB`, 'm'))?.[1] ?? NaN);
    return { rssMiB: kb('VmRSS') / 1024, hwmMiB: kb('VmHWM') / 1024 };
  };
  const countLines = (file) => {
    const b = fs.readFileSync(file);
    let c = 0;
    for (let i = b.indexOf(10); i !== -1; i = b.indexOf(10, i + 1)) c++;
    return c;
  };

  const idle = async (file, count) => {
    const outFile = path.join(tmp, `watch-${count}.out`);
    const out = fs.openSync(outFile, 'w');
    const argv = [...clientArgv, '--watch', String(interval), '-f', file, '--banner-wait', '0', '--parallel', String(parallel)];
    const t0 = process.hrtime.bigint();
    const elapsed = () => Number(process.hrtime.bigint() - t0) / 1e9;
    const watch = track(spawn(argv[0], argv.slice(1), { stdio: ['ignore', out, 'pipe'], env: { ...process.env, NODE_OPTIONS: '' } }));
    fs.closeSync(out);
    const stderr = collect(watch.child.stderr);
    let exited = null;
    void watch.done.then((e) => (exited = e), (e) => (exited = { error: e }));
    const alive = () => exited === null;
    // The first stretch (start-up, the first checks) is left out of the rate: what a watch
    // costs once running. The totals from the start are given too.
    const warm = Math.min(interval, idleSeconds / 2);
    await sleep(warm * 1000);
    if (!alive()) fail(`the watch of ${count} targets ended early (${exited.error?.message ?? exited.signal ?? `exit ${exited.code}`}): ${stderr().trim().slice(0, 400)}`);
    const a = { t: elapsed(), cpu: procStat(watch.child.pid), checks: countLines(outFile) };
    await sleep((idleSeconds - warm) * 1000);
    if (!alive()) fail(`the watch of ${count} targets ended early (${exited.error?.message ?? exited.signal ?? `exit ${exited.code}`}): ${stderr().trim().slice(0, 400)}`);
    const b = { t: elapsed(), cpu: procStat(watch.child.pid), checks: countLines(outFile), ...procStatus(watch.child.pid) };
    watch.child.kill('SIGTERM');
    const killer = setTimeout(() => watch.child.kill('SIGKILL'), 5000);
    const end = await watch.done.catch((e) => ({ error: e }));
    clearTimeout(killer);
    const err = stderr();
    const windowS = b.t - a.t;
    const cpuRate = (b.cpu - a.cpu) / windowS;
    const overran = err.split('\n').filter((l) => /overran/.test(l));
    return {
      targets: count,
      seconds: b.t,
      window: { from: a.t, to: b.t },
      cpuSeconds: b.cpu,
      cpuSecondsPerMinute: cpuRate * 60,
      corePct: cpuRate * 100,
      cpuSecondsPerMinuteFromStart: (b.cpu / b.t) * 60,
      checks: b.checks,
      checksPerSecond: (b.checks - a.checks) / windowS,
      expectedChecksPerSecond: count / interval,
      rssMiB: b.rssMiB,
      peakRssMiB: b.hwmMiB,
      exit: end.error ? end.error.message : (end.signal ?? end.code),
      summary: err.match(/porthole: (watched .*)/)?.[1] ?? null,
      overranRounds: overran.length,
    };
  };
  say(`idle: a watch of ${nTargets.toLocaleString('en-US')} targets every ${interval} s for ${idleSeconds} s`);
  const idleBig = await idle(targetsFile, nTargets);
  say(`idle: a watch of ${small.length} targets every ${interval} s for ${idleSeconds} s`);
  const idleSmall = await idle(smallFile, small.length);
  const { accepted } = await ask({ type: 'stats' }, 'stats', 10_000);

  // ---- Report. ----
  const machine = { date: new Date().toISOString(), cpu: os.cpus()[0]?.model ?? 'unknown', cores: os.cpus().length, node: process.version, kernel: os.release(), clkTck };
  const setup = { addresses: `${hosts[0]}..${hosts.at(-1)}`, ports: portList, targets: nTargets, open: expectOpen, refused: expectRefused, parallel, interval, idleSeconds, rounds, listenerAccepts: accepted };
  if (values.json) {
    const round = { porthole: summary['porthole -z'], portholeOneTarget: summary['porthole -z, 1 target'], nmap: n ?? null, nmapVersion, nmapProbes: n ? nAddr * layout.ports.length : null, ratios, rssMeasured: Boolean(gnuTime) };
    process.stdout.write(`${JSON.stringify({ machine, setup, round, idle: [idleBig, idleSmall] }, null, 2)}\n`);
  } else {
    report();
  }
  // The listeners' IPC channel would hold this process: they go now.
  cleanup();

  function report() {
  const w = (l = '') => process.stdout.write(`${l}\n`);
  const mib = (x) => (x === null ? 'unknown' : `${x.toFixed(1)} MiB`);
  w();
  w(`bench:watch  ${machine.date}`);
  w(`  machine  ${machine.cpu} (${machine.cores} cores), Linux ${machine.kernel}, node ${machine.node}`);
  w(`  targets  ${nTargets.toLocaleString('en-US')}: ${setup.addresses} x ports ${portList}; ${expectOpen} open (banner "220 bench", closed), ${expectRefused} refused`);
  w();
  w(`1. A round of ${nTargets.toLocaleString('en-US')} loopback targets, ${rounds} round${rounds === 1 ? '' : 's'}, medians`);
  w(`  porthole -z -f FILE --banner-wait 0 --parallel ${parallel}`);
  w(`    ${p.seconds.toFixed(2)} s (${Math.round(p.probesPerSecond).toLocaleString('en-US')} targets/s)   peak RSS ${mib(p.rssMiB)}${p.maxRssMiB !== null ? ` (max ${mib(p.maxRssMiB)})` : ''}`);
  const p1 = summary['porthole -z, 1 target'];
  w(`  porthole -z HOST:PORT --banner-wait 0 (1 open target: start-up and one connect)`);
  w(`    ${p1.seconds.toFixed(2)} s   peak RSS ${mib(p1.rssMiB)};  the ${nTargets.toLocaleString('en-US')} targets beyond it: ${(p.seconds - p1.seconds).toFixed(2)} s${p.rssMiB !== null && p1.rssMiB !== null ? `, ${(p.rssMiB - p1.rssMiB).toFixed(1)} MiB` : ''}`);
  if (n) {
    w(`  nmap ${nmapVersion} -sT -Pn -n -p ${portList} ${hostRange}`);
    w(`    (the cross product of ${nAddr} addresses and ${layout.ports.length} ports: ${(nAddr * layout.ports.length).toLocaleString('en-US')} probes, the same set)`);
    w(`    ${n.seconds.toFixed(2)} s (${Math.round(n.probesPerSecond).toLocaleString('en-US')} targets/s)   peak RSS ${mib(n.rssMiB)}${n.maxRssMiB !== null ? ` (max ${mib(n.maxRssMiB)})` : ''}`);
    w(`  porthole/nmap: time ${ratios.time.toFixed(2)}x${ratios.rss !== null ? `, peak RSS ${ratios.rss.toFixed(2)}x` : ''}`);
  } else {
    w('  nmap not installed: apt-get install nmap (porthole alone)');
  }
  if (!gnuTime) w('  GNU time (/usr/bin/time) not found: wall time from this script, RSS unknown (apt-get install time)');
  w();
  w(`2. The CPU a watch costs when idle: --watch ${interval} --banner-wait 0 --parallel ${parallel}, ${idleSeconds} s, then SIGTERM`);
  for (const r of [idleBig, idleSmall]) {
    w(`  ${r.targets.toLocaleString('en-US')} target${r.targets === 1 ? '' : 's'}`);
    w(`    CPU ${r.cpuSecondsPerMinute.toFixed(2)} s per minute of watching = ${r.corePct.toFixed(1)}% of one core (from ${r.window.from.toFixed(1)} s to ${r.window.to.toFixed(1)} s; from the start, with start-up: ${r.cpuSecondsPerMinuteFromStart.toFixed(2)} s/min, ${r.cpuSeconds.toFixed(2)} s in all)`);
    w(`    checks ${r.checksPerSecond.toFixed(1)}/s (expected ${r.expectedChecksPerSecond.toFixed(1)}/s), ${r.checks.toLocaleString('en-US')} in all${r.overranRounds ? `; ${r.overranRounds} round${r.overranRounds === 1 ? '' : 's'} overran the interval` : ''}`);
    w(`    RSS at the end ${mib(r.rssMiB)} (peak ${mib(r.peakRssMiB)})   exit after SIGTERM: ${r.exit}`);
    if (r.summary) w(`    porthole: ${r.summary}`);
  }
  }
}

// ---- Helpers. ----------------------------------------------------------------------------------

/** A command's stdout, or "" when it cannot run or fails. */
function tryRun(cmd, args) {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    return typeof e.stdout === 'string' ? e.stdout + (e.stderr ?? '') : '';
  }
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** Sorted ports as nmap's -p list: runs as A-B. */
function compressPorts(ports) {
  const s = [...ports].sort((a, b) => a - b);
  const parts = [];
  for (let i = 0; i < s.length; ) {
    let j = i;
    while (j + 1 < s.length && s[j + 1] === s[j] + 1) j++;
    parts.push(j > i ? `${s[i]}-${s[j]}` : String(s[i]));
    i = j + 1;
  }
  return parts.join(',');
}
