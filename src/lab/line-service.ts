// Runs a line-based protocol session (SMTP, POP3, IMAP, HTTP) on a socket: greeting, one reply per
// line, close when the session says so, and reading paused while replies back up.

import type { Socket } from 'node:net';
import tls from 'node:tls';
import { LineReader } from './line-reader.js';

/** What a session answers to one line: bytes to send, and whether to close afterwards. */
export interface Reply {
  out: string | Buffer;
  close?: boolean;
  /** After this reply (the go-ahead), TLS as the server: what the client sent after it is dropped. */
  startTls?: boolean;
}

/** A protocol's state machine, free of sockets so it reads (and tests) as a dialogue. */
export interface LineSession {
  /** Written as soon as the client connects; '' for protocols where the client speaks first. */
  readonly greeting: string;
  line(text: string): Reply;
  /** The client sent a line longer than the service's limit; it has been dropped. */
  overflow(): Reply;
  /** TLS is up (after a reply with startTls): the session forgets what the protocol says to forget. */
  tlsStarted?(): void;
}

/** Pending output above which the lab stops reading from a client that does not read its replies. */
const MAX_PENDING_OUTPUT = 256 * 1024;

/** Each session over TLS: the lab's certificate, offered after STARTTLS when there is one. */
export function serveLines(socket: Socket, session: LineSession, maxLine: number, secureContext?: tls.SecureContext): void {
  socket.setNoDelay(true);
  let reader = new LineReader(maxLine);
  let done = false;
  let waiting = false;
  /** Where replies go and lines come from: the socket, then its TLS once started. */
  let stream: Socket | tls.TLSSocket = socket;

  const send = (reply: Reply): void => {
    if (reply.out.length > 0) stream.write(reply.out);
    if (reply.close) {
      done = true;
      stream.end();
    }
    if (reply.startTls && secureContext && !done) upgrade(secureContext);
  };

  /**
   * RFC 3207's rule for a server: nothing the client sent after STARTTLS, before TLS, is read
   * (plaintext pipelined after the command is the injection the client side guards against too).
   */
  const upgrade = (context: tls.SecureContext): void => {
    socket.removeListener('data', onData);
    reader = new LineReader(maxLine);
    const secure = new tls.TLSSocket(socket, { isServer: true, secureContext: context });
    secure.on('error', () => socket.destroy());
    secure.on('data', onData);
    stream = secure;
    // From here on every line is read over TLS: the session starts afresh now.
    session.tlsStarted?.();
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
      // Lines read before TLS and after the STARTTLS are dropped with the old reader.
      if (reply.startTls) return;
      if (!done && stream.writableLength > MAX_PENDING_OUTPUT) {
        waiting = true;
        stream.pause();
        stream.once('drain', () => {
          waiting = false;
          stream.resume();
          pump();
        });
        return;
      }
    }
  };

  const onData = (chunk: Buffer) => {
    if (done) return;
    reader.push(chunk);
    if (!waiting) pump();
  };
  if (session.greeting.length > 0) send({ out: session.greeting });
  socket.on('data', onData);
}
