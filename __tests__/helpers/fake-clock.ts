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
    // As a real clock: each timer fires at its own time, in order, and a timer set by one that
    // fires comes due within the same advance if its time is inside it.
    advance(ms) {
      const end = t + ms;
      for (;;) {
        let next: [number, { at: number; fn: () => void }] | null = null;
        for (const entry of timers) if (entry[1].at <= end && (next === null || entry[1].at < next[1].at)) next = entry;
        if (next === null) break;
        timers.delete(next[0]);
        t = Math.max(t, next[1].at);
        next[1].fn();
      }
      t = end;
    },
    pending: () => timers.size,
  };
}
