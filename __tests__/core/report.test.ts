import { makeOutcome } from '../../src/core/outcome.js';
import { bannerFirstLine, failedLine, hint, probeLine, probeSummary, safeJson } from '../../src/core/report.js';
import { paintOutcome } from '../../src/core/colour.js';

test('safeJson escapes what could act on a terminal, keeps the value, leaves ordinary text alone', () => {
  const value = { banner: 'a\u202eb\u009b31m\u2028c\x7f é 😀 世' };
  const json = safeJson(value);
  expect(json).not.toMatch(/[\u007f-\u009f\u202e\u2028]/);
  expect(json).toContain('é 😀 世');
  expect(JSON.parse(json)).toEqual(value);
});

test('a banner is shown as its first non-empty line, marked and cut', () => {
  expect(bannerFirstLine('\r\n220 a\x1b[2J\r\n250 b')).toBe('220 a␛[2J');
  expect(bannerFirstLine('x'.repeat(300), 10)).toBe('xxxxxxxxx…');
  // Lines end where the session's line assembler ends them: a bare CR is text, shown as a mark.
  expect(bannerFirstLine('SSH-2.0-x\rhidden\r\nnext')).toBe('SSH-2.0-x␍hidden');
  expect(bannerFirstLine('no line end yet')).toBe('no line end yet');
});

test('a probe line names the service, the address and the verdict', () => {
  const r = { name: null, host: 'mail.test', port: 25, address: '::1', family: 6 as const, ms: 0.4, resolveMs: 1, attempts: [], banner: '220 hi\r\n', bannerAwaited: true, tls: null, outcome: makeOutcome('open', 'PH_OPEN') };
  expect(probeLine(r)).toBe('mail.test:25 (smtp) [::1]: open in 0.4 ms: 220 hi');
});

test('with --banner-wait 0 an open port is not called silent: the banner was not awaited', () => {
  const r = { name: null, host: 'h', port: 25, address: '127.0.0.1', family: 4 as const, ms: 0.4, resolveMs: 0, attempts: [], banner: null, bannerAwaited: false, tls: null, outcome: makeOutcome('open', 'PH_OPEN') };
  expect(probeLine(r)).toBe('h:25 (smtp) [127.0.0.1]: open in 0.4 ms (banner not awaited: --banner-wait 0)');
  expect(probeLine({ ...r, bannerAwaited: true })).toMatch(/no banner: the service waits for the client to speak/);
});

test('the summary of several ports: the count and each outcome met, open always, in a fixed order', () => {
  expect(probeSummary({ refused: 65523, open: 11, 'closed-by-peer': 1 }, 2810)).toBe('65,535 ports: 11 open, 65,523 refused, 1 closed by the peer in 2.81 s');
  expect(probeSummary({ timeout: 2 }, 3000)).toBe('2 ports: 0 open, 2 timed out (filtered?) in 3.00 s');
  expect(probeSummary({ open: 1, refused: 1 }, 12, true)).toBe('2 ports: \x1b[32m1 open\x1b[39m, \x1b[31m1 refused\x1b[39m in 12 ms');
});

test('lines of several ports: an explanation is given once, on the first line it ends; a different one is given too', () => {
  const refused = makeOutcome('refused', 'ECONNREFUSED');
  const line = (port: number, outcome = refused) =>
    ({ name: null, host: '127.0.0.1', port, address: '127.0.0.1', family: 4 as const, ms: 0.1, resolveMs: 0, attempts: [], banner: null, bannerAwaited: true, tls: null, outcome });
  const said = new Set<string>();
  const first = probeLine(line(1), false, said);
  expect(first).toMatch(/^127\.0\.0\.1:1: Connection refused in 0\.1 ms: .*nothing listens/);
  // Another object with the same words (the general path makes one a port) is not said again.
  expect(probeLine(line(2, makeOutcome('refused', 'ECONNREFUSED')), false, said)).toBe('127.0.0.1:2: Connection refused in 0.1 ms');
  const unreachable = makeOutcome('unreachable', 'EHOSTUNREACH');
  expect(probeLine(line(3, unreachable), false, said)).toMatch(/^127\.0\.0\.1:3: .+: .+/);
  expect(probeLine(line(4, unreachable), false, said)).toBe(`127.0.0.1:4: ${unreachable.label} in 0.1 ms`);
  // Without the set (one port, the watch's lines), every line has it.
  expect(probeLine(line(5))).toBe(first.replace(':1:', ':5:'));
});

test('lines of one outcome object for different targets, made in turn, each say their own target', () => {
  const o = makeOutcome('refused', 'ECONNREFUSED');
  const said = new Set<string>([hint(o)]);
  const lines = [
    failedLine(null, '127.0.0.1', 25, '127.0.0.1', o, 0.4, false, said),
    failedLine(null, '127.0.0.1', 26, '127.0.0.1', o, 1.25, false, said),
    failedLine('mail', 'mail.test', 2525, '::1', o, 12, false, said),
    failedLine('mail', 'mail.test', 2526, '192.0.2.7', o, 12, false, said),
    failedLine(null, '::1', 80, '::1', o, 1500, false, said),
    failedLine(null, '::1', 81, '::1', o, null, false, said),
    failedLine(null, '::1', 81, '::1', o, 0.4, true, said),
    failedLine(null, '127.0.0.1', 27, '127.0.0.1', o, 0.4, false, said),
  ];
  expect(lines).toEqual([
    '127.0.0.1:25 (smtp): Connection refused in 0.4 ms',
    '127.0.0.1:26: Connection refused in 1.3 ms',
    'mail: mail.test:2525 [::1]: Connection refused in 12 ms',
    'mail: mail.test:2526 [192.0.2.7]: Connection refused in 12 ms',
    '[::1]:80 (http): Connection refused in 1.50 s',
    '[::1]:81: Connection refused',
    `[::1]:81: ${paintOutcome('refused', o.label, true)} in 0.4 ms`,
    '127.0.0.1:27: Connection refused in 0.4 ms',
  ]);
});

test('a failed port\'s line from its parts (the range scanner\'s) is the line probeLine makes of its result', () => {
  const outcomes = [makeOutcome('refused', 'ECONNREFUSED'), makeOutcome('timeout', 'PH_CONNECT_TIMEOUT', { label: 'Timed out after 2 s (filtered?)' }), makeOutcome('unreachable', 'EHOSTUNREACH'), makeOutcome('dns-not-found', 'ENOTFOUND')];
  const cases = [
    { name: null, host: '127.0.0.1', port: 25, address: '127.0.0.1' as string | null, ms: 0.4 as number | null },
    { name: 'mail', host: 'mail.test', port: 2525, address: '::1', ms: 12.25 },
    { name: null, host: '::1', port: 65535, address: '::1', ms: 1500 },
    { name: null, host: 'nosuch.invalid', port: 80, address: null, ms: null },
  ];
  for (const colour of [false, true]) {
    for (const o of outcomes) {
      for (const c of cases) {
        const r = { ...c, family: c.address === null ? null : c.address.includes(':') ? (6 as const) : (4 as const), outcome: o, banner: null, bannerAwaited: true, attempts: [], resolveMs: 0, tls: null };
        const [a, b] = [new Set<string>(), new Set<string>()];
        // Twice each: with the explanation, then without it.
        for (let k = 0; k < 2; k++) expect(failedLine(c.name, c.host, c.port, c.address, o, c.ms, colour, a)).toBe(probeLine(r, colour, b));
        expect(failedLine(c.name, c.host, c.port, c.address, o, c.ms, colour)).toBe(probeLine(r, colour));
      }
    }
  }
});
