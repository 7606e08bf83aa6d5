// The bench's own trivial reader: connects, counts and drops every byte, prints the count. It
// measures how fast the flood server can send at all: a client near that rate is server-bound.

import net from 'node:net';

const [host, port] = process.argv.slice(2);
// One reused 1 MiB buffer: a read moves as much as the kernel has, and nothing is allocated per
// read, so the reader costs as little as a reader in Node can.
const buffer = Buffer.allocUnsafe(1 << 20);
let received = 0;

const socket = net.connect({
  host,
  port: Number(port),
  allowHalfOpen: true,
  onread: { buffer, callback: (n) => void (received += n) },
});
socket.on('connect', () => socket.end());
socket.on('end', () => {
  process.stdout.write(`${received}\n`);
  socket.destroy();
});
socket.on('error', (e) => {
  process.stderr.write(`discard: ${e.code ?? e.message}\n`);
  process.exitCode = 1;
});
