// The hex view for binary services: `hexdump -C` style rows (core/hex-log keeps the bytes).

export const DEFAULT_BYTES_PER_LINE = 16;
/** Bytes kept for the hex view by default: 1 MiB, 65,536 rows of 16. */
export const DEFAULT_HEX_MAX_BYTES = 1024 * 1024;

const HEX = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));
/** The printable column shows only printable ASCII, so it can never carry a control to the terminal. */
const PRINTABLE = Array.from({ length: 256 }, (_, b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.'));

/**
 * One `hexdump -C` row of `bytes[from..to)` (at most `bytesPerLine` of them) at stream offset `offset`;
 * a short row pads its hex column so the text column lines up with full rows.
 */
export function hexDumpRow(bytes: Uint8Array, from: number, to: number, offset: number, bytesPerLine = DEFAULT_BYTES_PER_LINE): string {
  let hex = '';
  let text = '';
  for (let j = 0; j < bytesPerLine; j += 1) {
    // An extra space between groups of 8, as hexdump -C does; missing bytes pad so the text column lines up.
    if (j > 0) hex += j % 8 === 0 ? '  ' : ' ';
    const at = from + j;
    if (at < to) {
      const b = bytes[at]!;
      hex += HEX[b];
      text += PRINTABLE[b];
    } else {
      hex += '  ';
    }
  }
  return `${offset.toString(16).padStart(8, '0')}  ${hex}  |${text}|`;
}
