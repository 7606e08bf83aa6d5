// A port that behaves as if a firewall dropped the SYN: a listener that never accepts, with its
// accept queue filled, so the kernel drops further SYNs and a connect hangs until a timer fires.
import { spawn } from 'node:child_process';
import net from 'node:net';

// The child listens, reports its port, then blocks its only thread: nothing ever calls accept().
const CHILD = `
const net = require('node:net'); const fs = require('node:fs');
const s = net.createServer(); s.listen({ port: 0, host: '127.0.0.1', backlog: 1 }, () => {
  fs.writeSync(1, s.address().port + '\\n');
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
});`;

export interface Filtered {
  port: number;
  close(): Promise<void>;
}

export async function listenNeverAccept(): Promise<Filtered> {
  const child = spawn(process.execPath, ['-e', CHILD], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout.once('data', (d: Buffer) => resolve(Number(d.toString().trim())));
    child.once('exit', (code) => reject(new Error(`filtered listener exited ${code}`)));
  });
  const fillers: net.Socket[] = [];
  // Fill the queue until a connect no longer completes: from then on SYNs are dropped.
  for (let i = 0; i < 8; i++) {
    const s = net.connect(port, '127.0.0.1');
    s.on('error', () => {});
    fillers.push(s);
    const connected = await new Promise<boolean>((resolve) => {
      const t = setTimeout(() => resolve(false), 300);
      s.once('connect', () => (clearTimeout(t), resolve(true)));
    });
    if (!connected) break;
  }
  return {
    port,
    close: async () => {
      for (const s of fillers) s.destroy();
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await exited;
    },
  };
}
