// The interactive session's controller: runs the reducer's effects against the world (the
// connection through the byte pipeline, the scrollback, the hex log, the transcript file) from one
// effect queue drained by one loop: an effect never runs inside a reducer step or inside another
// effect, whatever it dispatches. It publishes at most one snapshot a frame on the injected clock,
// at once for what the user does and for the connection's state. No React here: the UI reads it
// as a SessionView.
//
//   connection --data--> pipeline.inbound (capture, filter, hex tap, decoder)
//                          --text--> line assembler --> scrollback, transcript, peer lines
//   reducer --send effect--> pipeline.outbound (transform, hex tap, filter, capture) --> connection

import type { Clock } from '../core/clock.js';
import { makeOutcome, type Outcome } from '../core/outcome.js';
import { HexLog, hexScrollReducer } from '../core/hex-log.js';
import type { InputEvent } from '../core/key-decoder.js';
import { fanOut, LineAssembler, LineCollector, type LineSink } from '../core/line-assembler.js';
import { inbound, outbound, type FilterEvent, type FilterOutput, type Inbound, type Outbound, type ProtocolFilter } from '../core/pipeline.js';
import { TelnetFilter } from '../core/telnet.js';
import { initialScroll, newLineCount, Scrollback, scrollReducer, viewport, type ScrollAction, type ScrollState } from '../core/scrollback.js';
import { fitColumns, type SafeText } from '../core/sanitize.js';
import { wantsPeerLines } from '../core/session/connection-slice.js';
import { sessionReducer } from '../core/session/reducer.js';
import type { Snapshot, SessionView } from '../core/session/snapshot.js';
import {
  initialSessionState,
  sessionExitCode,
  type Effect,
  type SessionAction,
  type SessionState,
  type Settings,
  type Target,
} from '../core/session/state.js';
import { formatBytes, statusLines, statusReport, type StatusInput } from '../core/status.js';
import { formatHostPort } from '../core/target.js';
import { Transcript } from '../core/transcript.js';
import { localStampClock, realClock } from './clock.js';
import { FrameClock } from './frame-clock.js';
import { fileLog, type LogFile } from './log-file.js';
import type { Family, Resolver } from './resolver.js';
import { startConnect, type Connection, type PendingConnect } from './session.js';
import type { Dial } from './transport.js';
import type { TlsConfig } from './tls.js';
import { DEFAULT_PORT, DEFAULT_TLS, type TelnetPart, type TlsPart } from '../core/options.js';
import { panelView } from '../core/session/panel-slice.js';
import { detectProtocol, unknownProtocol, type StartTlsProtocol } from '../core/starttls.js';
import { checkCompose, FieldError, type Compose } from '../core/protocols/compose.js';
import { dataRecord, eventRecord } from '../core/json-log.js';
import { safeJson } from '../core/report.js';
import { paneViewFor, type PaneView, type ViewItem } from '../core/protocols/pane-view.js';
import { isRequestLine } from '../core/protocols/walk.js';
import { createDecoder, type Decoder } from '../core/codec.js';
import { localName } from './local-name.js';
import { readFileSync } from 'node:fs';
import { expandHome } from './log-file.js';
import type { HistoryStore } from './history-store.js';

export interface ControllerOptions {
  target: Target;
  settings: Settings;
  family: 0 | Family;
  connectTimeoutMs: number;
  scrollbackLines?: number;
  resolver?: Resolver;
  /** How transports are opened: TCP by default, a fake transport in tests. */
  dial?: Dial;
  clock?: Clock;
  /** Wall-clock time for line time stamps and the transcript; injected for tests. */
  wallClock?: () => number;
  /** Runs `fn` after the event loop has looked at other input (setImmediate); injected for tests. */
  defer?: (fn: () => void) => void;
  /** How long to gather the peer's output into one frame, in ms (keys are drawn at once). */
  frameMs?: number;
  /** Opens a transcript file; injected for tests. */
  openLog?: (path: string) => LogFile;
  /** The protocol filter of each new connection, in the pipeline's filter slot (telnet next). */
  filter?: () => ProtocolFilter;
  /** TLS as asked for on the command line: --starttls on each new connection, and `starttls`. */
  tls?: TlsPart;
  /** The TLS material read already (the command line's files); else read at the first STARTTLS. */
  tlsConfig?: TlsConfig;
  /** Prompt commands to run once connected (-c), checked already. */
  commands?: readonly string[];
  /** This machine's name (EHLO, Message-ID); the host name by default. */
  machine?: string;
  /** Reads a composer's file (--body-file, --data-file); injected for tests. */
  readText?: (path: string) => string;
  /** A unique token for a Message-ID; injected for tests. */
  unique?: () => string;
  /** Called after each action has been carried out to the end (-c without a terminal watches it). */
  onSettled?: (state: SessionState) => void;
  /** When to speak telnet (port 23's connections by default), and the terminal type and user it gives. */
  telnet?: TelnetPart;
  /** The real terminal, for terminal mode: porthole's screen steps aside, the remote's bytes go to it. */
  terminal?: TerminalScreen;
  /** Stops the process with the terminal given back (a session on a terminal); else z says why not. */
  suspend?: () => void;
  /** --capture, --capture-sent: the bytes of every connection, exactly as they crossed (after TLS). */
  captures?: { received: LogFile | null; sent: LogFile | null };
  /** --json-log: a JSON object a line for each event and every byte. */
  jsonLog?: LogFile | null;
  /** The lines typed at each host:port, kept between sessions; none with --no-history. */
  history?: HistoryStore | null;
}

/** What terminal mode needs of the terminal (the TUI gives it). */
export interface TerminalScreen {
  /** porthole's screen steps aside: the terminal is the remote program's from now on. */
  enter(): void;
  /** What the remote program set is reset, and porthole's screen drawn again. */
  leave(): void;
  /** The remote program's bytes, as they came (the user chose to let its escape sequences pass). */
  write(bytes: Uint8Array): void;
}

/**
 * Most time one turn of the event loop spends taking in a flood. libuv reads a busy socket up to
 * 32 times in a row before it looks at stdin again; past this budget reading pauses until the
 * next turn, so a key typed during a flood is drawn within a frame or two. Measured: key to
 * screen under 50 ms during a 1 GiB flood, which still arrives ~4x faster than telnet takes it.
 */
const INGEST_BUDGET_MS = 4;

/** Bytes queued for a peer past which a filter's answers to it are dropped (it is not reading). */
const REPLY_QUEUE_LIMIT = 1024 * 1024;

/** One connection and its pipeline: all of it goes when the connection does. */
interface Link {
  readonly conn: Connection;
  readonly inbound: Inbound;
  readonly outbound: Outbound;
  readonly lines: LineAssembler;
  readonly collector: LineCollector;
  ended: boolean;
  /** Stops listening to the connection. */
  off: () => void;
  /** The user has sent data on this connection, other than the lines queued before it was up. */
  spoke: boolean;
  /** The lines queued while connecting are going out (they were typed before the peer spoke). */
  flushingQueued: boolean;
  /** The helper's view of the answers, what the pane shows (the transcript keeps the wire's form). */
  pane: { view: PaneView; decoder: Decoder; lines: LineAssembler } | null;
  /** IMAP: each line's length on the wire, for its literals' byte counts; the line not ended yet. */
  wire: { ends: number[]; partial: number };
  /** The telnet negotiator in the pipeline's filter slot, when the connection speaks telnet. */
  telnet: TelnetFilter | null;
  /** The filter's answers are being dropped: the peer does not read them. */
  repliesDropped: boolean;
}

interface Log {
  readonly path: string;
  readonly file: LogFile;
  readonly transcript: Transcript;
}

/** A line of the session for the terminal after quit, as the pane showed it. */
export interface KeptLine {
  text: SafeText;
  source: 'in' | 'out' | 'info';
}

export class SessionController implements SessionView {
  readonly store: Scrollback;
  private readonly hex = new HexLog();
  private state: SessionState;
  private readonly queue: Effect[] = [];
  private draining = false;
  /** The target whose lasting history the editor holds. */
  private historyTarget: Target;
  private scroll: ScrollState = initialScroll(80, 20);
  /** Hex view's first row while scrolled back; null follows the tail. */
  private hexTop: number | null = null;
  private link: Link | null = null;
  private pending: PendingConnect | null = null;
  /** Bumped on every new connection and every close, so late events of an old one are ignored. */
  private generation = 0;
  private connections = 0;
  /** The counters of the last connection, shown after it is gone. */
  private counters = { in: 0, out: 0 };
  private log: Log | null = null;
  private readonly listeners = new Set<() => void>();
  private snapshot: Snapshot;
  private readonly frame: FrameClock;
  /** TLS material, read at the first STARTTLS unless the command line read it. */
  private tlsConfig: TlsConfig | undefined;
  private readonly clock: Clock;
  private readonly wall: () => number;
  private readonly defer: (fn: () => void) => void;
  private readonly openLog: (path: string) => LogFile;
  /** When this turn of the event loop began taking in data; null outside of one. */
  private turnStart: number | null = null;
  /** Reading is paused until the next turn (the ingest budget was spent). */
  private yielding = false;
  private finished = false;
  private readonly captureIn: ((bytes: Uint8Array) => void) | null;
  private readonly captureOut: ((bytes: Uint8Array) => void) | null;
  /** Terminal mode is on: the remote's bytes go to the real terminal instead of the pane. */
  private terminalOn = false;
  /** Bytes the remote program sent to the terminal in this spell of terminal mode. */
  private terminalBytes = 0;
  private finish!: (code: number) => void;
  /** Resolves with the exit code when the user quits. */
  readonly done: Promise<number>;

  constructor(private readonly opts: ControllerOptions) {
    this.tlsConfig = opts.tlsConfig;
    const received = opts.captures?.received;
    const sent = opts.captures?.sent;
    const json = opts.jsonLog ?? null;
    const wall = opts.wallClock ?? Date.now;
    const tap = (file: LogFile | null | undefined, dir: 'in' | 'out') =>
      file || json
        ? (bytes: Uint8Array) => {
            file?.write(bytes);
            json?.write(`${JSON.stringify(dataRecord(dir, bytes, wall()))}\n`);
          }
        : null;
    this.captureIn = tap(received, 'in');
    this.captureOut = tap(sent, 'out');
    this.clock = opts.clock ?? realClock;
    this.historyTarget = opts.target;
    this.wall = opts.wallClock ?? Date.now;
    this.defer = opts.defer ?? setImmediate;
    this.openLog = opts.openLog ?? fileLog;
    this.frame = new FrameClock(this.clock, opts.frameMs ?? 33, () => this.publish());
    this.store = new Scrollback(opts.scrollbackLines ? { maxLines: opts.scrollbackLines } : {});
    this.state = {
      ...initialSessionState(opts.target, opts.settings, opts.history?.load(opts.target.host, opts.target.port) ?? [], this.clock.now()),
      script: [...(opts.commands ?? [])],
      machine: opts.machine ?? localName(),
    };
    this.snapshot = this.makeSnapshot(0);
    this.done = new Promise((resolve) => (this.finish = resolve));
  }

  /** Connects to the target; `early` is a connect already under way to adopt (see PendingConnect). */
  start(early?: PendingConnect): void {
    if (this.finished) return early?.abort();
    this.frame.start();
    this.open(this.opts.target, early);
  }

  // --- SessionView ---

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  readonly getSnapshot = (): Snapshot => this.snapshot;

  resize(width: number, height: number): void {
    if (width === this.scroll.width && height === this.scroll.height) return;
    this.scroll = scrollReducer(this.scroll, { type: 'resize', width, height }, this.store);
    // The remote program learns the pane's new size (telnet's NAWS), as a terminal's resize tells
    // it; in terminal mode it has the whole terminal, whose size terminalSize() gives.
    if (this.state.settings.mode !== 'terminal') this.sendSize(width, height);
    this.frame.now();
  }

  /** The whole terminal's size, which the remote program has in terminal mode (telnet's NAWS). */
  terminalSize(cols: number, rows: number): void {
    if (this.state.settings.mode === 'terminal') this.sendSize(cols, rows);
  }

  private sendSize(cols: number, rows: number): void {
    const link = this.link;
    const naws = link?.telnet?.resize(cols, rows);
    if (link && naws) link.conn.write(link.outbound.reply(naws));
  }

  /** Keys decoded from stdin, in the order typed. */
  input(events: readonly InputEvent[]): void {
    // Each key sees the queue as the keys before it left it: a paste on top of a full one is refused.
    for (const event of events) this.dispatch({ type: 'input', event, now: this.clock.now(), sendQueued: this.link?.conn.queued ?? 0 });
    // Keys are what a person waits on: draw them at once rather than at the next frame, and
    // what answers them (a server's echo in character mode) without waiting for the output to pause.
    this.frame.typed();
    this.frame.now();
  }

  /** The state now, for tests and for the exit code. */
  get current(): SessionState {
    return this.state;
  }

  // --- the loop ---

  private dispatch(action: SessionAction): void {
    if (this.opts.jsonLog) {
      const record = eventRecord(action, this.wall());
      // A certificate's fields and the outcomes' words may hold what no terminal should get.
      if (record) this.opts.jsonLog.write(`${safeJson(record)}\n`);
    }
    const { state, effects } = sessionReducer(this.state, action);
    const phase = this.state.conn.phase;
    const banner = this.state.conn.phase === 'connected' ? this.state.conn.banner : null;
    const peerEof = this.state.conn.phase === 'connected' ? this.state.conn.peerEof : null;
    this.state = state;
    this.queue.push(...effects);
    // Where the connection is, the service's first words and its end are what a person waits on: at once.
    if (state.conn.phase !== phase || (state.conn.phase === 'connected' && (state.conn.banner !== banner || state.conn.peerEof !== peerEof))) this.frame.now();
    else this.frame.changed();
    if (this.draining) return;
    this.draining = true;
    try {
      for (let e = this.queue.shift(); e !== undefined; e = this.queue.shift()) this.run(e);
    } finally {
      this.draining = false;
    }
    this.opts.onSettled?.(this.state);
  }

  /** Writes a transcript to `file` from now on, as `log FILE` does (-c without a terminal: stdout). */
  startLog(file: string, announce = false): void {
    this.setLog(file, announce);
  }

  /** A line of porthole's own in the pane and the transcript (a file's trouble, said by the mode). */
  tell(line: string): void {
    this.note('info', line);
  }

  /** Leaves, as quit does, whatever is still queued. */
  stop(): void {
    this.quit();
  }

  private run(e: Effect): void {
    switch (e.type) {
      case 'send': {
        const link = this.link;
        if (!link) return this.note('info', `Not sent (not connected): ${e.display.text}`);
        // A secret's bytes go on the wire; the hex view shows the mask, as the pane does.
        const shown = e.display.masked ? Buffer.from(e.display.text + (e.display.eol === 'lf' ? '\n' : e.display.eol === 'crlf' ? '\r\n' : '')) : undefined;
        link.conn.write(link.outbound.data(e.bytes, shown));
        if (!link.flushingQueued) link.spoke = true;
        if (e.display.eol !== null) {
          // A request (or command) starts here: the helper's view of its answer begins with it.
          this.syncPane(link, true, e.display.text);
          link.pane?.view.sent(e.display.text, this.clock.now());
        }
        if (e.display.echo && e.display.eol !== null) this.store.appendLine(e.display.text, 'out', this.wall());
        const t = this.log?.transcript;
        if (t) {
          t.text('out', e.display.text);
          if (e.display.eol !== null) t.end('out', e.display.eol);
        }
        return;
      }
      case 'send-eof':
        this.link?.conn.sendEof();
        return;
      case 'connect':
        this.open(e.target);
        return;
      case 'close':
        this.closeConnection();
        return;
      case 'suspend':
        if (this.opts.suspend) this.opts.suspend();
        else this.note('info', 'z suspends a session on a terminal; there is none here.');
        return;
      case 'quit': {
        const queued = this.link?.conn.queued ?? 0;
        if (!e.force && queued > 0) return this.dispatch({ type: 'quit-refused', queued });
        this.quit();
        return;
      }
      case 'info':
        for (const line of e.lines) this.note('info', line);
        return;
      case 'scroll':
        this.scrollBy(e.action);
        return;
      case 'clear':
        this.store.clear();
        this.scroll = scrollReducer(this.scroll, { type: 'bottom' }, this.store);
        return;
      case 'log':
        this.setLog(e.file);
        return;
      case 'status': {
        for (const line of statusReport(this.statusInput())) this.note('info', line);
        const t = this.link?.telnet;
        if (t) {
          const o = t.options();
          this.note('info', `Telnet options: ours ${o.ours.join(', ') || 'none'}; the server's ${o.his.join(', ') || 'none'}${t.serverEchoes ? ' (the server echoes)' : ''}.`);
        }
        return;
      }
      case 'remember': {
        const t = this.historyTarget;
        this.opts.history?.remember(t.host, t.port, e.line);
        return;
      }
      case 'terminal':
        if (e.on === this.terminalOn || !this.opts.terminal) return;
        this.terminalOn = e.on;
        if (e.on) {
          this.terminalBytes = 0;
          this.opts.terminal.enter();
          return;
        }
        this.opts.terminal.leave();
        // Out of terminal mode for good: the remote program has the pane's size again.
        if (this.state.settings.mode !== 'terminal') this.sendSize(this.scroll.width, this.scroll.height);
        // The pane is as it was: what the program drew went to the terminal (and the transcript).
        if (this.terminalBytes > 0) this.note('info', `Terminal mode: ${formatBytes(this.terminalBytes)} went to the terminal${this.log ? ' and the transcript' : ''}, not to this pane.`);
        return;
      case 'telnet-command': {
        const link = this.link;
        const bytes = link?.telnet?.command(e.name);
        if (link && bytes) link.conn.write(link.outbound.reply(bytes));
        return;
      }
      case 'starttls':
        this.startTlsSafely(e.how, false);
        return;
      case 'compose':
        this.compose(e.spec);
        return;
      case 'script-next':
        this.dispatch({ type: 'script-next', now: this.clock.now() });
        return;
      case 'set-encoding': {
        const link = this.link;
        if (link) {
          this.takeText(link, link.inbound.setEncoding(e.encoding));
          if (link.pane) {
            const sink = this.store.sinkFor('in', this.wall());
            const rest = link.pane.decoder.end();
            if (rest) link.pane.lines.push(rest, sink);
            link.pane.decoder = createDecoder(e.encoding);
          }
        }
        return;
      }
    }
  }

  /** A composer asked for: its file read (the text in its place), the clocks given, then it starts. */
  private compose(spec: Compose): void {
    const file = spec.kind === 'smtp-send' ? spec.bodyFile : spec.kind === 'http' ? spec.dataFile : undefined;
    let ready = spec;
    if (file !== undefined) {
      let text: string;
      try {
        text = (this.opts.readText ?? ((p) => readFileSync(expandHome(p), 'utf8')))(file);
      } catch (err) {
        return this.dispatch({ type: 'compose-failed', message: `Not sent: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? String(err)}).` });
      }
      if (spec.kind === 'smtp-send') {
        const { bodyFile: _, ...rest } = spec;
        ready = { ...rest, body: text };
      } else if (spec.kind === 'http') {
        const { dataFile: _, ...rest } = spec;
        ready = { ...rest, data: text };
      }
    }
    // A file's text is checked as a typed one is (a NUL in a body), before anything goes.
    try {
      checkCompose(ready);
    } catch (err) {
      if (err instanceof FieldError) return this.dispatch({ type: 'compose-failed', message: `Not sent: ${file}: ${err.message}.` });
      throw err;
    }
    const unique = this.opts.unique?.() ?? `${this.wall().toString(36)}.${Math.random().toString(36).slice(2, 12)}`;
    this.dispatch({ type: 'compose', spec: ready, now: this.clock.now(), wall: this.wall(), unique });
  }

  /** A whole line of ours in the pane and the transcript: a note, or what we sent. */
  private note(source: 'out' | 'info', text: string): void {
    this.store.appendLine(text, source, this.wall());
    if (source === 'info') this.log?.transcript.note(text);
    this.frame.changed();
  }

  // --- connections ---

  private open(target: Target, early?: PendingConnect): void {
    if (this.finished) return;
    this.closeConnection();
    const gen = ++this.generation;
    this.counters = { in: 0, out: 0 };
    this.dispatch({ type: 'resolving', target, now: this.clock.now() });
    // `open` elsewhere: Up recalls what was typed there, and what is typed now is kept for it.
    const h = this.opts.history;
    if (h && (target.host !== this.historyTarget.host || target.port !== this.historyTarget.port)) {
      this.historyTarget = target;
      const entries = h.load(target.host, target.port);
      // A store that failed keeps nothing: Up goes on recalling this session's lines.
      if (entries) this.dispatch({ type: 'history-loaded', entries });
    }
    const pending =
      early ??
      startConnect({
        host: target.host,
        port: target.port,
        family: this.opts.family,
        connectTimeoutMs: this.opts.connectTimeoutMs,
        clock: this.clock,
        paused: true,
        ...(this.opts.resolver ? { resolver: this.opts.resolver } : {}),
        ...(this.opts.dial ? { dial: this.opts.dial } : {}),
      });
    this.pending = pending;
    const live = () => gen === this.generation && !this.finished;
    pending.follow((p) => {
      if (!live()) return;
      if (p.type === 'trying') this.dispatch({ type: 'trying', address: p.address, now: this.clock.now() });
      if (p.type === 'attempt') this.dispatch({ type: 'attempt', attempt: p.attempt });
    });
    void pending.result.then((r) => {
      if (!live()) {
        if (r.ok) r.connection.close();
        return;
      }
      this.pending = null;
      if (!r.ok) return this.dispatch({ type: 'failed', outcome: r.outcome, address: r.address ?? null, now: this.clock.now(), tls: r.tls ?? null });
      this.attach(r.connection, target);
    });
  }

  private attach(c: Connection, target: Target): void {
    const hex = this.hex;
    const t = this.opts.telnet;
    const speaks = t !== undefined && (t.when === 'always' || (t.when === 'port-23' && target.port === DEFAULT_PORT));
    const telnet = speaks ? new TelnetFilter({ term: t.term, user: t.user, cols: this.scroll.width, rows: this.scroll.height }) : null;
    const filter = telnet ?? this.opts.filter?.();
    const link: Link = {
      conn: c,
      inbound: inbound({ ...(filter ? { filter } : {}), ...(this.captureIn ? { capture: this.captureIn } : {}), hex: (bytes) => hex.append('in', bytes), encoding: this.state.settings.encoding }),
      outbound: outbound({ ...(filter ? { filter } : {}), ...(this.captureOut ? { capture: this.captureOut } : {}), hex: (bytes) => hex.append('out', bytes) }),
      lines: new LineAssembler(),
      collector: new LineCollector(),
      ended: false,
      off: () => {},
      spoke: false,
      flushingQueued: false,
      pane: null,
      wire: { ends: [], partial: 0 },
      telnet,
      repliesDropped: false,
    };
    this.link = link;
    this.syncPane(link, false);
    this.connections += 1;
    // The transcript's marks follow what carries this connection (implicit TLS, or plain again).
    this.log?.transcript.setTls(c.kind === 'tls');
    hex.connection(`connection ${this.connections}: ${formatHostPort(target.host, target.port)} (${formatHostPort(c.address, c.remotePort)})`);
    const local = formatHostPort(c.localAddress, c.localPort);
    this.note('info', `Connected to ${c.address} port ${c.remotePort} in ${c.connectMs.toFixed(1)} ms. Escape character is '^]'.`);
    link.flushingQueued = true;
    // With --starttls the upgrade comes first: what waits on it (-c) knows from the start.
    this.dispatch({ type: 'connected', address: c.address, local, connectMs: c.connectMs, now: this.clock.now(), tls: c.tls, upgrading: Boolean(this.opts.tls?.starttls), telnet: telnet !== null });
    link.flushingQueued = false;
    // A telnet client says first what it will do (NAWS, TERMINAL-TYPE) and wants (SUPPRESS-GO-AHEAD).
    if (telnet) this.filterSaid(link, telnet.start());
    link.off = c.on((e) => {
      if (this.link !== link) return;
      switch (e.type) {
        case 'data':
          this.received(link, e.bytes);
          return;
        case 'peer-eof':
          this.endInbound(link);
          this.dispatch({ type: 'peer-eof', outcome: e.outcome });
          return;
        case 'backpressure':
          // The status bar reads the queue itself; a drain is worth a frame to say it is gone.
          this.frame.changed();
          return;
        case 'closed':
          this.linkClosed(link, e.outcome);
          return;
      }
    });
    // --starttls: the dialogue takes the greeting through its hold, so it begins before any read.
    const starttls = this.opts.tls?.starttls;
    if (starttls) this.startTlsSafely(starttls, true);
    // (A connect adopted after its peer's FIN or reset: Connection.on told this listener already.)
    else if (!c.closed) c.resumeReading();
  }

  /** startTls, whose failure of our own (a bug) is said in the pane rather than crashing the session. */
  private startTlsSafely(how: StartTlsProtocol | 'auto' | 'now', full: boolean): void {
    this.startTls(how, full).catch((err: unknown) => {
      const outcome = makeOutcome('tls-failure', 'PH_TLS_HANDSHAKE', { label: 'STARTTLS failed', meaning: `porthole could not go on with it: ${(err as Error)?.message ?? String(err)}.`, next: '' });
      this.dispatch({ type: 'starttls-failed', outcome, tls: null, closed: this.link?.conn.closed ?? true });
    });
  }

  /**
   * STARTTLS on the live connection: `full` from the greeting on (--starttls), else the upgrade
   * command alone (`starttls` in the prompt), or `now` at once. What porthole sends goes through
   * the pipeline and shows as sent; what the server says shows as ever, up to its go-ahead.
   */
  private async startTls(how: StartTlsProtocol | 'auto' | 'now', full: boolean): Promise<void> {
    const link = this.link;
    if (!link) return;
    const target = this.state.conn.target;
    const { startTls, upgradeNow, localName } = await import('./starttls.js');
    let config: TlsConfig;
    try {
      config = this.tlsConfig ??= (await import('./tls.js')).loadTlsConfig(this.opts.tls ?? DEFAULT_TLS);
    } catch (err) {
      if (this.link !== link) return;
      if (full && !link.conn.closed) link.conn.resumeReading();
      // Said as a failure, so what waits on the upgrade (-c, a composer) stops rather than going on in plain text.
      const outcome = makeOutcome('tls-failure', 'PH_TLS_HANDSHAKE', { label: 'STARTTLS not begun', meaning: `${(err as Error).message}.`, next: 'check the --ca, --cert and --key files' });
      return this.dispatch({ type: 'starttls-failed', outcome, tls: null, closed: false });
    }
    if (this.link !== link) return;
    const ehloName = localName();
    const protocol = how === 'now' ? null : how === 'auto' ? detectProtocol(target.port, this.state.conn.phase === 'connected' ? this.state.conn.banner : null) : how;
    if (how === 'auto' && !full && protocol === null) {
      const greeting = this.state.conn.phase === 'connected' ? this.state.conn.banner : null;
      const o = unknownProtocol(target.port, greeting);
      return this.dispatch({ type: 'starttls-failed', outcome: o, tls: null, closed: false });
    }
    this.dispatch({ type: 'starttls-began', protocol: how === 'now' ? null : (protocol ?? 'auto') });
    const run = {
      config,
      host: target.host,
      port: target.port,
      timeoutMs: this.opts.connectTimeoutMs,
      ehloName,
      clock: this.clock,
    };
    const r =
      how === 'now'
        ? await upgradeNow(link.conn, run)
        : await startTls(link.conn, {
            ...run,
            protocol: protocol ?? 'auto',
            full,
            send: (text) => this.sendRaw(link, text),
          });
    if (this.link !== link) return;
    if (!r.ok) return this.dispatch({ type: 'starttls-failed', outcome: r.outcome, tls: r.tls ?? null, closed: r.closed });
    this.log?.transcript.setTls(true);
    this.dispatch({ type: 'tls-up', tls: r.tls, protocol: r.protocol, discarded: r.discarded, ehloName });
  }

  /** A line porthole sends on the user's behalf (a STARTTLS dialogue): through the pipeline, shown as sent. */
  private sendRaw(link: Link, text: string): void {
    link.conn.write(link.outbound.data(Buffer.from(text, 'latin1')));
    link.spoke = true;
    const shown = text.replace(/\r?\n$/, '');
    link.pane?.view.sent(shown, this.clock.now());
    this.store.appendLine(shown, 'out', this.wall());
    const t = this.log?.transcript;
    if (t) {
      t.text('out', shown);
      t.end('out', 'crlf');
    }
    this.frame.changed();
  }

  private linkClosed(link: Link, outcome: Outcome | null): void {
    this.endInbound(link);
    this.counters = { in: link.conn.bytesIn, out: link.conn.bytesOut };
    link.off();
    this.link = null;
    this.dispatch({ type: 'closed', outcome, now: this.clock.now() });
  }

  /** The hot path: bytes from the wire through the pipeline into the scrollback and the rest. */
  private received(link: Link, bytes: Uint8Array): void {
    const step = link.inbound.push(bytes);
    if (step.replies.length) this.writeReplies(link, step.replies);
    // Terminal mode: the remote program's bytes, as they came (after telnet's), to the terminal.
    if (this.terminalOn && step.data.length > 0) {
      this.opts.terminal?.write(step.data);
      this.terminalBytes += step.data.length;
    }
    const pane = link.pane;
    const shown = pane && step.data.length > 0 && !this.terminalOn ? this.showPane(link, pane.view.push(step.data, this.clock.now(), this.state.settings.raw)) : null;
    if (this.state.helper.proto === 'imap' && step.data.length > 0) countLines(link.wire, step.data);
    if (step.text) this.takeText(link, step.text);
    if (shown) this.afterPane(shown);
    if (step.events.length) this.filterEvents(step.events);
    this.frame.changed();
    this.pace(link.conn);
  }

  /** What the protocol filter says on its own (telnet's first offers): its replies out, its events told. */
  private filterSaid(link: Link, out: FilterOutput): void {
    if (out.replies.length) this.writeReplies(link, out.replies);
    this.filterEvents(out.events);
  }

  /**
   * The filter's answers to the peer, in one write. A peer that negotiates without reading what it
   * is answered would grow the queue without end: past a limit its answers are dropped, said once.
   */
  private writeReplies(link: Link, replies: readonly Uint8Array[]): void {
    if (link.conn.queued > REPLY_QUEUE_LIMIT) {
      if (!link.repliesDropped) this.note('info', 'The server is not reading its negotiation answers: porthole stops answering until it does.');
      link.repliesDropped = true;
      return;
    }
    link.repliesDropped = false;
    const bytes = replies.length === 1 ? replies[0]! : Buffer.concat(replies);
    link.conn.write(link.outbound.reply(bytes));
  }

  /** The filter's news for the session: the server echoes (telnet), a negotiation step. */
  private filterEvents(events: readonly FilterEvent[]): void {
    for (const e of events) {
      if (e.type === 'telnet-echo') this.dispatch({ type: 'telnet-echo', on: e.on === true });
      else if (e.type === 'telnet-log') this.dispatch({ type: 'telnet-log', text: String(e.text) });
    }
  }

  /**
   * The helper's view for the protocol in force: made when a connection starts or a line goes (an
   * answer's start), so it never begins inside an answer. `greeted`: the server spoke already.
   */
  private syncPane(link: Link, greeted: boolean, line?: string): void {
    let proto = this.state.helper.proto;
    if (proto === null) {
      // Not decided yet (a port that does not tell): an HTTP request line says what its answer
      // will be, so the view reads that answer from its start; the answer decides the helper.
      if (link.pane || line === undefined || !isRequestLine(line)) return;
      proto = 'http';
    }
    if ((link.pane?.view.proto ?? null) === proto) return;
    if (link.pane) this.endPane(link);
    const view = paneViewFor(proto, greeted || (this.state.conn.phase === 'connected' && this.state.conn.heard));
    link.pane = view ? { view, decoder: createDecoder(this.state.settings.encoding), lines: new LineAssembler() } : null;
  }

  /**
   * What the view gives: its bytes into the pane, its notes under them. Returns the notes and the
   * answers that ended, for after the wire's text has gone to the transcript and the helper.
   */
  private showPane(link: Link, items: readonly ViewItem[]): ViewItem[] {
    const pane = link.pane!;
    const later: ViewItem[] = [];
    const sink = this.store.sinkFor('in', this.wall());
    for (const item of items) {
      if (item.type === 'bytes') pane.lines.push(pane.decoder.write(item.data), sink);
      else if (item.type === 'note') {
        this.store.appendLine(item.text, 'info', this.wall());
        later.push(item);
      } else later.push(item);
    }
    return later;
  }

  /** The view's notes into the transcript; an HTTP answer ended by its framing, to what waits on it. */
  private afterPane(items: readonly ViewItem[]): void {
    for (const item of items) {
      if (item.type === 'note') this.log?.transcript.note(item.text);
      else if (item.type === 'answered') this.dispatch({ type: 'http-answered', code: item.code, status: item.status, now: this.clock.now() });
    }
  }

  private endPane(link: Link): void {
    const pane = link.pane;
    if (!pane) return;
    this.afterPane(this.showPane(link, pane.view.end(this.clock.now())));
    const sink = this.store.sinkFor('in', this.wall());
    const tail = pane.decoder.end();
    if (tail) pane.lines.push(tail, sink);
    pane.lines.flush(sink);
    link.pane = null;
  }

  /** Decoded text into the line assembler, whose lines go to every sink that wants them. */
  private takeText(link: Link, text: string): void {
    if (!text) return;
    link.lines.push(text, this.inboundSink(link));
    this.peerLines(link);
  }

  private inboundSink(link: Link): LineSink {
    // With a helper's view the pane shows what the view gives; the rest take the wire's text.
    // In terminal mode the remote program draws on the terminal itself: the pane keeps what it had.
    const sinks: LineSink[] = link.pane || this.terminalOn ? [] : [this.store.sinkFor('in', this.wall())];
    if (this.log) sinks.push(this.log.transcript.sink('in'));
    if (wantsPeerLines(this.state)) sinks.push(link.collector);
    return fanOut(sinks);
  }

  private peerLines(link: Link): void {
    const lines = link.collector.take();
    if (lines.length === 0) return;
    const wire = link.wire.ends;
    // IMAP counts its literals in bytes: each line's, as it crossed the wire (a line cut short
    // for the reader, or decoded from 8-bit bytes, has another length as text).
    const sized = wire.length > 0 ? lines.map((l) => ({ text: l.text, eol: l.eol, ...(wire.length ? { bytes: wire.shift()! } : {}) })) : lines.map((l) => ({ text: l.text, eol: l.eol }));
    this.dispatch({ type: 'peer-lines', lines: sized, unprompted: !link.spoke, now: this.clock.now() });
  }

  /** Nothing more will arrive: what the decoder and the line assembler held back comes out. */
  private endInbound(link: Link): void {
    if (link.ended) return;
    link.ended = true;
    const sink = this.inboundSink(link);
    const tail = link.inbound.end();
    if (tail) link.lines.push(tail, sink);
    link.lines.flush(sink);
    this.endPane(link);
    this.peerLines(link);
  }

  private pace(c: Connection): void {
    const now = this.clock.now();
    if (this.turnStart === null) {
      this.turnStart = now;
      this.defer(() => (this.turnStart = null));
    } else if (!this.yielding && now - this.turnStart >= INGEST_BUDGET_MS) {
      this.yielding = true;
      c.pauseReading();
      this.defer(() => {
        this.yielding = false;
        this.turnStart = null;
        c.resumeReading();
      });
    }
  }

  /** Closes the connection or cancels the connect in progress; the old one's events are ignored. */
  private closeConnection(): void {
    this.pending?.abort();
    this.pending = null;
    const link = this.link;
    this.generation += 1;
    if (!link) return;
    this.link = null;
    link.off();
    this.endInbound(link);
    this.counters = { in: link.conn.bytesIn, out: link.conn.bytesOut };
    const queued = link.conn.queued;
    link.conn.close();
    if (queued > 0) this.note('info', `Dropped ${formatBytes(queued)} the peer had not taken.`);
    this.dispatch({ type: 'closed', outcome: null, now: this.clock.now() });
  }

  private scrollBy(action: ScrollAction): void {
    if (this.state.settings.hex) {
      this.hexTop = hexScrollReducer(this.hexTop, action, this.hex, this.scroll.height);
      return;
    }
    this.scroll = scrollReducer(this.scroll, action, this.store);
  }

  // --- the transcript ---

  private setLog(file: string | null, announce = true): void {
    const old = this.log;
    if (old) {
      // Its last note goes into it, before it ends; nothing of the next one does.
      this.note('info', `Transcript written to ${old.path}.`);
      this.log = null;
      old.transcript.flush();
      old.file.end();
    }
    if (file === null) {
      if (!old) this.note('info', 'No transcript is being written.');
      return;
    }
    let opened: LogFile;
    try {
      opened = this.openLog(file);
    } catch (err) {
      return this.note('info', `Transcript not started: cannot write ${file} (${(err as NodeJS.ErrnoException).code ?? String(err)}).`);
    }
    const log: Log = { path: opened.path, file: opened, transcript: new Transcript((text, stamp) => opened.write(text, stamp), localStampClock(this.wall)) };
    opened.onError((code) => {
      // Only this log's own failure stops it: an older log's late error must not stop the new one.
      if (this.log === log) this.log = null;
      this.note('info', `Transcript stopped: cannot write ${log.path} (${code}).`);
    });
    this.log = log;
    log.transcript.setTls(this.link?.conn.kind === 'tls');
    const where = formatHostPort(this.state.conn.target.host, this.state.conn.target.port);
    log.transcript.header(where);
    if (announce) this.note('info', `Writing a transcript to ${log.path}.`);
  }

  // --- quitting ---

  private quit(): void {
    if (this.finished) return;
    // Out of terminal mode first: what the remote program set is reset before the terminal is given back.
    if (this.terminalOn) {
      this.terminalOn = false;
      this.opts.terminal?.leave();
    }
    this.closeConnection();
    if (this.log) {
      this.log.transcript.flush();
      this.log.file.end();
      this.log = null;
    }
    this.opts.captures?.received?.end();
    this.opts.captures?.sent?.end();
    this.opts.jsonLog?.end();
    this.finished = true;
    this.frame.stop();
    this.finish(sessionExitCode(this.state));
  }

  /**
   * The session's last lines, to be left in the terminal after quit (the alternate screen takes the
   * pane with it): `count` lines, or the pane's height.
   */
  keptLines(count: number | 'screen'): KeptLine[] {
    const n = count === 'screen' ? this.scroll.height : count;
    const from = Math.max(this.store.firstSeq, this.store.endSeq - n);
    const out: KeptLine[] = [];
    for (let seq = from; seq < this.store.endSeq; seq++) {
      // Made visible, a line may have cost the oldest ones their place.
      const line = this.store.line(seq);
      if (line) out.push({ text: line.text, source: line.source });
    }
    return out;
  }

  /** The status bar's state line now, for the last word after quit. */
  lastWords(): SafeText {
    return statusLines(this.statusInput())[0]!.text;
  }

  // --- frames ---

  private publish(): void {
    const next = this.makeSnapshot(this.snapshot.version + 1);
    // The clock ticks four times a second for the status bar's timers; when nothing on screen
    // would change (an idle or closed session), drawing the frame again is wasted work.
    if (sameFrame(this.snapshot, next)) return;
    this.snapshot = next;
    for (const l of this.listeners) l();
  }

  private statusInput(): StatusInput {
    const c = this.link?.conn;
    return {
      conn: this.state.conn,
      settings: this.state.settings,
      now: this.clock.now(),
      bytesIn: c ? c.bytesIn : this.counters.in,
      bytesOut: c ? c.bytesOut : this.counters.out,
      queued: c ? c.queued : 0,
      pending: this.state.pending.length,
      newLines: this.state.settings.hex || this.scroll.follow ? null : newLineCount(this.scroll, this.store),
      logFile: this.log?.path ?? null,
      hint: this.state.hint,
      tls: this.state.conn.phase === 'connected' ? this.state.tls : null,
      helper: this.state.helper.proto,
      telnet: this.state.conn.phase === 'connected' ? this.state.telnet : null,
    };
  }

  private makeSnapshot(version: number): Snapshot {
    const hex = this.state.settings.hex;
    return {
      version,
      state: this.state,
      status: statusLines(this.statusInput()),
      view: hex ? null : viewport(this.store, this.scroll),
      // Cut to the pane: a 80-column hex row in a narrower pane must not wrap (nor make Ink give up).
      hexRows: hex ? this.hex.view(this.hexTop, this.scroll.height).map((r) => ({ ...r, text: fitColumns(r.text, this.scroll.width) })) : null,
      panel: this.state.panel ? panelView(this.state, this.state.panel, this.scroll.width, this.scroll.height) : null,
    };
  }
}

/** The lengths of the lines that end in these bytes (an LF ends one whatever the encoding). */
function countLines(wire: { ends: number[]; partial: number }, data: Uint8Array): void {
  let from = 0;
  for (let lf = data.indexOf(0x0a); lf >= 0; lf = data.indexOf(0x0a, from)) {
    wire.ends.push(wire.partial + lf + 1 - from);
    wire.partial = 0;
    from = lf + 1;
  }
  wire.partial += data.length - from;
}

/** Two snapshots draw the same frame: same state, same rows, same status words. */
function sameFrame(a: Snapshot, b: Snapshot): boolean {
  const rows = (s: Snapshot) => s.view?.rows ?? [];
  const ra = rows(a);
  const rb = rows(b);
  const ha = a.hexRows ?? [];
  const hb = b.hexRows ?? [];
  return (
    a.state === b.state &&
    (a.panel?.lines.join('\n') ?? null) === (b.panel?.lines.join('\n') ?? null) &&
    a.status.length === b.status.length &&
    a.status.every((l, i) => l.text === b.status[i]!.text && l.tone === b.status[i]!.tone) &&
    ra.length === rb.length &&
    ra.every((r, i) => r.text === rb[i]!.text && r.source === rb[i]!.source && r.seq === rb[i]!.seq) &&
    ha.length === hb.length &&
    ha.every((r, i) => r.row === hb[i]!.row && r.text === hb[i]!.text)
  );
}
