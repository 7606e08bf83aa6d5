// A streaming UTF-8 decoder for bytes that are not all ASCII: the WHATWG algorithm (what Node's
// StringDecoder and TextDecoder do) as a table-driven state machine, one pass over the bytes with
// no branch that depends on them. Random bytes defeat a branch predictor at almost every byte: a
// decoder that branches on the byte's kind (the native ones, and this one before) takes 8-14 ns a
// byte on them; this takes ~5, its string included.

import { Buffer } from 'node:buffer';

/**
 * The kinds of byte, as far as the decoder cares: ASCII, three ranges of continuation byte (the
 * first continuation after E0, ED, F0 and F4 is restricted to one or two of them, which refuses
 * overlongs, surrogates and code points above U+10FFFF), never valid, and the lead bytes.
 */
const ASCII = 0;
const CONT_80 = 1; // 80..8F
const CONT_90 = 2; // 90..9F
const CONT_A0 = 3; // A0..BF
const INVALID = 4; // C0, C1, F5..FF
const LEAD_2 = 5; // C2..DF
const LEAD_E0 = 6;
const LEAD_3 = 7; // E1..EC, EE, EF
const LEAD_ED = 8;
const LEAD_F0 = 9;
const LEAD_4 = 10; // F1..F3
const LEAD_F4 = 11;
const KINDS = 16;

const KIND = Uint8Array.from({ length: 256 }, (_, b) => {
  if (b < 0x80) return ASCII;
  if (b < 0x90) return CONT_80;
  if (b < 0xa0) return CONT_90;
  if (b < 0xc0) return CONT_A0;
  if (b < 0xc2 || b > 0xf4) return INVALID;
  if (b < 0xe0) return LEAD_2;
  if (b === 0xe0) return LEAD_E0;
  if (b === 0xed) return LEAD_ED;
  if (b < 0xf0) return LEAD_3;
  if (b === 0xf0) return LEAD_F0;
  if (b === 0xf4) return LEAD_F4;
  return LEAD_4;
});

/** The states: between characters, or inside one, needing this many more bytes (and which first). */
const GROUND = 0;
const NEED_1 = 1;
const NEED_2 = 2;
const NEED_3 = 3;
const AFTER_E0 = 4; // then A0..BF
const AFTER_ED = 5; // then 80..9F
const AFTER_F0 = 6; // then 90..BF
const AFTER_F4 = 7; // then 80..8F
const STATES = 8;

/**
 * One entry a (state, kind): the next state (times KINDS, so that adding a kind indexes the
 * table), what the byte emits of its own, and which of its bits join the code point. A byte that
 * breaks a sequence emits U+FFFD for the sequence first and is then taken as if in GROUND (one
 * U+FFFD per maximal subpart, as WHATWG says), in the same step: every step takes one byte, so
 * the next byte's position never waits on this byte's entry.
 */
const OWN_NONE = 0;
const OWN_CODE = 1;
const OWN_REPLACEMENT = 2;
const OWN_SHIFT = 8;
/** U+FFFD for the sequence this byte broke, before what the byte emits. */
const BROKE_SHIFT = 10;
const BROKE = 1 << BROKE_SHIFT;
/** The byte continues a sequence: the code point so far is shifted on, not started afresh. */
const CARRY_SHIFT = 11;
const CARRY = 1 << CARRY_SHIFT;
const STATE_SHIFT = 16;

function entry(next: number, own: number, flags: number, bits: number): number {
  return ((next * KINDS) << STATE_SHIFT) | flags | (own << OWN_SHIFT) | bits;
}

/** What a byte of `kind` does between characters; `flags` BROKE when it broke a sequence. */
function fromGround(kind: number, flags: number): number {
  switch (kind) {
    case ASCII:
      return entry(GROUND, OWN_CODE, flags, 0x7f);
    case LEAD_2:
      return entry(NEED_1, OWN_NONE, flags, 0x1f);
    case LEAD_E0:
      return entry(AFTER_E0, OWN_NONE, flags, 0x0f);
    case LEAD_3:
      return entry(NEED_2, OWN_NONE, flags, 0x0f);
    case LEAD_ED:
      return entry(AFTER_ED, OWN_NONE, flags, 0x0f);
    case LEAD_F0:
      return entry(AFTER_F0, OWN_NONE, flags, 0x07);
    case LEAD_4:
      return entry(NEED_3, OWN_NONE, flags, 0x07);
    case LEAD_F4:
      return entry(AFTER_F4, OWN_NONE, flags, 0x07);
    default:
      // A continuation byte with nothing to continue, or a byte never valid: U+FFFD for it.
      return entry(GROUND, OWN_REPLACEMENT, flags, 0);
  }
}

/** Inside a sequence: which continuation bytes it takes next, and the state after one. */
const INSIDE: Record<number, { readonly takes: readonly number[]; readonly then: number }> = {
  [NEED_1]: { takes: [CONT_80, CONT_90, CONT_A0], then: GROUND },
  [NEED_2]: { takes: [CONT_80, CONT_90, CONT_A0], then: NEED_1 },
  [NEED_3]: { takes: [CONT_80, CONT_90, CONT_A0], then: NEED_2 },
  [AFTER_E0]: { takes: [CONT_A0], then: NEED_1 },
  [AFTER_ED]: { takes: [CONT_80, CONT_90], then: NEED_1 },
  [AFTER_F0]: { takes: [CONT_90, CONT_A0], then: NEED_2 },
  [AFTER_F4]: { takes: [CONT_80], then: NEED_2 },
};

/** Int32, not Uint32: V8 keeps int32 loads in registers where uint32 ones may become doubles. */
const TABLE = new Int32Array(STATES * KINDS);
for (let state = 0; state < STATES; state += 1) {
  for (let kind = 0; kind < KINDS; kind += 1) {
    const inside = INSIDE[state];
    TABLE[state * KINDS + kind] =
      inside === undefined ? fromGround(kind, 0)
      : inside.takes.includes(kind) ? entry(inside.then, inside.then === GROUND ? OWN_CODE : OWN_NONE, CARRY, 0x3f)
      : fromGround(kind, BROKE);
  }
}

const REPLACEMENT = 0xfffd;

export interface Utf8Decoder {
  write(bytes: Uint8Array): string;
  /** What is left at the end of the stream: an incomplete sequence becomes one U+FFFD. */
  end(): string;
  /** An incomplete sequence is held: the next write must come here, whatever it holds. */
  readonly holding: boolean;
}

/**
 * One U+FFFD for each maximal subpart of an ill-formed sequence (a lead byte and the continuation
 * bytes valid after it so far), and the byte that broke it starts afresh: E0 80 is two U+FFFD,
 * E0 A0 41 is U+FFFD then "A". A sequence cut by the end of a write is simply the state and the
 * code point so far, carried to the next.
 */
export function createUtf8Decoder(): Utf8Decoder {
  let out = new Uint16Array(0);
  /**
   * `out` as bytes: Buffer's UTF-16LE slice makes the string ~4x faster than a TextDecoder (which
   * would also drop a leading U+FEFF; here one is data, and whether the stream's first one goes is
   * the caller's call).
   */
  let outBytes = Buffer.alloc(0);
  let state = GROUND * KINDS;
  let code = 0;

  const decode = (bytes: Uint8Array): string => {
    const n = bytes.length;
    // At most one unit a byte, and one more: a sequence from the last write completed or broken
    // by this one's first byte. Each step writes two units and counts those it emitted.
    if (out.length < n + 3) {
      out = new Uint16Array(Math.max(n + 3, 2 * out.length));
      outBytes = Buffer.from(out.buffer, out.byteOffset, out.byteLength);
    }
    // Locals: the loop reads no module or closure slot.
    const o = out;
    const table = TABLE;
    const kinds = KIND;
    let j = 0;
    let s = state;
    let cp = code;
    for (let i = 0; i < n; i += 1) {
      const b = bytes[i]!;
      const t = table[s + kinds[b]!]!;
      // The shifts and masks are literals: the bundle makes module constants variables, a load
      // each. 11: CARRY_SHIFT; 8: OWN_SHIFT; 10: BROKE_SHIFT; 16: STATE_SHIFT; 0xfffd: U+FFFD.
      cp = ((cp << 6) & -((t >>> 11) & 1)) | (b & t & 0xff);
      const own = (t >>> 8) & 3;
      const broke = (t >>> 10) & 1;
      // Chosen by arithmetic, not by branches: the byte's own unit is U+FFFD or the code point
      // (written and not counted when it emits nothing: the next step overwrites it).
      const unit = cp ^ ((cp ^ 0xfffd) & -(own >>> 1));
      if (unit > 0xffff) {
        // A complete 4-byte sequence, the only unit above 0xffff (one in progress is below 0x8000).
        o[j++] = 0xd800 | ((unit - 0x10000) >> 10);
        o[j++] = 0xdc00 | (unit & 0x3ff);
      } else {
        o[j] = unit ^ ((unit ^ 0xfffd) & -broke);
        o[j + 1] = unit;
        j += broke + ((own + 1) >>> 1);
      }
      s = t >>> 16;
    }
    state = s;
    code = cp;
    return j === 0 ? '' : outBytes.toString('utf16le', 0, 2 * j);
  };

  return {
    write: decode,
    end: () => {
      const incomplete = state !== GROUND;
      state = GROUND;
      code = 0;
      return incomplete ? '\ufffd' : '';
    },
    get holding() {
      return state !== GROUND;
    },
  };
}
