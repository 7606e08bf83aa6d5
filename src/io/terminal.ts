// Taking the user's terminal and giving it back on every way out: quit, crash, SIGTERM, SIGHUP.
// io owns the terminal: raw mode is set at once, and the keys are read and decoded here, outside
// React, so keys typed while the session's code loads are kept and delivered once. A terminal left
// in raw mode or in the alternate screen is the worst thing a TUI can do.

import { createKeyDecoder, type InputEvent } from '../core/key-decoder.js';
import { layout } from '../core/layout.js';

/** Alternate screen (1049) and bracketed paste (2004): pastes arrive marked, not as typed keys. */
const ENTER = '\x1b[?1049h\x1b[?2004h';
/**
 * Paste off, main screen back, cursor shown, attributes reset; and what a remote program may have
 * set in terminal mode (mouse reporting, cursor keys and keypad, the scroll region, the character
 * set), for a way out that did not leave terminal mode first (a crash, a signal).
 */
const LEAVE = '\x1b[?1000l\x1b[?1002l\x1b[?1003l\x1b[?1006l\x1b[?1015l\x1b[?1l\x1b>\x1b[r\x1b(B\x1b[?2004l\x1b[?1049l\x1b[?25h\x1b[0m';

const SIGNALS = { SIGTERM: 15, SIGHUP: 1, SIGINT: 2, SIGQUIT: 3 } as const;

/** How long a lone ESC waits for the rest of a sequence before it counts as the Esc key. */
const ESC_TIMEOUT_MS = 40;

/** Keys from the terminal: decoded as they arrive, held until someone takes them. */
export class Keyboard {
  private readonly decoder = createKeyDecoder();
  private held: InputEvent[] = [];
  private deliver: ((events: InputEvent[]) => void) | null = null;
  private escTimer: NodeJS.Timeout | null = null;

  /** Raw bytes from stdin. */
  push(chunk: Buffer | string): void {
    if (this.escTimer) clearTimeout(this.escTimer);
    this.escTimer = null;
    this.emit(this.decoder.push(chunk));
    if (this.decoder.pendingEscape) {
      this.escTimer = setTimeout(() => this.emit(this.decoder.flush()), ESC_TIMEOUT_MS);
    }
  }

  /** From now on keys go to `deliver`; what was typed before goes first, once. */
  attach(deliver: (events: InputEvent[]) => void): void {
    this.deliver = deliver;
    const held = this.held;
    this.held = [];
    if (held.length) deliver(held);
  }

  stop(): void {
    if (this.escTimer) clearTimeout(this.escTimer);
    this.deliver = null;
  }

  private emit(events: InputEvent[]): void {
    if (events.length === 0) return;
    if (this.deliver) this.deliver(events);
    else this.held.push(...events);
  }
}

export interface TerminalLease {
  readonly keyboard: Keyboard;
  /**
   * Give the terminal back; safe to call more than once. `after` is written once the main screen
   * is back: what the session leaves in the terminal's scrollback.
   */
  release(after?: string): void;
  /**
   * What to do around a suspension (SIGTSTP: `kill -TSTP`, or `z` in the prompt): `stop` before the
   * terminal is given back and the process stops, `resume` once `fg` (SIGCONT) has it back.
   */
  onSuspend(hooks: { stop(): void; resume(): void }): void;
  /**
   * Who ends on a signal (SIGTERM, SIGINT, SIGHUP, SIGQUIT): `handler` returning true has taken it
   * (the watch's table quits as q does); else, or with none, the terminal is given back and the
   * process exits 128 + the signal's number.
   */
  onSignal?(handler: ((signal: string) => boolean) | null): void;
}

export function takeTerminal(stdin: NodeJS.ReadStream, stdout: NodeJS.WriteStream): TerminalLease {
  let released = false;
  const keyboard = new Keyboard();
  const onData = (chunk: Buffer) => keyboard.push(chunk);
  const release = (after = '') => {
    if (released) return;
    released = true;
    keyboard.stop();
    stdin.off('data', onData);
    stdin.pause();
    try {
      if (stdin.isTTY) stdin.setRawMode(false);
    } catch {
      // The terminal may already be gone (SIGHUP); there is nothing left to restore then.
    }
    try {
      stdout.write(LEAVE + after);
    } catch {
      // As above.
    }
    process.off('exit', onExit);
    process.off('SIGTSTP', onStop);
    process.off('SIGCONT', onContinue);
    if (fallback) clearTimeout(fallback);
    for (const [sig, handler] of handlers) process.off(sig, handler);
    process.off('uncaughtException', crash);
    process.off('unhandledRejection', crash);
  };
  const onExit = () => release();
  // Suspended, the shell has the terminal: it must get it cooked and on the main screen, as
  // before porthole started; fg gives it back raw, in the alternate screen, drawn afresh.
  let hooks: { stop(): void; resume(): void } | null = null;
  let stopped = false;
  let fallback: NodeJS.Timeout | null = null;
  const onStop = () => {
    if (released || stopped) return;
    stopped = true;
    hooks?.stop();
    try {
      if (stdin.isTTY) stdin.setRawMode(false);
      // A TTY's writes are synchronous here (Linux): LEAVE is out before the process stops.
      stdout.write(LEAVE);
    } catch {
      // The terminal is gone: stopping is all there is left to do.
    }
    process.once('SIGCONT', onContinue);
    // SIGTSTP again with its default action, as telnet and vim do, never SIGSTOP: in a process
    // group no shell controls (ssh host porthole, a tmux window's command) the kernel drops it
    // rather than stop a process nobody could continue. Then, or after fg, this timer finds us
    // running and takes the terminal back; SIGCONT, when it comes, finds that done.
    process.off('SIGTSTP', onStop);
    fallback = setTimeout(onContinue, 50);
    process.kill(process.pid, 'SIGTSTP');
  };
  const onContinue = () => {
    if (fallback) clearTimeout(fallback);
    fallback = null;
    process.off('SIGCONT', onContinue);
    if (released || !stopped) return;
    stopped = false;
    process.on('SIGTSTP', onStop);
    if (stdin.isTTY) stdin.setRawMode(true);
    stdout.write(ENTER);
    hooks?.resume();
  };
  process.on('SIGTSTP', onStop);
  let signalHook: ((signal: string) => boolean) | null = null;
  const handlers = Object.entries(SIGNALS).map(([sig, n]) => {
    const handler = () => {
      if (signalHook?.(sig)) return;
      release();
      process.exit(128 + n);
    };
    process.on(sig, handler);
    return [sig, handler] as const;
  });
  const crash = (err: unknown) => {
    release();
    process.stderr.write(`porthole: internal error: ${(err as Error)?.stack ?? String(err)}\n`);
    process.exit(1);
  };
  process.on('exit', onExit);
  process.on('uncaughtException', crash);
  process.on('unhandledRejection', crash);
  // Raw at once: a key typed while the session's code loads is a key, not a line the terminal
  // echoes and holds.
  if (stdin.isTTY) stdin.setRawMode(true);
  stdin.on('data', onData);
  stdin.resume();
  stdout.write(ENTER);
  return {
    keyboard,
    release,
    onSuspend(h) {
      hooks = h;
    },
    onSignal(h) {
      signalHook = h;
    },
  };
}

/**
 * The session frame's outline, drawn with a few escape sequences before the session's modules,
 * Ink and React load: the status bar's first row and the prompt where Ink will draw them (the
 * same layout function places both), so the screen answers at once. Ink's first frame draws over
 * it. `host` is the user's argument, checked by parseHost (no control character can be in it).
 */
export function paintOutline(stdout: NodeJS.WriteStream, host: string, colour = true): void {
  const l = layout({ columns: stdout.columns || 80, rows: stdout.rows || 24, statusLines: 2, menu: null, timestampWidth: 0 });
  const status = `Resolving ${host}...`.slice(0, l.width).padEnd(l.width);
  // The busy tone and the prompt's colour of core/styles, written out: that module is not loaded yet.
  const [bar, prompt] = colour ? ['\x1b[7;33m', '\x1b[36m'] : ['\x1b[7m', ''];
  stdout.write(`\x1b[2J\x1b[${l.statusTop + 1};1H${bar}${status}\x1b[0m\x1b[${l.inputTop + 1};1H${prompt}> \x1b[0m\x1b[H`);
}
