// The interactive session: Ink over a LiveSession, in the alternate screen. Ink and React are
// imported here only, so probe and pipe modes never load them.

import type { LineEnding } from '../core/codec.js';
import type { Settings } from '../core/tui-model.js';
import { LiveSession } from '../io/live-session.js';
import type { Family } from '../io/resolver.js';
import { takeTerminal } from '../io/terminal.js';

export interface TuiOptions {
  host: string;
  port: number;
  family: 0 | Family;
  connectTimeoutMs: number;
  lineEnding: LineEnding;
  encoding: string;
  scrollback: number | null;
}

/**
 * The frame's outline, drawn with two escape sequences while Ink and React load (~150 ms here):
 * the status line and the prompt where Ink will draw them, so the screen answers at once.
 */
function paintOutline(host: string): void {
  const rows = process.stdout.rows || 24;
  const cols = process.stdout.columns || 80;
  const status = `Resolving ${host}...`.padEnd(cols).slice(0, cols);
  // Clear, status line in the bar's place (rows - 3 of a frame that is rows - 1 tall), the prompt,
  // then the cursor home, where Ink starts its first frame.
  process.stdout.write(`\x1b[2J\x1b[${rows - 3};1H\x1b[7;33m${status}\x1b[0m\x1b[${rows - 1};1H\x1b[36m> \x1b[0m\x1b[H`);
}

export async function runTui(opts: TuiOptions): Promise<number> {
  const lease = takeTerminal(process.stdin, process.stdout);
  paintOutline(opts.host);
  const loading = Promise.all([import('ink'), import('../ui/app.js')]);
  const settings: Settings = { mode: 'line', lineEnding: opts.lineEnding, encoding: opts.encoding, echo: true, hex: false, timestamps: false };
  const session = new LiveSession({
    target: { host: opts.host, port: opts.port },
    settings,
    family: opts.family,
    connectTimeoutMs: opts.connectTimeoutMs,
    ...(opts.scrollback ? { scrollbackLines: opts.scrollback } : {}),
  });
  // Connect while the UI loads: the first frame Ink draws can already say where we are.
  session.start();
  const [{ render }, { appElement }] = await loading;
  const ink = render(appElement(session), {
    // The session already paces the peer's output to a frame every 33 ms; Ink's own cap (30 fps by
    // default) would hold a typed key back behind the last flood frame.
    maxFps: 120,
    exitOnCtrlC: false,
    patchConsole: false,
    // Not incrementalRendering: in ink 6.8 it leaves rows of earlier frames behind when the
    // status bar changes height (seen under tmux).
  });
  const code = await session.done;
  ink.unmount();
  lease.release();
  return code;
}
