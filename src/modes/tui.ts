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

export async function runTui(opts: TuiOptions): Promise<number> {
  const [{ render }, { appElement }] = await Promise.all([import('ink'), import('../ui/app.js')]);
  const settings: Settings = { mode: 'line', lineEnding: opts.lineEnding, encoding: opts.encoding, echo: true, hex: false, timestamps: false };
  const session = new LiveSession({
    target: { host: opts.host, port: opts.port },
    settings,
    family: opts.family,
    connectTimeoutMs: opts.connectTimeoutMs,
    ...(opts.scrollback ? { scrollbackLines: opts.scrollback } : {}),
  });
  const lease = takeTerminal(process.stdin, process.stdout);
  const ink = render(appElement(session), {
    exitOnCtrlC: false,
    patchConsole: false,
    // Not incrementalRendering: in ink 6.8 it leaves rows of earlier frames behind when the
    // status bar changes height (seen under tmux).
  });
  session.start();
  const code = await session.done;
  ink.unmount();
  lease.release();
  return code;
}
