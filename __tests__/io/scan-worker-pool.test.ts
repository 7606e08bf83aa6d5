// The entry's guess that a command line probes a big range (its worker thread is started before
// the rest of the CLI loads): a guess from the words alone, so what it must not do is start a
// thread for what will never use one; and the spare itself: handed out once, never dead, ended
// when not taken.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Worker } from 'node:worker_threads';
import { dropSpareScanWorker, looksLikeBanners, looksLikeBigScan, prespawnScanWorker, takeScanWorker } from '../../src/io/scan-worker-pool.js';

test('a probe of a range of 4,096 ports or more, in one word or a list', () => {
  expect(looksLikeBigScan(['-z', '127.0.0.1', '1-65535'])).toBe(true);
  expect(looksLikeBigScan(['-4z', 'host', '1-4096'])).toBe(true);
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

test('banners awaited unless the words end the wait at 0', () => {
  expect(looksLikeBanners(['-z', 'host', '1-65535'])).toBe(true);
  expect(looksLikeBanners(['-z', '--banner-wait', '0', 'host', '1-65535'])).toBe(false);
  expect(looksLikeBanners(['-z', '--banner-wait=0.0', 'host', '1-65535'])).toBe(false);
  expect(looksLikeBanners(['-z', '--banner-wait', '0.5', 'host', '1-65535'])).toBe(true);
  // The last one given is the one that counts; after --, words are not options.
  expect(looksLikeBanners(['-z', '--banner-wait', '0', '--banner-wait', '2', 'host', '1-65535'])).toBe(true);
  expect(looksLikeBanners(['-z', 'host', '1-65535', '--', '--banner-wait', '0'])).toBe(true);
});

describe('the spare', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'porthole-pool-'));
  // Stands in for dist/chunks/scan-worker.js: waits for its work, says it got it, then ends.
  const waits = path.join(dir, 'waits.mjs');
  fs.writeFileSync(waits, "import { parentPort, workerData } from 'node:worker_threads'; parentPort.once('message', (m) => parentPort.postMessage({ got: m, told: workerData }));\n");
  const dies = path.join(dir, 'dies.mjs');
  fs.writeFileSync(dies, 'process.exit(3);\n');
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const big = ['-z', '127.0.0.1', '1-65535'];
  const exited = (w: Worker) => new Promise<number>((r) => w.once('exit', r));
  const multiCore = os.availableParallelism() >= 2;

  test('started for a big scan, handed out once, and it works: the work goes to it as a message', async () => {
    prespawnScanWorker([...big, '--banner-wait', '0'], pathToFileURL(waits));
    const w = takeScanWorker(pathToFileURL(dies), true);
    // With one core there is no spare: the file given to take is what runs.
    const reply = new Promise((r) => w.once('message', r));
    const end = exited(w);
    if (multiCore) {
      w.postMessage('work');
      // Told at its start, from the words: no banner will be awaited.
      expect(await reply).toEqual({ got: 'work', told: { banners: false } });
    }
    await w.terminate();
    await end;
    // Taken once: the next is a new thread.
    const next = takeScanWorker(pathToFileURL(dies), true);
    expect(next).not.toBe(w);
    expect(await exited(next)).toBe(3);
  });

  test('not for a small probe; a spare that died is not handed out; one not taken is ended', async () => {
    prespawnScanWorker(['-z', 'host', '22'], pathToFileURL(waits));
    const fresh = takeScanWorker(pathToFileURL(dies), true);
    expect(await exited(fresh)).toBe(3);

    const dying = prespawnScanWorker(big, pathToFileURL(dies));
    if (dying) expect(await exited(dying)).toBe(3);
    const replaced = takeScanWorker(pathToFileURL(waits), true);
    expect(replaced).not.toBe(dying);
    replaced.postMessage('x');
    // A thread started for the work is told what the work wants.
    expect(await new Promise((r) => replaced.once('message', r))).toEqual({ got: 'x', told: { banners: true } });
    await replaced.terminate();

    // Dropped: its thread is ended (and a second drop finds none).
    prespawnScanWorker(big, pathToFileURL(waits));
    expect(await dropSpareScanWorker()).toBe(multiCore);
    expect(await dropSpareScanWorker()).toBe(false);
  });
});
