// Text on the wire: streaming decoders and encoders for the chosen character set, and the line
// ending that a typed line is sent with. iconv-lite is pure JavaScript, so this stays in core.

import { isAscii } from 'node:buffer';
import { createRequire } from 'node:module';
import { UsageError } from './errors.js';
import { createUtf8Decoder } from './utf8-decoder.js';

export type LineEnding = 'crlf' | 'lf';

export const LINE_ENDINGS: Readonly<Record<LineEnding, string>> = { crlf: '\r\n', lf: '\n' };

type IconvLite = typeof import('iconv-lite');
let iconvLib: IconvLite | undefined;

/**
 * iconv-lite, loaded the first time an encoding other than UTF-8 is named or text is encoded:
 * UTF-8 (the default) is decoded here, and the load is ~6 ms of a start (Node reads the CommonJS
 * package's exports from its source when an ES module imports it). An encoding given on the
 * command line is checked, so loaded, before any socket is opened (and the scan worker loads it
 * with its banner code, as it starts).
 */
export function iconvLite(): IconvLite {
  return (iconvLib ??= createRequire(import.meta.url)('iconv-lite') as IconvLite);
}

/** Check an encoding name early, so a typo is a usage error and not a crash mid-session. */
export function checkEncoding(name: string): string {
  // UTF-8 is ours (utf8-decoder): asking iconv-lite would load its tables, a require() that fails
  // when the process is out of descriptors (a wide probe), and would then read "unknown".
  if (isUtf8Name(name)) return name;
  if (!iconvLite().encodingExists(name)) {
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
  if (isUtf8Name(checkEncoding(encoding))) return createFastUtf8Decoder();
  const d = iconvLite().getDecoder(encoding);
  return {
    write: (bytes) => d.write(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)),
    end: () => d.end() ?? '',
  };
}

/** The names iconv-lite gives its UTF-8 codec, compared as iconv-lite compares them. */
function isUtf8Name(encoding: string): boolean {
  const name = encoding.toLowerCase().replace(/:\d{4}$|[^0-9a-z]/g, '');
  return name === 'utf8' || name === 'unicode11utf8';
}

/**
 * UTF-8 as iconv-lite decodes it (Node's StringDecoder: WHATWG replacement, and a byte-order mark
 * dropped from the start of the stream), faster where it matters: a chunk of ASCII is Node's
 * latin1 copy, a one-byte string; anything else goes to the decoder in utf8-decoder.ts, ~2x faster
 * than StringDecoder on random bytes (a binary flood spent a third of its time decoding).
 */
function createFastUtf8Decoder(): Decoder {
  const d = createUtf8Decoder();
  let started = false;
  const dropBom = (text: string): string => {
    if (started || text.length === 0) return text;
    started = true;
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  };
  return {
    write: (bytes) => {
      if (!d.holding && isAscii(bytes)) return dropBom(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1'));
      return dropBom(d.write(bytes));
    },
    end: () => d.end(),
  };
}

export function encode(text: string, encoding: string): Buffer {
  return iconvLite().encode(text, encoding);
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
