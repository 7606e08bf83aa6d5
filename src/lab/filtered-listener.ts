// The filtered scenario: a port whose SYNs go unanswered, made without root by filling a listener's
// accept queue (backlog 1, never accepted, two connections of our own), so connects time out.

import net, { type Socket } from 'node:net';
import { Worker } from 'node:worker_threads';

export interface FilteredListener {
  port: number;
  close(): Promise<void>;
}

/**
 * Node's net.Server accepts every connection as soon as libuv sees it, so the listener lives in a
 * worker thread whose event loop is blocked in Atomics.wait: the kernel completes handshakes into
 * the accept queue and nobody takes them out. Once the queue holds backlog + 1 connections, Linux
 * drops further SYNs. Plain CommonJS source, so the worker runs the same from src/ under jest and
 * from dist/.
 */
const WORKER_SOURCE = `
const net = require('node:net');
const { parentPort, workerData } = require('node:worker_threads');
const server = net.createServer();
server.on('error', (err) => parentPort.postMessage({ error: { code: err.code, message: err.message } }));
server.listen({ host: workerData.host, port: workerData.port, backlog: 1 }, () => {
  parentPort.postMessage({ port: server.address().port });
  Atomics.wait(new Int32Array(workerData.stop), 0, 0);
  process.exit(0);
});
`;

/** Backlog 1 fills at two queued connections (Linux drops when the queue holds more than backlog). */
const FILLERS = 2;

type WorkerReply = { port: number } | { error: { code?: string; message: string } };

export async function startFiltered(host: string, port: number): Promise<FilteredListener> {
  const stop = new SharedArrayBuffer(4);
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { host, port, stop } });
  const fillers: Socket[] = [];

  const close = async (): Promise<void> => {
    for (const s of fillers) s.destroy();
    Atomics.store(new Int32Array(stop), 0, 1);
    Atomics.notify(new Int32Array(stop), 0);
    await worker.terminate();
  };

  try {
    const reply = await new Promise<WorkerReply>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    if ('error' in reply) {
      throw Object.assign(new Error(reply.error.message), { code: reply.error.code });
    }
    for (let i = 0; i < FILLERS; i++) {
      const socket = net.connect({ host, port: reply.port });
      fillers.push(socket);
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', resolve);
        socket.once('error', reject);
      });
      socket.on('error', () => {});
    }
    return { port: reply.port, close };
  } catch (err) {
    await close();
    throw err;
  }
}
