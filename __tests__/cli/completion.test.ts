// `porthole --completion SHELL` run in the shells themselves: bash's own `complete` (the function it
// registered, called as bash calls it, and Tab in an interactive bash), fish's `complete -C`, and
// Tab in an interactive zsh after compinit. The built CLI is `porthole` on PATH, as once installed;
// the hosts come from a config and a history of the test's own.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { historyFileName, historyRecord } from '../../src/core/history.js';
import { CLI, runCli } from '../helpers/cli.js';
import { describeRequiring } from '../helpers/prerequisite.js';
import { Tui, tmuxMissing } from '../helpers/tmux.js';

const has = (shell: string) => (spawnSync(shell, ['-c', 'exit 0']).status === 0 ? null : `${shell} is not installed`);

let root: string;
let alt: string;
let env: Record<string, string>;
beforeAll(() => {
  root = mkdtempSync(path.join(tmpdir(), 'porthole-completion-'));
  const bin = path.join(root, 'bin');
  mkdirSync(bin);
  symlinkSync(CLI, path.join(bin, 'porthole'));
  const config = path.join(root, 'config', 'porthole');
  mkdirSync(config, { recursive: true });
  writeFileSync(path.join(config, 'config.toml'), '[targets.mail]\nhost = "127.0.0.1"\nport = 25\n\n[targets.web]\nhost = "localhost"\nport = 80\n');
  alt = path.join(root, 'alt.toml');
  writeFileSync(alt, '[targets.elsewhere]\nhost = "127.0.0.2"\n');
  const history = path.join(root, 'state', 'porthole', 'history');
  mkdirSync(history, { recursive: true });
  // Older first: the history's hosts come newest first.
  const hosts: [string, number][] = [['::1', 143], ['mx.example.org', 25], ['mailer.example.net', 587]];
  hosts.forEach(([host, port], i) => {
    const file = path.join(history, historyFileName(host, port));
    writeFileSync(file, historyRecord('EHLO me'));
    utimesSync(file, 1_700_000_000 + i, 1_700_000_000 + i);
  });
  env = { PATH: `${bin}:${process.env.PATH}`, XDG_CONFIG_HOME: path.join(root, 'config'), XDG_STATE_HOME: path.join(root, 'state') };
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const run = (cmd: string, args: string[]) => execFileSync(cmd, args, { encoding: 'utf8', env: { ...process.env, ...env } });

test('--completion-words: the config targets, then the hosts of the history newest first; a broken config leaves the history', async () => {
  const r = await runCli(['--completion-words'], { env });
  expect(r.code).toBe(0);
  expect(r.stdout.split('\n').filter(Boolean)).toEqual(['mail', 'web', 'mailer.example.net', 'mx.example.org', '::1']);
  const bad = path.join(root, 'bad.toml');
  writeFileSync(bad, 'this is not = = toml');
  const b = await runCli(['--completion-words', '--config', bad], { env });
  expect(b).toMatchObject({ code: 0, stderr: '' });
  expect(b.stdout.split('\n').filter(Boolean)).toEqual(['mailer.example.net', 'mx.example.org', '::1']);
});

test('--completion with no shell or another shell is a usage error', async () => {
  const r = await runCli(['--completion', 'tcsh'], { env });
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(/--completion is one of bash, zsh, fish, not "tcsh"/);
  const none = await runCli(['--completion'], { env });
  expect(none.code).toBe(2);
  expect(none.stderr).toMatch(/--completion needs a shell: bash, zsh, fish/);
});

describe("bash's complete", () => {
  /**
   * What bash puts in for the line typed so far, as bash calls the function on Tab: COMP_LINE and
   * COMP_POINT, and COMP_WORDS split as bash splits them, at blanks and at its word-break
   * characters ":" and "=", which become words of their own ("--color=n": --color, =, n).
   */
  const offered = (line: string): string[] => {
    const words = ['porthole', ...(line.match(/[^\s:=]+|[:=]+/g) ?? [])];
    if (line === '' || /\s$/.test(line)) words.push('');
    const script = [
      'eval "$(porthole --completion bash)"',
      'fn=$(complete -p porthole | sed -n "s/.*-F \\([^ ]*\\).*/\\1/p")',
      'COMP_LINE="$1"; COMP_POINT=${#COMP_LINE}; shift',
      'COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))',
      '"$fn" porthole "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"',
      'printf "%s\\n" "${COMPREPLY[@]}"',
    ].join('\n');
    return run('bash', ['--norc', '-c', script, 'bash', `porthole ${line}`, ...words]).split('\n').filter(Boolean);
  };

  test('the script registers a function for porthole', () => {
    expect(run('bash', ['--norc', '-c', 'eval "$(porthole --completion bash)"; complete -p porthole'])).toMatch(/^complete -F _porthole porthole$/m);
  });

  test('flags, and the values of those whose values are a set', () => {
    expect(offered(`--sta`)).toEqual(['--starttls']);
    expect(offered(`--no-`)).toEqual(['--no-shutdown', '--no-history', '--no-config']);
    expect(offered(`--starttls `)).toEqual(['smtp', 'pop3', 'imap', 'ftp', 'auto']);
    // --opt=value, which bash splits at "=": what it puts in is what follows its last break.
    expect(offered(`--starttls=i`)).toEqual(['imap']);
    expect(offered(`--color=`)).toEqual(['=auto', '=always', '=never']);
    expect(offered(`--proto h`)).toEqual(['http']);
    expect(offered(`--color `)).toEqual(['auto', 'always', 'never']);
    expect(offered(`--encoding lat`)).toEqual(['latin1']);
    expect(offered(`--tls-min TLSv1.`)).toEqual(['TLSv1.1', 'TLSv1.2', 'TLSv1.3']);
    // A free value (seconds) gets nothing rather than hosts.
    expect(offered(`-w `)).toEqual([]);
  });

  test('a file for the options that take one', () => {
    writeFileSync(path.join(root, 'lab-ca.pem'), '');
    expect(offered(`--ca ${path.join(root, 'lab-c')}`)).toEqual([path.join(root, 'lab-ca.pem')]);
  });

  test('the host from the config and the history; then ports by service name', () => {
    expect(offered(``)).toEqual(['mail', 'web', 'mailer.example.net', 'mx.example.org', '::1']);
    expect(offered(`ma`)).toEqual(['mail', 'mailer.example.net']);
    // Options and their values before it do not count as the host.
    expect(offered(`-w 3 --tls m`)).toEqual(['mail', 'mailer.example.net', 'mx.example.org']);
    expect(offered(`--no-config m`)).toEqual(['mailer.example.net', 'mx.example.org']);
    // Another config named on the line, either way it can be written.
    expect(offered(`--config ${alt} `)).toEqual(['elsewhere', 'mailer.example.net', 'mx.example.org', '::1']);
    expect(offered(`--config=${alt} e`)).toEqual(['elsewhere']);
    // An IPv6 host, which bash cuts at each ":".
    expect(offered(`::`)).toEqual(['::1']);
    expect(offered(`mail sub`)).toEqual(['submissions', 'submission']);
    expect(offered(`-z mail smtp ima`)).toEqual(['imap', 'imap2', 'imaps']);
  });
});

describeRequiring(tmuxMissing(), 'Tab in an interactive bash', () => {
  let t: Tui | null = null;
  afterEach(() => t?.kill());
  test('Tab completes a flag, a value and a host, as typed', async () => {
    t = new Tui([], 100, 20, { program: 'PS1="$ " bash --norc -i', env });
    await t.waitFor(/^\$\s*$/m);
    t.type('eval "$(porthole --completion bash)"');
    t.keys('Enter');
    await t.waitFor(/completion bash\)"\n\$\s*$/m);
    t.type('porthole --color=n');
    t.keys('Tab');
    await t.waitFor(/porthole --color=never$/m);
    t.keys('C-u');
    t.type('porthole --star');
    t.keys('Tab');
    await t.waitFor(/porthole --starttls$/m);
    t.type('sm');
    t.keys('Tab');
    await t.waitFor(/porthole --starttls smtp$/m);
    t.type('mailer');
    t.keys('Tab');
    await t.waitFor(/porthole --starttls smtp mailer\.example\.net$/m);
    // Two services start so: Tab takes what they share; then Tab twice lists them, as readline does.
    t.type('subm');
    t.keys('Tab');
    await t.waitFor(/mailer\.example\.net submission$/m);
    t.keys('Tab');
    await new Promise((r) => setTimeout(r, 200));
    t.keys('Tab');
    await t.waitFor(/^submission\s+submissions$/m);
  });
});

describeRequiring(has('fish'), "fish's complete", () => {
  const offered = (line: string): string[] =>
    run('fish', ['--no-config', '-c', `porthole --completion fish | source; complete -C ${JSON.stringify(line)}`])
      .split('\n')
      .filter(Boolean)
      .map((l) => l.split('\t')[0]!);

  test('flags, value sets, files, the hosts, then services', () => {
    expect(offered('porthole --sta')).toEqual(['--starttls']);
    expect(offered('porthole --starttls ').sort()).toEqual(['auto', 'ftp', 'imap', 'pop3', 'smtp']);
    expect(offered('porthole --proto h')).toEqual(['http']);
    expect(offered('porthole ').sort()).toEqual(['::1', 'mail', 'mailer.example.net', 'mx.example.org', 'web'].sort());
    expect(offered('porthole -w 3 m').sort()).toEqual(['mail', 'mailer.example.net', 'mx.example.org']);
    expect(offered('porthole --no-config m').sort()).toEqual(['mailer.example.net', 'mx.example.org']);
    expect(offered(`porthole --config=${alt} e`)).toEqual(['elsewhere']);
    expect(offered('porthole --color=n')).toEqual(['--color=never']);
    expect(offered('porthole mail sub').sort()).toEqual(['submission', 'submissions']);
    writeFileSync(path.join(root, 'lab-key.pem'), '');
    expect(offered(`porthole --key ${path.join(root, 'lab-k')}`)).toEqual([path.join(root, 'lab-key.pem')]);
  });
});

describeRequiring([tmuxMissing(), has('zsh')], 'Tab in an interactive zsh', () => {
  let t: Tui | null = null;
  afterEach(() => t?.kill());
  test('after compinit: Tab completes a flag, a value, the hosts and a service', async () => {
    t = new Tui([], 100, 20, { program: 'PS1="%% " zsh -f -i', env });
    await t.waitFor(/^%\s*$/m);
    t.type('autoload -Uz compinit && compinit -u -D && eval "$(porthole --completion zsh)"');
    t.keys('Enter');
    await t.waitFor(/^%\s*$/m);
    // A long option's value is offered in the same word, after "=".
    t.type('porthole --star');
    t.keys('Tab');
    await t.waitFor(/porthole --starttls=$/m);
    t.type('i');
    t.keys('Tab');
    await t.waitFor(/porthole --starttls=imap$/m);
    t.type(' ');
    t.keys('Tab');
    // The list of hosts under the line; an IPv6 one quoted for zsh's globbing.
    await t.waitFor(/mail\s+mailer\.example\.net\s+mx\.example\.org\s+web/);
    t.keys('C-u');
    t.type('porthole web http-');
    t.keys('Tab');
    await t.waitFor(/porthole web http-alt$/m);
    // Another config named on the line: its targets.
    t.keys('C-u');
    t.type(`porthole --config ${alt} el`);
    t.keys('Tab');
    await t.waitFor(/alt\.toml elsewhere$/m);
  });
});
