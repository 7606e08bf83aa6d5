// Runs a line-based protocol session (SMTP, POP3, IMAP, HTTP) on a socket: greeting, one reply per
// line, close when the session says so, and reading paused while replies back up.

import type { Socket } from 'node:net';
import { LineReader } from './line-reader.js';

/** What a session answers to one line: bytes to send, and whether to close afterwards. */
export interface Reply {
  out: string | Buffer;
  close?: boolean;
}

/** A protocol's state machine, free of sockets so it reads (and tests) as a dialogue. */
export interface LineSession {
  /** Written as soon as the client connects; '' for protocols where the client speaks first. */
  readonly greeting: string;
  line(text: string): Reply;
  /** The client sent a line longer than the service's limit; it has been dropped. */
  overflow(): Reply;
}

/** Pending output above which the lab stops reading from a client that does not read its replies. */
const MAX_PENDING_OUTPUT = 256 * 1024;

export function serveLines(socket: Socket, session: LineSession, maxLine: number): void {
  socket.setNoDelay(true);
  const reader = new LineReader(maxLine);
  let done = false;
  let waiting = false;

  const send = (reply: Reply): void => {
    if (reply.out.length > 0) socket.write(reply.out);
    if (reply.close) {
      done = true;
      socket.end();
    }
  };

  const pump = (): void => {
    for (let event = reader.next(); event !== undefined && !done; event = reader.next()) {
      let reply: Reply;
      try {
        reply = event.kind === 'line' ? session.line(event.text) : session.overflow();
      } catch (err) {
        // A bug in one session must cost that connection, not the whole lab (and the tests in it).
        process.emitWarning(`porthole lab: session failed: ${(err as Error).stack ?? String(err)}`);
        done = true;
        socket.destroy();
        return;
      }
      send(reply);
      if (!done && socket.writableLength > MAX_PENDING_OUTPUT) {
        waiting = true;
        socket.pause();
        socket.once('drain', () => {
          waiting = false;
          socket.resume();
          pump();
        });
        return;
      }
    }
  };

  if (session.greeting.length > 0) send({ out: session.greeting });
  socket.on('data', (chunk: Buffer) => {
    if (done) return;
    reader.push(chunk);
    if (!waiting) pump();
  });
}
