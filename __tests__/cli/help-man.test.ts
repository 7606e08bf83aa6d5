// --help and the man page are made from one option table: every option --help shows is in the
// page as man renders it, the page renders without a warning, and the groups are the issue's.
import { execFileSync, spawnSync } from 'node:child_process';
import path from 'node:path';
import { runCli } from '../helpers/cli.js';
import { describeRequiring } from '../helpers/prerequisite.js';

const PAGE = path.resolve('dist/porthole.1');
const missing = (cmd: string) => (spawnSync(cmd, ['--version']).status === 0 ? null : `${cmd} is not installed`);

/** The option heads of --help: "-w, --connect-timeout SECONDS". */
function helpHeads(help: string): string[] {
  return [...help.matchAll(/^ {2}(?: {4})?(-{1,2}[^\s,]+(?:, -{1,2}[^\s,]+)*(?: [A-Z]+)?)(?: {2,}|$)/gm)].map((m) => m[1]!);
}

test('--help groups its options: connection, TLS, session, probe and watch, output, files', async () => {
  const r = await runCli(['--help']);
  expect(r.code).toBe(0);
  const titles = ['Connection:', 'TLS:', 'Session:', 'Probe and watch:', 'Output:', 'Files:', 'Other:'];
  const at = titles.map((t) => r.stdout.indexOf(`\n${t}\n`));
  expect(at.every((i) => i > 0)).toBe(true);
  expect([...at].sort((a, b) => a - b)).toEqual(at);
  expect(helpHeads(r.stdout)).toEqual(expect.arrayContaining(['-w, --connect-timeout SECONDS', '--starttls PROTO', '--[no-]history', '-z, --probe', '--completion SHELL']));
  expect(helpHeads(r.stdout).length).toBeGreaterThan(40);
  // -h is --help; the version is the package's.
  expect((await runCli(['-h'])).stdout).toBe(r.stdout);
});

describeRequiring([missing('man'), missing('groff')], 'the man page as man renders it', () => {
  const render = () => {
    const r = spawnSync('man', ['--warnings', '-l', PAGE], { encoding: 'utf8', env: { ...process.env, MANWIDTH: '100', MANPAGER: 'cat', PAGER: 'cat', MAN_KEEP_FORMATTING: '' } });
    return { ...r, text: r.stdout.replace(/.\x08/g, '') };
  };

  test('it renders without a warning, with every section', () => {
    const r = render();
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
    for (const s of ['NAME', 'SYNOPSIS', 'DESCRIPTION', 'OPTIONS', 'COMMANDS', 'EXIT STATUS', 'FILES', 'ENVIRONMENT', 'EXAMPLES', 'SEE ALSO']) {
      expect(r.text).toMatch(new RegExp(`^${s}$`, 'm'));
    }
    expect(execFileSync('groff', ['-man', '-ww', '-z', PAGE], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })).toBe('');
  });

  test('every option --help shows is in the page, as it is typed (ASCII hyphens)', async () => {
    const heads = helpHeads((await runCli(['--help'])).stdout);
    const text = render().text;
    for (const head of heads) expect(text).toContain(head);
    expect(text).toMatch(/porthole -z mail\.example\.com 25 587 993/);
  });
});
