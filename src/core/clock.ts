// Time as the core sees it: injected, so tests can fire a connect timeout without sleeping.

/** A monotonic clock in milliseconds and one-shot timers; the real one lives in io/clock. */
export interface Clock {
  now(): number;
  /** Schedule `fn` after `ms`; returns a function that cancels it. */
  setTimer(fn: () => void, ms: number): () => void;
}

/** Round a duration for display: sub-millisecond precision where it means something. */
export function formatMs(ms: number): string {
  if (ms < 10) return `${ms.toFixed(1)} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(ms < 10000 ? 2 : 1)} s`;
}

/** Milliseconds rounded to microseconds, for JSON. */
export function roundMs(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
