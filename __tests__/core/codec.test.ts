import iconv from 'iconv-lite';
import { createCrlfTranslator, createDecoder } from '../../src/core/codec.js';
import { prng } from '../helpers/prng.js';

test('a UTF-8 character split across packets stays whole', () => {
  const bytes = Buffer.from('héllo → 世界 🙂', 'utf8');
  for (let cut = 1; cut < bytes.length; cut++) {
    const d = createDecoder('utf-8');
    expect(d.write(bytes.subarray(0, cut)) + d.write(bytes.subarray(cut)) + d.end()).toBe('héllo → 世界 🙂');
  }
});

test('a truncated character at the end of the stream becomes U+FFFD, not lost silently', () => {
  const d = createDecoder('utf-8');
  expect(d.write(Buffer.from([0x41, 0xe4, 0xb8])) + d.end()).toBe('A\ufffd');
});

test('single-byte and multi-byte legacy charsets', () => {
  expect(createDecoder('latin1').write(Buffer.from([0xe9]))).toBe('é');
  expect(createDecoder('cp437').write(Buffer.from([0xc9, 0xcd, 0xbb]))).toBe('╔═╗');
  const sjis = Buffer.from([0x82, 0xa0]); // あ
  const d = createDecoder('shift_jis');
  expect(d.write(sjis.subarray(0, 1)) + d.write(sjis.subarray(1))).toBe('あ');
});

test('LF -> CRLF leaves existing CRLF alone, even split across chunks', () => {
  const tx = createCrlfTranslator();
  const out = [tx(Buffer.from('a\nb\r')), tx(Buffer.from('\nc\n\n')), tx(Buffer.from('\r\n'))].map((b) => b.toString('latin1')).join('');
  expect(out).toBe('a\r\nb\r\nc\r\n\r\n\r\n');
});

describe('UTF-8', () => {

  function decodeAll(decoder: ReturnType<typeof createDecoder> | iconv.DecoderStream, bytes: Buffer, cuts: number[]): string {
    let out = '';
    let at = 0;
    for (const cut of [...cuts, bytes.length]) {
      out += decoder.write(bytes.subarray(at, cut));
      at = cut;
    }
    return out + (decoder.end() ?? '');
  }

  test('decodes as iconv-lite does, whatever the bytes and wherever the stream is cut', () => {
    const random = prng(0xdec0de);
    const tricky = [0xe0, 0xed, 0xf0, 0xf4, 0xc2, 0xdf, 0x80, 0xbf, 0xa0, 0x9f, 0x90, 0x8f, 0x41, 0xff, 0xc0, 0xef, 0xbb, 0x0a];
    for (let round = 0; round < 300; round += 1) {
      const length = Math.floor(random() * 2000);
      const bytes = Buffer.from(
        Array.from({ length }, () => (round % 2 ? tricky[Math.floor(random() * tricky.length)]! : Math.floor(random() * 256))),
      );
      if (round % 5 === 0) bytes.set([0xef, 0xbb, 0xbf].slice(0, length));
      const most = [1, 3, 64, 5000][round % 4]!;
      const cuts: number[] = [];
      for (let at = 0; at < length; at += 1 + Math.floor(random() * most)) cuts.push(at);
      expect(decodeAll(createDecoder('utf-8'), bytes, cuts)).toBe(decodeAll(iconv.getDecoder('utf-8'), bytes, cuts));
    }
  });

  test('a byte-order mark goes only from the start of the stream', () => {
    const d = createDecoder('UTF8');
    expect(d.write(Buffer.from([0xef, 0xbb]))).toBe('');
    expect(d.write(Buffer.from([0xbf, 0x41, 0xef, 0xbb, 0xbf]))).toBe('A\ufeff');
    expect(d.write(Buffer.from('plain'))).toBe('plain');
  });
});
