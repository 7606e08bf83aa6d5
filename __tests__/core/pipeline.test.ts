import { encodeText, inbound, outbound, type FilterOutput, type ProtocolFilter } from '../../src/core/pipeline.js';

/** A filter of the telnet kind: 0xFF 0xXX pairs are protocol, answered; 0xFF is doubled going out. */
const pairs: ProtocolFilter = {
  receive(bytes): FilterOutput {
    const data: number[] = [];
    const replies: Uint8Array[] = [];
    for (let i = 0; i < bytes.length; i++) {
      if (bytes[i] === 0xff && i + 1 < bytes.length) replies.push(Uint8Array.of(0xff, 0xfc, bytes[++i]!));
      else data.push(bytes[i]!);
    }
    return { data: Uint8Array.from(data), replies, events: replies.length ? [{ type: 'negotiated', count: replies.length }] : [] };
  },
  send: (bytes) => Uint8Array.from([...bytes].flatMap((b) => (b === 0xff ? [0xff, 0xff] : [b]))),
};

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

test('inbound order: the capture tap sees the wire, the hex tap the data after the filter, the decoder text', () => {
  const captured: string[] = [];
  const tapped: string[] = [];
  const p = inbound({ capture: (b) => captured.push(hex(b)), filter: pairs, hex: (b) => tapped.push(hex(b)), encoding: 'utf-8' });
  const step = p.push(Uint8Array.of(0x68, 0xff, 0x01, 0x69));
  expect(captured).toEqual(['68ff0169']);
  expect(tapped).toEqual(['6869']);
  expect(step.text).toBe('hi');
  expect(step.replies.map(hex)).toEqual(['fffc01']);
  expect(step.events).toEqual([{ type: 'negotiated', count: 1 }]);
});

test('inbound keeps a multi-byte character cut between chunks whole, and gives its tail at the end', () => {
  const p = inbound({ encoding: 'utf-8' });
  const e = Buffer.from('é');
  expect(p.push(e.subarray(0, 1)).text).toBe('');
  expect(p.push(e.subarray(1)).text).toBe('é');
  p.push(e.subarray(0, 1));
  expect(p.end()).toBe('\ufffd');
});

test('without an encoding (pipe mode) the bytes pass through untouched, the same buffer, no text', () => {
  const p = inbound({ encoding: null });
  const b = Buffer.from([0, 0xff, 0x0d]);
  const step = p.push(b);
  expect(step.data).toBe(b);
  expect(step.text).toBe('');
});

test('a new encoding takes over mid-stream; the old decoder gives what it held', () => {
  const p = inbound({ encoding: 'utf-8' });
  p.push(Uint8Array.of(0xc3));
  expect(p.setEncoding('latin1')).toBe('\ufffd');
  expect(p.push(Uint8Array.of(0xe9)).text).toBe('é');
});

test('outbound order: transform, hex tap, filter, capture tap; a reply is seen by the capture tap only', () => {
  const tapped: string[] = [];
  const captured: string[] = [];
  const o = outbound({ transform: (b) => Uint8Array.from([0x2a, ...b]), hex: (b) => tapped.push(hex(b)), filter: pairs, capture: (b) => captured.push(hex(b)) });
  expect(hex(o.data(Uint8Array.of(0xff)))).toBe('2affff');
  expect(tapped).toEqual(['2aff']);
  expect(captured).toEqual(['2affff']);
  o.reply(Uint8Array.of(0xff, 0xfc, 0x01));
  expect(tapped).toEqual(['2aff']);
  expect(captured).toEqual(['2affff', 'fffc01']);
});

test('the encoder refuses a character the encoding lacks, naming it, instead of sending "?"', () => {
  expect(encodeText('café\r\n', 'latin1')).toEqual({ ok: true, bytes: Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0d, 0x0a]) });
  expect(encodeText('5 €', 'latin1')).toEqual({ ok: false, char: '€', index: 2 });
  expect(encodeText('5 €', 'cp1252')).toMatchObject({ ok: true });
  expect(encodeText('日本', 'shift_jis')).toMatchObject({ ok: true });
  expect(encodeText('\u{1F600}', 'latin1')).toEqual({ ok: false, char: '\u{1F600}', index: 0 });
});
