#!/usr/bin/env -S node --max-old-space-size=128
// The command users run (package.json's bin). The heap cap on the first line: V8 grows its heap
// with the allocation rate, and a flood allocates fast; capped, a session's peak RSS stays near
// 130 MB whatever the flood's size. Node takes it only at start.
//
// Any V8 flag off its default costs ~20 ms at every start: Node's own modules carry a code cache
// made under the default flags, and V8 turns it down when the flags differ (a hash of them), so
// each of them is compiled again. The heap is sized once, when V8 starts; setting the flag back
// to its default afterwards leaves the cap in place (V8 still stops at 128 MB) and lets every
// module loaded from here on take its cache. Hence this file: plain CommonJS, so that nothing
// loads before that line (an ES module entry brings Node's ES module loader first); then the CLI
// itself (cli.ts, built to dist/cli.js). Copied to dist/ as it is. (A Worker created from here on
// without resourceLimits gets V8's default heap: the scan worker sets its own.)

'use strict';

require('node:v8').setFlagsFromString('--max-old-space-size=0');
import('./cli.js').catch((err) => {
  process.stderr.write(`porthole: cannot load ${__dirname}/cli.js: ${err?.message ?? err}\n`);
  process.exit(70);
});
