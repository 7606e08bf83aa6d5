import { resolveOptions, type RawArgs } from '../../src/core/options.js';
import { UsageError } from '../../src/core/target.js';

const opts = (raw: RawArgs, tty = true) => resolveOptions(raw, tty);
const fails = (raw: RawArgs, text: RegExp) => {
  expect(() => opts(raw)).toThrow(UsageError);
  expect(() => opts(raw)).toThrow(text);
};

test('defaults: port 23, 10 s connect timer, 1 s banner wait, both families', () => {
  const o = opts({ host: 'example.com' });
  expect(o).toMatchObject({ mode: 'tui', host: 'example.com', ports: [23], family: 0, connectTimeoutMs: 10000, bannerWaitMs: 1000 });
  expect(o.lineEnding).toBeNull();
  expect(o.encoding).toBeNull();
});

test('the mode follows -z, --pipe and whether stdin is a terminal', () => {
  expect(opts({ host: 'h', ports: ['25'], probe: true }).mode).toBe('probe');
  expect(opts({ host: 'h', pipe: true }).mode).toBe('pipe');
  expect(opts({ host: 'h' }, false).mode).toBe('pipe');
  expect(opts({ host: 'h' }, true).mode).toBe('tui');
});

test('probe takes many ports and ranges in order', () => {
  expect(opts({ host: 'h', ports: ['25', '80-82', 'imaps'], probe: true }).ports).toEqual([25, 80, 81, 82, 993]);
  expect(opts({ host: '[::1]:25', probe: true }).ports).toEqual([25]);
  fails({ host: 'h', probe: true }, /needs at least one port/);
});

test('a session takes one port', () => {
  fails({ host: 'h', ports: ['25', '26'] }, /one port for a session/);
  fails({ host: 'h:25', ports: ['26'] }, /port given twice/);
  expect(opts({ host: 'h:smtp' }).ports).toEqual([25]);
});

test('numbers of seconds', () => {
  expect(opts({ host: 'h', connectTimeout: '2.5' }).connectTimeoutMs).toBe(2500);
  expect(opts({ host: 'h', bannerWait: '0' }).bannerWaitMs).toBe(0);
  fails({ host: 'h', connectTimeout: 'abc' }, /-w\/--connect-timeout needs a number/);
  fails({ host: 'h', connectTimeout: '0' }, /above 0/);
  fails({ host: 'h', bannerWait: '-1' }, /--banner-wait/);
  fails({ host: 'h', parallel: '0' }, /--parallel needs a whole number/);
});

test('flags that exclude each other, and families that cannot match the address', () => {
  fails({ host: 'h', ipv4: true, ipv6: true }, /-4 and -6/);
  fails({ host: 'h', crlf: true, lf: true }, /--crlf and --lf/);
  fails({ host: '::1', ipv4: true }, /IPv6 address/);
  fails({ host: '127.0.0.1', ipv6: true }, /IPv4 address/);
  expect(opts({ host: 'h', ipv6: true }).family).toBe(6);
});

test('encodings are checked up front', () => {
  expect(opts({ host: 'h', encoding: 'latin1' }).encoding).toBe('latin1');
  fails({ host: 'h', encoding: 'klingon' }, /unknown encoding "klingon"/);
});

test('no host, an empty host', () => {
  fails({}, /no host given/);
  fails({ host: '' }, /no host given/);
});
