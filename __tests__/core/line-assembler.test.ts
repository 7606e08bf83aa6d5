import { fanOut, LineAssembler, LineCollector, type LineSink } from '../../src/core/line-assembler.js';

/** What a sink saw, as text with the line ends written out. */
function recorder(): LineSink & { seen: string[] } {
  const seen: string[] = [];
  return { seen, text: (f) => seen.push(f), end: (eol) => seen.push(`<${eol}>`) };
}

function feed(...chunks: string[]): string[] {
  const a = new LineAssembler();
  const r = recorder();
  for (const c of chunks) a.push(c, r);
  a.flush(r);
  return r.seen;
}

test('LF and CRLF end lines, each with the ending it had', () => {
  expect(feed('a\r\nb\nc')).toEqual(['a', '<crlf>', 'b', '<lf>', 'c']);
});

test('a CRLF cut between two chunks is still one CRLF', () => {
  expect(feed('220 ready\r', '\n250 ok\r\n')).toEqual(['220 ready', '<crlf>', '250 ok', '<crlf>']);
  expect(feed('x\r', '\r\n')).toEqual(['x', '\r', '<crlf>']);
});

test('a bare CR is text, also when it ends the stream', () => {
  expect(feed('50%\r100%\r\n')).toEqual(['50%\r100%', '<crlf>']);
  expect(feed('prompt\r')).toEqual(['prompt', '\r']);
  expect(feed('a\r', 'b')).toEqual(['a', '\r', 'b']);
});

test('empty lines are line ends with no text', () => {
  expect(feed('\r\n\n')).toEqual(['<crlf>', '<lf>']);
});

test('fanOut feeds every sink the same, in order', () => {
  const a = recorder();
  const b = recorder();
  new LineAssembler().push('x\ny', fanOut([a, b]));
  expect(a.seen).toEqual(['x', '<lf>', 'y']);
  expect(b.seen).toEqual(a.seen);
});

test('the collector gives whole lines, each cut at its cap and marked so', () => {
  const c = new LineCollector(8);
  const a = new LineAssembler();
  a.push('250-PIPELINING\r\n250 O', c);
  expect(c.take()).toEqual([{ text: '250-PIPE', eol: 'crlf', cut: true }]);
  expect(c.partial).toBe('250 O');
  a.push('K\r\n', c);
  expect(c.take()).toEqual([{ text: '250 OK', eol: 'crlf', cut: false }]);
  expect(c.take()).toEqual([]);
});
