// Pipe mode, nc-style: stdin to the socket and the socket to stdout, byte for byte; diagnostics
// on stderr only. stdin's EOF half-closes and reading goes on until the peer closes (nc -N).
// Never loads React or Ink.

import type { Readable, Writable } from 'node:stream';
import { createCrlfTranslator, createDecoder, encode } from '../core/codec.js';
import { ExitCode } from '../core/exit-codes.js';
import { attemptLine, hint } from '../core/report.js';
import type { PipePart } from '../core/options.js';
import { formatHostPort } from '../core/target.js';
import { formatMs } from '../core/clock.js';
import type { Family, Resolver } from '../io/resolver.js';
import { connect, type Connection } from '../io/session.js';

export interface PipeOptions extends PipePart {
  resolver?: Resolver;
  stdin?: Readable;
  stdout?: Writable;
  err?: (line: string) => void;
}

export async function runPipe(opts: PipeOptions): Promise<number> {
  const stdin = opts.stdin ?? process.stdin;
  const stdout = opts.stdout ?? process.stdout;
  const err = opts.err ?? ((l: string) => process.stderr.write(`porthole: ${l}\n`));
  const where = formatHostPort(opts.host, opts.port);

  const r = await connect({
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
      if (opts.verbose && e.type === 'attempt') err(attemptLine(e.attempt));
    },
  });
  if (!r.ok) {
    const at = r.address && r.address !== opts.host ? ` (${r.address})` : '';
    err(`${where}${at}: ${r.outcome.label}. ${hint(r.outcome)}`);
    return r.outcome.exit;
  }
  const c = r.connection;
  if (opts.verbose) err(`Connected to ${where} (${c.address}) in ${formatMs(c.connectMs)}`);
  return pump(c, stdin, stdout, opts, err);
}

function pump(
  c: Connection,
  stdin: Readable,
  stdout: Writable,
  opts: PipeOptions,
  err: (line: string) => void,
): Promise<number> {
  return new Promise((resolve) => {
    const toCrlf = opts.crlf ? createCrlfTranslator() : null;
    const enc = opts.encoding;
    const decoder = enc ? createDecoder(enc) : null;
    const inText = enc ? createDecoder('utf-8') : null;
    let finished = false;

    const outgoing = (chunk: Buffer): Buffer => {
      const bytes = inText ? encode(inText.write(chunk), enc!) : chunk;
      return toCrlf ? toCrlf(bytes) : bytes;
    };
    const finish = (code: number) => {
      if (finished) return;
      finished = true;
      stdin.removeListener('data', onStdin);
      stdin.pause();
      off();
      c.close();
      // Let what we wrote reach the reader before the process goes.
      stdout.write('', () => resolve(code));
    };

    const onStdin = (chunk: Buffer) => {
      if (!c.write(outgoing(chunk))) stdin.pause();
    };
    stdin.on('data', onStdin);
    stdin.once('end', () => {
      if (inText) {
        const tail = inText.end();
        if (tail) c.write(outgoing(Buffer.from(tail)));
      }
      c.sendEof();
    });
    stdin.on('error', () => c.sendEof());

    stdout.on('error', (e: NodeJS.ErrnoException) => {
      // The reader went away (`| head`): stop quietly, as nc does under SIGPIPE.
      if (e.code !== 'EPIPE') err(`cannot write output: ${e.code ?? e.message}`);
      finish(e.code === 'EPIPE' ? ExitCode.ok : ExitCode.internal);
    });

    const off = c.on((e) => {
      switch (e.type) {
        case 'data': {
          const out = decoder ? Buffer.from(decoder.write(e.bytes)) : e.bytes;
          // Lent bytes (readBuffers) go back to the pool once stdout has taken them.
          if (!stdout.write(out, e.release)) {
            c.socket.pause();
            stdout.once('drain', () => c.socket.resume());
          }
          break;
        }
        case 'backpressure':
          if (!e.stalled) stdin.resume();
          break;
        case 'peer-eof':
          if (decoder) stdout.write(decoder.end());
          if (opts.verbose) err(`Connection closed by foreign host after ${formatMs(c.elapsed())}.`);
          finish(ExitCode.ok);
          break;
        case 'closed':
          if (e.outcome && e.outcome.kind !== 'closed-by-peer') {
            err(`${e.outcome.label} after ${formatMs(c.elapsed())}, ${c.bytesIn} bytes received.`);
            finish(e.outcome.exit);
          } else {
            finish(ExitCode.ok);
          }
          break;
      }
    });
  });
}
