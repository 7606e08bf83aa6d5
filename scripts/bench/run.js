// One run of one client: spawn it against the flood server with stdin from /dev/null and stdout
// to a sink, time it, check it got every byte and exited by itself, and read its peak RSS and CPU.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const MiB = 1 << 20;
const sh = (s) => `'${String(s).replace(/'/g, `'\\''`)}'`;

let running = null;

/** Kills the run in progress, if any, with everything it started (bench interrupted). */
export function killRunning() {
  if (running) killGroup(running);
}

function killGroup(child) {
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {}
}

/**
 * client: { name, argv(port), selfCounting? } (a self-counting client prints its byte count and
 * has no sink); sink: 'null' | 'pipe'; ctx: { gnuTime, verify, tmp }.
 */
export async function runOnce(flood, client, sink, bytes, ctx) {
  await flood.setSize(bytes);
  const timeFile = path.join(ctx.tmp, 'time');
  const statusFile = path.join(ctx.tmp, 'status');
  fs.rmSync(timeFile, { force: true });
  fs.rmSync(statusFile, { force: true });
  const argv = [...(ctx.gnuTime ? [ctx.gnuTime, '-o', timeFile, '-f', '%M %U %S'] : []), ...client.argv(flood.port)];
  const devNullIn = fs.openSync('/dev/null', 'r');
  const devNullOut = fs.openSync('/dev/null', 'w');
  // A process group of its own, so that a client that hangs is killed with all it started.
  const opts = { detached: true, env: { ...process.env, NODE_OPTIONS: '' } };
  const t0 = process.hrtime.bigint();
  let child;
  if (client.selfCounting) {
    child = spawn(argv[0], argv.slice(1), { ...opts, stdio: [devNullIn, 'pipe', 'pipe'] });
  } else if (sink === 'null') {
    child = spawn(argv[0], argv.slice(1), { ...opts, stdio: [devNullIn, devNullOut, 'pipe'] });
  } else {
    // A shell pipeline, so that the counter reads the very pipe the client writes to. sh has no
    // pipefail: the client's exit status comes back through a file.
    const counter = ctx.verify ? `${sh(process.execPath)} ${sh(path.join(HERE, 'check.js'))}` : 'wc -c';
    const line = `{ ${argv.map(sh).join(' ')}; echo $? > ${sh(statusFile)}; } | ${counter}`;
    child = spawn('/bin/sh', ['-c', line], { ...opts, stdio: [devNullIn, 'pipe', 'pipe'] });
  }
  fs.closeSync(devNullIn);
  fs.closeSync(devNullOut);
  running = child;
  let out = '';
  let err = '';
  let spawnError = null;
  child.on('error', (e) => (spawnError = e));
  child.stdout?.setEncoding('utf8').on('data', (s) => (out += s));
  child.stderr?.setEncoding('utf8').on('data', (s) => (err += s));

  // Generous: a client still running by then is hanging, and that is a failure in itself.
  const limitMs = 15_000 + (bytes / MiB / 20) * 1000;
  let hung = false;
  const timer = setTimeout(() => {
    hung = true;
    killGroup(child);
  }, limitMs);
  let t1 = null;
  child.once('exit', () => (t1 = process.hrtime.bigint()));
  const [code, signal] = await new Promise((resolve) => child.once('close', (c, s) => resolve([c, s])));
  clearTimeout(timer);
  running = null;
  const conn = await flood.connection(2000);

  const r = { client: client.name, sink: client.selfCounting ? 'none' : sink, bytes, ok: true, problems: [] };
  const fail = (p) => {
    r.ok = false;
    r.problems.push(p);
  };
  if (spawnError) fail(`could not start: ${spawnError.code ?? spawnError.message}`);
  if (t1 !== null) {
    r.wallS = Number(t1 - t0) / 1e9;
    r.mibps = bytes / MiB / r.wallS;
  }
  if (conn) {
    // The server's clock is this one (CLOCK_MONOTONIC): connect time splits startup from stream.
    r.startupS = Number(BigInt(conn.accepted) - t0) / 1e9;
    if (r.wallS) r.streamMibps = bytes / MiB / (r.wallS - r.startupS);
    if (conn.error) fail(`the server saw ${conn.error}`);
    if (conn.size !== bytes || conn.written < bytes) fail(`the server sent ${conn.written} of ${bytes} bytes`);
  } else {
    fail('no connection reached the server');
  }
  if (hung) fail(`still running after ${(limitMs / 1000).toFixed(0)} s, killed: it must exit when the server closes`);
  const status = sink === 'pipe' && !client.selfCounting ? readStatus(statusFile) : signal ? `signal ${signal}` : code;
  if (status !== 0 && !hung) fail(`exit status ${status}`);
  if (sink === 'pipe' || client.selfCounting) {
    const [count, , at] = out.trim().split(' ');
    r.received = Number.parseInt(count, 10);
    if (r.received !== bytes) fail(`received ${Number.isNaN(r.received) ? 'no count' : r.received} of ${bytes} bytes`);
    if (at !== undefined) fail(`corrupt: the bytes differ from what was sent from offset ${at} on`);
  }
  if (ctx.gnuTime) {
    // GNU time writes "Command exited with non-zero status N" first; the figures are the last line.
    const fields = readText(timeFile).trim().split('\n').at(-1)?.split(' ').map(Number) ?? [];
    if (fields.length === 3 && fields.every(Number.isFinite)) {
      r.rssMiB = fields[0] / 1024;
      r.userS = fields[1];
      r.sysS = fields[2];
      r.cpuS = fields[1] + fields[2];
    }
  }
  if (!r.ok && err.trim()) r.stderr = err.trim().split('\n').slice(-3).join(' | ');
  return r;
}

function readText(file) {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

function readStatus(file) {
  const t = readText(file).trim();
  return t === '' ? 'unknown (the client never finished)' : Number(t);
}
