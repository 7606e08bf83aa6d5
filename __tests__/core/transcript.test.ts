import { LineAssembler } from '../../src/core/line-assembler.js';
import { fullTime, Transcript } from '../../src/core/transcript.js';

/** A transcript fed as the session feeds it: the peer's chunks through the line assembler. */
function session() {
  let out = '';
  const t = new Transcript((s) => (out += s));
  const inbound = new LineAssembler();
  return {
    t,
    peer: (chunk: string) => inbound.push(chunk, t.sink('in')),
    sent: (line: string) => {
      t.text('out', line);
      t.end('out', 'crlf');
    },
    text: () => out,
  };
}

test('direction marks, one per line, even when a line arrives in pieces', () => {
  const s = session();
  s.peer('220 mail ES');
  s.peer('MTP ready\r\n');
  s.sent('EHLO me');
  s.peer('250-mail\r\n250 OK\r\n');
  s.t.note('Connection closed by foreign host.');
  expect(s.text()).toBe('<-  220 mail ESMTP ready\n -> EHLO me\n<-  250-mail\n<-  250 OK\n=== Connection closed by foreign host.\n');
});

test('a CRLF cut between two reads is one line end, not a CR mark and a newline', () => {
  const s = session();
  s.peer('220 ready\r');
  s.peer('\n250 next\r\n');
  expect(s.text()).toBe('<-  220 ready\n<-  250 next\n');
});

test('a bare LF is told from CRLF; a bare CR is shown as what it is', () => {
  const s = session();
  s.peer('unix line\nsmtp line\r\nprogress 50%\rprogress 100%\r\n');
  expect(s.text()).toBe('<-  unix line␊\n<-  smtp line\n<-  progress 50%␍progress 100%\n');
});

test('a partial line cut by the other direction is marked, and its rest carries on marked too', () => {
  const s = session();
  s.peer('Password: ');
  s.sent('secret');
  s.peer('\r\nWelcome\r\n');
  expect(s.text()).toBe('<-  Password: …\n -> secret\n<-  …\n<-  Welcome\n');
});

test('control sequences from the wire are made visible', () => {
  const s = session();
  s.peer('a\x1b[2Jb\x07\x9b6n\r\n');
  expect(s.text()).toBe('<-  a␛[2Jb␇<U+009B>6n\n');
});

test('a line we send a key at a time (character mode) is masked whole when it holds a secret', () => {
  let out = '';
  const t = new Transcript((s) => (out += s));
  for (const ch of 'PASS hunter2') t.text('out', ch);
  t.end('out', 'crlf');
  t.text('in', '+OK');
  t.end('in', 'crlf');
  expect(out).toBe(' -> PASS ********\n<-  +OK\n');
});

test('what we sent on a line not ended is written at the end, masked', () => {
  let out = '';
  const t = new Transcript((s) => (out += s));
  t.text('out', 'PASS sec');
  expect(out).toBe(' -> ');
  t.flush();
  expect(out).toBe(' -> PASS ********');
});

test('a file\'s lines begin with the local time they began, to the millisecond; a cut line\'s rest gets its own', () => {
  let out = '';
  let now = Date.UTC(2026, 11, 2, 13, 45, 2, 7);
  // Ninety minutes east of UTC: the zone is the clock's, not the machine's.
  const t = new Transcript((s) => (out += s), { now: () => now, offsetMinutes: () => 90 });
  t.text('in', 'Password: ');
  now += 1500;
  t.text('out', 'PASS x');
  t.end('out', 'crlf');
  now += 20;
  t.end('in', 'crlf');
  expect(out).toBe('15:15:02.007 <-  Password: …\n15:15:03.507  -> PASS ********\n15:15:03.527 <-  …\n');
});

test('a stamp is written as its own piece, which a writer that keeps none can leave out', () => {
  const pieces: [string, boolean][] = [];
  const t = new Transcript((s, stamp) => pieces.push([s, stamp === true]), { now: () => 0, offsetMinutes: () => 0 });
  t.note('hello');
  expect(pieces.filter(([, stamp]) => !stamp).map(([s]) => s).join('')).toBe('=== hello\n');
  expect(pieces.filter(([, stamp]) => stamp).map(([s]) => s)).toEqual(['00:00:00.000 ']);
});

test('the first line\'s full time says the date and the zone', () => {
  expect(fullTime(Date.UTC(2026, 0, 1, 0, 30), -330)).toBe('2025-12-31 19:00:00.000 -05:30');
  expect(fullTime(Date.UTC(2026, 5, 1, 12, 0), 60)).toBe('2026-06-01 13:00:00.000 +01:00');
});
