// The interactive session: Ink over a LiveSession, in the alternate screen. Ink and React are
// imported here only, so probe and pipe modes never load them.

import type { SessionPart } from '../core/options.js';
import type { Settings } from '../core/tui-model.js';
import { LiveSession } from '../io/live-session.js';
import type { TerminalLease } from '../io/terminal.js';

/** Runs the session on a terminal already taken (see io/terminal), until the user quits. */
export async function runTui(opts: SessionPart, lease: TerminalLease): Promise<number> {
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
