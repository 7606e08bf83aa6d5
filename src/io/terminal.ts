// Taking the user's terminal and giving it back on every way out: quit, crash, SIGTERM, SIGHUP.
// A terminal left in raw mode or in the alternate screen is the worst thing a TUI can do.

/** Alternate screen (1049) and bracketed paste (2004): pastes arrive marked, not as typed keys. */
const ENTER = '\x1b[?1049h\x1b[?2004h';
/** Paste off, main screen back, cursor shown, attributes reset. */
const LEAVE = '\x1b[?2004l\x1b[?1049l\x1b[?25h\x1b[0m';

const SIGNALS = { SIGTERM: 15, SIGHUP: 1, SIGINT: 2, SIGQUIT: 3 } as const;

export interface TerminalLease {
  /** Give the terminal back; safe to call more than once. */
  release(): void;
}

export function takeTerminal(stdin: NodeJS.ReadStream, stdout: NodeJS.WriteStream): TerminalLease {
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    try {
      if (stdin.isTTY) stdin.setRawMode(false);
    } catch {
      // The terminal may already be gone (SIGHUP); there is nothing left to restore then.
    }
    try {
      stdout.write(LEAVE);
    } catch {
      // As above.
    }
    process.off('exit', release);
    for (const [sig, handler] of handlers) process.off(sig, handler);
    process.off('uncaughtException', crash);
    process.off('unhandledRejection', crash);
  };
  const handlers = Object.entries(SIGNALS).map(([sig, n]) => {
    const handler = () => {
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
  process.on('exit', release);
  process.on('uncaughtException', crash);
  process.on('unhandledRejection', crash);
  stdout.write(ENTER);
  return { release };
}

/**
 * The session frame's outline, drawn with a few escape sequences before the session's modules,
 * Ink and React load (~200 ms here): the status line and the prompt where Ink will draw them,
 * so the screen answers at once. Ink's first frame then starts from the home position over it.
 */
export function paintOutline(stdout: NodeJS.WriteStream, host: string): void {
  const rows = stdout.rows || 24;
  const cols = stdout.columns || 80;
  const status = `Resolving ${host}...`.padEnd(cols).slice(0, cols);
  // The status line sits at rows - 3 of a frame that is rows - 1 tall, the prompt below it.
  stdout.write(`\x1b[2J\x1b[${rows - 3};1H\x1b[7;33m${status}\x1b[0m\x1b[${rows - 1};1H\x1b[36m> \x1b[0m\x1b[H`);
}
