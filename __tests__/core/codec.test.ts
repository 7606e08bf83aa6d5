import { createCrlfTranslator, createDecoder } from '../../src/core/codec.js';

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
