// A network namespace of the test's own, with only a loopback and a fake DNS server on it: DNS
// outcomes through the real system resolver, with no packet leaving the namespace.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';

// Answers A/AAAA for *.lab.test with loopback, NXDOMAIN for anything else.
const DNS_SERVER = `
const dgram = require('node:dgram'); const fs = require('node:fs');
const s = dgram.createSocket('udp4');
s.on('message', (q, rinfo) => {
  let i = 12, labels = [];
  while (q[i] !== 0) { labels.push(q.toString('latin1', i + 1, i + 1 + q[i])); i += q[i] + 1; }
  const qtype = q.readUInt16BE(i + 1), name = labels.join('.').toLowerCase(), qend = i + 5;
  const known = name.endsWith('lab.test');
  const rdata = qtype === 1 ? Buffer.from([127, 0, 0, 1]) : qtype === 28 ? Buffer.from('00000000000000000000000000000001', 'hex') : null;
  const answer = known && rdata;
  const h = Buffer.alloc(12); q.copy(h, 0, 0, 2);
  h.writeUInt16BE(0x8180 | (q[2] & 1) << 8 | (known ? 0 : 3), 2); h.writeUInt16BE(1, 4); h.writeUInt16BE(answer ? 1 : 0, 6);
  const parts = [h, q.subarray(12, qend)];
  if (answer) { const rr = Buffer.alloc(12); rr.writeUInt16BE(0xc00c, 0); rr.writeUInt16BE(qtype, 2); rr.writeUInt16BE(1, 4); rr.writeUInt32BE(60, 6); rr.writeUInt16BE(rdata.length, 10); parts.push(rr, rdata); }
  s.send(Buffer.concat(parts), rinfo.port, rinfo.address);
});
s.bind(53, '127.0.0.1', () => fs.writeSync(1, 'ready\\n'));`;

export interface Netns {
  name: string;
  /** argv prefix that runs a command inside the namespace. */
  exec: string[];
  startDns(): Promise<void>;
  close(): Promise<void>;
}

/** Why namespaces cannot be had here, or null when they can. */
export function netnsUnavailable(): string | null {
  if (process.getuid?.() !== 0) return 'not root (network namespaces need root)';
  try {
    execFileSync('ip', ['netns', 'list'], { stdio: 'ignore' });
    return null;
  } catch {
    return 'ip netns is not available (iproute2)';
  }
}

let seq = 0;
export async function createNetns(): Promise<Netns> {
  const name = `porthole-test-${process.pid}-${seq++}`;
  execFileSync('ip', ['netns', 'add', name]);
  execFileSync('ip', ['netns', 'exec', name, 'ip', 'link', 'set', 'lo', 'up']);
  fs.mkdirSync(`/etc/netns/${name}`, { recursive: true });
  fs.writeFileSync(`/etc/netns/${name}/resolv.conf`, 'nameserver 127.0.0.1\noptions timeout:1 attempts:1\n');
  const children: ChildProcess[] = [];
  const exec = ['ip', 'netns', 'exec', name];
  return {
    name,
    exec,
    async startDns() {
      const child = spawn(exec[0]!, [...exec.slice(1), process.execPath, '-e', DNS_SERVER], { stdio: ['ignore', 'pipe', 'inherit'] });
      children.push(child);
      await new Promise<void>((resolve, reject) => {
        child.stdout!.once('data', () => resolve());
        child.once('exit', (code) => reject(new Error(`fake DNS server exited ${code}`)));
      });
    },
    async close() {
      for (const c of children) c.kill('SIGKILL');
      await Promise.all(children.map((c) => (c.exitCode === null ? new Promise((r) => c.once('exit', r)) : null)));
      execFileSync('ip', ['netns', 'del', name]);
      fs.rmSync(`/etc/netns/${name}`, { recursive: true, force: true });
    },
  };
}
