// When the session's screen is published: at most once a frame for what the peer sends (a flood
// must not become a flood of React renders), at once for what the user does (a key is what a
// person waits on), and a few times a second for the status bar's timers. On the injected clock,
// so the controller's tests step frames without sleeping.

import type { Clock } from '../core/clock.js';

export class FrameClock {
  private cancelFrame: (() => void) | null = null;
  private cancelTick: (() => void) | null = null;

  constructor(
    private readonly clock: Clock,
    /** How long to gather the peer's output into one frame, in ms. */
    private readonly frameMs: number,
    private readonly publish: () => void,
    /** How often the timers on the status bar move. */
    private readonly tickMs = 250,
  ) {}

  /** Something changed: publish it with the next frame. */
  changed(): void {
    if (this.cancelFrame) return;
    this.cancelFrame = this.clock.setTimer(() => this.now(), this.frameMs);
  }

  /** Publish now, and cancel the frame that was waiting. */
  now(): void {
    this.cancelFrame?.();
    this.cancelFrame = null;
    this.publish();
  }

  /** Start the ticks of the status bar's timers. */
  start(): void {
    const tick = () => {
      this.cancelTick = this.clock.setTimer(tick, this.tickMs);
      this.changed();
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
