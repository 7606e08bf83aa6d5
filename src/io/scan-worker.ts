// The range scanner's second thread: the same PortScanner over the same shared arrays, claiming
// ports from the same counter as the main thread (modes/probe gives it a big range). What it
// cannot write in the arrays, a port that connected and its banner, it sends as a message. It may
// be started before its work is known (io/scan-worker-pool): the work comes as the first message.

import { parentPort, workerData } from 'node:worker_threads';
import type { ProbeResult } from '../core/report.js';
import type { ScanWorkerData } from './scan-worker-pool.js';
import { realClock } from './clock.js';
import { tcpBinding } from './tcp-binding.js';
import { PortScanner, type BannerProbe, type ScanArrays, type ScanTarget } from './port-scan.js';

export interface ScanWork {
  targets: ScanTarget[];
  arrays: ScanArrays;
  limit: number;
}

/** What the worker sends. (What it is sent: one ScanWork, its SharedArrayBuffers shared.) */
export type ScanMessage = { type: 'rich'; i: number; r: ProbeResult } | { type: 'fd-limit'; label: string } | { type: 'done'; settled: number };

if (parentPort) {
  const port = parentPort;
  // The banner's code is loaded as the thread starts (a spare the entry started: before anyone's
  // sockets; out of descriptors, an import fails, and stays failed), and waited for only by the
  // first open port. Should it have failed, the thread ends before its 'done': the main thread
  // then probes again every port this one had not settled, that one included. iconv-lite comes
  // with it (a latin1 banner decodes through it: this thread's own load, not one mid-scan). Told
  // that no banner will be awaited (--banner-wait 0), it loads nothing until its work says
  // otherwise.
  const load = () =>
    Promise.all([import('./port-scan-open.js'), import('../core/codec.js')]).then(
      ([m, codec]) => (codec.iconvLite(), m.probeConnected),
      () => null,
    );
  let opening = (workerData as ScanWorkerData | null)?.banners === false ? null : load();
  const banner: BannerProbe = async (...args) => {
    const probe = await (opening ??= load());
    if (!probe) process.exit(70);
    return probe(...args);
  };
  const work = await new Promise<ScanWork>((resolve) => port.once('message', resolve));
  if (work.targets.some((t) => t.bannerWaitMs > 0)) opening ??= load();
  const tcp = tcpBinding();
  // Without the binding this thread claims nothing: the main thread probes every port.
  if (!tcp) port.postMessage({ type: 'done', settled: 0 } satisfies ScanMessage);
  else {
    const scanner = new PortScanner(
      work.targets,
      work.arrays,
      work.limit,
      realClock,
      {
        rich: (i, r) => port.postMessage({ type: 'rich', i, r } satisfies ScanMessage),
        settled: () => {},
        fdLimit: (label) => port.postMessage({ type: 'fd-limit', label } satisfies ScanMessage),
        banner,
      },
      tcp,
      1,
    );
    // The clock's timers do not hold a thread open, and a port waiting for a descriptor (the other
    // thread holds them all) has nothing else to: the thread stays until its scan is done.
    const keep = setInterval(() => {}, 1 << 30);
    scanner.start();
    void scanner.done.then(() => {
      clearInterval(keep);
      port.postMessage({ type: 'done', settled: scanner.settledCount } satisfies ScanMessage);
    });
  }
}
