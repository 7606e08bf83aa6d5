// The package as npm gives it to a user: `npm pack` of this checkout, installed with
// `npm install -g` into a prefix of the test's own, then run from there, outside the checkout.
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import type net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describeRequiring } from '../helpers/prerequisite.js';
import { serve, type Fixture } from '../helpers/servers.js';
import { Tui, tmuxMissing } from '../helpers/tmux.js';

const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };

let root: string;
let tarball: string;
let files: { path: string; size: number }[];
let size: number;
let prefix: string;
let fixture: Fixture;

beforeAll(async () => {
  root = mkdtempSync(path.join(tmpdir(), 'porthole-package-'));
  // --ignore-scripts: dist/ is built already (jest's global setup checks it is current); the
  // package's prepare would rebuild it under the other suites' feet.
  const packed = JSON.parse(execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', root], { encoding: 'utf8' })) as { filename: string; size: number; files: { path: string; size: number }[] }[];
  tarball = path.join(root, packed[0]!.filename);
  files = packed[0]!.files;
  size = packed[0]!.size;
  prefix = path.join(root, 'prefix');
  // From npm's cache (the checkout's npm install filled it): iconv-lite is the one dependency.
  execFileSync('npm', ['install', '-g', '--prefix', prefix, '--prefer-offline', '--no-audit', '--no-fund', tarball], { cwd: root, stdio: 'pipe' });
  // A banner, then the connection open until the client ends its side (a probe, or a pipe's EOF).
  fixture = await serve((s: net.Socket) => {
    s.write('220 caf\xe9 ready\r\n', 'latin1');
    s.on('end', () => s.end());
  });
}, 120_000);
afterAll(async () => {
  await fixture?.close();
  rmSync(root, { recursive: true, force: true });
});

test('npm pack: under 3 MB, holding the bundle, the man page, the licence and the README, and nothing of the sources', () => {
  expect(size).toBeLessThan(3 * 1024 * 1024);
  const names = files.map((f) => f.path);
  expect(names).toEqual(expect.arrayContaining(['dist/porthole.cjs', 'dist/cli.js', 'dist/porthole.1', 'LICENSE', 'README.md', 'package.json']));
  // The practice lab is the clone's (npm run lab, npm start), with its test key: not the user's.
  expect(names.filter((n) => /^(src|__tests__|scripts|lab|dist\/lab)\//.test(n) || n.endsWith('.map') || n.endsWith('.ts'))).toEqual([]);
});

test('installed: porthole on the prefix bin, its version, and a probe and a pipe that run from there', async () => {
  const bin = path.join(prefix, 'bin', 'porthole');
  expect(realpathSync(bin)).toBe(path.join(prefix, 'lib', 'node_modules', 'porthole', 'dist', 'porthole.cjs'));
  // Not spawnSync: the loopback server below answers from this process's event loop.
  const run = (args: string[]) =>
    new Promise<{ status: number | null; stdout: string }>((resolve) => {
      const child = execFile(bin, args, { cwd: root, encoding: 'latin1', timeout: 15_000 }, (err, stdout) => resolve({ status: err ? (typeof err.code === 'number' ? err.code : null) : 0, stdout }));
      child.stdin?.end();
    });
  expect(await run(['--version'])).toMatchObject({ status: 0, stdout: `${version}\n` });
  const probe = await run(['-z', '127.0.0.1', String(fixture.port)]);
  expect(probe.status).toBe(0);
  expect(probe.stdout).toMatch(/open/);
  // --encoding loads iconv-lite, the package's one runtime dependency, from the installed tree.
  const pipe = await run(['--encoding', 'latin1', '127.0.0.1', String(fixture.port)]);
  expect(pipe.status).toBe(0);
  expect(Buffer.from(pipe.stdout, 'latin1').toString('utf8')).toBe('220 café ready\r\n');
});

describeRequiring(tmuxMissing(), 'the installed session', () => {
  test('installed: a session in a terminal, Ink and all from the installed tree', async () => {
    const bin = path.join(prefix, 'bin', 'porthole');
    const t = new Tui([], 100, 24, { program: `cd ${root} && ${bin} --encoding latin1 127.0.0.1 ${fixture.port}` });
    try {
      await t.waitFor(/^220 café ready/m);
      await t.waitFor(/Connected to 127\.0\.0\.1/);
    } finally {
      t.kill();
    }
  });
});

test("installed: the man page where man looks for it, and man -l renders it", () => {
  const page = path.join(prefix, 'share', 'man', 'man1', 'porthole.1');
  expect(existsSync(page)).toBe(true);
  const r = spawnSync('man', ['-l', page], { encoding: 'utf8', env: { ...process.env, MANWIDTH: '80', MANPAGER: 'cat', PAGER: 'cat' } });
  expect(r.status).toBe(0);
  expect(r.stdout.replace(/.\x08/g, '')).toMatch(/^NAME\n\s+porthole\s+-\s+interactive\s+raw-TCP\s+client/m);
  // `man porthole` with the prefix's bin on PATH finds the page beside it (man-db's manpath).
  const w = spawnSync('man', ['-w', 'porthole'], { encoding: 'utf8', env: { ...process.env, PATH: `${path.join(prefix, 'bin')}:/usr/bin:/bin`, MANPATH: '' } });
  expect(w.stdout.trim()).toBe(realpathSync(page));
});

test('npx porthole from the clone runs the built CLI', () => {
  const r = spawnSync('npx', ['--no-install', 'porthole', '--version'], { encoding: 'utf8' });
  expect(r).toMatchObject({ status: 0, stdout: `${version}\n` });
});
