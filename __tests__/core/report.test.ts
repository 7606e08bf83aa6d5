import { makeOutcome } from '../../src/core/outcome.js';
import { bannerFirstLine, probeLine, safeJson } from '../../src/core/report.js';

test('safeJson escapes what could act on a terminal, keeps the value, leaves ordinary text alone', () => {
  const value = { banner: 'a\u202eb\u009b31m\u2028c\x7f é 😀 世' };
  const json = safeJson(value);
  expect(json).not.toMatch(/[\u007f-\u009f\u202e\u2028]/);
  expect(json).toContain('é 😀 世');
  expect(JSON.parse(json)).toEqual(value);
});

test('a banner is shown as its first non-empty line, marked and cut', () => {
  expect(bannerFirstLine('\r\n220 a\x1b[2J\r\n250 b')).toBe('220 a␛[2J');
  expect(bannerFirstLine('x'.repeat(300), 10)).toBe('xxxxxxxxx…');
});

test('a probe line names the service, the address and the verdict', () => {
  const r = { host: 'mail.test', port: 25, address: '::1', family: 6 as const, ms: 0.4, resolveMs: 1, attempts: [], banner: '220 hi\r\n', outcome: makeOutcome('open', 'PH_OPEN') };
  expect(probeLine(r)).toBe('mail.test:25 (smtp) [::1]: open in 0.4 ms: 220 hi');
});
