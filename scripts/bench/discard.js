// The bench's own trivial reader: connects, counts and drops every byte, prints the count. It
// measures how fast the flood server can send at all: a client near that rate is server-bound.

import net from 'node:net';
import tls from 'node:tls';

// --tls: the bench's TLS flood (its certificate is the bench's own: not checked here).
const args = process.argv.slice(2);
const overTls = args[0] === '--tls';
const [host, port] = overTls ? args.slice(1) : args;
// One reused 1 MiB buffer: a read moves as much as the kernel has, and nothing is allocated per
// read, so the reader costs as little as a reader in Node can.
const buffer = Buffer.allocUnsafe(1 << 20);
let received = 0;

const options = {
  host,
  port: Number(port),
  allowHalfOpen: true,
  onread: { buffer, callback: (n) => void (received += n) },
};
const socket = overTls ? tls.connect({ ...options, rejectUnauthorized: false }) : net.connect(options);
socket.on(overTls ? 'secureConnect' : 'connect', () => socket.end());
socket.on('end', () => {
  process.stdout.write(`${received}\n`);
  socket.destroy();
});
socket.on('error', (e) => {
  process.stderr.write(`discard: ${e.code ?? e.message}\n`);
  process.exitCode = 1;
});
