// Scenarios that are one behaviour of a TCP stream rather than a protocol: each handler gets a
// freshly accepted socket and does one thing a real server does.

import type { Socket } from 'node:net';
import { hostileWrites } from './hostile-bytes.js';

export const SSH_BANNER = 'SSH-2.0-PortholeLab_1.0\r\n';
export const HALF_CLOSE_LINE = 'porthole lab: I have said all I will say and shut my side (half-close); I still read what you send.\r\n';
/** Pause between the pieces of the split character, so they go out as separate segments. */
const SPLIT_DELAY_MS = 30;

/** A server that identifies itself, then waits for the client (SSH speaks first like this). */
export function serveBanner(socket: Socket): void {
  socket.write(SSH_BANNER);
  socket.resume();
}

/** Listening and reading, never answering: what HTTP looks like before a request. */
export function serveSilent(socket: Socket): void {
  socket.resume();
}

/** FIN at once, as an access rule in the service (tcpwrappers, allow-lists) does. */
export function serveClose(socket: Socket): void {
  socket.end();
  socket.resume(); // drain anything the client sends so our close stays a FIN, not an RST
}

/** RST at once: SO_LINGER 0 then close. */
export function serveReset(socket: Socket): void {
  socket.resetAndDestroy();
}

export function serveEcho(socket: Socket): void {
  socket.pipe(socket);
}

/** Says one line, shuts down its write side, and keeps reading until the client closes. */
export function serveHalfClose(socket: Socket): void {
  socket.end(HALF_CLOSE_LINE);
  socket.resume();
}

/** Never reads: the client's writes fill the kernel buffers and then stall. */
export function serveNoRead(socket: Socket): void {
  socket.pause();
}

/** The hostile sample, with one character split across writes, then an echo. */
export function serveBinary(socket: Socket): void {
  socket.setNoDelay(true);
  const writes = hostileWrites();
  let timer: NodeJS.Timeout | undefined;
  const next = (): void => {
    if (socket.destroyed) return;
    socket.write(writes.shift()!);
    if (writes.length > 0) timer = setTimeout(next, SPLIT_DELAY_MS);
    else socket.pipe(socket); // echo only once the sample is out, so nothing lands inside it
  };
  next();
  socket.once('close', () => clearTimeout(timer));
}
