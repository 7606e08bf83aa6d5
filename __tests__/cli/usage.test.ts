// The command line contract: bad input is one clear line and exit 2, never a stack trace.
import { runCli } from '../helpers/cli.js';

test.each([
  [['127.0.0.1', '0'], /port 0 is out of range/],
  [['127.0.0.1', '65536'], /port 65536 is out of range/],
  [['127.0.0.1', 'abc'], /"abc" is not a port number or a known service name/],
  [[''], /no host given/],
  [[], /no host given/],
  [['--frobnicate', '127.0.0.1'], /Unknown argument: frobnicate/],
  [['--encoding', 'klingon', '127.0.0.1', '25'], /unknown encoding "klingon"/],
  [['-z', '127.0.0.1', '30-20'], /port range 30-20 is reversed/],
  [['-w', 'soon', '127.0.0.1', '25'], /-w\/--connect-timeout needs a number of seconds/],
  [['-4', '-6', '127.0.0.1'], /-4 and -6 exclude each other/],
  [['-z', '127.0.0.1'], /needs at least one port/],
  [['127.0.0.1', '25', '80'], /one port for a session/],
  [['exa mple.com'], /not a valid host/],
])('porthole %j -> exit 2 with one line', async (args, message) => {
  const r = await runCli(args);
  expect(r.code).toBe(2);
  expect(r.stdout).toBe('');
  const lines = r.stderr.trimEnd().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^porthole: /);
  expect(lines[0]).toMatch(message);
  expect(lines[0]).toMatch(/porthole --help/);
  expect(r.stderr).not.toMatch(/\n\s+at /);
});

test('--help documents the modes and every exit code', async () => {
  const r = await runCli(['--help']);
  expect(r.code).toBe(0);
  for (const word of ['-z', '--pipe', '--json', '--connect-timeout', '--banner-wait', '--crlf', '--encoding', '-4', '-6']) {
    expect(r.stdout).toContain(word);
  }
  for (let code = 0; code <= 8; code++) expect(r.stdout).toMatch(new RegExp(`^\\s+${code}  \\w`, 'm'));
});

test('--version prints the package version', async () => {
  const r = await runCli(['--version']);
  expect(r.code).toBe(0);
  expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
});
