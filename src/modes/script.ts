// -c without a terminal: the session's commands run one after another, the transcript (with its
// direction marks, secrets masked) goes to stdout, and the exit code says where it stopped. No
// Ink here: the same controller as the session, with nobody at the keys.

import type { SessionPart } from '../core/options.js';
import { ExitCode } from '../core/exit-codes.js';
import { DEFAULT_SETTINGS, sessionExitCode, type SessionState, type Settings } from '../core/session/state.js';
import { SessionController } from '../io/session-controller.js';
import type { LogFile } from '../io/log-file.js';
import type { Dial } from '../io/transport.js';
import type { TlsConfig } from '../io/tls.js';

export interface ScriptIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  stdin: NodeJS.ReadableStream;
  env: NodeJS.ProcessEnv;
}

/** The transcript's writer for stdout: the terminal or pipe behind it takes what it is given. */
function stdoutLog(out: NodeJS.WritableStream): LogFile {
  return { path: 'stdout', write: (text) => void out.write(text), end: () => {}, onError: () => {} };
}

/** The first line of stdin: a password given to a script that asks for one. */
function firstLine(stdin: NodeJS.ReadableStream): Promise<string | null> {
  return new Promise((resolve) => {
    let text = '';
    const done = (line: string | null) => {
      stdin.off('data', onData);
      stdin.off('end', onEnd);
      stdin.pause?.();
      resolve(line);
    };
    const onData = (chunk: Buffer | string) => {
      text += chunk.toString();
      const at = text.search(/\r?\n/);
      if (at >= 0) done(text.slice(0, at));
    };
    const onEnd = () => done(text === '' ? null : text);
    stdin.on('data', onData);
    stdin.on('end', onEnd);
  });
}

export async function runScript(
  opts: SessionPart,
  commands: readonly string[],
  tls?: { dial: Dial | undefined; config: TlsConfig | null },
  io: ScriptIo = { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env },
): Promise<number> {
  const settings: Settings = { ...DEFAULT_SETTINGS, lineEnding: opts.lineEnding, encoding: opts.encoding, proto: opts.proto };
  // Nothing answers for this long at any step: said, and the run ends (as -w bounds a connect).
  const idleMs = Math.max(opts.connectTimeoutMs, 1000);
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
    openLog: () => stdoutLog(io.stdout),
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
      void password().then((pw) => {
        if (finished) return;
        if (pw === null) {
          io.stderr.write('porthole: a -c command asks for a password: give it in PORTHOLE_PASSWORD or on the first line of stdin.\n');
          return session.input([{ type: 'key', name: 'escape', ctrl: false, meta: false, shift: false, sequence: '\x1b' }]);
        }
        session.input([{ type: 'paste', text: `${pw}\n`, final: true }]);
      });
      return;
    }
    if (!state.composer?.asking) asked = false;
    if (state.script.length === 0 && state.composer === null) return finish();
    arm();
  }

  function arm(): void {
    timer = setTimeout(() => {
      timedOut = true;
      io.stdout.write(`=== No answer in ${(idleMs / 1000).toFixed(0)} s: stopped.\n`);
      finish();
    }, idleMs);
  }

  const password = (): Promise<string | null> => (io.env.PORTHOLE_PASSWORD !== undefined ? Promise.resolve(io.env.PORTHOLE_PASSWORD) : firstLine(io.stdin));

  session.startLog('stdout');
  started = true;
  session.start();
  const code = await session.done;
  const state = session.current;
  if (timedOut) return ExitCode.timeout;
  if (state.conn.phase === 'failed') return code;
  // Every command ran and the last composer was done: 0. A step refused (or cut off): 9.
  if (state.lastRun && !state.lastRun.ok) return ExitCode.stepRefused;
  if (state.script.length > 0 || state.composer) return ExitCode.stepRefused;
  return sessionExitCode(state) || ExitCode.ok;
}
