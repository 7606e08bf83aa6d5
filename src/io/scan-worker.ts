// The range scanner's second thread: the same PortScanner over the same shared arrays, claiming
// ports from the same counter as the main thread (modes/probe starts it for a big range). What it
// cannot write in the arrays, a port that connected and its banner, it sends as a message.

import { parentPort, workerData } from 'node:worker_threads';
import type { ProbeResult } from '../core/report.js';
import { realClock } from './clock.js';
import { tcpBinding } from './tcp-binding.js';
import { PortScanner, type ScanArrays, type ScanTarget } from './port-scan.js';

export interface ScanWork {
  targets: ScanTarget[];
  arrays: ScanArrays;
  limit: number;
}

export type ScanMessage = { type: 'rich'; i: number; r: ProbeResult } | { type: 'fd-limit'; label: string } | { type: 'done'; settled: number };

if (parentPort) {
  const port = parentPort;
  const work = workerData as ScanWork;
  const tcp = tcpBinding();
  // Without the binding this thread claims nothing: the main thread scans every port.
  if (tcp) {
    const scanner = new PortScanner(
      work.targets,
      work.arrays,
      work.limit,
      realClock,
      {
        rich: (i, r) => port.postMessage({ type: 'rich', i, r } satisfies ScanMessage),
        settled: () => {},
        fdLimit: (label) => port.postMessage({ type: 'fd-limit', label } satisfies ScanMessage),
      },
      tcp,
    );
    scanner.start();
    void scanner.done.then(() => port.postMessage({ type: 'done', settled: scanner.settledCount } satisfies ScanMessage));
  }
}
