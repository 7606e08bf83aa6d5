import { makeOutcome, peerEnded } from '../../src/core/outcome.js';
import { formatBytes, formatElapsed, statusLines, statusReport, type StatusInput } from '../../src/core/status.js';
import { DEFAULT_SETTINGS, type Settings } from '../../src/core/session/state.js';

const settings: Settings = DEFAULT_SETTINGS;
const target = { host: 'mail.test', port: 25 };
const base: Omit<StatusInput, 'conn'> = { settings, now: 0, bytesIn: 0, bytesOut: 0, queued: 0, pending: 0, newLines: null, logFile: null, hint: null, tls: null, helper: null };
const up = { banner: null, heard: false, peerEof: null, localEof: false };
const texts = (s: StatusInput) => statusLines(s).map((l) => l.text);

test('while connecting: Resolving, then Trying with the address and the time so far', () => {
  expect(texts({ ...base, now: 12, conn: { phase: 'resolving', target, since: 0 } })[0]).toBe('Resolving mail.test... 12 ms');
  expect(texts({ ...base, now: 1200, conn: { phase: 'trying', target, address: '10.0.0.5', since: 0 } })[0]).toBe('Trying 10.0.0.5:25... 1.20 s');
});

test('connected: host, address, time to connect; addresses, elapsed, counters and settings below', () => {
  const conn = { phase: 'connected' as const, target, address: '127.0.0.1', local: '127.0.0.1:5000', connectMs: 0.4, since: 0, ...up };
  const [state, detail] = texts({ ...base, now: 65000, bytesIn: 2048, bytesOut: 9, conn });
  expect(state).toBe('Connected to mail.test:25 (127.0.0.1) in 0.4 ms');
  expect(detail).toBe('127.0.0.1:5000 -> 127.0.0.1:25 | 1m05s | in 2.0 KB | out 9 B | line | CRLF | utf-8 | auto helper | Ctrl+] menu');
});

test('a peer that stops reading shows as queued bytes', () => {
  const conn = { phase: 'connected' as const, target, address: '127.0.0.1', local: 'l', connectMs: 1, since: 0, ...up };
  expect(statusLines({ ...base, queued: 3 * 1024 * 1024, conn })[0]).toEqual({ text: expect.stringMatching(/3\.0 MB of 16\.0 MB queued: the peer is not reading/), tone: 'busy' });
});

test('a failure gets its meaning, the next step, and what porthole can do, each on a line', () => {
  const outcome = makeOutcome('timeout', 'PH_CONNECT_TIMEOUT', { label: 'Timed out after 10 s (filtered?)' });
  const lines = statusLines({ ...base, conn: { phase: 'failed', target, outcome, address: '10.0.0.5', at: 10000 } });
  expect(lines.map((l) => l.text).slice(0, 4)).toEqual([
    'Timed out after 10 s (filtered?): mail.test:25 (10.0.0.5)',
    outcome.meaning,
    `Next: ${outcome.next}`,
    'Ctrl+] then: reconnect, open HOST [PORT], quit',
  ]);
  expect(lines[0]!.tone).toBe('bad');
});

test('scrolled back: the count of new lines and the key that really returns to the tail (End moves the cursor)', () => {
  const conn = { phase: 'resolving' as const, target, since: 0 };
  expect(texts({ ...base, newLines: 12, conn }).at(-1)).toMatch(/^scrolled back, 12 new lines \(Shift\+End returns to the end\) \| /);
});

test('the status command reports the same facts', () => {
  const conn = { phase: 'connected' as const, target, address: '::1', local: '[::1]:5000', connectMs: 1, since: 0, ...up };
  const report = statusReport({ ...base, now: 3000, bytesIn: 5, conn, logFile: '/tmp/t.log' });
  expect(report).toContain('Remote [::1]:25, local [::1]:5000, connected 3 s ago');
  expect(report).toContain('Transcript: /tmp/t.log');
});

test('units', () => {
  expect(formatBytes(1023)).toBe('1023 B');
  expect(formatBytes(25 * 1024 * 1024)).toBe('25.0 MB');
  expect(formatElapsed(3_725_000)).toBe('1h02m');
});

test('connected: the service\'s banner is in the state line, made safe', () => {
  const conn = { phase: 'connected' as const, target, address: '127.0.0.1', local: 'l', connectMs: 1, since: 0, ...up, banner: '220 mail\x1b]0;pwned\x07 ESMTP' };
  const [state] = statusLines({ ...base, conn });
  expect(state!.text).toBe('Connected to mail.test:25 (127.0.0.1) in 1.0 ms: 220 mail␛]0;pwned␇ ESMTP');
});

test("the peer's half-close is said as such, with what we can still do", () => {
  const conn = { phase: 'connected' as const, target, address: '127.0.0.1', local: 'l', connectMs: 1, since: 0, ...up, peerEof: peerEnded('fin', 10) };
  expect(texts({ ...base, conn })[0]).toBe('Connection closed by foreign host: the peer stopped sending (FIN) | it may still read what you send; Ctrl+D ends our side');
});

test('lines typed while connecting show as queued; a cancelled connect is no failure', () => {
  expect(texts({ ...base, pending: 2, conn: { phase: 'resolving', target, since: 0 } })[0]).toMatch(/\| 2 lines queued, sent on connect$/);
  const lines = statusLines({ ...base, conn: { phase: 'cancelled', target, at: 5 } });
  expect(lines[0]).toEqual({ text: 'Not connected: you cancelled connecting to mail.test:25.', tone: 'muted' });
});
