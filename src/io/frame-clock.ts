// When the session's screen is published: at most once a frame for what the peer sends (a flood
// must not become a flood of React renders), at once for what the user does (a key is what a
// person waits on), and a few times a second for the status bar's timers. On the injected clock,
// so the controller's tests step frames without sleeping.

import type { Clock } from '../core/clock.js';

/**
 * Frames for the peer's output are spaced so that drawing them takes at most a fifth of the time:
 * a frame of random bytes (wide and odd characters, which Ink measures one by one) was measured at
 * ~30 ms against a few for ASCII, and at 30 a second drawing took most of a binary flood's time.
 */
const DRAW_SHARE = 1 / 5;
/** However slow drawing is, and however long a flood lasts, the screen still moves this often. */
const LONGEST_FRAME_MS = 250;
/** How long after a key the peer's output counts as its answer (an echo over a slow link included). */
const ANSWER_MS = 500;

export class FrameClock {
  private cancelFrame: (() => void) | null = null;
  private cancelTick: (() => void) | null = null;
  /** What a frame took lately, smoothed: the snapshot, the React render and Ink's output. */
  private drawMs = 0;
  /** When the peer's output last changed the screen, and when the first change not drawn yet came. */
  private lastChange = 0;
  private firstUndrawn: number | null = null;
  /** The output looked quiet: one more look, after the event loop has read what was waiting. */
  private confirming = false;
  /** Until then the peer's output is answering a key: drawn a frame after it comes, paused or not. */
  private answeringUntil = -Infinity;

  constructor(
    private readonly clock: Clock,
    /** How long to gather the peer's output into one frame, in ms. */
    private readonly frameMs: number,
    private readonly publish: () => void,
    /** How often the timers on the status bar move. */
    private readonly tickMs = 250,
  ) {}

  /**
   * Something changed: publish it with the next frame. A frame waits until the output has been
   * quiet for a frame's time, or for LONGEST_FRAME_MS while it keeps coming: a reply is drawn a
   * frame after its last byte, and a flood is not drawn over and over while it arrives (each of
   * Ink's frames costs ~40 ms at 120x40, which the flood's reading waited on: measured, three
   * frames of a 25 MiB flood took as long as reading all of it).
   */
  changed(): void {
    const now = this.clock.now();
    this.lastChange = now;
    this.firstUndrawn ??= now;
    this.arm(this.frameGapMs());
  }

  private arm(ms: number): void {
    if (this.cancelFrame) return;
    this.cancelFrame = this.clock.setTimer(() => this.due(), ms);
  }

  /** The user typed: what the peer sends next is its answer (an echo), drawn without the wait. */
  typed(): void {
    this.answeringUntil = this.clock.now() + ANSWER_MS;
  }

  private due(): void {
    this.cancelFrame = null;
    const now = this.clock.now();
    const quiet = now - this.lastChange;
    const waited = now - (this.firstUndrawn ?? now);
    if (waited < LONGEST_FRAME_MS && now >= this.answeringUntil) {
      if (quiet < this.frameMs) {
        this.confirming = false;
        return this.arm(Math.min(this.frameMs - quiet, LONGEST_FRAME_MS - waited));
      }
      // Quiet, or only kept from reading: while a frame of ours is drawn (Ink's first, 40 ms) the
      // socket is not read either. Look again once the loop has read what is waiting there.
      if (!this.confirming) {
        this.confirming = true;
        return this.arm(1);
      }
    }
    this.confirming = false;
    this.now();
  }

  /** Publish now, and cancel the frame that was waiting. */
  now(): void {
    this.cancelFrame?.();
    this.cancelFrame = null;
    this.firstUndrawn = null;
    this.confirming = false;
    const start = this.clock.now();
    this.publish();
    // Measured: publish() itself returns in ~1 ms, and the frame is drawn after it, before the
    // next task (~30 ms for random text), so the cost is read in a microtask queued after the
    // subscribers'. It also counts what the same task does after now(): a little more gap, never less.
    queueMicrotask(() => {
      this.drawMs = (this.drawMs + (this.clock.now() - start)) / 2;
    });
  }

  /** How long the next frame gathers: `frameMs`, or longer when drawing is slow. */
  frameGapMs(): number {
    return Math.min(LONGEST_FRAME_MS, Math.max(this.frameMs, this.drawMs * (1 / DRAW_SHARE - 1)));
  }

  /** Start the ticks of the status bar's timers. */
  start(): void {
    // A tick is no output: it is drawn with the next frame, and does not hold one back.
    const tick = () => {
      this.cancelTick = this.clock.setTimer(tick, this.tickMs);
      this.arm(this.frameGapMs());
    };
    this.cancelTick = this.clock.setTimer(tick, this.tickMs);
  }

  stop(): void {
    this.cancelTick?.();
    this.cancelFrame?.();
    this.cancelTick = null;
    this.cancelFrame = null;
  }
}
