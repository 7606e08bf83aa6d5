import { createTranscriptFormatter } from '../../src/core/transcript.js';

test('direction marks, one per line, even when a line arrives in pieces', () => {
  const f = createTranscriptFormatter();
  const text = [
    f('in', '220 mail ES'),
    f('in', 'MTP ready\r\n'),
    f('out', 'EHLO me\r\n'),
    f('in', '250-mail\r\n250 OK\r\n'),
    f('info', 'Connection closed by foreign host.\n'),
  ].join('');
  expect(text).toBe('<-  220 mail ESMTP ready\n -> EHLO me\n<-  250-mail\n<-  250 OK\n=== Connection closed by foreign host.\n');
});

test('a partial line interrupted by the other direction is ended first', () => {
  const f = createTranscriptFormatter();
  expect(f('in', 'Password: ') + f('out', 'secret\r\n')).toBe('<-  Password: \n -> secret\n');
});

test('control sequences from the wire are made visible', () => {
  const f = createTranscriptFormatter();
  expect(f('in', 'a\x1b[2Jb\x07\r\n')).toBe('<-  a␛[2Jb␇\n');
});
