import { formatCount } from '../../src/core/count.js';

test('a count with thousands separators, as en-US writes it', () => {
  for (const n of [0, 1, 12, 999, 1000, 4096, 65535, 100000, 1234567, 9007199254740991, -1, -65535]) {
    expect(formatCount(n)).toBe(n.toLocaleString('en-US'));
  }
  expect(formatCount(1.5)).toBe('1.5');
});
