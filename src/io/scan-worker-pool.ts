// The range scanner's worker thread: where its file is, and a spare one started by the entry
// (cli.ts) as soon as the command line looks like a probe of a big range, before the rest of the
// CLI loads. Whether the probe takes it is decided later, by modes/probe on the parsed options; a
// spare not taken is ended. The guess reads the words only: a wrong guess costs a thread's start
// on a free core, never a different result.

import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

/** A range of this many ports or more of one name is shared with a worker thread. */
export const WORKER_MIN_PORTS = 4096;

/** The built worker's file (dist/chunks), or none (the sources under jest). */
export function scanWorkerFile(): URL | null {
  for (const rel of ['./scan-worker.js', './chunks/scan-worker.js']) {
    const url = new URL(rel, import.meta.url);
    if (existsSync(url)) return url;
  }
  return null;
}

/** Worth a second thread: there is a second core. */
export const canShare = (): boolean => availableParallelism() >= 2;

/** What a worker is told as it starts, before its work: whether to load the banner's code then. */
export interface ScanWorkerData {
  banners: boolean;
}

function spawn(file: URL, banners: boolean): Worker {
  // Its heap holds a few requests in flight and the banner's code. A young generation of 2 MB (V8
  // grows it to 16 MB and more at this allocation rate): a full range's peak RSS ~3 MB lower.
  return new Worker(file, { workerData: { banners } satisfies ScanWorkerData, resourceLimits: { maxOldGenerationSizeMb: 64, maxYoungGenerationSizeMb: 2 } });
}

let spare: { worker: Worker; gone: boolean } | null = null;

/** Does this command line probe (-z) a range of WORKER_MIN_PORTS or more, over plain TCP? */
export function looksLikeBigScan(argv: readonly string[]): boolean {
  let probe = false;
  let ports = 0;
  for (const w of argv) {
    if (w === '--') break;
    // -z alone or among short flags (-zv, -4z).
    if (w === '--probe' || /^-[A-Za-z0-9]*z[A-Za-z0-9]*$/.test(w)) probe = true;
    // A watch checks each target, TLS needs its own dial: neither uses the range scanner.
    else if (/^--(watch|count|tls|ssl|starttls)(=|$)/.test(w)) return false;
    else
      for (const part of w.split(',')) {
        const m = /^(\d{1,5})-(\d{1,5})$/.exec(part);
        if (m) ports += Math.max(0, Number(m[2]) - Number(m[1]) + 1);
      }
  }
  return probe && ports >= WORKER_MIN_PORTS;
}

/**
 * Will an open port's banner be awaited? Not when the words end the wait at 0 (--banner-wait 0,
 * the same work as nc -z): the thread then does not load the banner's code (~30 ms of its CPU,
 * spent while it scans; ~15 ms of a full range). A wrong guess costs that load, or makes it
 * later (see io/scan-worker).
 */
export function looksLikeBanners(argv: readonly string[]): boolean {
  let wait: string | undefined;
  for (let k = 0; k < argv.length && argv[k] !== '--'; k++) {
    const w = argv[k]!;
    if (w === '--banner-wait') wait = argv[k + 1];
    else if (w.startsWith('--banner-wait=')) wait = w.slice('--banner-wait='.length);
  }
  return wait === undefined || wait.trim() === '' || Number(wait) !== 0;
}

/** Starts a spare worker when the words look like a big scan and a second core is there; returns it. */
export function prespawnScanWorker(argv: readonly string[], file?: URL | null): Worker | null {
  if (spare || !looksLikeBigScan(argv) || !canShare()) return null;
  const f = file === undefined ? scanWorkerFile() : file;
  if (!f) return null;
  const s = { worker: spawn(f, looksLikeBanners(argv)), gone: false };
  // Not taken, it must not keep the process alive; failed, it is not handed out.
  s.worker.unref();
  s.worker.once('error', () => (s.gone = true));
  s.worker.once('exit', () => (s.gone = true));
  spare = s;
  return s.worker;
}

/** The spare if one is up, else a new worker (told `banners`): it waits for its work as a message. */
export function takeScanWorker(file: URL, banners: boolean): Worker {
  const s = spare;
  spare = null;
  if (s && !s.gone) {
    s.worker.ref();
    return s.worker;
  }
  return spawn(file, banners);
}

/** The probe will not share its ports: a spare is ended. True once its thread has, if there was one. */
export async function dropSpareScanWorker(): Promise<boolean> {
  const s = spare;
  spare = null;
  if (!s || s.gone) return false;
  await s.worker.terminate();
  return true;
}
