#!/usr/bin/env node
// npm run bench: how fast porthole's pipe mode receives a large stream on loopback, and with how
// much memory, side by side with nc and socat where they are installed. The requirement it checks:
// at least as fast as both, with a peak memory that does not grow with the stream.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startFlood } from './bench/flood.js';
import { machineFacts } from './bench/machine.js';
import { analyse, fmt, table } from './bench/report.js';
import { killRunning, runOnce } from './bench/run.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '..');
const MiB = 1 << 20;
const HOST = '127.0.0.1';

const USAGE = `Usage: npm run bench -- [options]

Each client receives a stream from the bench's flood server on ${HOST}, one run at a time, with
stdin from /dev/null and stdout to each sink; medians of the rounds are reported.

  --mb N          MiB each client receives per run            [default: 1024; --quick: 256]
  --small-mb N    porthole also receives this many MiB, to show that its memory stays flat
                  (the same as --mb: skipped)                 [default: 256; --quick: 64]
  --rounds N      runs of each client on each sink            [default: 5; --quick: 3]
  --quick         a short run (about 20 s): a smaller stream and fewer rounds
  --only LIST     clients, comma-separated: porthole,nc,socat [default: those installed]
  --sinks LIST    null: stdout to /dev/null; pipe: stdout through a pipe into wc -c, which
                  counts every byte and pushes back as a real reader does [default: null,pipe]
  --porthole P    the command to bench                        [default: dist/porthole.cjs here]
  --candidate N=P also bench P (run as porthole is: node P --pipe HOST PORT) as N, in the same
                  rounds, with porthole's ratios to it; repeatable. To measure a change to pipe
                  mode, build it in a scratch copy and compare it here.
  --tls           the stream over TLS (the server's certificate made for the run, trusted by
                  each client with its own option): porthole --tls beside openssl s_client
                  -quiet and socat OPENSSL:, 256 MiB by default; the requirement: at least
                  s_client's rate and within 1.25x of socat's
  --verify        the pipe sink compares every byte with what was sent instead of counting
                  (slower: its rates then measure the checker as much as the client)
  --json          the results as JSON instead of the table (progress stays on stderr)
  -h, --help`;

function usage(message) {
  process.stderr.write(`bench: ${message}\n\n${USAGE}\n`);
  process.exit(2);
}

function options() {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        mb: { type: 'string' },
        'small-mb': { type: 'string' },
        rounds: { type: 'string' },
        quick: { type: 'boolean', default: false },
        only: { type: 'string' },
        sinks: { type: 'string' },
        porthole: { type: 'string' },
        candidate: { type: 'string', multiple: true, default: [] },
        verify: { type: 'boolean', default: false },
        tls: { type: 'boolean', default: false },
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
  const quick = values.quick;
  const whole = (v, flag, fallback) => {
    if (v === undefined) return fallback;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) usage(`${flag} needs a whole number from 1, not "${v}"`);
    return n;
  };
  const list = (v, all, flag) => {
    if (v === undefined) return all;
    const items = v.split(',').map((s) => s.trim()).filter(Boolean);
    for (const i of items) if (!all.includes(i)) usage(`${flag}: unknown "${i}" (known: ${all.join(', ')})`);
    return items;
  };
  const tlsMode = values.tls;
  const contenders = tlsMode ? TLS_CONTENDERS : CONTENDERS;
  return {
    tls: tlsMode,
    contenders,
    bytes: whole(values.mb, '--mb', tlsMode ? (quick ? 64 : 256) : quick ? 256 : 1024) * MiB,
    smallBytes: whole(values['small-mb'], '--small-mb', tlsMode ? (quick ? 16 : 64) : quick ? 64 : 256) * MiB,
    rounds: whole(values.rounds, '--rounds', quick ? 3 : 5),
    only: list(values.only, contenders.map((c) => c.name), '--only'),
    sinks: list(values.sinks, ['null', 'pipe'], '--sinks'),
    porthole: path.resolve(values.porthole ?? path.join(ROOT, 'dist', 'porthole.cjs')),
    candidates: values.candidate.map((spec) => {
      const m = /^([^=\s]+)=(.+)$/.exec(spec);
      if (!m) usage(`--candidate needs NAME=PATH, not "${spec}"`);
      if (!fs.existsSync(m[2])) usage(`--candidate ${m[1]}: ${m[2]} not found`);
      return { name: m[1], path: path.resolve(m[2]) };
    }),
    verify: values.verify,
    json: values.json,
  };
}

const CONTENDERS = [
  {
    name: 'porthole',
    label: 'porthole --pipe',
    missing: (o) => (fs.existsSync(o.porthole) ? null : `${path.relative(ROOT, o.porthole)} not found: run npm run build first`),
    argv: (o) => (port) => [process.execPath, o.porthole, '--pipe', HOST, String(port)],
  },
  {
    name: 'nc',
    label: 'nc -N',
    // -N is porthole's own contract: half-close on stdin's EOF, read on until the server's FIN,
    // then exit. Other netcats spell that differently (or hang), so only netcat-openbsd runs.
    missing: (_o, m) => (!m.nc ? 'nc not installed' : /OpenBSD/.test(m.nc) ? null : `nc is not netcat-openbsd ("${m.nc}")`),
    argv: () => (port) => ['nc', '-N', HOST, String(port)],
  },
  {
    name: 'socat',
    label: 'socat -u',
    missing: (_o, m) => (m.socat ? null : 'socat not installed'),
    argv: () => (port) => ['socat', '-u', `TCP:${HOST}:${port}`, 'STDOUT'],
  },
];

/**
 * Over TLS, each client trusts the run's certificate (o.cert) its own way; porthole verifies as
 * by default. s_client -quiet is -ign_eof too: it reads until the server's close, then exits.
 */
const TLS_CONTENDERS = [
  {
    name: 'porthole',
    label: 'porthole --tls',
    missing: (o) => (fs.existsSync(o.porthole) ? null : `${path.relative(ROOT, o.porthole)} not found: run npm run build first`),
    argv: (o) => (port) => [process.execPath, o.porthole, '--pipe', '--tls', '--ca', o.cert, HOST, String(port)],
  },
  {
    name: 's_client',
    label: 'openssl s_client',
    missing: (_o, m) => (m.openssl ? null : 'openssl not installed'),
    argv: (o) => (port) => ['openssl', 's_client', '-quiet', '-verify_quiet', '-verify_return_error', '-CAfile', o.cert, '-connect', `${HOST}:${port}`],
  },
  {
    name: 'socat',
    label: 'socat OPENSSL:',
    missing: (_o, m) => (m.socat ? null : 'socat not installed'),
    argv: (o) => (port) => ['socat', '-u', `OPENSSL:${HOST}:${port},cafile=${o.cert}`, 'STDOUT'],
  },
];

/** What porthole's rate must be at least, as a share of each other's: the issues' targets. */
const TARGETS = { plain: { nc: 1, socat: 1 }, tls: { s_client: 1, socat: 0.8 } };

/** Not a contender: the bench's own discarding reader, the fastest the server can be read. */
const CEILING = {
  name: 'ceiling',
  label: 'bench reader',
  selfCounting: true,
  argv: (port) => [process.execPath, path.join(HERE, 'bench', 'discard.js'), HOST, String(port)],
};
const TLS_CEILING = { ...CEILING, argv: (port) => [process.execPath, path.join(HERE, 'bench', 'discard.js'), '--tls', HOST, String(port)] };

/** A certificate for the run's TLS flood server, for 127.0.0.1, made with the openssl command. */
function makeCert(dir) {
  const cert = path.join(dir, 'cert.pem');
  const key = path.join(dir, 'key.pem');
  const r = spawnSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key, '-out', cert, '-days', '2', '-subj', '/CN=localhost', '-addext', `subjectAltName=IP:${HOST},DNS:localhost`], { stdio: ['ignore', 'ignore', 'pipe'] });
  if (r.status !== 0) throw new Error(`openssl could not make the bench's certificate: ${r.stderr}`);
  return { cert, key };
}

async function main() {
  const o = options();
  const m = machineFacts();
  const log = (s) => process.stderr.write(`${s}\n`);

  const skipped = [];
  const clients = [];
  if (o.tls && !m.openssl) {
    log('bench: --tls needs the openssl command (it makes the server\'s certificate, and s_client is a contender)');
    return 2;
  }
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'porthole-bench-'));
  // Gone however the bench ends: with --tls it holds the certificate's key.
  process.once('exit', () => fs.rmSync(tmp, { recursive: true, force: true }));
  const certs = o.tls ? makeCert(tmp) : null;
  if (certs) o.cert = certs.cert;
  const ceiling = o.tls ? TLS_CEILING : CEILING;
  for (const c of o.contenders.filter((c) => o.only.includes(c.name))) {
    const why = c.missing(o, m);
    if (why) skipped.push({ client: c.name, why });
    else clients.push({ name: c.name, label: c.label, argv: c.argv(o) });
  }
  const portholeMissing = skipped.find((s) => s.client === 'porthole');
  if (portholeMissing) {
    log(`bench: ${portholeMissing.why}`);
    return 2;
  }
  for (const s of skipped) log(`bench: skipping ${s.client}: ${s.why}`);
  for (const cand of o.candidates) {
    const tlsArgs = o.tls ? ['--tls', '--ca', o.cert] : [];
    clients.push({ name: cand.name, label: cand.name, argv: (port) => [process.execPath, cand.path, '--pipe', ...tlsArgs, HOST, String(port)] });
  }

  // Every round runs every case once, in the same order, so that drift on a shared machine
  // (other work, frequency) falls on every client alike instead of on whichever ran last.
  const cases = [{ client: ceiling, sink: 'null', bytes: o.bytes }];
  for (const c of clients) for (const sink of o.sinks) cases.push({ client: c, sink, bytes: o.bytes });
  const porthole = clients.find((c) => c.name === 'porthole');
  if (porthole && o.smallBytes !== o.bytes) {
    for (const sink of o.sinks) cases.push({ client: porthole, sink, bytes: o.smallBytes });
  }

  const flood = await startFlood(certs);
  process.once('exit', () => {
    killRunning();
    flood.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.once(sig, () => {
      log(`bench: ${sig}: stopping`);
      process.exit(130);
    });
  }
  const ctx = { gnuTime: m.gnuTime, verify: o.verify, tmp };

  const t0 = Date.now();
  const small = o.smallBytes !== o.bytes && porthole ? ` (porthole also ${o.smallBytes / MiB} MiB)` : '';
  log(`bench: ${o.tls ? 'TLS ' : ''}flood server on ${HOST}:${flood.port}; ${o.rounds} rounds of ${cases.length} runs, ${o.bytes / MiB} MiB each${small}`);
  // One small unmeasured run each first: binaries into the page cache, the server's JIT warm.
  for (const c of [ceiling, ...clients]) {
    const r = await runOnce(flood, c, 'null', 16 * MiB, ctx);
    if (!r.ok) log(`bench: warm-up of ${c.name} failed (${r.problems.join('; ')}); measuring anyway`);
  }

  const results = cases.map((c) => ({ ...c, runs: [] }));
  const failures = [];
  for (let round = 1; round <= o.rounds; round++) {
    for (const c of results) {
      const r = await runOnce(flood, c.client, c.sink, c.bytes, ctx);
      r.round = round;
      c.runs.push(r);
      const tag = `${c.client.name} ${r.sink} ${c.bytes / MiB} MiB, round ${round}/${o.rounds}`;
      if (r.ok) {
        log(`  ${tag}: ${fmt(r.mibps)} MiB/s, peak RSS ${fmt(r.rssMiB, 1)} MiB`);
      } else {
        failures.push(r);
        log(`\n!!! FAILED: ${tag}: ${r.problems.join('; ')}${r.stderr ? `\n!!! its stderr: ${r.stderr}` : ''}\n`);
      }
    }
  }
  const elapsedS = (Date.now() - t0) / 1000;
  flood.stop();

  const report = {
    machine: m,
    config: {
      host: HOST,
      mib: o.bytes / MiB,
      smallMib: o.smallBytes / MiB,
      rounds: o.rounds,
      sinks: o.sinks,
      verify: o.verify,
      tls: o.tls,
      porthole: o.porthole,
      candidates: o.candidates,
    },
    skipped,
    ...analyse(results, { ...o, targets: TARGETS[o.tls ? 'tls' : 'plain'] }),
    failures,
    elapsedS,
    ok: failures.length === 0,
  };
  process.stdout.write(o.json ? `${JSON.stringify(report, null, 2)}\n` : table(report));
  return failures.length ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    process.stderr.write(`bench: ${e?.stack ?? e}\n`);
    process.exit(1);
  },
);
