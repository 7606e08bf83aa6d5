import { FrameClock } from '../../src/io/frame-clock.js';
import { fakeClock } from '../helpers/fake-clock.js';

/** A frame clock whose publishing takes `drawMs` of the clock's time (as a slow render would). */
function timed(drawMs: { value: number }) {
  const clock = fakeClock();
  let spent = 0;
  let frames = 0;
  const frame = new FrameClock(
    { now: () => clock.now() + spent, setTimer: (fn, ms) => clock.setTimer(fn, ms) },
    33,
    () => {
      frames += 1;
      spent += drawMs.value;
    },
  );
  /** A frame, and the microtask in which its cost is known. */
  const draw = async (n = 1) => {
    for (let i = 0; i < n; i++) {
      frame.now();
      await Promise.resolve();
    }
  };
  return { clock, frame, draw, frames: () => frames };
}

test('frames of the peer\'s output gather for frameMs while drawing is cheap', async () => {
  const t = timed({ value: 1 });
  await t.draw(5);
  t.frame.changed();
  t.clock.advance(33);
  expect(t.frames()).toBe(5);
  // Quiet for a frame: one more look after the loop has read what waited, then drawn.
  t.clock.advance(1);
  expect(t.frames()).toBe(6);
});

test('output that keeps coming is drawn every 250 ms while it lasts, not every frame; a reply a frame after its last byte', () => {
  const t = timed({ value: 1 });
  for (let ms = 0; ms < 1000; ms += 10) {
    t.frame.changed();
    t.clock.advance(10);
  }
  // At 250, 500, 750 and 1000 ms: the last drew all of it.
  expect(t.frames()).toBe(4);
  t.clock.advance(300);
  expect(t.frames()).toBe(4);
  // A reply in three pieces: one frame, a frame's time after the last.
  t.frame.changed();
  t.clock.advance(10);
  t.frame.changed();
  t.clock.advance(10);
  t.frame.changed();
  t.clock.advance(33);
  expect(t.frames()).toBe(4);
  t.clock.advance(1);
  expect(t.frames()).toBe(5);
});

test('what arrives during the last look (the socket read once our own frame let go of the loop) holds the frame back', () => {
  const t = timed({ value: 1 });
  t.frame.changed();
  t.clock.advance(33);
  // The look is armed; data read now means the output was not quiet, only kept waiting.
  t.frame.changed();
  t.clock.advance(1);
  expect(t.frames()).toBe(0);
  // Quiet for a frame after it, and one more look: drawn.
  t.clock.advance(32);
  expect(t.frames()).toBe(0);
  t.clock.advance(1);
  expect(t.frames()).toBe(1);
});

test('slow frames are spaced so drawing takes at most a fifth of the time, and cheap ones bring the pace back', async () => {
  const cost = { value: 20 };
  const t = timed(cost);
  await t.draw(20);
  // 20 ms a frame: 80 ms between frames, not 33.
  expect(t.frame.frameGapMs()).toBeCloseTo(80, 0);
  t.frame.changed();
  t.clock.advance(80);
  expect(t.frames()).toBe(20);
  t.clock.advance(1);
  expect(t.frames()).toBe(21);
  // A frame slower than anyone would wait for still comes a few times a second.
  cost.value = 500;
  await t.draw(20);
  expect(t.frame.frameGapMs()).toBe(250);
  cost.value = 0.5;
  await t.draw(20);
  expect(t.frame.frameGapMs()).toBe(33);
});

test('a key is drawn at once however slow drawing has been', async () => {
  const t = timed({ value: 40 });
  await t.draw(10);
  t.frame.changed();
  t.frame.now();
  expect(t.frames()).toBe(11);
});
