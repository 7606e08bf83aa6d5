import { paintOutcome, wantsColour } from '../../src/core/colour.js';
import { makeOutcome } from '../../src/core/outcome.js';
import { probeLine } from '../../src/core/report.js';

test('auto: a terminal is coloured, a pipe not; NO_COLOR turns it off, FORCE_COLOR on; --color decides over both', () => {
  expect(wantsColour('auto', true, {})).toBe(true);
  expect(wantsColour('auto', false, {})).toBe(false);
  expect(wantsColour('auto', true, { NO_COLOR: '1' })).toBe(false);
  expect(wantsColour('auto', true, { NO_COLOR: '' })).toBe(true);
  expect(wantsColour('auto', true, { TERM: 'dumb' })).toBe(false);
  expect(wantsColour('auto', false, { FORCE_COLOR: '1' })).toBe(true);
  expect(wantsColour('auto', false, { FORCE_COLOR: '0' })).toBe(false);
  expect(wantsColour('auto', true, { FORCE_COLOR: '0' })).toBe(false);
  expect(wantsColour('auto', true, { FORCE_COLOR: 'false' })).toBe(false);
  expect(wantsColour('always', true, { FORCE_COLOR: '0' })).toBe(true);
  expect(wantsColour('always', false, { NO_COLOR: '1' })).toBe(true);
  expect(wantsColour('never', true, { FORCE_COLOR: '1' })).toBe(false);
});

test('each outcome its colour: open green, refused red, timed out yellow, closed by the peer magenta', () => {
  expect(paintOutcome('open', 'open', true)).toBe('\x1b[32mopen\x1b[39m');
  expect(paintOutcome('refused', 'x', true)).toBe('\x1b[31mx\x1b[39m');
  expect(paintOutcome('unreachable', 'x', true)).toBe('\x1b[31mx\x1b[39m');
  expect(paintOutcome('timeout', 'x', true)).toBe('\x1b[33mx\x1b[39m');
  expect(paintOutcome('closed-by-peer', 'x', true)).toBe('\x1b[35mx\x1b[39m');
  expect(paintOutcome('open', 'open', false)).toBe('open');
});

test('a probe line colours its outcome word only; the banner, the peer\'s, stays as made visible', () => {
  const r = { host: '127.0.0.1', port: 25, address: '127.0.0.1', outcome: makeOutcome('open', 'PH_OPEN' as never), ms: 1.2, banner: '220 \x1b[31mhi', bannerAwaited: true, tls: null, attempts: [] };
  const line = probeLine(r as never, true);
  expect(line).toMatch(/^127\.0\.0\.1:25 \(smtp\): \x1b\[32mopen\x1b\[39m in /);
  expect(line.replace('\x1b[32m', '').replace('\x1b[39m', '')).not.toMatch(/\x1b/);
  expect(probeLine(r as never, false)).not.toMatch(/\x1b/);
});
