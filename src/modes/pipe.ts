// Pipe mode, nc-style: stdin to the socket and the socket to stdout, byte for byte; diagnostics
// on stderr only. stdin's EOF half-closes and reading goes on until the peer closes (nc -N); the
// peer's FIN stops nothing on our side: stdin goes on to it until stdin ends (a half-close).
// Never loads React or Ink.

import type { Readable, Writable } from 'node:stream';
import type { Clock } from '../core/clock.js';
import { createCrlfTranslator, createDecoder, encode } from '../core/codec.js';
import { encodeText, inbound, outbound } from '../core/pipeline.js';
import { ExitCode } from '../core/exit-codes.js';
import { attemptLine, hint } from '../core/report.js';
import { paintOutcome, wantsColour } from '../core/colour.js';
import type { Outcome } from '../core/outcome.js';
import { needsTlsConfig, type PipePart } from '../core/options.js';
import type { TelnetFilter } from '../core/telnet.js';
import { openCaptures } from '../io/log-file.js';
import { toVisible } from '../core/sanitize.js';
import { chainLines, tlsSummary } from '../core/tls.js';
import { formatHostPort } from '../core/target.js';
import { formatMs } from '../core/clock.js';
import { realClock } from '../io/clock.js';
import type { Resolver } from '../io/resolver.js';
import { connect, type Connection } from '../io/session.js';
import { PipeLogs } from './pipe-logs.js';

export interface PipeOptions extends PipePart {
  resolver?: Resolver;
  clock?: Clock;
  stdin?: Readable;
  stdout?: Writable;
  err?: (line: string) => void;
}

export async function runPipe(opts: PipeOptions): Promise<number> {
  const stdin = opts.stdin ?? process.stdin;
  const stdout = opts.stdout ?? process.stdout;
  const err = opts.err ?? ((l: string) => process.stderr.write(`porthole: ${l}\n`));
  const where = formatHostPort(opts.host, opts.port);

  // Captures are emptied before anything connects: a failed run leaves no bytes of an earlier one.
  const captures = openCaptures(opts.captures, err);
  // The transcript and the events, beside stdout's data: what crossed, and when.
  const logs = new PipeLogs({ log: opts.log, jsonLog: opts.jsonLog }, opts.host, opts.port, opts.encoding, err);
  const code = await run(opts, stdin, stdout, err, where, captures, logs);
  logs.end();
  return code;
}

/** An outcome's words on stderr, coloured when stderr is a terminal (or as --color says). */
function label(o: Outcome, opts: PipeOptions): string {
  return paintOutcome(o.kind, o.label, wantsColour(opts.colour, Boolean(process.stderr.isTTY), process.env));
}

async function run(
  opts: PipeOptions,
  stdin: Readable,
  stdout: Writable,
  err: (line: string) => void,
  where: string,
  captures: ReturnType<typeof openCaptures>,
  logs: PipeLogs,
): Promise<number> {
  // Loaded only for TLS: a plain pipe does not pay for node:tls.
  const tls = needsTlsConfig(opts.tls) ? (await import('../io/tls.js')).tlsSetup(opts.tls, opts.clock) : null;
  const dial = tls?.dial;
  const r = await connect({
    ...(dial ? { dial } : {}),
    // STARTTLS reads the greeting itself, through its hold: nothing may be read before.
    ...(opts.tls.starttls ? { paused: true } : {}),
    host: opts.host,
    port: opts.port,
    family: opts.family,
    connectTimeoutMs: opts.connectTimeoutMs,
    // Raw output reads into a few big reused buffers, not a fresh 64 KiB one per read: a bulk
    // receive then allocates and faults in nothing, its memory is fixed, and a read takes up to
    // 1 MiB at once. Not when decoding: iconv-lite's UTF-16 decoder keeps its first input buffers.
    ...(opts.encoding ? {} : { readBuffers: { count: 4, size: 1 << 20 } }),
    ...(opts.resolver ? { resolver: opts.resolver } : {}),
    onProgress: (e) => {
      if (e.type === 'resolving') logs.event({ type: 'resolving', target: { host: opts.host, port: opts.port }, now: Date.now() });
      if (e.type === 'attempt') {
        logs.event({ type: 'attempt', attempt: e.attempt });
        if (opts.verbose) err(attemptLine(e.attempt));
      }
    },
  });
  if (!r.ok) {
    logs.event({ type: 'failed', outcome: r.outcome, address: r.address ?? null, now: Date.now(), tls: r.tls ?? null });
    const at = r.address && r.address !== opts.host ? ` (${r.address})` : '';
    err(`${where}${at}: ${label(r.outcome, opts)}. ${hint(r.outcome)}`);
    if (opts.verbose && r.tls) for (const l of chainLines(r.tls)) err(toVisible(l));
    return r.outcome.exit;
  }
  const c = r.connection;
  logs.event({ type: 'connected', address: c.address, local: formatHostPort(c.localAddress, c.localPort), connectMs: c.connectMs, now: Date.now(), tls: c.tls ?? null });
  if (opts.verbose) err(`Connected to ${where} (${c.address}) in ${formatMs(c.connectMs)}`);
  if (opts.tls.starttls && tls?.config) {
    // The plaintext dialogue is not the data: on stderr with -v, never on stdout.
    const { startTls, localName } = await import('../io/starttls.js');
    const up = await startTls(c, {
      protocol: opts.tls.starttls,
      full: true,
      config: tls.config,
      host: opts.host,
      port: opts.port,
      timeoutMs: opts.connectTimeoutMs,
      ehloName: localName(),
      ...(opts.clock ? { clock: opts.clock } : {}),
      onLine: (dir, text) => {
        // The dialogue is in the transcript as its lines (the JSON log's bytes begin over TLS).
        logs.line(dir, text);
        if (opts.verbose) err(`${dir === 'in' ? '<-' : '->'} ${toVisible(text)}`);
      },
    });
    if (!up.ok) {
      logs.event({ type: 'starttls-failed', outcome: up.outcome, tls: up.tls ?? null, closed: true });
      c.close();
      err(`${where}: ${label(up.outcome, opts)}. ${hint(up.outcome)}`);
      if (opts.verbose && up.tls) for (const l of chainLines(up.tls)) err(toVisible(l));
      return up.outcome.exit;
    }
    logs.event({ type: 'tls-up', tls: up.tls, protocol: up.protocol, discarded: up.discarded, ehloName: localName() });
    if (up.discarded > 0) err(`Discarded ${up.discarded} bytes the server sent after its go-ahead, before TLS (never trusted: the STARTTLS injection class).`);
    if (up.protocol === 'smtp' && opts.verbose) err('SMTP starts afresh over TLS: send EHLO again.');
  }
  // The bytes alone on stdout, as s_client -quiet should have been; the handshake on stderr with -v.
  if (c.tls && opts.verbose) for (const l of chainLines(c.tls)) err(toVisible(l));
  else if (c.tls && !c.tls.verified) err(`TLS: ${toVisible(tlsSummary(c.tls))}`);
  // Telnet's negotiator only where it is spoken: a pipe to any other port loads none of it.
  const telnet = opts.telnet ? new (await import('../core/telnet.js')).TelnetFilter({ ...opts.telnet, cols: 80, rows: 24 }) : null;
  return pump(c, stdin, stdout, opts, err, telnet, captures, logs);
}

function pump(
  c: Connection,
  stdin: Readable,
  stdout: Writable,
  opts: PipeOptions,
  err: (line: string) => void,
  telnet: TelnetFilter | null,
  captures: ReturnType<typeof openCaptures>,
  logs: PipeLogs,
): Promise<number> {
  return new Promise((resolve) => {
    const clock = opts.clock ?? realClock;
    const toCrlf = opts.crlf ? createCrlfTranslator() : null;
    const enc = opts.encoding;
    const inText = enc ? createDecoder('utf-8') : null;
    // Telnet in the filter slot: the negotiation is answered, and none of it reaches stdout.
    // --capture, --capture-sent: the bytes exactly as they crossed (after TLS, before telnet's filter).
    const received = captures.received;
    const sent = captures.sent;
    // --json-log's data records see the same exact bytes, the transcript the data after the filter.
    // A tap only where a file wants it: the data path of a plain pipe stays as it was.
    const tap = (file: typeof received, dir: 'in' | 'out') => {
      const json = logs.wantsWire;
      if (!file && !json) return {};
      return {
        capture: (b: Uint8Array) => {
          file?.write(b);
          if (json) logs.wire(dir, b);
        },
      };
    };
    const toTranscript = logs.wantsData;
    const wireIn = inbound({ encoding: enc, ...(telnet ? { filter: telnet } : {}), ...tap(received, 'in') });
    const wireOut = outbound({ ...(telnet ? { filter: telnet } : {}), ...tap(sent, 'out') });
    if (telnet) for (const r of telnet.start().replies) c.write(wireOut.reply(r));
    let finished = false;
    let stdinEnded = false;
    let waitingForStdout = false;
    let cancelQuit: (() => void) | null = null;
    let cancelIdle: (() => void) | null = null;

    let warnedUnencodable = false;
    /** The pipeline's encoder; a stream cannot refuse a character, so it is said once, on stderr. */
    const encodeStdin = (text: string): Uint8Array => {
      const e = encodeText(text, enc!);
      if (e.ok) return e.bytes;
      if (!warnedUnencodable) {
        warnedUnencodable = true;
        err(`stdin has characters ${enc} cannot hold (first: U+${e.char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}); they go out as "?".`);
      }
      return encode(text, enc!);
    };
    const send = (chunk: Buffer): boolean => {
      const encoded = inText ? encodeStdin(inText.write(chunk)) : chunk;
      const bytes = toCrlf ? toCrlf(encoded) : encoded;
      if (toTranscript) logs.data('out', bytes);
      return c.write(wireOut.data(bytes));
    };
    const finish = (code: number) => {
      if (finished) return;
      finished = true;
      cancelQuit?.();
      cancelIdle?.();
      stdin.removeListener('data', onStdin);
      stdin.pause();
      off();
      c.close();
      // Complete on disk before the exit code is known (the exit hook would too, later).
      received?.end();
      sent?.end();
      // Let what we wrote reach the reader before the process goes.
      stdout.write('', () => resolve(code));
    };
    /** Set when quitting waits for our FIN to go: the code to exit with, whatever closes first. */
    let leaving: number | null = null;
    /**
     * Quit although the connection may be up (-q, -w, both sides done): what we wrote and the
     * kernel has not taken yet still goes, for up to a second, before the connection is closed.
     */
    const finishFlushing = (code: number) => {
      if (finished || c.queued === 0) return finish(code);
      // end() sends what is queued, then FIN; the socket closes once the peer answers with its own.
      leaving = code;
      c.sendEof();
      clock.setTimer(() => finish(code), 1000);
    };
    // nc's -w on an established connection: nothing either way for that long ends it.
    const idle = () => {
      if (opts.idleTimeoutMs === null) return;
      cancelIdle?.();
      cancelIdle = clock.setTimer(() => {
        const line = `no data either way for ${formatMs(opts.idleTimeoutMs!)} (-w): closing the connection.`;
        err(line);
        logs.note(line);
        finishFlushing(ExitCode.timeout);
      }, opts.idleTimeoutMs);
    };
    idle();

    // Nothing more to send and nothing more to come. With our FIN sent, the socket closes once the
    // kernel has taken what was queued ('closed' finishes); without it, the same as a quit.
    const bothDone = () => {
      if (!opts.shutdown) finishFlushing(ExitCode.ok);
    };

    const onStdin = (chunk: Buffer) => {
      idle();
      if (!send(chunk)) stdin.pause();
    };
    stdin.on('data', onStdin);
    const stdinDone = () => {
      if (stdinEnded) return;
      stdinEnded = true;
      if (inText) {
        const tail = inText.end();
        if (tail) send(Buffer.from(tail));
      }
      if (opts.shutdown) c.sendEof();
      if (c.peerEof) return bothDone();
      if (opts.quitAfterEofMs !== null) cancelQuit = clock.setTimer(() => finishFlushing(ExitCode.ok), opts.quitAfterEofMs);
    };
    stdin.once('end', stdinDone);
    // A stdin that fails is a stdin that ended: what came before it goes, then the same as EOF.
    stdin.on('error', (e: NodeJS.ErrnoException) => {
      err(`cannot read stdin (${e.code ?? e.message}): taken as its end.`);
      stdinDone();
    });

    stdout.on('error', (e: NodeJS.ErrnoException) => {
      // The reader went away (`| head`): stop quietly, as nc does under SIGPIPE.
      if (e.code !== 'EPIPE') err(`cannot write output: ${e.code ?? e.message}`);
      logs.note(e.code === 'EPIPE' ? 'stdout was closed by its reader: the pipe ends.' : `cannot write output: ${e.code ?? e.message}`);
      finish(e.code === 'EPIPE' ? ExitCode.ok : ExitCode.internal);
    });

    const off = c.on((e) => {
      switch (e.type) {
        case 'data': {
          idle();
          const step = wireIn.push(e.bytes);
          if (toTranscript) logs.data('in', step.data);
          for (const r of step.replies) c.write(wireOut.reply(r));
          // Lent bytes (readBuffers) go back to the pool once stdout has taken them; a filter's
          // slice of them is copied first, since the pool reuses them at once.
          const filtered = step.data !== e.bytes && step.data.buffer === e.bytes.buffer ? Buffer.from(step.data) : step.data;
          const out = enc ? Buffer.from(step.text) : filtered;
          const release = out === e.bytes ? e.release : undefined;
          if (out !== e.bytes) e.release?.();
          if (out.length > 0 && !stdout.write(out, release)) {
            c.pauseReading();
            if (!waitingForStdout) {
              waitingForStdout = true;
              stdout.once('drain', () => {
                waitingForStdout = false;
                c.resumeReading();
              });
            }
          } else if (out.length === 0) {
            release?.();
          }
          break;
        }
        case 'backpressure':
          if (!e.stalled) stdin.resume();
          break;
        case 'peer-eof': {
          logs.event({ type: 'peer-eof', outcome: e.outcome });
          const tail = wireIn.end();
          if (tail) stdout.write(tail);
          if (opts.verbose) err(`The peer stopped sending (FIN) after ${formatMs(c.elapsed())}; stdin still goes to it.`);
          // The peer may still read (a half-close): what stdin has left goes on to it, as nc does.
          if (stdinEnded) bothDone();
          break;
        }
        case 'closed':
          logs.event({ type: 'closed', outcome: e.outcome, now: Date.now() });
          if (leaving !== null) return finish(leaving);
          if (e.outcome && e.outcome.kind !== 'closed-by-peer') {
            err(`${label(e.outcome, opts)} after ${formatMs(c.elapsed())}, ${c.bytesIn} bytes received.`);
            finish(e.outcome.exit);
          } else {
            finish(ExitCode.ok);
          }
          break;
      }
    });
  });
}
