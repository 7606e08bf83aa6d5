// The real clock: performance.now() for sub-millisecond timings, and unref'd timers so a pending
// connect timer never keeps a finished process alive.

import { performance } from 'node:perf_hooks';
import type { Clock } from '../core/clock.js';
import type { StampClock } from '../core/transcript.js';

export const realClock: Clock = {
  now: () => performance.now(),
  setTimer(fn, ms) {
    const t = setTimeout(fn, ms);
    t.unref();
    return () => clearTimeout(t);
  },
};

/** A transcript's times: the wall clock (`now`, injected in tests) in this machine's zone. */
export function localStampClock(now: () => number = Date.now): StampClock {
  return { now, offsetMinutes: (ms) => -new Date(ms).getTimezoneOffset() };
}
