// The bench's side of the flood server: starts it in a process of its own, sets the size of the
// next stream, and collects what the server saw of each connection.

import { fork } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const SERVER = path.join(path.dirname(fileURLToPath(import.meta.url)), 'flood-server.js');

/** `tls`: { cert, key } files: the server speaks TLS with them. */
export async function startFlood(tls = null) {
  const env = tls ? { ...process.env, BENCH_TLS_CERT: tls.cert, BENCH_TLS_KEY: tls.key } : process.env;
  const child = fork(SERVER, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], env });
  const inbox = [];
  const waiters = [];
  child.on('message', (m) => {
    const i = waiters.findIndex((w) => w.match(m));
    if (i >= 0) waiters.splice(i, 1)[0].resolve(m);
    else inbox.push(m);
  });
  /** The first message that matches, or null after ms. */
  const next = (match, ms) => {
    const i = inbox.findIndex(match);
    if (i >= 0) return Promise.resolve(inbox.splice(i, 1)[0]);
    return new Promise((resolve) => {
      const w = { match, resolve: (m) => (clearTimeout(timer), resolve(m)) };
      const timer = setTimeout(() => {
        waiters.splice(waiters.indexOf(w), 1);
        resolve(null);
      }, ms);
      waiters.push(w);
    });
  };
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const hello = await Promise.race([next((m) => m.port, 10_000), exited.then(() => null)]);
  if (!hello) throw new Error('the flood server did not start');
  return {
    port: hello.port,
    pid: child.pid,
    async setSize(bytes) {
      child.send({ size: bytes });
      if (!(await next((m) => m.size === bytes, 5000))) throw new Error('the flood server did not answer');
      // A report left over from a run that went wrong must not be taken for the next run's.
      inbox.splice(0, inbox.length);
    },
    /** What the server saw of the connection that closed next, or null when none did within ms. */
    connection: (ms) => next((m) => m.connection, ms).then((m) => m?.connection ?? null),
    stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill();
    },
  };
}
