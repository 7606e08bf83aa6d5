// The entry's guess that a command line probes a big range (its worker thread is started before
// the rest of the CLI loads): a guess from the words alone, so what it must not do is start a
// thread for what will never use one.
import { looksLikeBigScan, WORKER_MIN_PORTS } from '../../src/io/scan-worker-pool.js';

test('a probe of a range of 4,096 ports or more, in one word or a list', () => {
  expect(WORKER_MIN_PORTS).toBe(4096);
  expect(looksLikeBigScan(['-z', '127.0.0.1', '1-65535'])).toBe(true);
  expect(looksLikeBigScan(['--probe', 'host', '1-4096'])).toBe(true);
  expect(looksLikeBigScan(['-zv', '-w', '2', 'host', '1-2000,3000-5095'])).toBe(true);
  expect(looksLikeBigScan(['host', '1-4000', '5000-5100', '-z', '--open'])).toBe(true);
});

test('not a probe, a small range, a watch or TLS: no thread', () => {
  expect(looksLikeBigScan(['127.0.0.1', '1-65535'])).toBe(false);
  expect(looksLikeBigScan(['-z', 'host', '1-4095'])).toBe(false);
  expect(looksLikeBigScan(['-z', 'host', '22', '80', '443'])).toBe(false);
  expect(looksLikeBigScan(['-z', '--watch', 'host', '1-65535'])).toBe(false);
  expect(looksLikeBigScan(['-z', '--count=2', 'host', '1-65535'])).toBe(false);
  expect(looksLikeBigScan(['-z', '--tls', 'host', '1-65535'])).toBe(false);
  expect(looksLikeBigScan(['-z', '--starttls', 'smtp', 'host', '1-65535'])).toBe(false);
  // After --, words are not options.
  expect(looksLikeBigScan(['host', '--', '-z', '1-65535'])).toBe(false);
});
