// The real clock: performance.now() for sub-millisecond timings, and unref'd timers so a pending
// connect timer never keeps a finished process alive.

import { performance } from 'node:perf_hooks';
import type { Clock } from '../core/clock.js';

export const realClock: Clock = {
  now: () => performance.now(),
  setTimer(fn, ms) {
    const t = setTimeout(fn, ms);
    t.unref();
    return () => clearTimeout(t);
  },
};
