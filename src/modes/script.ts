// -c without a terminal: the session's commands run one after another, the transcript (with its
// direction marks, secrets masked) goes to stdout, and the exit code says where it stopped. No
// Ink here: the same controller as the session, with nobody at the keys.

import type { SessionPart } from '../core/options.js';
import { ExitCode } from '../core/exit-codes.js';
import { DEFAULT_SETTINGS, sessionExitCode, type SessionState, type Settings } from '../core/session/state.js';
import { SessionController } from '../io/session-controller.js';
import { fileLog, openCaptures, openJsonLog, type LogFile } from '../io/log-file.js';

/** One transcript, two places. */
function tee(a: LogFile, b: LogFile): LogFile {
  return {
    path: b.path,
    write: (data, stamp) => {
      a.write(data, stamp);
      b.write(data, stamp);
    },
    end: () => {
      a.end();
      b.end();
    },
    // The file says its own trouble (on stderr); stdout's transcript goes on regardless.
    onError: () => {},
  };
}
import type { Dial } from '../io/transport.js';
import type { TlsConfig } from '../io/tls.js';

export interface ScriptIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  stdin: NodeJS.ReadableStream;
  env: NodeJS.ProcessEnv;
}

/**
 * The transcript's writer for stdout: the terminal or pipe behind it takes what it is given, but
 * no time stamps: read as swaks' output is, the lines stay as the wire had them.
 */
function stdoutLog(out: NodeJS.WritableStream): LogFile {
  return { path: 'stdout', write: (text, stamp) => void (stamp ? undefined : out.write(text)), end: () => {}, onError: () => {} };
}

/**
 * Passwords for a script that asks for them, a line of stdin each (what follows a line is kept for
 * the next). stdin is read only once one is asked for: a script that asks none leaves it alone.
 */
class StdinLines {
  private text = '';
  private ended = false;
  private reading = false;
  private waiting: ((line: string | null) => void) | null = null;

  constructor(private readonly stdin: NodeJS.ReadableStream) {}

  next(): Promise<string | null> {
    if (!this.reading) {
      this.reading = true;
      this.stdin.on('data', (chunk: Buffer | string) => {
        this.text += chunk.toString();
        this.give();
      });
      this.stdin.on('end', () => {
        this.ended = true;
        this.give();
      });
      this.stdin.on('error', () => {
        this.ended = true;
        this.give();
      });
    }
    return new Promise((resolve) => {
      this.waiting = resolve;
      this.give();
    });
  }

  private give(): void {
    if (!this.waiting) return;
    const at = this.text.search(/\r?\n/);
    let line: string | null;
    if (at >= 0) {
      line = this.text.slice(0, at);
      this.text = this.text.slice(this.text.indexOf('\n', at) + 1);
    } else if (this.ended) {
      line = this.text === '' ? null : this.text;
      this.text = '';
    } else return;
    const resolve = this.waiting;
    this.waiting = null;
    resolve(line);
  }
}

/** A password typed at a terminal (stdin is one, stdout is not): asked on stderr, not echoed. */
function typedPassword(stdin: NodeJS.ReadStream, stderr: NodeJS.WritableStream, prompt: string): Promise<string | null> {
  return new Promise((resolve) => {
    let text = '';
    stderr.write(prompt);
    stdin.setRawMode(true);
    stdin.resume();
    const done = (line: string | null) => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      stderr.write('\n');
      resolve(line);
    };
    const onData = (chunk: Buffer) => {
      for (const ch of chunk.toString('utf8')) {
        if (ch === '\r' || ch === '\n') return done(text);
        if (ch === '\x03' || ch === '\x04') return done(null);
        if (ch === '\x7f' || ch === '\b') text = Array.from(text).slice(0, -1).join('');
        else if (ch >= ' ') text += ch;
      }
    };
    stdin.on('data', onData);
  });
}

/** How long a step may wait for its answer (or a password), unless -w says longer. */
const ANSWER_WAIT_MS = 60_000;

export async function runScript(
  opts: SessionPart,
  commands: readonly string[],
  tls?: { dial: Dial | undefined; config: TlsConfig | null },
  io: ScriptIo = { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env },
): Promise<number> {
  const settings: Settings = { ...DEFAULT_SETTINGS, lineEnding: opts.lineEnding, encoding: opts.encoding, proto: opts.proto };
  // Nothing answers for this long at any step: said, and the run ends. A minute, or -w when longer:
  // a server may pause on purpose before it answers (a greet pause, a tarpit).
  const idleMs = Math.max(opts.connectTimeoutMs, ANSWER_WAIT_MS);
  const lines = new StdinLines(io.stdin);
  let timer: NodeJS.Timeout | null = null;
  let timedOut = false;
  let asked = false;
  let started = false;
  let finished = false;
  const session: SessionController = new SessionController({
    target: { host: opts.host, port: opts.port },
    settings,
    family: opts.family,
    connectTimeoutMs: opts.connectTimeoutMs,
    commands,
    telnet: opts.telnet,
    // --log FILE: the same transcript into the file too; the file's trouble never stops stdout's.
    openLog: () => {
      const out = stdoutLog(io.stdout);
      if (!opts.log) return out;
      try {
        const file = fileLog(opts.log);
        file.onError((code) => io.stderr.write(`porthole: --log: stopped: cannot write ${file.path} (${code}).\n`));
        return tee(out, file);
      } catch (err) {
        io.stderr.write(`porthole: --log: cannot write ${opts.log} (${(err as NodeJS.ErrnoException).code ?? String(err)}): the transcript goes to stdout only.\n`);
        return out;
      }
    },
    captures: openCaptures(opts.captures, (line) => io.stderr.write(`porthole: ${line}\n`)),
    jsonLog: openJsonLog(opts.jsonLog, (line) => io.stderr.write(`porthole: ${line}\n`)),
    ...(tls?.dial ? { dial: tls.dial } : {}),
    ...(tls?.config ? { tlsConfig: tls.config } : {}),
    tls: opts.tls,
    onSettled: (state) => settled(state),
  });

  const finish = () => {
    if (finished) return;
    finished = true;
    if (timer) clearTimeout(timer);
    session.stop();
  };

  function settled(state: SessionState): void {
    if (finished || !started) return;
    if (timer) clearTimeout(timer);
    const c = state.conn;
    if (c.phase === 'failed' || c.phase === 'closed' || c.phase === 'cancelled') return finish();
    if (c.phase !== 'connected') return arm();
    if (state.composer?.asking && !asked) {
      asked = true;
      void password(state.composer.asking.prompt).then((pw) => {
        if (finished) return;
        if (pw === null) {
          io.stderr.write('porthole: a -c command asks for a password: give it in PORTHOLE_PASSWORD or a line of stdin for each.\n');
          return session.input([{ type: 'key', name: 'escape', ctrl: false, meta: false, shift: false, sequence: '\x1b' }]);
        }
        session.input([{ type: 'paste', text: `${pw}\n`, final: true }]);
      });
    }
    if (!state.composer?.asking) asked = false;
    if (state.script.length === 0 && state.composer === null && !state.upgrading) return finish();
    // Waiting for an answer, or for a password: either way not for ever.
    arm();
  }

  function arm(): void {
    timer = setTimeout(() => {
      timedOut = true;
      io.stdout.write(`=== No answer in ${(idleMs / 1000).toFixed(0)} s: stopped.\n`);
      finish();
    }, idleMs);
  }

  const password = (prompt: string): Promise<string | null> => {
    if (io.env.PORTHOLE_PASSWORD !== undefined) return Promise.resolve(io.env.PORTHOLE_PASSWORD);
    const tty = io.stdin as NodeJS.ReadStream;
    // A terminal echoes what is typed unless told not to; the prompt goes where the transcript does not.
    if (tty.isTTY && typeof tty.setRawMode === 'function') return typedPassword(tty, io.stderr, prompt);
    return lines.next();
  };

  // A reader that went away (| head): the run ends quietly, as a pipe's writer does.
  io.stdout.on('error', () => session.stop());
  session.startLog('stdout');
  started = true;
  session.start();
  const code = await session.done;
  // The whole transcript out before the process exits (a pipe may take its writes later).
  await new Promise<void>((resolve) => io.stdout.write('', () => resolve()));
  const state = session.current;
  if (timedOut) return ExitCode.timeout;
  if (state.conn.phase === 'failed') return code;
  // Every command ran and the last composer was done: 0. A step refused (or cut off): 9.
  if (state.lastRun && !state.lastRun.ok) return ExitCode.stepRefused;
  if (state.script.length > 0 || state.composer) return ExitCode.stepRefused;
  return sessionExitCode(state) || ExitCode.ok;
}
