// The watch on a terminal: a live table in the alternate screen, drawn with Ink from what
// core/watch-view lays out. Keys (io/terminal reads them): q quits, p pauses, r re-checks now,
// Up/Down (PgUp/PgDn, Home/End) select a row, Enter opens a session to it and comes back to the
// table when that session ends. The watch goes on while the session has the screen.

import { PassThrough } from 'node:stream';
import type { InputEvent } from '../core/key-decoder.js';
import type { SessionPart } from '../core/options.js';
import { wantsColour } from '../core/colour.js';
import { paintViewLine, watchAction, watchSummary, watchView } from '../core/watch-view.js';
import { realClock } from '../io/clock.js';
import { takeTerminal, type TerminalLease } from '../io/terminal.js';
import type { ProbeOptions, ReadyTarget } from './probe.js';
import { startWatch, timeOf, watchExit } from './watch.js';
import { hideCiFromInk, inkDrawsAttributes } from './tui.js';
import type { Instance } from 'ink';

/** At most this often a frame: a thousand targets end a check every few milliseconds. */
const FRAME_MS = 100;

export async function runWatchTable(opts: ProbeOptions, targets: ReadyTarget[]): Promise<number> {
  hideCiFromInk();
  const colour = wantsColour(opts.colour, true, process.env);
  inkDrawsAttributes();
  const lease = takeTerminal(process.stdin, process.stdout);
  const clock = opts.clock ?? realClock;
  let ink: Instance | null = null;
  try {
    const [{ render }, { watchTableElement }] = await Promise.all([import('ink'), import('../ui/watch-table.js')]);
    const run = startWatch(opts, targets, { result() {}, events() {} });
    let selected = 0;
    let pageRows = 10;
    const element = () => {
      const cols = process.stdout.columns || 80;
      const rows = process.stdout.rows || 24;
      // One row short of the screen, as the session's frame: a frame of the terminal's full height
      // makes Ink 6.8 clear the screen and write it all again at every frame.
      const height = Math.max(1, rows - 1);
      const view = watchView(run.watch, { cols, rows: height, selected, timeOf });
      pageRows = Math.max(1, rows - 8);
      return watchTableElement(view.lines.map((l) => paintViewLine(l, colour)), cols, height);
    };
    const mount = () => render(element(), { stdin: new PassThrough() as unknown as NodeJS.ReadStream, exitOnCtrlC: false, patchConsole: false, maxFps: 30 });
    let pending: (() => void) | null = null;
    const redraw = () => {
      if (!ink || pending) return;
      pending = clock.setTimer(() => {
        pending = null;
        ink?.rerender(element());
      }, FRAME_MS);
    };
    run.onChange = redraw;
    const onResize = () => ink?.rerender(element());
    process.stdout.on('resize', onResize);
    const suspendHooks = {
      stop() {
        ink?.unmount();
        ink = null;
      },
      resume() {
        ink = mount();
      },
    };
    lease.onSuspend(suspendHooks);
    let quit!: () => void;
    const quitting = new Promise<void>((r) => (quit = r));
    let inSession = false;
    const n = run.checks.length;
    const move = (to: number) => {
      selected = Math.max(0, Math.min(n - 1, to));
      ink?.rerender(element());
    };
    const openSession = async () => {
      if (!opts.session || inSession) return;
      inSession = true;
      const c = run.checks[selected]!;
      const t = c.target;
      const session: SessionPart = {
        ...opts.session,
        host: t.host,
        port: c.port,
        family: t.family,
        tls: t.tls,
        encoding: t.encoding,
        // Back to the table afterwards: nothing of the session is left on the screen.
        keepOutput: 0,
        commands: [],
      };
      // Keys typed while the session loads are held for it, not taken as the table's (q would quit).
      lease.keyboard.stop();
      ink?.unmount();
      ink = null;
      process.stdout.write('\x1b[2J\x1b[H');
      // The session borrows the terminal: its end gives it back to the table, not to the shell.
      const borrowed: TerminalLease = { keyboard: lease.keyboard, release() {}, onSuspend: (h) => lease.onSuspend(h) };
      try {
        const { runTui } = await import('./tui.js');
        const tls = t.tlsConfig ? { dial: t.dial, config: t.tlsConfig } : t.tls.implicit ? { dial: t.dial, config: null } : undefined;
        await runTui(session, borrowed, undefined, tls);
      } finally {
        inSession = false;
        if (endedInSession) quit();
        lease.onSuspend(suspendHooks);
        lease.keyboard.attach(onKeys);
        process.stdout.write('\x1b[2J\x1b[H');
        ink = mount();
      }
    };
    const onKey = (key: string) => {
      switch (watchAction(key)) {
        case 'quit':
          return quit();
        case 'pause':
          return run.pause(!run.watch.paused);
        case 'recheck':
          return run.recheck();
        case 'up':
          return move(selected - 1);
        case 'down':
          return move(selected + 1);
        case 'pageUp':
          return move(selected - pageRows);
        case 'pageDown':
          return move(selected + pageRows);
        case 'first':
          return move(0);
        case 'last':
          return move(n - 1);
        case 'session':
          return void openSession().catch((err: unknown) => {
            lease.release();
            process.stderr.write(`porthole: internal error: ${(err as Error)?.stack ?? String(err)}\n`);
            process.exit(1);
          });
      }
    };
    const onKeys = (events: InputEvent[]) => {
      for (const e of events) {
        if (e.type === 'text') for (const ch of e.text) onKey(ch.toLowerCase());
        else if (e.type === 'key') onKey(e.ctrl && e.name === 'c' ? 'ctrl+c' : e.ctrl || e.meta ? '' : e.name);
      }
    };
    lease.keyboard.attach(onKeys);
    // kill or timeout(1) ends the table as q does: the terminal back, the summary, the last
    // round's exit code (what the lines say on SIGTERM and SIGINT too). With a session open from
    // the table, the session ends as a session does on a signal (the terminal back, 128 + n).
    lease.onSignal?.((sig) => {
      if ((sig !== 'SIGTERM' && sig !== 'SIGINT') || inSession) return false;
      quit();
      return true;
    });
    ink = mount();
    // --count: the table ends with the last round, as the lines do; a session open then is not
    // cut short: the table ends when it does.
    let endedInSession = false;
    void run.ended.then(() => (inSession ? (endedInSession = true) : quit()));
    await quitting;
    lease.onSignal?.(null);
    run.stop();
    (pending as (() => void) | null)?.();
    process.stdout.off('resize', onResize);
    ink?.unmount();
    ink = null;
    lease.release();
    for (const l of watchSummary(run.watch, clock.now() - run.startedAt, timeOf)) process.stderr.write(`porthole: ${l}\n`);
    return watchExit(run.watch);
  } catch (err) {
    ink?.unmount();
    lease.release();
    throw err;
  }
}
