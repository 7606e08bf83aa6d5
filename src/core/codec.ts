// Text on the wire: streaming decoders and encoders for the chosen character set, and the line
// ending that a typed line is sent with. iconv-lite is pure JavaScript, so this stays in core.

import iconv from 'iconv-lite';
import { UsageError } from './errors.js';

export type LineEnding = 'crlf' | 'lf';

export const LINE_ENDINGS: Readonly<Record<LineEnding, string>> = { crlf: '\r\n', lf: '\n' };

/** Check an encoding name early, so a typo is a usage error and not a crash mid-session. */
export function checkEncoding(name: string): string {
  if (!iconv.encodingExists(name)) {
    throw new UsageError('PH_BAD_ENCODING', `unknown encoding "${name}" (try utf-8, latin1, cp1252, cp437, koi8-r, shift_jis)`);
  }
  return name;
}

/**
 * A streaming decoder: a multi-byte character split across two TCP segments stays whole, because
 * the decoder keeps the partial bytes until the rest arrives.
 */
export interface Decoder {
  write(bytes: Uint8Array): string;
  /** What is left at the end of the stream: partial bytes become U+FFFD. */
  end(): string;
}

export function createDecoder(encoding: string): Decoder {
  const d = iconv.getDecoder(checkEncoding(encoding));
  return {
    write: (bytes) => d.write(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)),
    end: () => d.end() ?? '',
  };
}

export function encode(text: string, encoding: string): Buffer {
  return iconv.encode(text, encoding);
}

/**
 * LF -> CRLF on a byte stream (nc -C): a bare LF gets a CR, an existing CRLF is left alone, and a
 * CR that ends one chunk is remembered so a CRLF split across chunks is not doubled.
 */
export function createCrlfTranslator(): (chunk: Uint8Array) => Buffer {
  let lastWasCr = false;
  return (chunk) => {
    let extra = 0;
    let prev = lastWasCr;
    for (const b of chunk) {
      if (b === 0x0a && !prev) extra++;
      prev = b === 0x0d;
    }
    const out = Buffer.allocUnsafe(chunk.length + extra);
    let j = 0;
    prev = lastWasCr;
    for (const b of chunk) {
      if (b === 0x0a && !prev) out[j++] = 0x0d;
      out[j++] = b;
      prev = b === 0x0d;
    }
    lastWasCr = prev;
    return out;
  };
}
