// The byte pipeline between the transport and everything that shows, records or reads what crossed
// the wire: pure stages in one order for every mode.
//
//   inbound:  transport -> capture tap -> protocol filter -> hex tap -> decoder -> (line assembler)
//   outbound: encoder -> protocol transform -> hex tap -> protocol filter -> capture tap -> transport
//
// The capture taps see the exact bytes on the wire; the hex taps see the data the protocol filter
// lets through (telnet's IAC sequences are not data). A filter may answer the peer (telnet's option
// replies): those bytes go out through the capture tap, never through the encoder or the transform.

import { createDecoder, iconvLite, type Decoder } from './codec.js';

export type ByteTap = (bytes: Uint8Array) => void;

/** What a protocol filter tells the session about, besides data (e.g. "the server echoes"). */
export interface FilterEvent {
  readonly type: string;
  readonly [key: string]: unknown;
}

export interface FilterOutput {
  /** Data for the next stage. */
  readonly data: Uint8Array;
  /** Bytes to send back to the peer, in order. */
  readonly replies: readonly Uint8Array[];
  readonly events: readonly FilterEvent[];
}

/** A protocol filter in the slot between the capture and hex taps (telnet next). Pure. */
export interface ProtocolFilter {
  receive(bytes: Uint8Array): FilterOutput;
  /** Bytes on their way out, made safe for the protocol (telnet doubles 0xFF). */
  send(bytes: Uint8Array): Uint8Array;
}

/** Rewrites what the user sends before it reaches the wire (an IMAP tag); pure. */
export type OutboundTransform = (bytes: Uint8Array) => Uint8Array;

const NO_REPLIES: readonly Uint8Array[] = Object.freeze([]);
const NO_EVENTS: readonly FilterEvent[] = Object.freeze([]);

export interface InboundStages {
  capture?: ByteTap;
  filter?: ProtocolFilter;
  hex?: ByteTap;
  /** Decode to text in this encoding; null for bytes only (pipe mode without --encoding). */
  encoding: string | null;
}

export interface InboundStep {
  /** The data after the protocol filter: what the hex tap saw. */
  readonly data: Uint8Array;
  /** `data` decoded; '' without an encoding. */
  readonly text: string;
  readonly replies: readonly Uint8Array[];
  readonly events: readonly FilterEvent[];
}

export interface Inbound {
  push(bytes: Uint8Array): InboundStep;
  /** The end of the stream: what the decoder held back (a cut multi-byte character) comes out. */
  end(): string;
  /** A new encoding from here on; what the old decoder held is returned first. */
  setEncoding(encoding: string): string;
}

export function inbound(stages: InboundStages): Inbound {
  let decoder: Decoder | null = stages.encoding === null ? null : createDecoder(stages.encoding);
  return {
    push(bytes) {
      stages.capture?.(bytes);
      let data: Uint8Array = bytes;
      let replies = NO_REPLIES;
      let events = NO_EVENTS;
      if (stages.filter) {
        const out = stages.filter.receive(bytes);
        data = out.data;
        replies = out.replies;
        events = out.events;
      }
      if (data.length > 0) stages.hex?.(data);
      const text = decoder && data.length > 0 ? decoder.write(data) : '';
      return { data, text, replies, events };
    },
    end() {
      return decoder?.end() ?? '';
    },
    setEncoding(encoding) {
      const rest = decoder?.end() ?? '';
      decoder = createDecoder(encoding);
      return rest;
    },
  };
}

export interface OutboundStages {
  transform?: OutboundTransform;
  hex?: ByteTap;
  filter?: ProtocolFilter;
  capture?: ByteTap;
}

export interface Outbound {
  /**
   * Data the user sends (already encoded): transformed, tapped, escaped, captured. `shown`: what
   * the hex tap records instead, when the bytes hold a secret that is never shown.
   */
  data(bytes: Uint8Array, shown?: Uint8Array): Uint8Array;
  /** A filter's reply to the peer: not user data, so only the capture tap sees it. */
  reply(bytes: Uint8Array): Uint8Array;
}

export function outbound(stages: OutboundStages): Outbound {
  return {
    data(bytes, shown) {
      const shaped = stages.transform ? stages.transform(bytes) : bytes;
      if (shaped.length > 0) stages.hex?.(shown ?? shaped);
      const wire = stages.filter ? stages.filter.send(shaped) : shaped;
      if (wire.length > 0) stages.capture?.(wire);
      return wire;
    },
    reply(bytes) {
      if (bytes.length > 0) stages.capture?.(bytes);
      return bytes;
    },
  };
}

/** What `encodeText` made of a typed line: the bytes, or the first character the encoding lacks. */
export type Encoded = { ok: true; bytes: Buffer } | { ok: false; char: string; index: number };

/**
 * The encoder stage: text as the peer will see it, refusing a character the encoding cannot hold
 * (iconv-lite would send '?' for it while the pane showed the character).
 */
export function encodeText(text: string, encoding: string): Encoded {
  const iconv = iconvLite();
  const bytes = iconv.encode(text, encoding);
  if (iconv.decode(bytes, encoding) === text) return { ok: true, bytes };
  // Find the first character that does not survive the round trip, to name it.
  let index = 0;
  for (const ch of text) {
    if (iconv.decode(iconv.encode(ch, encoding), encoding) !== ch) return { ok: false, char: ch, index };
    index += ch.length;
  }
  // Every character survives alone but not together (a stateful encoding): trust the whole.
  return { ok: true, bytes };
}
