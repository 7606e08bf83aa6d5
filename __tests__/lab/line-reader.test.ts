import { type LineEvent, LineReader } from '../../src/lab/line-reader.js';

function drain(reader: LineReader): LineEvent[] {
  const events: LineEvent[] = [];
  for (let e = reader.next(); e; e = reader.next()) events.push(e);
  return events;
}

const line = (text: string): LineEvent => ({ kind: 'line', text });

describe('LineReader', () => {
  it('splits on CRLF and on bare LF, and keeps a lone CR inside the line', () => {
    const reader = new LineReader(100);
    reader.push(Buffer.from('one\r\ntwo\nthree\rstill three\r\n\r\n'));
    expect(drain(reader)).toEqual([line('one'), line('two'), line('three\rstill three'), line('')]);
  });

  it('joins a line cut across chunks, a CRLF cut between them included', () => {
    const reader = new LineReader(100);
    reader.push(Buffer.from('hel'));
    expect(drain(reader)).toEqual([]);
    reader.push(Buffer.from('lo\r'));
    reader.push(Buffer.from('\nwor'));
    expect(drain(reader)).toEqual([line('hello')]);
    reader.push(Buffer.from('ld\n'));
    expect(drain(reader)).toEqual([line('world')]);
  });

  it('reports an over-long line once, drops the rest of it, and reads on', () => {
    const reader = new LineReader(8);
    reader.push(Buffer.from('12345'));
    reader.push(Buffer.from('67890'));
    reader.push(Buffer.from('abcdef'.repeat(1000)));
    reader.push(Buffer.from('tail\nok\n'));
    expect(drain(reader)).toEqual([{ kind: 'overflow' }, line('ok')]);
  });

  it('hands out one event per call so the caller can stop between lines', () => {
    const reader = new LineReader(100);
    reader.push(Buffer.from('a\nb\nc'));
    expect(reader.next()).toEqual(line('a'));
    reader.push(Buffer.from('\n'));
    expect(drain(reader)).toEqual([line('b'), line('c')]);
  });
});
