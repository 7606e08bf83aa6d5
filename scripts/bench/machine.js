// What the figures depend on, printed above them: the machine, Node, and the versions of the
// tools porthole is compared with.

import { spawnSync } from 'node:child_process';
import os from 'node:os';

/** First line a command prints (on stdout or stderr: nc -h uses stderr), or null when absent. */
function firstLine(file, args) {
  const r = spawnSync(file, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 5000 });
  if (r.error) return null;
  return `${r.stdout}${r.stderr}`.trim().split('\n')[0].trim() || null;
}

export function machineFacts() {
  const gnuTime = firstLine('/usr/bin/time', ['--version']);
  const socat = spawnSync('socat', ['-V'], { encoding: 'utf8' }).stdout?.match(/socat version (\S+)/)?.[1];
  return {
    node: process.version,
    cpus: os.availableParallelism?.() ?? os.cpus().length,
    cpuModel: os.cpus()[0]?.model?.trim() ?? 'unknown',
    kernel: `${os.type()} ${os.release()}`,
    memGiB: +(os.totalmem() / 2 ** 30).toFixed(1),
    nc: firstLine('nc', ['-h']),
    socat: socat ? `socat ${socat}` : null,
    openssl: firstLine('openssl', ['version']),
    counter: firstLine('wc', ['--version']),
    // GNU time reads the client's own peak RSS and CPU from wait4(): no polling that could miss
    // the peak, and nothing added to the client.
    gnuTime: gnuTime && /GNU/.test(gnuTime) ? '/usr/bin/time' : null,
  };
}
