import { createUtf8Decoder } from '../../src/core/utf8-decoder.js';

function decode(...writes: number[][]): string {
  const d = createUtf8Decoder();
  return writes.map((bytes) => d.write(Uint8Array.from(bytes))).join('') + d.end();
}

test('ill-formed sequences: one U+FFFD per maximal subpart, and the breaking byte starts afresh', () => {
  expect(decode([0xe0, 0x80])).toBe('\ufffd\ufffd');
  expect(decode([0xe0, 0xa0, 0x41])).toBe('\ufffdA');
  expect(decode([0xed, 0xa0, 0x80])).toBe('\ufffd\ufffd\ufffd'); // a surrogate
  expect(decode([0xf4, 0x90, 0x80, 0x80])).toBe('\ufffd\ufffd\ufffd\ufffd'); // above U+10FFFF
  expect(decode([0xc0, 0xaf, 0xff, 0x80])).toBe('\ufffd\ufffd\ufffd\ufffd'); // overlong, never valid, lone
  expect(decode([0xf0, 0x9f, 0x99, 0x82, 0xc3, 0xa9, 0xe4, 0xb8, 0x96])).toBe('\u{1F642}é世');
});

test('a sequence cut by the end of a write is held, and completed or refused by the next', () => {
  expect(decode([0x41, 0xf0], [0x9f], [0x99, 0x82, 0x42])).toBe('A\u{1F642}B');
  expect(decode([0xe4, 0xb8], [0x41])).toBe('\ufffdA');
  expect(decode([0xe0], [0x80])).toBe('\ufffd\ufffd');
  const d = createUtf8Decoder();
  expect(d.write(Uint8Array.from([0x41, 0xe4]))).toBe('A');
  expect(d.holding).toBe(true);
  expect(d.end()).toBe('\ufffd');
  expect(d.holding).toBe(false);
});

test('a byte-order mark is data here: dropping the stream\'s first is the caller\'s choice', () => {
  expect(decode([0xef, 0xbb, 0xbf, 0x41])).toBe('\ufeffA');
});
