// Several targets, -f FILE, --expect and --watch as scripts run them: a line (or JSON object) a
// check, the summary on stderr, the exit code of the first target not open in the last round.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CLI, runCli } from '../helpers/cli.js';
import { closedPort, serve, type Fixture } from '../helpers/servers.js';

const fixtures: Fixture[] = [];
let smtp: string, refused: string, dir: string, ssh: string;
beforeAll(async () => {
  const k = await serve((s) => s.write('SSH-2.0-OpenSSH_9.2\r\n'));
  fixtures.push(k);
  ssh = String(k.port);
  const f = await serve((s) => s.end('220 mail.test ESMTP Postfix\r\n'));
  fixtures.push(f);
  smtp = String(f.port);
  refused = String(await closedPort());
  dir = mkdtempSync(path.join(tmpdir(), 'porthole-watch-'));
});
afterAll(async () => {
  await Promise.all(fixtures.map((f) => f.close()));
  rmSync(dir, { recursive: true, force: true });
});
const file = (name: string, text: string) => {
  const p = path.join(dir, name);
  writeFileSync(p, text);
  return p;
};

test('several HOST:PORT targets in one probe: a line each in order, a summary of targets, the first not open decides the exit', async () => {
  const r = await runCli(['-z', `127.0.0.1:${smtp}`, `127.0.0.1:${refused}`, `[::1]:${refused}`, `127.0.0.1:${smtp}`]);
  const lines = r.stdout.trimEnd().split('\n');
  // The same host:port twice is probed once.
  expect(lines).toHaveLength(3);
  expect(lines[0]).toMatch(new RegExp(`^127\\.0\\.0\\.1:${smtp}: Connection closed by foreign host in .*220 mail\\.test`));
  expect(lines[1]).toMatch(new RegExp(`^127\\.0\\.0\\.1:${refused}: Connection refused`));
  expect(lines[2]).toMatch(new RegExp(`^\\[::1\\]:${refused}: Connection refused`));
  expect(r.stderr).toMatch(/^porthole: 3 targets: 0 open, 2 refused, 1 closed by the peer in /m);
  expect(r.code).toBe(7);
});

test('-f FILE: one target a line, comments skipped; a bad line is a usage error naming the file and line', async () => {
  const list = file('targets.txt', `# lab\n127.0.0.1:${refused}   # nothing there\n\n127.0.0.1 ${smtp}\n`);
  const r = await runCli(['-f', list, '--json']);
  const records = r.stdout.trimEnd().split('\n').map((l) => JSON.parse(l));
  expect(records.map((x) => [x.port, x.outcome])).toEqual([
    [Number(refused), 'refused'],
    [Number(smtp), 'closed-by-peer'],
  ]);
  expect(r.code).toBe(4);
  const bad = await runCli(['-f', file('bad.txt', `127.0.0.1:${smtp}\nnoport\n`)]);
  expect(bad.code).toBe(2);
  expect(bad.stderr).toMatch(/bad\.txt:2: "noport" needs a port/);
  const missing = await runCli(['-f', path.join(dir, 'none.txt')]);
  expect(missing.code).toBe(2);
  expect(missing.stderr).toMatch(/none\.txt: cannot read the targets \(ENOENT\)/);
});

test('config target names in a list carry their own host and port', async () => {
  const config = file('config.toml', `[targets.mail]\nhost = "127.0.0.1"\nport = ${smtp}\n`);
  const r = await runCli(['--config', config, '-z', 'mail', `127.0.0.1:${refused}`]);
  expect(r.stdout).toMatch(new RegExp(`^mail: 127\\.0\\.0\\.1:${smtp}: Connection closed by foreign host`, 'm'));
  expect(r.code).toBe(7);
  const j = await runCli(['--config', config, '-z', '--json', 'mail', `127.0.0.1:${refused}`]);
  expect(JSON.parse(j.stdout.split('\n')[0]!)).toMatchObject({ target: 'mail', host: '127.0.0.1', port: Number(smtp) });
});

test('--expect: a banner that matches is what it was; one that does not is an unexpected banner, exit 10', async () => {
  const ok = await runCli(['-z', '--expect', '^SSH-2\\.0-', '127.0.0.1', ssh]);
  expect(ok.stdout).toMatch(/: open in .*: SSH-2\.0-OpenSSH_9\.2$/m);
  expect(ok.code).toBe(0);
  const wrong = await runCli(['-z', '--json', '--expect', '^220 ', '127.0.0.1', ssh]);
  expect(JSON.parse(wrong.stdout)).toMatchObject({ outcome: 'unexpected-banner', code: 'PH_UNEXPECTED_BANNER', exit: 10 });
  expect(wrong.code).toBe(10);
  const text = await runCli(['-z', '--expect', '^220 ', '127.0.0.1', ssh]);
  expect(text.stdout).toMatch(/Unexpected banner in .*: SSH-2\.0-OpenSSH_9\.2 \(not what --expect wants\)/);
  const bad = await runCli(['-z', '--expect', '(', '127.0.0.1', smtp]);
  expect(bad.code).toBe(2);
  expect(bad.stderr).toMatch(/--expect: not a regular expression/);
});

test('--watch --count --json: a line a check with its round and time, then the summary and the last round\'s code', async () => {
  const r = await runCli(['--watch', '0.2', '--count', '3', '--json', `127.0.0.1:${refused}`, `127.0.0.1:${smtp}`]);
  const records = r.stdout.trimEnd().split('\n').map((l) => JSON.parse(l));
  expect(records).toHaveLength(6);
  expect(records.map((x) => x.round).sort()).toEqual([1, 1, 2, 2, 3, 3]);
  for (const x of records) expect(new Date(x.time).toISOString()).toBe(x.time);
  expect(r.stderr).toMatch(/porthole: watched 2 targets for .*, 3 rounds; the last: 1 refused, 1 closed by the peer/);
  expect(r.stderr).toMatch(new RegExp(`porthole: +127\\.0\\.0\\.1:${refused}: refused now; 3 checks, 100% without a connection`));
  expect(r.code).toBe(4);
});

test('--watch takes its seconds optionally: a target right after it is a target', async () => {
  const r = await runCli(['--count', '1', '--watch', `127.0.0.1:${refused}`]);
  expect(r.stdout).toMatch(new RegExp(`Z 127\\.0\\.0\\.1:${refused}: Connection refused`));
  expect(r.code).toBe(4);
});

test('SIGINT and SIGTERM end a watch cleanly: the summary on stderr, the last round\'s exit code', async () => {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    const child = spawn(process.execPath, [CLI, '--watch', '0.1', `127.0.0.1:${refused}`], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    // Two checks at least, then the signal.
    while ((out.match(/\n/g) ?? []).length < 2) await new Promise((r) => setTimeout(r, 20));
    child.kill(signal);
    const code = await new Promise<number | null>((r) => child.on('close', r));
    expect(code).toBe(4);
    expect(err).toMatch(/porthole: watched 1 target for .*, \d+ rounds?; the last: 1 refused/);
  }
});

test('watch options that make no sense are usage errors', async () => {
  for (const [args, message] of [
    [['--watch', '0', '127.0.0.1:1'], /--watch needs a number of seconds/],
    [['--count', '0', '127.0.0.1:1'], /--count needs a whole number/],
    [['--expect', 'x', '--banner-wait', '0', '-z', '127.0.0.1:1'], /--expect matches the banner: not with --banner-wait 0/],
    [['-z', '127.0.0.1:1', 'b'], /"b" needs a port/],
    [['--watch', '--pipe', '127.0.0.1:1'], /--watch and --pipe exclude each other/],
    [['--pipe', '127.0.0.1:1', '127.0.0.1:2'], /several targets are for -z \(once\) or --watch/],
  ] as const) {
    const r = await runCli([...args]);
    expect([r.code, r.stderr]).toEqual([2, expect.stringMatching(message)]);
  }
});
