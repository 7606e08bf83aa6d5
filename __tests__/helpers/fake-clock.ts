// A clock whose time moves only when the test says so: connect timers fire without sleeping.
import type { Clock } from '../../src/core/clock.js';

export interface FakeClock extends Clock {
  advance(ms: number): void;
  pending(): number;
}

export function fakeClock(): FakeClock {
  let t = 0;
  let seq = 0;
  const timers = new Map<number, { at: number; fn: () => void }>();
  return {
    now: () => t,
    setTimer(fn, ms) {
      const id = seq++;
      timers.set(id, { at: t + ms, fn });
      return () => timers.delete(id);
    },
    advance(ms) {
      t += ms;
      for (const [id, timer] of [...timers].sort((a, b) => a[1].at - b[1].at)) {
        if (timer.at <= t && timers.delete(id)) timer.fn();
      }
    },
    pending: () => timers.size,
  };
}
