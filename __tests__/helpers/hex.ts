// Rows of a whole buffer laid out as hex-log lays them out, to compare with `hexdump -C`.
import { DEFAULT_BYTES_PER_LINE, hexDumpRow } from '../../src/core/hex-dump.js';

export function hexDumpLines(bytes: Uint8Array, startOffset: number, perLine = DEFAULT_BYTES_PER_LINE): string[] {
  const rows: string[] = [];
  for (let from = 0; from < bytes.length; from += perLine) rows.push(hexDumpRow(bytes, from, Math.min(from + perLine, bytes.length), startOffset + from, perLine));
  return rows;
}
