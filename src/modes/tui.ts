// The interactive session: Ink over a SessionController, in the alternate screen. Ink and React are
// imported here only, so probe and pipe modes never load them.

import { PassThrough } from 'node:stream';
import type { SessionPart } from '../core/options.js';
import { DEFAULT_SETTINGS, type Settings } from '../core/session/state.js';
import { SessionController } from '../io/session-controller.js';
import type { Dial } from '../io/transport.js';
import type { TlsConfig } from '../io/tls.js';
import type { PendingConnect } from '../io/session.js';
import { paletteFor, type Palette } from '../core/styles.js';
import { wantsColour } from '../core/colour.js';
import { openCaptures, openJsonLog } from '../io/log-file.js';
import { paintStatus } from '../io/outline.js';
import { historyDir, openHistoryStore } from '../io/history-store.js';
import type { TerminalLease } from '../io/terminal.js';
import type { Instance } from 'ink';

/** Into terminal mode: porthole's colours off, the screen cleared for the remote program. */
const TERMINAL_ENTER = '\x1b[0m\x1b[2J\x1b[H';
/**
 * Out of terminal mode, what a remote program may have set, undone: attributes, the character set,
 * the scroll region, cursor keys and keypad, mouse reporting, a hidden cursor, its own alternate
 * screen (left, then ours entered afresh), and bracketed paste as porthole wants it.
 */
const TERMINAL_RESET =
  '\x1b[0m\x1b(B\x1b[r\x1b[?1l\x1b>\x1b[?1000l\x1b[?1002l\x1b[?1003l\x1b[?1006l\x1b[?1015l\x1b[?25h\x1b[?1049l\x1b[?1049h\x1b[?2004h\x1b[2J\x1b[H';

/**
 * Ink draws only the last frame when it thinks it runs in CI (is-in-ci reads CI and
 * CONTINUOUS_INTEGRATION when Ink loads). Dev containers and CI shells export CI for their own
 * tools; a session on a terminal must draw whatever CI says. Nothing else of ours reads them.
 */
export function hideCiFromInk(): void {
  delete process.env.CI;
  delete process.env.CONTINUOUS_INTEGRATION;
}

/**
 * The palette decides colour; Ink's chalk must only draw what it is given. chalk decides its own
 * level when it loads, from FORCE_COLOR and from our argv (--color=never, --no-color): at 0 it
 * would drop the cursor's inverse and the suggestion's dim too, which no-color.org keeps. Level 1
 * (16 colours) is all Ink is asked for here: the prompt's cyan, when the palette has colour.
 */
export function inkDrawsAttributes(): void {
  const level = Number(process.env.FORCE_COLOR);
  if (!(level >= 1)) process.env.FORCE_COLOR = '1';
}

/** What the session leaves in the terminal after quit: its last lines, then its last word. */
function keptOutput(c: SessionController, keep: SessionPart['keepOutput'], p: Palette): string {
  if (keep === 0) return '';
  const lines = c.keptLines(keep).map((l) => `${p.source[l.source][0]}${l.text}${p.source[l.source][1]}`);
  lines.push(`${p.dim[0]}porthole: ${c.lastWords()}${p.dim[1]}`);
  return `${lines.join('\n')}\n`;
}

/** Runs the session on a terminal already taken (see io/terminal), until the user quits. */
export async function runTui(opts: SessionPart, lease: TerminalLease, early?: PendingConnect, tls?: { dial: Dial | undefined; config: TlsConfig | null }): Promise<number> {
  hideCiFromInk();
  // On a terminal by now: colour unless NO_COLOR, TERM=dumb, FORCE_COLOR=0 or --color never.
  const palette = paletteFor(wantsColour(opts.colour, true, process.env));
  inkDrawsAttributes();
  const loading = Promise.all([import('ink'), import('../ui/app.js')]);
  const toldEarly: string[] = [];
  let say = (line: string): void => void toldEarly.push(line);
  const settings: Settings = { ...DEFAULT_SETTINGS, lineEnding: opts.lineEnding, encoding: opts.encoding, colours: opts.colours, proto: opts.proto, ...(opts.terminal ? { mode: 'terminal' as const, echo: false } : {}) };
  // Terminal mode: Ink steps aside (unmounted) while the remote program has the terminal, and is
  // mounted afresh when it comes back, over a terminal reset of what the program may have set.
  let ink: Instance | null = null;
  let inTerminal = false;
  let mount: (() => Instance) | null = null;
  const fullSize = () => session.terminalSize(process.stdout.columns || 80, process.stdout.rows || 24);
  const terminal = {
    enter() {
      inTerminal = true;
      ink?.unmount();
      ink = null;
      process.stdout.write(TERMINAL_ENTER);
      // The remote program gets the whole terminal: its size goes as NAWS (and it redraws).
      fullSize();
    },
    leave() {
      inTerminal = false;
      process.stdout.write(TERMINAL_RESET);
      if (mount) ink = mount();
    },
    write(bytes: Uint8Array) {
      process.stdout.write(bytes);
    },
  };
  const session = new SessionController({
    target: { host: opts.host, port: opts.port },
    settings,
    family: opts.family,
    connectTimeoutMs: opts.connectTimeoutMs,
    ...(opts.scrollback ? { scrollbackLines: opts.scrollback } : {}),
    // TLS with --tls, for the first connection and every reconnect and open; --starttls on each.
    ...(tls?.dial ? { dial: tls.dial } : {}),
    ...(tls?.config ? { tlsConfig: tls.config } : {}),
    tls: opts.tls,
    commands: opts.commands,
    telnet: opts.telnet,
    terminal,
    suspend: () => process.kill(process.pid, 'SIGTSTP'),
    captures: openCaptures(opts.captures, (line) => say(line)),
    jsonLog: openJsonLog(opts.jsonLog, (line) => say(line)),
    history: opts.history ? openHistoryStore(historyDir(), (line) => say(line)) : null,
  });
  // What the files' trouble says goes in the pane (stderr is under porthole's screen).
  say = (line) => session.tell(line);
  for (const line of toldEarly) session.tell(line);
  // --log: the transcript from the first byte, as `log FILE` in the prompt would write it.
  if (opts.log) session.startLog(opts.log, true);
  const onResize = () => {
    if (inTerminal) fullSize();
  };
  process.stdout.on('resize', onResize);
  // The pane's width before Ink's first layout says it (the app sets it exactly then): lines that
  // arrive first are wrapped at the terminal's width, not at a default of 80.
  session.resize(process.stdout.columns || 80, Math.max(1, (process.stdout.rows || 24) - 4));
  // Until Ink draws, the outline says where the connection is: its first words come at once.
  // (Not over a remote program that has the terminal already: --terminal with an early connect.)
  const unpaint = session.subscribe(() => {
    if (!inTerminal) paintStatus(process.stdout, session.getSnapshot().status, palette);
  });
  session.start(early);
  // Keys typed while loading go now, once; after start, so a line typed early queues for the connect.
  lease.keyboard.attach((events) => session.input(events));
  const [{ render }, { appElement }] = await loading;
  unpaint();
  mount = () => render(appElement(session, palette), {
    // io reads the keys (io/terminal); Ink never touches the real stdin.
    stdin: new PassThrough() as unknown as NodeJS.ReadStream,
    // The session already paces the peer's output to a frame every 33 ms; Ink's own cap (30 fps by
    // default) would hold a typed key back behind the last flood frame.
    maxFps: 120,
    exitOnCtrlC: false,
    patchConsole: false,
    // Not incrementalRendering: in ink 6.8 it leaves rows of earlier frames behind when the
    // status bar changes height (seen under tmux).
  });
  // (--terminal: the remote program may have the terminal already.)
  if (!inTerminal) ink = mount();
  // Suspended: Ink steps aside as for terminal mode, and is mounted afresh after fg, so its
  // first frame draws the whole screen (the alternate screen comes back empty).
  lease.onSuspend({
    stop() {
      ink?.unmount();
      ink = null;
    },
    resume() {
      if (inTerminal) {
        process.stdout.write(TERMINAL_ENTER);
        // The screen was cleared and the program's modes reset while it was away: a size that
        // changes and changes back (two NAWS, two SIGWINCH there) makes a full-screen program
        // redraw, as a same-size NAWS would not (the kernel sends SIGWINCH on a change only).
        const cols = process.stdout.columns || 80;
        const rows = process.stdout.rows || 24;
        session.terminalSize(cols, Math.max(1, rows - 1));
        session.terminalSize(cols, rows);
      } else if (mount) ink = mount();
    },
  });
  const code = await session.done;
  // A session opened from the watch's table is one of several in the process: nothing of it stays.
  process.stdout.off('resize', onResize);
  ink?.unmount();
  lease.release(keptOutput(session, opts.keepOutput, palette));
  return code;
}
