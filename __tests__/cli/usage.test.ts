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
  // An option that needs a value, given none: yargs' own complaint, said as a usage error.
  [['127.0.0.1', '25', '-c'], /Not enough arguments following: c/],
  [['127.0.0.1', '25', '--log'], /Not enough arguments following: log/],
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

describe('bad input that reaches for the wire: refused before anything connects, one line, no control byte', () => {
  let connections = 0;
  let port = 0;
  let close: () => Promise<void> = async () => {};
  beforeAll(async () => {
    const { serve } = await import('../helpers/servers.js');
    const f = await serve((s) => {
      connections++;
      s.destroy();
    });
    port = f.port;
    close = f.close;
  });
  afterAll(async () => close());

  // A CR, LF or NUL inside a composer's field would end its line and smuggle a second command onto the wire.
  test.each([
    ['smtp send --from a@x.test\r\nRSET --to b@y.test', /unexpected "RSET"/],
    ["smtp send --from a@x.test --to 'b@y.test\rDATA'", /a recipient address holds a CR: nothing sent/],
    ["smtp send --from a@x.test --to b@y.test --subject 'hi\nBcc: c@z.test'", /the subject holds a line feed: nothing sent/],
    ["smtp send --from a@x.test --to b@y.test --header 'X-A: 1\r\nX-B: 2'", /a header holds a CR: nothing sent/],
    ["http get '/a\r\nHost: evil.test'", /the path holds a CR: nothing sent/],
    ["http get / --header 'X: a\nB: c'", /a header holds a line feed: nothing sent/],
    ["pop3 login 'al\rice'", /the user name holds a CR: nothing sent/],
    ["imap login 'al\nice'", /the user name holds a line feed: nothing sent/],
    ["imap select 'INBOX\r\nA9 DELETE INBOX'", /the mailbox name holds a CR: nothing sent/],
    ['imap fetch 1;2', /not a message number or set/],
    ['smtp auth cram alice', /plain|login/],
    ['set encoding klingon', /unknown encoding "klingon"/],
    ['frobnicate', /unknown command "frobnicate"/],
    ['send hex zz', /hex/i],
  ])('-c %j', async (command, message) => {
    const before = connections;
    const r = await runCli(['-c', command, '127.0.0.1', String(port)]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(message);
    // The command is quoted back with its controls as marks: one line, nothing for the terminal to act on.
    expect(r.stderr.trimEnd()).not.toMatch(/[\x00-\x1f\x7f]/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(connections).toBe(before);
  });

  test('a host with an escape sequence in it is quoted back as marks', async () => {
    const r = await runCli(['ho\x1b]0;owned\x07st', '25']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/"ho␛\]0;owned␇st" is not a valid host name or address/);
    expect(r.stderr.trimEnd()).not.toMatch(/[\x00-\x1f\x7f]/);
  });
});
