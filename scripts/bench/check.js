// The --verify reader: compares stdin with the flood server's pattern byte for byte, then prints
// the count (as wc -c does) and, at the first difference, where it was.

import fs from 'node:fs';
import { BLOCK } from './pattern.js';

const buffer = Buffer.allocUnsafe(1 << 20);
let offset = 0;
let mismatch = -1;
for (;;) {
  let n;
  try {
    n = fs.readSync(0, buffer, 0, buffer.length, null);
  } catch (e) {
    // stdin left non-blocking by whoever created the pipe: wait a moment and read on.
    if (e.code === 'EAGAIN') {
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1);
      continue;
    }
    throw e;
  }
  if (n === 0) break;
  if (mismatch < 0) {
    for (let i = 0; i < n; ) {
      const at = (offset + i) % BLOCK.length;
      const len = Math.min(n - i, BLOCK.length - at);
      if (!buffer.subarray(i, i + len).equals(BLOCK.subarray(at, at + len))) {
        let j = 0;
        while (buffer[i + j] === BLOCK[at + j]) j++;
        mismatch = offset + i + j;
        break;
      }
      i += len;
    }
  }
  offset += n;
}
process.stdout.write(mismatch < 0 ? `${offset}\n` : `${offset} mismatch-at ${mismatch}\n`);
