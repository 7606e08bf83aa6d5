import { mergeLayers, resolveOptions, type RawArgs, type Terminal } from '../../src/core/options.js';
import { UsageError } from '../../src/core/errors.js';

const TTY: Terminal = { stdinIsTTY: true, stdoutIsTTY: true };
const opts = (raw: RawArgs, terminal: Terminal = TTY) => resolveOptions(raw, terminal);
const fails = (raw: RawArgs, text: RegExp) => {
  expect(() => opts(raw)).toThrow(UsageError);
  expect(() => opts(raw)).toThrow(text);
};

test('defaults: port 23, 10 s connect timer, 1 s banner wait, both families, CRLF and UTF-8 in a session', () => {
  const o = opts({ host: 'example.com' });
  expect(o.mode).toBe('tui');
  expect(o.session).toMatchObject({ host: 'example.com', port: 23, family: 0, connectTimeoutMs: 10000, lineEnding: 'crlf', encoding: 'utf-8' });
  expect(opts({ host: 'h', ports: ['25'], probe: true }).probe).toMatchObject({ bannerWaitMs: 1000, parallel: 32, encoding: 'utf-8' });
});

test('pipe mode passes bytes through unless asked: no CRLF, no encoding, half-close on EOF, no idle timer', () => {
  const o = opts({ host: 'h', pipe: true });
  expect(o.pipe).toMatchObject({ crlf: false, encoding: null, shutdown: true, quitAfterEofMs: null, idleTimeoutMs: null });
});

test('the mode follows -z, --pipe and which streams are terminals', () => {
  expect(opts({ host: 'h', ports: ['25'], probe: true }).mode).toBe('probe');
  expect(opts({ host: 'h', pipe: true }).mode).toBe('pipe');
  expect(opts({ host: 'h' }, { stdinIsTTY: false, stdoutIsTTY: true }).mode).toBe('pipe');
  expect(opts({ host: 'h' }, TTY).mode).toBe('tui');
});

test('stdout redirected from a terminal runs pipe mode and says why, rather than drawing screen codes into a file', () => {
  const o = opts({ host: 'h' }, { stdinIsTTY: true, stdoutIsTTY: false });
  expect(o.mode).toBe('pipe');
  expect(o.modeNote).toMatch(/stdout is not a terminal: pipe mode/);
  expect(opts({ host: 'h' }).modeNote).toBeNull();
});

test('probe takes many ports and ranges in order', () => {
  expect(opts({ host: 'h', ports: ['25', '80-82', 'imaps'], probe: true }).probe.ports).toEqual([25, 80, 81, 82, 993]);
  expect(opts({ host: '[::1]:25', probe: true }).probe.ports).toEqual([25]);
  fails({ host: 'h', probe: true }, /needs at least one port/);
});

test('a session takes one port', () => {
  fails({ host: 'h', ports: ['25', '26'] }, /one port for a session/);
  fails({ host: 'h:25', ports: ['26'] }, /port given twice/);
  expect(opts({ host: 'h:smtp' }).session.port).toBe(25);
});

test('numbers of seconds', () => {
  expect(opts({ host: 'h', connectTimeout: '2.5' }).session.connectTimeoutMs).toBe(2500);
  expect(opts({ host: 'h', bannerWait: '0', ports: ['1'], probe: true }).probe.bannerWaitMs).toBe(0);
  fails({ host: 'h', connectTimeout: 'abc' }, /-w\/--connect-timeout needs a number/);
  fails({ host: 'h', connectTimeout: '0' }, /from 0.001/);
  fails({ host: 'h', connectTimeout: '' }, /needs a number/);
  fails({ host: 'h', bannerWait: '-1' }, /--banner-wait/);
  fails({ host: 'h', parallel: '0' }, /--parallel needs a whole number/);
});

test('a timer past the limit names the limit rather than hiding it', () => {
  fails({ host: 'h', connectTimeout: '100000' }, /-w\/--connect-timeout needs a number of seconds from 0.001 to 86400, not "100000"/);
  fails({ host: 'h', pipe: true, quitAfter: '100000' }, /-q needs a number of seconds from 0 to 86400/);
});

test("pipe mode, nc's way: --no-shutdown, -q SECONDS, and -w as an idle timer only when given", () => {
  expect(opts({ host: 'h', pipe: true, shutdown: false }).pipe.shutdown).toBe(false);
  expect(opts({ host: 'h', pipe: true, quitAfter: '0.5' }).pipe.quitAfterEofMs).toBe(500);
  expect(opts({ host: 'h', pipe: true, connectTimeout: '3' }).pipe.idleTimeoutMs).toBe(3000);
});

test('session extras: colours, and how much output stays in the terminal after quit', () => {
  expect(opts({ host: 'h' }).session).toMatchObject({ colours: false, keepOutput: 'screen' });
  expect(opts({ host: 'h', colours: true, keepOutput: '200' }).session).toMatchObject({ colours: true, keepOutput: 200 });
  expect(opts({ host: 'h', keepOutput: 'none' }).session.keepOutput).toBe(0);
  expect(opts({ host: 'h', keepOutput: 'all' }).session.keepOutput).toBeGreaterThan(1e9);
  fails({ host: 'h', keepOutput: 'lots' }, /--keep-output needs a number of lines, screen, all or none/);
});

test('flags that exclude each other, and families that cannot match the address', () => {
  fails({ host: 'h', ipv4: true, ipv6: true }, /-4 and -6/);
  fails({ host: 'h', crlf: true, lf: true }, /--crlf and --lf/);
  fails({ host: 'h', N: true, shutdown: false }, /-N \(half-close when stdin ends\) and --no-shutdown exclude each other/);
  fails({ host: '::1', ipv4: true }, /IPv6 address/);
  fails({ host: '127.0.0.1', ipv6: true }, /IPv4 address/);
  expect(opts({ host: 'h', ipv6: true }).session.family).toBe(6);
});

test('encodings are checked up front', () => {
  expect(opts({ host: 'h', encoding: 'latin1' }).session.encoding).toBe('latin1');
  expect(opts({ host: 'h', encoding: 'latin1' }).pipe.encoding).toBe('latin1');
  fails({ host: 'h', encoding: 'klingon' }, /unknown encoding "klingon"/);
});

test('no host, an empty host', () => {
  fails({}, /no host given/);
  fails({ host: '' }, /no host given/);
});

test('layers: a later layer wins, an undefined key does not hide an earlier value', () => {
  expect(mergeLayers({ encoding: 'latin1', crlf: true }, { encoding: undefined, lf: true })).toEqual({ encoding: 'latin1', crlf: true, lf: true });
  // argv over the config layer.
  const o = resolveOptions({ host: 'h', connectTimeout: '2' }, TTY, { connectTimeout: '30', encoding: 'latin1' });
  expect(o.session).toMatchObject({ connectTimeoutMs: 2000, encoding: 'latin1' });
});

test('TLS options: defaults, versions as written, ALPN lists, and in every mode alike', () => {
  const plain = opts({ host: 'h', ports: ['993'] });
  expect(plain.session.tls).toEqual({
    implicit: false,
    starttls: null,
    caFiles: [],
    insecure: false,
    servername: null,
    alpn: [],
    certFile: null,
    keyFile: null,
    minVersion: 'TLSv1.2',
    maxVersion: 'TLSv1.3',
  });
  const o = opts({ host: 'h', ports: ['443'], tls: true, ca: ['a.pem', 'b.pem'], insecure: true, servername: 'www.example.test', alpn: ['h2,http/1.1'], tlsMin: '1.0', tlsMax: 'tls1.2', cert: 'c.pem', key: 'k.pem' });
  expect(o.session.tls).toEqual({
    implicit: true,
    starttls: null,
    caFiles: ['a.pem', 'b.pem'],
    insecure: true,
    servername: 'www.example.test',
    alpn: ['h2', 'http/1.1'],
    certFile: 'c.pem',
    keyFile: 'k.pem',
    minVersion: 'TLSv1',
    maxVersion: 'TLSv1.2',
  });
  expect(o.pipe.tls).toEqual(o.session.tls);
  expect(opts({ host: 'h', ports: ['443'], probe: true, tls: true }).probe.tls.implicit).toBe(true);
});

test('bad TLS options are usage errors that name the flag', () => {
  fails({ host: 'h', key: 'k.pem' }, /--key needs --cert/);
  fails({ host: 'h', cert: 'c.pem' }, /--cert needs --key/);
  fails({ host: 'h', tlsMin: 'SSLv3' }, /--tls-min needs a TLS version/);
  fails({ host: 'h', tlsMin: '1.3', tlsMax: '1.1' }, /--tls-min TLSv1\.3 is above --tls-max TLSv1\.1/);
  fails({ host: 'h', ca: '' }, /--ca needs a value/);
  fails({ host: 'h', alpn: 'x'.repeat(256) }, /--alpn: a protocol name is at most 255 bytes/);
  fails({ host: 'h', tls: true, starttls: 'smtp' }, /--tls and --starttls exclude each other/);
  fails({ host: 'h', starttls: 'xmpp' }, /--starttls needs smtp, pop3, imap, ftp or auto, not "xmpp"/);
  expect(opts({ host: 'h', starttls: 'POP' }).session.tls.starttls).toBe('pop3');
  expect(opts({ host: 'h', starttls: 'auto' }).pipe.tls.starttls).toBe('auto');
});
