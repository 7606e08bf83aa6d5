#!/usr/bin/env node
// The CLI's entry, loaded by the command (porthole.cjs, which carries the heap cap). Still
// executable on its own (no cap): a bin link made before the command moved (npx's cache of a
// checkout) points here.
//
// Kept this small so that a probe of a big range can start its scanner's worker thread (see
// io/scan-worker-pool) before the rest of the command line loads: that is ~60 ms of modules and
// argument parsing on one core while the other is free, and the thread's start is ~20 ms there.

import { createRequire } from 'node:module';
import { prespawnScanWorker } from './io/scan-worker-pool.js';

const argv = process.argv.slice(2);
prespawnScanWorker(argv);
const { version } = createRequire(import.meta.url)('../package.json') as { version: string };
const { main } = await import('./main.js');
main(argv, version).then(async (code) => {
  process.exitCode = code;
  // A pipe's reader may be behind (-v's lines of a range to a pipe are more than its buffer):
  // what is queued goes before the exit, which would drop it.
  await Promise.all([process.stdout, process.stderr].map((s) => new Promise<void>((r) => (s.writableLength > 0 && !s.destroyed ? s.write('', () => r()) : r()))));
  // Nothing else is pending; a lingering stdin (a terminal) must not keep us.
  setImmediate(() => process.exit(code));
});
