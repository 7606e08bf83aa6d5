// The bytes the flood server sends, shared with the checker so that --verify can compare every
// byte: offset i of a stream holds BLOCK[i % BLOCK.length].

/** 4 MiB: one write call hands the kernel megabytes. Not all zeros, so nothing can compress it,
 *  and not a period that divides 64 KiB reads, so a buffer reused too early shows as a mismatch. */
export const BLOCK = Buffer.alloc(4 << 20);
for (let i = 0; i < BLOCK.length; i++) BLOCK[i] = (i * 131 + (i >> 12) * 7 + (i >> 20)) & 0xff;
