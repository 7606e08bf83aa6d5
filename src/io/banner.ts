// The banner a probe waits for: the service's first words, or its closing on us, within the
// banner wait; shared by probe mode, the watch and the range scanner (its worker thread too).

import type { Clock } from '../core/clock.js';
import { createDecoder } from '../core/codec.js';
import { LineAssembler, LineCollector } from '../core/line-assembler.js';
import { makeOutcome, PortholeCode, type Outcome } from '../core/outcome.js';
import type { Connection } from './session.js';

/** A banner's first line rarely needs more; a flood must not grow the probe. */
const BANNER_MAX_BYTES = 4096;
/**
 * After the banner's first line, how long to wait for a close that follows it ("421 too many
 * connections" then FIN) before calling the port open; such a FIN trails the banner by one RTT.
 */
const AFTER_BANNER_GRACE_MS = 150;

/** Listen for the first words of the service, or for it closing on us, then hang up. */
export function watchBanner(
  c: Connection,
  waitMs: number,
  encoding: string,
  clock: Clock,
): Promise<{ outcome: Outcome; banner: string | null }> {
  const open = makeOutcome('open', PortholeCode.open);
  if (waitMs <= 0) {
    c.close();
    return Promise.resolve({ outcome: open, banner: null });
  }
  return new Promise((resolve) => {
    const decoder = createDecoder(encoding);
    // The session's line assembler says when the banner's first line has ended.
    const assembler = new LineAssembler();
    const lines = new LineCollector(BANNER_MAX_BYTES);
    let text = '';
    let size = 0;
    let cancelGrace: (() => void) | null = null;
    const done = (ending: Outcome | null) => {
      cancelWait();
      cancelGrace?.();
      off();
      c.close();
      if (size > 0) text += decoder.end();
      resolve({ outcome: ending ?? open, banner: size > 0 ? text : null });
    };
    const off = c.on((e) => {
      if (e.type === 'data') {
        const take = e.bytes.subarray(0, BANNER_MAX_BYTES - size);
        size += take.length;
        const chunk = decoder.write(take);
        text += chunk;
        assembler.push(chunk, lines);
        if (size >= BANNER_MAX_BYTES) return done(null);
        if (!cancelGrace && lines.take().length > 0) {
          cancelGrace = clock.setTimer(() => done(null), Math.min(AFTER_BANNER_GRACE_MS, waitMs));
        }
      } else if (e.type === 'peer-eof' || e.type === 'closed') {
        done(e.outcome);
      }
    });
    const cancelWait = clock.setTimer(() => done(null), waitMs);
  });
}
