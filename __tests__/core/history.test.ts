import { compactHistory, historyFileName, historyRecord, parseHistory } from '../../src/core/history.js';
import { searchBack } from '../../src/core/session/search-slice.js';

test('a target\'s file name: host and port, nothing a file system or a shell reads as a path', () => {
  expect(historyFileName('Mail.Example.com', 25)).toBe('mail.example.com_25');
  expect(historyFileName('::1', 143)).toBe('%3A%3A1_143');
  expect(historyFileName('[::1]', 143)).toBe('%3A%3A1_143');
  expect(historyFileName('..', 1)).toBe('%2E._1');
  expect(historyFileName('../etc/passwd', 1)).not.toMatch(/\//);
  expect(historyFileName('.hidden', 1)).toBe('%2Ehidden_1');
  expect(historyFileName('bücher.example', 80)).toBe('b%C3%BCcher.example_80');
  // A long name stays within a file name's 255 bytes, and two long names stay apart.
  const long = historyFileName('ü'.repeat(188), 25);
  expect(Buffer.byteLength(long)).toBeLessThanOrEqual(255);
  expect(historyFileName('ü'.repeat(187) + 'a', 25)).not.toBe(long);
});

test('an entry a line, whatever it holds; a torn or edited line is skipped, the rest kept', () => {
  const odd = ['EHLO me', 'a\u0000b', 'cr\rlf\n', 'sep\u2028x', '"quoted"'];
  const file = odd.map(historyRecord).join('');
  expect(file.split('\n')).toHaveLength(odd.length + 1);
  expect(parseHistory(file)).toEqual(odd);
  expect(parseHistory(`${historyRecord('one')}{"torn\n42\n${historyRecord('two')}"" \n`)).toEqual(['one', 'two']);
});

test('bounded: the newest entries, and a compacted file holds them alone', () => {
  const file = Array.from({ length: 30 }, (_, i) => historyRecord(`line ${i}`)).join('');
  expect(parseHistory(file, 10)).toEqual(Array.from({ length: 10 }, (_, i) => `line ${i + 20}`));
  expect(parseHistory(compactHistory(file, 10))).toEqual(parseHistory(file, 10));
});

test('the search looks back from where it is; a query in lower case matches either case', () => {
  const h = ['EHLO me', 'MAIL FROM:<a@b>', 'ehlo again', 'QUIT'];
  expect(searchBack(h, 'ehlo', 3)).toBe(2);
  expect(searchBack(h, 'ehlo', 1)).toBe(0);
  expect(searchBack(h, 'EHLO', 3)).toBe(0);
  expect(searchBack(h, 'nothing', 3)).toBeNull();
  expect(searchBack(h, '', 3)).toBeNull();
});
