import { parseConfig, resolveWithConfig } from '../../src/core/config.js';
import { UsageError } from '../../src/core/errors.js';
import type { Terminal } from '../../src/core/options.js';

const TTY: Terminal = { stdinIsTTY: true, stdoutIsTTY: true };
const FILE = '/home/u/.config/porthole/config.toml';
const config = (text: string) => parseConfig(text, FILE);
const rejects = (text: string, message: string) => {
  expect(() => config(text)).toThrow(UsageError);
  expect(() => config(text)).toThrow(message);
};

const SAMPLE = `# porthole's config
[defaults]
connect-timeout = 3
encoding = "latin1"
history = false

[targets.mail]
host = "mail.example.com"
port = 587
starttls = "smtp"
line-ending = "crlf"

[targets.web]
host = "::1"
port = "http"
proto = "http"
`;

test('[defaults] for any option, under the command line: a flag there still wins', () => {
  const c = config(SAMPLE);
  expect(resolveWithConfig({ host: 'h' }, TTY, c).session).toMatchObject({ host: 'h', connectTimeoutMs: 3000, encoding: 'latin1', history: false });
  expect(resolveWithConfig({ host: 'h', connectTimeout: '7', history: true }, TTY, c).session).toMatchObject({ connectTimeoutMs: 7000, encoding: 'latin1', history: true });
});

test('a target by name: its host, port and settings; a port on the command line still wins; -z uses it too', () => {
  const c = config(SAMPLE);
  expect(resolveWithConfig({ host: 'mail', ports: [] }, TTY, c).session).toMatchObject({ host: 'mail.example.com', port: 587, tls: { starttls: 'smtp' } });
  expect(resolveWithConfig({ host: 'mail', ports: ['25'] }, TTY, c).session).toMatchObject({ host: 'mail.example.com', port: 25 });
  expect(resolveWithConfig({ host: 'web', ports: [], probe: true }, TTY, c).probe).toMatchObject({ host: '::1', ports: [80] });
  // A host that is no target's name is a host.
  expect(resolveWithConfig({ host: 'mail.example.org', ports: [] }, TTY, c).session).toMatchObject({ host: 'mail.example.org', port: 23 });
});

test('what does not parse: the file and the line', () => {
  rejects('[defaults]\nencoding = = "x"\n', `${FILE}:2: not TOML`);
});

test('an unknown key, table or a key in the wrong table: file, line and key', () => {
  rejects('[defaults]\nencoding = "utf-8"\ncolour = true\n', `${FILE}:3: unknown key "colour" in [defaults]`);
  rejects('[default]\n', `${FILE}:1: unknown table [default]`);
  rejects('[defaults]\nhost = "x"\n', `${FILE}:2: unknown key "host" in [defaults] (it belongs in a [targets.NAME])`);
  rejects('[targets.mail]\nport = 25\n', `${FILE}:1: [targets.mail] needs a host`);
});

test('a value of the wrong type: file, line and key', () => {
  rejects('\n[defaults]\nhistory = "no"\n', `${FILE}:3: "defaults.history" must be true or false, not "no"`);
  rejects('[targets.m]\nhost = "h"\nport = 2.5\n', `${FILE}:3: "targets.m.port" must be a port number or service name, not 2.5`);
  rejects('[defaults]\nline-ending = "cr"\n', `${FILE}:2: "defaults.line-ending" is crlf or lf, not "cr"`);
});

test('a value the options refuse, only when it is used: file, line, key and why', () => {
  const c = config('[defaults]\nencoding = "klingon"\n\n[targets.bad]\nhost = "h"\nport = 70000\n');
  const err = (() => {
    try {
      resolveWithConfig({ host: 'x' }, TTY, c);
    } catch (e) {
      return e as UsageError;
    }
  })()!;
  expect(err).toBeInstanceOf(UsageError);
  expect(err.code).toBe('PH_BAD_CONFIG');
  expect(err.message).toMatch(new RegExp(`^${FILE}:2: defaults\\.encoding: .*klingon`));
  // The command line's own value wins over the bad one: nothing to say.
  expect(resolveWithConfig({ host: 'x', encoding: 'utf-8' }, TTY, c).session.encoding).toBe('utf-8');
  expect(() => resolveWithConfig({ host: 'bad', ports: [], encoding: 'utf-8' }, TTY, c)).toThrow(`${FILE}:6: targets.bad.port:`);
  // A mistake of the command line's own is said as before, not blamed on the file.
  expect(() => resolveWithConfig({ host: 'x', encoding: 'utf-8', ipv4: true, ipv6: true }, TTY, c)).toThrow(/^-4 and -6 exclude each other$/);
});

test('a choice of a pair on the command line takes the pair: --crlf over line-ending = "lf", -6 over ipv4, --starttls over tls', () => {
  const c = config('[defaults]\nline-ending = "lf"\nipv4 = true\ntls = true\n\n[targets.m]\nhost = "127.0.0.1"\nline-ending = "crlf"\n');
  expect(resolveWithConfig({ host: 'h', crlf: true }, TTY, c).session.lineEnding).toBe('crlf');
  expect(resolveWithConfig({ host: '::1', ipv6: true }, TTY, c).session.family).toBe(6);
  expect(resolveWithConfig({ host: 'h', ports: ['25'], starttls: 'smtp' }, TTY, c).session.tls).toMatchObject({ starttls: 'smtp' });
  // And a target's over [defaults].
  expect(resolveWithConfig({ host: 'm', ports: [] }, TTY, c).session.lineEnding).toBe('crlf');
});
