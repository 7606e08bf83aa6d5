// STARTTLS on a live connection: the protocol's dialogue (core/starttls) driven over the
// connection's inbound hold, so the stream is cut right after the go-ahead line and whatever the
// server sent after it is discarded, never shown nor parsed; then the handshake in place (io/tls).

import type { Clock } from '../core/clock.js';
import type { Outcome } from '../core/outcome.js';
import { detectProtocol, MAX_LINE, StartTlsDialogue, startTlsFailure, unknownProtocol, type StartTlsProtocol } from '../core/starttls.js';
import type { TlsReport } from '../core/tls.js';
export { localName } from './local-name.js';
import { realClock } from './clock.js';
import type { Connection } from './session.js';
import { tlsOver, TlsUpgradeError, type TlsConfig } from './tls.js';

export interface StartTlsRun {
  /** A protocol, or auto: from the port, else from the greeting. */
  protocol: StartTlsProtocol | 'auto';
  /** From the greeting on (--starttls), or only the upgrade command (`starttls` in a session). */
  full: boolean;
  config: TlsConfig;
  /** The name connected to: SNI and the certificate's check. */
  host: string;
  port: number;
  /** Bounds the dialogue and then the handshake (the connect timeout). */
  timeoutMs: number;
  ehloName: string;
  clock?: Clock;
  /** How a line of ours goes out; the session sends it through its pipeline and shows it. */
  send?: (text: string) => void;
  /** Each line of the dialogue, as it goes: for -v and the probe's banner. */
  onLine?: (dir: 'in' | 'out', text: string) => void;
}

export type StartTlsResult =
  | { ok: true; protocol: StartTlsProtocol | null; tls: TlsReport; discarded: number; greeting: string | null }
  | { ok: false; protocol: StartTlsProtocol | null; outcome: Outcome; tls?: TlsReport; greeting: string | null; closed: boolean };

/**
 * Upgrade `conn` in place. With `full`, connect it with `paused` (or before its first byte can
 * arrive): the greeting must come through the hold. On failure the connection is closed if TLS
 * was begun, else left as it was.
 */
export async function startTls(conn: Connection, run: StartTlsRun): Promise<StartTlsResult> {
  const clock = run.clock ?? realClock;
  const send = (text: string) => {
    run.onLine?.('out', text.replace(/\r?\n$/, ''));
    if (run.send) run.send(text);
    else conn.write(Buffer.from(text, 'latin1'));
  };
  let protocol: StartTlsProtocol | null = run.protocol === 'auto' ? detectProtocol(run.port, null) : run.protocol;
  let dialogue = protocol ? new StartTlsDialogue(protocol, { full: run.full, ehloName: run.ehloName }) : null;
  let greeting: string | null = null;
  let failure: Outcome | null = null;
  let line: number[] = [];
  let settle: (r: 'go' | 'failed' | 'ended') => void = () => {};
  const over = new Promise<'go' | 'failed' | 'ended'>((r) => (settle = r));

  /** One complete line from the server: the dialogue's next step. True: cut after it. */
  const take = (bytes: number[]): boolean => {
    const text = Buffer.from(bytes).toString('latin1').replace(/\r$/, '');
    run.onLine?.('in', text);
    if (greeting === null) greeting = text;
    if (!dialogue) {
      protocol = detectProtocol(run.port, text);
      if (!protocol) {
        failure = unknownProtocol(run.port, text);
        return false;
      }
      dialogue = new StartTlsDialogue(protocol, { full: run.full, ehloName: run.ehloName });
    }
    const step = dialogue.line(text);
    // After the chunk this line came in is delivered: the session shows the server's line, then ours.
    for (const s of step.send) queueMicrotask(() => send(s));
    if (step.result?.go) return true;
    if (step.result && !step.result.go) failure = step.result.failure;
    return false;
  };

  // The dialogue is the driver's: without a listener of the caller's (probe, pipe), what it
  // delivers must not wait for the first listener to come (the pipe's stdout), as unheard events do.
  const off = conn.on(() => {});
  const hold = conn.holdInbound((bytes) => {
    if (failure) return null;
    for (let i = 0; i < bytes.length; i++) {
      const b = bytes[i]!;
      if (b !== 0x0a) {
        if (line.length > MAX_LINE) {
          failure = startTlsFailure('PH_STARTTLS_TOO_LONG', protocol ?? 'smtp', null);
          break;
        }
        line.push(b);
        continue;
      }
      const cut = take(line);
      line = [];
      if (cut) {
        settle('go');
        return i + 1;
      }
      if (failure) break;
    }
    if (failure) queueMicrotask(() => settle('failed'));
    return null;
  });
  void hold.then((h) => {
    if (!h.reached) settle(failure ? 'failed' : 'ended');
  });
  if (dialogue) for (const s of dialogue.start()) send(s);
  // A caller that connected paused (so the greeting waits for the hold) starts reading now.
  if (!conn.closed) conn.resumeReading();
  const cancelTimer = clock.setTimer(() => settle('ended'), run.timeoutMs);
  const how = await over;
  cancelTimer();
  off();

  if (how !== 'go') {
    conn.releaseHold();
    const ended = conn.closed || conn.peerEof ? 'closed' : 'timeout';
    const outcome = failure ?? dialogue?.ended(ended, `${run.timeoutMs / 1000} s`) ?? unknownProtocol(run.port, greeting);
    return { ok: false, protocol, outcome, greeting, closed: conn.closed };
  }
  try {
    await conn.upgrade((old) => tlsOver(old, run.config, run.host, run.timeoutMs, clock));
  } catch (err) {
    if (!(err instanceof TlsUpgradeError)) throw err;
    return { ok: false, protocol, outcome: err.outcome, ...(err.tls ? { tls: err.tls } : {}), greeting, closed: true };
  }
  return { ok: true, protocol: protocol!, tls: conn.tls!, discarded: conn.discardedInbound, greeting };
}


/** `starttls now`: the go-ahead came to a command the user typed: cut here, then the handshake. */
export async function upgradeNow(
  conn: Connection,
  run: Pick<StartTlsRun, 'config' | 'host' | 'timeoutMs' | 'clock'>,
): Promise<StartTlsResult> {
  conn.holdNow();
  try {
    await conn.upgrade((old) => tlsOver(old, run.config, run.host, run.timeoutMs, run.clock ?? realClock));
  } catch (err) {
    if (!(err instanceof TlsUpgradeError)) throw err;
    return { ok: false, protocol: null, outcome: err.outcome, ...(err.tls ? { tls: err.tls } : {}), greeting: null, closed: true };
  }
  return { ok: true, protocol: null, tls: conn.tls!, discarded: conn.discardedInbound, greeting: null };
}
