import { UsageError } from '../../src/core/errors.js';
import { groupWords, parseTargetFile } from '../../src/core/target-list.js';

const names = (w: string) => w === 'mail' || w === 'web';

test('HOST PORT... stays one target; HOST:PORT, [v6]:PORT and config names are one each', () => {
  expect(groupWords(['h', '25', '80-82', 'imaps'], names)).toEqual([{ host: 'h', ports: ['25', '80-82', 'imaps'], origin: null }]);
  expect(groupWords(['mail', '587'], names)).toEqual([{ host: 'mail', ports: ['587'], origin: null }]);
  expect(groupWords(['a:25', '[::1]:80', 'mail', 'web'], names).map((g) => g.host)).toEqual(['a:25', '[::1]:80', 'mail', 'web']);
});

test('a target of several without its port is a usage error that says how to write it', () => {
  expect(() => groupWords(['a:25', 'b'], names)).toThrow(/"b" needs a port: HOST:PORT/);
  expect(() => groupWords(['a:25', '80'], names)).toThrow(/"80" is a port, but the targets before it hold their own: write HOST:80/);
  let caught: unknown = null;
  try {
    groupWords(['a:25', 'b'], names);
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(UsageError);
  expect((caught as UsageError).code).toBe('PH_BAD_TARGET');
});

test('a -f file: a target a line, # comments and blank lines skipped, a bad line named by file and line', () => {
  const text = '# mail servers\nmx1.example:25\n\n  [2001:db8::1]:443   # v6\nmail\nweb 80 443\n';
  expect(parseTargetFile(text, 't.txt', names)).toEqual([
    { host: 'mx1.example:25', ports: [], origin: 't.txt:2' },
    { host: '[2001:db8::1]:443', ports: [], origin: 't.txt:4' },
    { host: 'mail', ports: [], origin: 't.txt:5' },
    { host: 'web', ports: ['80', '443'], origin: 't.txt:6' },
  ]);
  expect(() => parseTargetFile('a:1\nnoport\n', 't.txt', names)).toThrow(/^t\.txt:2: /);
  expect(() => parseTargetFile('# nothing\n\n', 't.txt', names)).toThrow(/t\.txt holds no target/);
});
