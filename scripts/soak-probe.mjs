// Preloaded into porthole by scripts/soak.js (node --expose-gc --import): every second, a full GC
// and the heap in use then, a JSON line to SOAK_HEAP_LOG. Nothing of porthole's own changes.
import fs from 'node:fs';

const file = process.env.SOAK_HEAP_LOG;
if (file && typeof globalThis.gc === 'function') {
  const t0 = Date.now();
  const timer = setInterval(() => {
    globalThis.gc();
    const m = process.memoryUsage();
    fs.appendFileSync(file, `${JSON.stringify({ t: (Date.now() - t0) / 1000, heapUsed: m.heapUsed, rss: m.rss })}\n`);
  }, 1000);
  timer.unref();
}
