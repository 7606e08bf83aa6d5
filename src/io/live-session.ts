// The interactive session's engine room: runs the TUI reducer's effects against the real world
// (connections, the scrollback, the transcript file) and publishes at most one snapshot per
// frame for the UI to read. No React here; the UI subscribes like to any external store.

import fs from 'node:fs';
import type { Clock } from '../core/clock.js';
import { createDecoder, type Decoder } from '../core/codec.js';
import { ByteRing } from '../core/hex-dump.js';
import type { InputEvent } from '../core/key-decoder.js';
import { initialScroll, newLineCount, Scrollback, scrollReducer, viewport, type ScrollAction, type ScrollState, type Viewport } from '../core/scrollback.js';
import { statusLines, statusReport, type StatusInput, type StatusLine } from '../core/status.js';
import { createTranscriptFormatter, type Direction } from '../core/transcript.js';
import {
  initialTuiState,
  sessionExitCode,
  tuiReducer,
  type Effect,
  type Settings,
  type Target,
  type TuiAction,
  type TuiState,
} from '../core/tui-model.js';
import { realClock } from './clock.js';
import type { Family, Resolver } from './resolver.js';
import { connect, type Connection } from './session.js';

export interface LiveSessionOptions {
  target: Target;
  settings: Settings;
  family: 0 | Family;
  connectTimeoutMs: number;
  scrollbackLines?: number;
  resolver?: Resolver;
  clock?: Clock;
  /** Wall-clock time for line time stamps and the transcript; injected for tests. */
  wallClock?: () => number;
  /** How long to gather the peer's output into one frame, in ms (keys are drawn at once). */
  frameMs?: number;
}

/**
 * Most time one turn of the event loop spends taking in a flood. libuv reads a busy socket up to
 * 32 times in a row before it looks at stdin again; past this budget reading pauses until the
 * next turn, so a key typed during a flood is drawn within a frame or two. Measured: key to
 * screen under 50 ms during a 1 GiB flood, which still arrives ~4x faster than telnet takes it.
 */
const INGEST_BUDGET_MS = 4;

/** What one frame shows; a new object each frame, so React sees the change. */
export interface Snapshot {
  version: number;
  state: TuiState;
  status: StatusLine[];
  /** The output pane's rows, or null in hex view. */
  view: Viewport | null;
  hexRows: string[] | null;
}

export class LiveSession {
  readonly store: Scrollback;
  private readonly hex = new ByteRing();
  private state: TuiState;
  private scroll: ScrollState = initialScroll(80, 20);
  /** Hex view's first row while scrolled back; null follows the tail. */
  private hexTop: number | null = null;
  private conn: Connection | null = null;
  private abort: AbortController | null = null;
  /** Bumped on every new connection so late events of an old one are ignored. */
  private generation = 0;
  private decoder: Decoder;
  private counters = { in: 0, out: 0 };
  private log: { file: string; stream: fs.WriteStream; format: ReturnType<typeof createTranscriptFormatter> } | null = null;
  private listeners = new Set<() => void>();
  private snapshot: Snapshot;
  private frameTimer: NodeJS.Timeout | null = null;
  private ticker: NodeJS.Timeout | null = null;
  private readonly clock: Clock;
  private readonly wall: () => number;
  private readonly frameMs: number;
  /** When this turn of the event loop began taking in data; 0 outside of one. */
  private turnStart = 0;
  private finish!: (code: number) => void;
  /** Resolves with the exit code when the user quits. */
  readonly done: Promise<number>;

  constructor(private readonly opts: LiveSessionOptions) {
    this.clock = opts.clock ?? realClock;
    this.wall = opts.wallClock ?? Date.now;
    this.frameMs = opts.frameMs ?? 33;
    this.store = new Scrollback(opts.scrollbackLines ? { maxLines: opts.scrollbackLines } : {});
    this.state = initialTuiState(opts.target, opts.settings, [], this.clock.now());
    this.decoder = createDecoder(opts.settings.encoding);
    this.done = new Promise((resolve) => (this.finish = resolve));
    this.snapshot = this.makeSnapshot(0);
  }

  start(): void {
    this.ticker = setInterval(() => this.changed(), 250);
    this.ticker.unref();
    this.open(this.opts.target);
  }

  // --- the store interface for useSyncExternalStore ---
  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };
  readonly getSnapshot = (): Snapshot => this.snapshot;

  /** Keys decoded from stdin, in the order typed. */
  input(events: readonly InputEvent[]): void {
    for (const event of events) this.dispatch({ type: 'input', event });
    // Keys are what a person waits on: draw them at once rather than at the next frame tick.
    this.flush();
  }

  /** The output pane's size in cells, from the layout. */
  resize(width: number, height: number): void {
    if (width === this.scroll.width && height === this.scroll.height) return;
    this.scroll = scrollReducer(this.scroll, { type: 'resize', width, height }, this.store);
    this.flush();
  }

  private dispatch(action: TuiAction): void {
    const { state, effects } = tuiReducer(this.state, action);
    this.state = state;
    for (const e of effects) this.run(e);
    this.changed();
  }

  private run(e: Effect): void {
    switch (e.type) {
      case 'send':
        if (!this.conn) return;
        this.conn.write(e.bytes);
        if (e.echo !== null) this.note('out', e.echo);
        else this.logChunk('out', Buffer.from(e.bytes).toString('latin1'));
        return;
      case 'send-eof':
        this.conn?.sendEof();
        return;
      case 'connect':
        this.open(e.target);
        return;
      case 'close':
        this.closeConnection();
        return;
      case 'quit':
        this.quit();
        return;
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
      case 'status':
        for (const line of statusReport(this.statusInput())) this.note('info', line);
        return;
      case 'set-encoding':
        this.decoder = createDecoder(e.encoding);
        return;
    }
  }

  /** A line of ours in the pane and the transcript: what we sent, or a note. */
  private note(source: 'out' | 'info', text: string): void {
    this.store.appendLine(text, source, this.wall());
    this.logChunk(source, `${text}\n`);
  }

  private open(target: Target): void {
    this.closeConnection();
    const gen = ++this.generation;
    const abort = new AbortController();
    this.abort = abort;
    this.counters = { in: 0, out: 0 };
    this.decoder = createDecoder(this.state.settings.encoding);
    const live = () => gen === this.generation;
    this.dispatch({ type: 'resolving', target, now: this.clock.now() });
    void connect({
      host: target.host,
      port: target.port,
      family: this.opts.family,
      connectTimeoutMs: this.opts.connectTimeoutMs,
      signal: abort.signal,
      clock: this.clock,
      ...(this.opts.resolver ? { resolver: this.opts.resolver } : {}),
      onProgress: (p) => {
        if (!live()) return;
        if (p.type === 'trying') this.dispatch({ type: 'trying', address: p.address, now: this.clock.now() });
        if (p.type === 'attempt') this.dispatch({ type: 'attempt', attempt: p.attempt });
      },
    }).then((r) => {
      if (!live()) {
        if (r.ok) r.connection.close();
        return;
      }
      this.abort = null;
      if (!r.ok) {
        this.dispatch({ type: 'failed', outcome: r.outcome, address: r.address ?? null, now: this.clock.now() });
        return;
      }
      this.attach(r.connection, live);
    });
  }

  private attach(c: Connection, live: () => boolean): void {
    this.conn = c;
    const local = `${c.localAddress.includes(':') ? `[${c.localAddress}]` : c.localAddress}:${c.localPort}`;
    this.note('info', `Connected to ${c.address} port ${c.remotePort} in ${c.connectMs.toFixed(1)} ms. Escape character is '^]'.`);
    this.dispatch({ type: 'connected', address: c.address, local, connectMs: c.connectMs, now: this.clock.now() });
    c.on((e) => {
      if (!live()) return;
      switch (e.type) {
        case 'data':
          this.received(e.bytes);
          return;
        case 'peer-eof':
          this.flushDecoder();
          this.dispatch({ type: 'peer-eof', outcome: e.outcome });
          return;
        case 'backpressure':
          this.changed();
          return;
        case 'closed':
          this.flushDecoder();
          this.counters = { in: c.bytesIn, out: c.bytesOut };
          this.conn = null;
          this.dispatch({ type: 'closed', outcome: e.outcome, now: this.clock.now() });
          return;
      }
    });
  }

  /** The hot path: bytes from the wire into the scrollback, the hex ring and the transcript. */
  private received(bytes: Buffer): void {
    const text = this.decoder.write(bytes);
    this.hex.append(bytes);
    if (text) {
      this.store.append(text, 'in', this.wall());
      this.logChunk('in', text);
    }
    this.changed();
    this.pace();
  }

  private pace(): void {
    const now = this.clock.now();
    if (this.turnStart === 0) {
      this.turnStart = now;
      setImmediate(() => (this.turnStart = 0));
    } else if (now - this.turnStart >= INGEST_BUDGET_MS && this.conn) {
      const c = this.conn;
      c.pauseReading();
      setImmediate(() => {
        this.turnStart = 0;
        c.resumeReading();
      });
    }
  }

  private flushDecoder(): void {
    const rest = this.decoder.end();
    if (rest) this.store.append(rest, 'in', this.wall());
  }

  private closeConnection(): void {
    this.abort?.abort();
    this.abort = null;
    if (this.conn) {
      this.counters = { in: this.conn.bytesIn, out: this.conn.bytesOut };
      this.conn.close();
    }
  }

  private scrollBy(action: ScrollAction): void {
    if (this.state.settings.hex) {
      const page = Math.max(1, this.scroll.height - 1);
      const last = Math.max(this.hex.firstRow, this.hex.endRow - this.scroll.height);
      const top = this.hexTop ?? last;
      const next =
        action.type === 'pageUp' ? top - page : action.type === 'pageDown' ? top + page : action.type === 'top' ? this.hex.firstRow : last;
      this.hexTop = next >= last ? null : Math.max(this.hex.firstRow, next);
      return;
    }
    this.scroll = scrollReducer(this.scroll, action, this.store);
  }

  private setLog(file: string | null): void {
    if (this.log) {
      this.log.stream.end();
      this.note('info', `Transcript written to ${this.log.file}.`);
      this.log = null;
    }
    if (file === null) return;
    const stream = fs.createWriteStream(file, { flags: 'a' });
    stream.on('error', (err: NodeJS.ErrnoException) => {
      this.log = null;
      this.note('info', `Transcript stopped: cannot write ${file} (${err.code ?? err.message}).`);
      this.changed();
    });
    this.log = { file, stream, format: createTranscriptFormatter() };
    this.note('info', `Writing a transcript to ${file}.`);
  }

  private logChunk(dir: Direction, text: string): void {
    if (this.log) this.log.stream.write(this.log.format(dir, text));
  }

  private quit(): void {
    this.closeConnection();
    if (this.log) this.log.stream.end();
    if (this.ticker) clearInterval(this.ticker);
    if (this.frameTimer) clearTimeout(this.frameTimer);
    this.finish(sessionExitCode(this.state));
  }

  /** Something changed: publish it with the next frame, never more than once a frame. */
  private changed(): void {
    if (this.frameTimer) return;
    this.frameTimer = setTimeout(() => this.flush(), this.frameMs);
  }

  private flush(): void {
    if (this.frameTimer) clearTimeout(this.frameTimer);
    this.frameTimer = null;
    this.store.notify();
    const next = this.makeSnapshot(this.snapshot.version + 1);
    // The clock ticks four times a second for the status bar's timers; when nothing on screen
    // would change (an idle or closed session), drawing the frame again is wasted work.
    if (sameFrame(this.snapshot, next)) return;
    this.snapshot = next;
    for (const l of this.listeners) l();
  }

  private statusInput(): StatusInput {
    const c = this.conn;
    return {
      conn: this.state.conn,
      settings: this.state.settings,
      now: this.clock.now(),
      bytesIn: c ? c.bytesIn : this.counters.in,
      bytesOut: c ? c.bytesOut : this.counters.out,
      queued: c ? c.queued : 0,
      newLines: this.state.settings.hex || this.scroll.follow ? null : newLineCount(this.scroll, this.store),
      logFile: this.log?.file ?? null,
      hint: this.state.hint,
    };
  }

  private makeSnapshot(version: number): Snapshot {
    const hex = this.state.settings.hex;
    const height = this.scroll.height;
    return {
      version,
      state: this.state,
      status: statusLines(this.statusInput()),
      view: hex ? null : viewport(this.store, this.scroll),
      hexRows: hex ? (this.hexTop === null ? this.hex.tailRows(height) : this.hex.rows(this.hexTop, height)) : null,
    };
  }
}

/** Two snapshots draw the same frame: same state, same rows, same status words. */
function sameFrame(a: Snapshot, b: Snapshot): boolean {
  const rows = (s: Snapshot) => s.view?.rows ?? [];
  const ra = rows(a);
  const rb = rows(b);
  return (
    a.state === b.state &&
    a.status.length === b.status.length &&
    a.status.every((l, i) => l.text === b.status[i]!.text && l.tone === b.status[i]!.tone) &&
    ra.length === rb.length &&
    ra.every((r, i) => r.text === rb[i]!.text && r.source === rb[i]!.source && r.seq === rb[i]!.seq) &&
    (a.hexRows ?? []).join('\n') === (b.hexRows ?? []).join('\n')
  );
}
