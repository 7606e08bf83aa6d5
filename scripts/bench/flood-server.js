// The bench's flood server: each connection gets the current number of bytes as fast as the
// kernel takes them, then a FIN. It runs in a process of its own so that it never shares an event
// loop with a client or with the bench. Parent protocol over IPC: {size} sets the bytes for the
// connections that follow and is acked with {size}; each connection is reported once it closes.

import fs from 'node:fs';
import net from 'node:net';
import tls from 'node:tls';
import { BLOCK } from './pattern.js';

let size = 0;
const now = () => String(process.hrtime.bigint());

// Clients half-close at once (their stdin is /dev/null): allowHalfOpen keeps our side sending.
// With BENCH_TLS_CERT and BENCH_TLS_KEY, the same stream over TLS (the TLS bench).
const tlsFiles = process.env.BENCH_TLS_CERT ? { cert: fs.readFileSync(process.env.BENCH_TLS_CERT), key: fs.readFileSync(process.env.BENCH_TLS_KEY) } : null;
const serve = (socket) => {
  // hrtime is CLOCK_MONOTONIC, shared by every process on Linux: the bench subtracts its own
  // spawn time from this to split a client's startup from its streaming.
  const report = { accepted: now(), size, error: null };
  let left = size;
  socket.on('error', (e) => void (report.error ??= e.code ?? e.message));
  socket.on('close', () => process.send?.({ connection: { ...report, written: socket.bytesWritten } }));
  // Reading (and dropping) lets the client's FIN arrive and frees its socket at the end.
  socket.resume();
  const pump = () => {
    while (left > 0) {
      const n = Math.min(left, BLOCK.length);
      left -= n;
      // The same pre-built block every time: no allocation or copy per write. Honour
      // backpressure: stop at false and go on from 'drain', so at most one block waits here.
      if (!socket.write(n === BLOCK.length ? BLOCK : BLOCK.subarray(0, n))) {
        socket.once('drain', pump);
        return;
      }
    }
    socket.end();
  };
  pump();
};
const server = tlsFiles ? tls.createServer({ ...tlsFiles, allowHalfOpen: true }, serve) : net.createServer({ allowHalfOpen: true }, serve);

process.on('message', (m) => {
  if (m && typeof m.size === 'number') {
    size = m.size;
    process.send?.({ size });
  }
});
// The bench going away for any reason closes the IPC channel: go with it, never linger.
process.on('disconnect', () => process.exit(0));

server.listen(0, '127.0.0.1', () => process.send?.({ port: server.address().port }));
