#!/usr/bin/env node
// npm run bench:ingest: the session's hot path without a terminal: bytes -> the UTF-8 decoder ->
// Scrollback.append, in 64 KiB chunks as the socket gives them, with a frame's viewport now and
// then. For each kind of flood: the rate, and the heap the scrollback holds beside what it counts
// (its byteCount, which its byte cap bounds): the count is honest when held/counted stays near 1.

import { execFileSync, fork } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '..');
const MiB = 1 << 20;
const CHUNK = 64 * 1024;

/**
 * The floods, each a pool of bytes served in chunks from a rolling offset. random: the lab's
 * binary-flood bytes; nul: /dev/zero (no LF: lines at the cap, every character a mark); mixed: per
 * chunk a short clean line, then a long one of controls (a clean slice next to marked copies).
 */
const KINDS = ['text', 'random', 'nul', 'mixed'];

const USAGE = `Usage: npm run bench:ingest -- [options]

Feeds each kind of flood through src/core (bundled afresh with esbuild) in a child process of its
own, capped like the CLI (--max-old-space-size=128), and prints its rate and the scrollback's heap.

  --mb N        MiB of each flood                                   [default: 100]
  --kinds LIST  ${KINDS.join(',')}                            [default: all]
  --rounds N    runs of each kind; the best rate and the last heap   [default: 3]
  --core DIR    the src/core to bench, e.g. an older checkout's      [default: this checkout's]
  --no-frames   no viewport between chunks (the pane's layout cache is part of what is held)
  --json        the results as JSON
  -h, --help`;

function options() {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        mb: { type: 'string' },
        kinds: { type: 'string' },
        rounds: { type: 'string' },
        core: { type: 'string' },
        'no-frames': { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
        child: { type: 'string' },
      },
    }));
  } catch (e) {
    usage(e.message);
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  const whole = (v, flag, fallback) => {
    if (v === undefined) return fallback;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) usage(`${flag} needs a whole number from 1, not "${v}"`);
    return n;
  };
  const kinds = values.kinds === undefined ? KINDS : values.kinds.split(',').map((s) => s.trim());
  for (const k of kinds) if (!KINDS.includes(k)) usage(`--kinds: unknown "${k}" (known: ${KINDS.join(', ')})`);
  const core = path.resolve(values.core ?? path.join(ROOT, 'src', 'core'));
  if (!fs.existsSync(path.join(core, 'scrollback.ts'))) usage(`--core: no scrollback.ts in ${core}`);
  return {
    bytes: whole(values.mb, '--mb', 100) * MiB,
    kinds,
    rounds: whole(values.rounds, '--rounds', 3),
    core,
    frames: !values['no-frames'],
    json: values.json,
    child: values.child,
  };
}

function usage(message) {
  process.stderr.write(`bench-ingest: ${message}\n\n${USAGE}\n`);
  process.exit(2);
}

// ---------------------------------------------------------------------------------------------
// The child: one flood, one fresh heap

/** The lab's random bytes, the same every run (the lab bundle is not needed for them). */
function xorshift(length, seed = 0x9e3779b9) {
  const words = new Uint32Array(Math.ceil(length / 4));
  let x = seed;
  for (let i = 0; i < words.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    words[i] = x >>> 0;
  }
  return Buffer.from(words.buffer, 0, length);
}

function pool(kind) {
  const size = 8 * MiB;
  switch (kind) {
    case 'text': {
      const line = (i) => `${String(i).padStart(12, '0')} porthole lab flood: the quick brown fox jumps over the lazy\n`;
      return Buffer.from(Array.from({ length: size / 64 }, (_, i) => line(i)).join(''), 'latin1');
    }
    case 'random':
      return xorshift(size);
    case 'nul':
      return Buffer.alloc(size);
    case 'mixed': {
      const chunks = [];
      for (let i = 0; i < size / CHUNK; i++) {
        const head = Buffer.from(`a clean line, number ${String(i).padStart(6, '0')}\n`, 'latin1');
        chunks.push(head, Buffer.alloc(CHUNK - head.length - 1, 0x01), Buffer.from('\n'));
      }
      return Buffer.concat(chunks);
    }
  }
  throw new Error(`unknown kind ${kind}`);
}

async function child(kind, bundle, bytes, frames) {
  const { Scrollback, createDecoder, initialScroll, viewport } = await import(bundle);
  const bytesPool = pool(kind);
  const gc = globalThis.gc;
  gc();
  let store = new Scrollback();
  const decoder = createDecoder('utf-8');
  const scroll = initialScroll(120, 38);
  const t0 = performance.now();
  for (let sent = 0, at = 0, n = 0; sent < bytes; sent += CHUNK, at = (at + CHUNK) % bytesPool.length, n++) {
    store.append(decoder.write(bytesPool.subarray(at, at + CHUNK)), 'in', Date.now());
    // A frame every 4 chunks: ~30 a second at the rates a pane sees.
    if (frames && n % 4 === 0) viewport(store, scroll);
  }
  const ms = performance.now() - t0;
  gc();
  gc();
  const withStore = process.memoryUsage().heapUsed;
  const counted = store.byteCount;
  const lines = store.lineCount;
  store = null;
  gc();
  gc();
  const held = withStore - process.memoryUsage().heapUsed;
  const hwm = Number(/^VmHWM:\s+(\d+) kB/m.exec(fs.readFileSync('/proc/self/status', 'utf8'))?.[1] ?? NaN) / 1024;
  process.send({ kind, mibps: bytes / MiB / (ms / 1000), lines, countedMiB: counted / MiB, heldMiB: held / MiB, hwmMiB: hwm });
}

// ---------------------------------------------------------------------------------------------
// The parent

function bundleCore(core, dir) {
  const entry = path.join(dir, 'entry.ts');
  const out = path.join(dir, 'core.mjs');
  fs.writeFileSync(
    entry,
    [
      `export { Scrollback, initialScroll, viewport } from ${JSON.stringify(path.join(core, 'scrollback.ts'))};`,
      `export { createDecoder } from ${JSON.stringify(path.join(core, 'codec.ts'))};`,
    ].join('\n'),
  );
  const esbuild = path.join(ROOT, 'node_modules', '.bin', 'esbuild');
  // Bundled CommonJS (iconv-lite) calls require(): one that resolves from this checkout.
  const banner = `import { createRequire } from 'node:module'; const require = createRequire(${JSON.stringify(path.join(ROOT, 'package.json'))});`;
  execFileSync(esbuild, [entry, '--bundle', '--platform=node', '--format=esm', `--outfile=${out}`, '--log-level=warning', `--banner:js=${banner}`], {
    stdio: 'inherit',
  });
  return out;
}

function runChild(kind, bundle, o) {
  return new Promise((resolve, reject) => {
    const args = ['--child', kind, '--mb', String(o.bytes / MiB), ...(o.frames ? [] : ['--no-frames'])];
    const c = fork(fileURLToPath(import.meta.url), args, {
      execArgv: ['--expose-gc', '--max-old-space-size=128'],
      env: { ...process.env, BENCH_INGEST_BUNDLE: bundle },
      // V8's report of a heap out of memory is long; the row says it.
      stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
    });
    let result = null;
    let stderr = '';
    c.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
    c.on('message', (m) => (result = m));
    c.on('error', reject);
    c.on('exit', (code, signal) => {
      if (result) return resolve(result);
      // The CLI's heap cap reached: what a session would have done too.
      const oom = /heap out of memory/i.test(stderr);
      if (!oom) process.stderr.write(stderr);
      resolve({ kind, failed: oom ? 'out of memory' : `ended (${signal ?? code})` });
    });
  });
}

async function main() {
  const o = options();
  if (o.child) return child(o.child, process.env.BENCH_INGEST_BUNDLE, o.bytes, o.frames);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'porthole-bench-ingest-'));
  try {
    const bundle = bundleCore(o.core, dir);
    const load = os.loadavg().map((x) => +x.toFixed(2));
    const results = [];
    for (const kind of o.kinds) {
      const runs = [];
      for (let r = 0; r < o.rounds; r++) runs.push(await runChild(kind, bundle, o));
      const done = runs.filter((r) => !r.failed);
      const best = done.reduce((a, b) => (b.mibps > a.mibps ? b : a), done[0]);
      results.push(done.length ? { ...done.at(-1), mibps: best.mibps, rounds: runs.length, failed: runs.find((r) => r.failed)?.failed } : runs[0]);
      process.stderr.write(`   ${kind.padEnd(7)} ${runs.map((r) => r.failed ?? `${r.mibps.toFixed(1)} MiB/s`).join(', ')}\n`);
    }
    const report = { node: process.version, core: path.relative(ROOT, o.core) || o.core, mib: o.bytes / MiB, frames: o.frames, load, loadAtEnd: os.loadavg().map((x) => +x.toFixed(2)), results };
    if (o.json) {
      process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      return;
    }
    const out = [];
    out.push(`ingest bench: ${report.mib} MiB a flood through ${report.core}, 64 KiB chunks${o.frames ? ', a viewport every 4' : ''}; best of ${o.rounds}`);
    out.push(`  ${process.version}, load ${load.join(' ')} at start, ${report.loadAtEnd.join(' ')} at end`);
    out.push(`  ${'flood'.padEnd(8)}${'MiB/s'.padStart(8)}${'lines'.padStart(8)}${'counted'.padStart(10)}${'held'.padStart(10)}${'held/counted'.padStart(14)}${'peak RSS'.padStart(10)}`);
    for (const r of results) {
      if (r.mibps === undefined) {
        out.push(`  ${r.kind.padEnd(8)}  ${r.failed}, under the CLI's heap cap`);
        continue;
      }
      out.push(
        `  ${r.kind.padEnd(8)}${r.mibps.toFixed(1).padStart(8)}${String(r.lines).padStart(8)}${`${r.countedMiB.toFixed(2)} MiB`.padStart(10)}` +
          `${`${r.heldMiB.toFixed(2)} MiB`.padStart(10)}${r.countedMiB ? (r.heldMiB / r.countedMiB).toFixed(2).padStart(14) : 'n/a'.padStart(14)}${`${r.hwmMiB.toFixed(0)} MiB`.padStart(10)}`,
      );
    }
    process.stdout.write(`${out.join('\n')}\n`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  process.stderr.write(`bench-ingest: ${e.stack ?? e}\n`);
  process.exit(1);
});
