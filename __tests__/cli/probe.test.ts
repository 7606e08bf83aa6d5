// Probe mode (-z) as scripts run it: a line or a JSON record per port, and the exit code.
import { availableParallelism } from 'node:os';
import { runCli } from '../helpers/cli.js';
import { startFiltered } from '../../src/lab/filtered-listener.js';
import { closedPort, serve, type Fixture } from '../helpers/servers.js';

const fixtures: Fixture[] = [];
afterAll(async () => Promise.all(fixtures.map((f) => f.close())));
const fixture = async (fn: Parameters<typeof serve>[0]) => {
  const f = await serve(fn);
  fixtures.push(f);
  return String(f.port);
};

let banner: string, silent: string, fin: string, rst: string, hostile: string, refused: string, closeAfterBanner: string;
beforeAll(async () => {
  banner = await fixture((s) => s.write('220 lab.test ESMTP ready\r\n'));
  silent = await fixture(() => {});
  fin = await fixture((s) => s.end());
  rst = await fixture((s) => s.resetAndDestroy());
  hostile = await fixture((s) => s.write('220 \x1b[2J\x1b]0;pwned\x07\x9b31m evil\u202e\r\n'));
  closeAfterBanner = await fixture((s) => s.end('421 4.7.0 Too many connections\r\n'));
  refused = String(await closedPort());
});

test('open with a banner: exit 0 and the banner on the line', async () => {
  const r = await runCli(['-z', '127.0.0.1', banner]);
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(new RegExp(`^127\\.0\\.0\\.1:${banner}: open in [\\d.]+ ms: 220 lab\\.test ESMTP ready\\n$`));
});

test('open and silent (an HTTP server): still open, and says the service waits for the client', async () => {
  const r = await runCli(['-z', '--banner-wait', '0.2', '127.0.0.1', silent]);
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(/open in [\d.]+ ms \(no banner: the service waits for the client to speak\)/);
});

test('--banner-wait 0 reports at connect without calling a server that speaks first silent', async () => {
  const r = await runCli(['-z', '--banner-wait', '0', '127.0.0.1', banner]);
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(/open in [\d.]+ ms \(banner not awaited: --banner-wait 0\)/);
  expect(r.stdout).not.toMatch(/no banner/);
});

test('refused: exit 4 with the meaning and the next step', async () => {
  const r = await runCli(['-z', '127.0.0.1', refused]);
  expect(r.code).toBe(4);
  expect(r.stdout).toMatch(/Connection refused in [\d.]+ ms: .*nothing listens.*Is the service running/);
});

test('closed by foreign host right after connecting: exit 7', async () => {
  const r = await runCli(['-z', '127.0.0.1', fin]);
  expect(r.code).toBe(7);
  expect(r.stdout).toMatch(/Connection closed by foreign host.*access rule/);
});

test('a banner then a close is reported as closed, with the banner that says why', async () => {
  const r = await runCli(['-z', '127.0.0.1', closeAfterBanner]);
  expect(r.code).toBe(7);
  expect(r.stdout).toMatch(/Connection closed by foreign host in .*: 421 4\.7\.0 Too many connections/);
});

test('reset by peer: exit 7, not "succeeded" as nc -z says', async () => {
  const r = await runCli(['-z', '127.0.0.1', rst]);
  expect(r.code).toBe(7);
  expect(r.stdout).toMatch(/reset by peer/i);
});

test('timed out through a full accept queue: exit 5 after -w', async () => {
  const filtered = await startFiltered('127.0.0.1', 0);
  try {
    const r = await runCli(['-z', '-w', '0.5', '127.0.0.1', String(filtered.port)]);
    expect(r.code).toBe(5);
    expect(r.stdout).toMatch(/Timed out after 0\.5 s \(filtered\?\)/);
    expect(r.stdout).toMatch(/firewall/);
    expect(r.ms).toBeGreaterThanOrEqual(500);
  } finally {
    await filtered.close();
  }
});

test('many ports in the order given, exit code of the first that was not open', async () => {
  const r = await runCli(['-z', '--banner-wait', '0.2', '127.0.0.1', banner, refused, fin, silent]);
  expect(r.code).toBe(4);
  const lines = r.stdout.trimEnd().split('\n');
  expect(lines.map((l) => l.split(':')[1])).toEqual([banner, refused, fin, silent]);
});

test('--json: one object per line with the documented fields', async () => {
  const r = await runCli(['-z', '--json', '--banner-wait', '0.2', '127.0.0.1', banner, refused]);
  const [a, b] = r.stdout.trimEnd().split('\n').map((l) => JSON.parse(l));
  expect(a).toMatchObject({
    host: '127.0.0.1',
    port: Number(banner),
    address: '127.0.0.1',
    family: 'IPv4',
    outcome: 'open',
    banner: '220 lab.test ESMTP ready\r\n',
    hint: expect.any(String),
  });
  expect(a.ms).toEqual(expect.any(Number));
  expect(a.attempts).toEqual([{ address: '127.0.0.1', family: 'IPv4', outcome: 'open', code: 'PH_OPEN', ms: expect.any(Number) }]);
  expect(b).toMatchObject({ port: Number(refused), outcome: 'refused', code: 'ECONNREFUSED', banner: null });
  expect(b.hint).toMatch(/nothing listens/);
});

test('a hostile banner never reaches the terminal as control sequences', async () => {
  const human = await runCli(['-z', '127.0.0.1', hostile]);
  const json = await runCli(['-z', '--json', '127.0.0.1', hostile]);
  for (const out of [human.stdout, json.stdout]) {
    expect(out).not.toMatch(/[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e]/);
  }
  expect(human.stdout).toContain('evil');
  expect(JSON.parse(json.stdout).banner).toBe('220 \x1b[2J\x1b]0;pwned\x07\x9b31m evil\u202e\r\n');
});

test('-v reports each address tried on stderr, telnet-style', async () => {
  const r = await runCli(['-z', '-v', '--banner-wait', '0', '127.0.0.1', banner]);
  expect(r.stderr).toMatch(/Trying 127\.0\.0\.1\.\.\. connected in [\d.]+ ms/);
});

test('a port range', async () => {
  const p = Number(refused);
  const r = await runCli(['-z', '--parallel', '2', '127.0.0.1', `${p}-${p + 2}`]);
  expect(r.stdout.trimEnd().split('\n')).toHaveLength(3);
});

test('several refused ports: the explanation on the first refused line only, each line still says refused', async () => {
  const more = [await closedPort(), await closedPort()];
  const r = await runCli(['-z', '127.0.0.1', refused, ...more.map(String)]);
  const lines = r.stdout.trimEnd().split('\n');
  expect(lines).toHaveLength(3);
  expect(lines.every((l) => /: Connection refused in [\d.]+ ms/.test(l))).toBe(true);
  expect(lines.map((l) => /nothing listens/.test(l))).toEqual([true, false, false]);
  // JSON keeps the hint in every record: a script reads one at a time.
  const j = await runCli(['-z', '--json', '127.0.0.1', refused, ...more.map(String)]);
  expect(j.stdout.trimEnd().split('\n').map((l) => (JSON.parse(l) as { hint: string }).hint)).toEqual(Array(3).fill(expect.stringMatching(/nothing listens/)));
});

test('a range big enough for the worker thread: every port once and in order, the open ones with their banners; -v says the worker shared it', async () => {
  const b = Number(banner);
  const lo = Math.max(1, Math.min(b - 2048, 65535 - 4095));
  const hi = lo + 4095;
  const r = await runCli(['-z', '-v', '--banner-wait', '0.3', '127.0.0.1', `${lo}-${hi}`]);
  const lines = r.stdout.trimEnd().split('\n');
  expect(lines).toHaveLength(4096);
  expect(lines.map((l) => Number(/^127\.0\.0\.1:(\d+)/.exec(l)?.[1]))).toEqual(Array.from({ length: 4096 }, (_, k) => lo + k));
  expect(lines[b - lo]).toMatch(new RegExp(`^127\\.0\\.0\\.1:${b}: open in [\\d.]+ ms: 220 lab\\.test ESMTP ready$`));
  for (const p of [refused, silent, fin].map(Number).filter((p) => p >= lo && p <= hi)) expect(lines[p - lo]).toMatch(new RegExp(`^127\\.0\\.0\\.1:${p}(?: \\(\\w+\\))?: (Connection refused|open|Connection closed)`));
  const shared = /a worker thread shared the ports: it probed ([\d,]+) of 4,096/.exec(r.stderr);
  // With one core there is no second thread: the same lines, and -v says nothing of one.
  if (availableParallelism() < 2) expect(shared).toBeNull();
  else expect(Number(shared?.[1]?.replace(/,/g, ''))).toBeGreaterThan(0);
  expect(r.stderr).toMatch(/porthole: 4,096 ports: [\d,]+ open, /);
  // -v's attempt lines: one for each port, none twice.
  expect(r.stderr.match(/^127\.0\.0\.1:\d+: Trying /gm)).toHaveLength(4096);
});

test('out of file descriptors over all 65,535 ports: no port is reported as the machine\'s limit; fewer at a time, said once', async () => {
  // ulimit -n 64: a few dozen sockets at most, against the 200 at a time asked for.
  const r = await runCli(['-z', '--parallel', '200', '-w', '1', '--banner-wait', '0', '127.0.0.1', '1-65535'], { prefix: ['sh', '-c', 'ulimit -n 64 && exec "$0" "$@"'], timeoutMs: 90_000 });
  const lines = r.stdout.trimEnd().split('\n');
  expect(lines).toHaveLength(65535);
  expect(r.stdout).not.toMatch(/Too many open files/);
  expect(lines[Number(banner) - 1]).toMatch(new RegExp(`^127\\.0\\.0\\.1:${banner}: open`));
  expect(lines[Number(refused) - 1]).toMatch(new RegExp(`^127\\.0\\.0\\.1:${refused}: Connection refused`));
  expect(r.stderr.match(/out of file descriptors \(too many open files; see ulimit -n\): fewer ports are probed at a time, and each that met the limit is probed again\./g)).toHaveLength(1);
  expect(r.stderr).not.toMatch(/\n\s+at /);
}, 120_000);

test('out of file descriptors with banners awaited: the open ports still get their banner wait (its code was loaded before the sockets)', async () => {
  const r = await runCli(['-z', '-v', '--parallel', '200', '-w', '1', '--banner-wait', '0.3', '127.0.0.1', '1-65535'], { prefix: ['sh', '-c', 'ulimit -n 64 && exec "$0" "$@"'], timeoutMs: 90_000 });
  const lines = r.stdout.trimEnd().split('\n');
  expect(lines).toHaveLength(65535);
  // Through the banner hook, not through the worker failing and its ports probed again.
  expect(r.stderr).not.toMatch(/worker thread failed/);
  expect(lines[Number(banner) - 1]).toMatch(new RegExp(`^127\\.0\\.0\\.1:${banner}: open in [\\d.]+ m?s: 220 lab\\.test ESMTP ready$`));
  expect(lines[Number(fin) - 1]).toMatch(/Connection closed by foreign host/);
  expect(r.stdout).not.toMatch(/banner not awaited|Too many open files/);
}, 120_000);

test('stdout closed early (| head -1): the probe ends quietly, exit 0, no stack trace', async () => {
  const { spawnSync } = await import('node:child_process');
  const { CLI } = await import('../helpers/cli.js');
  const r = spawnSync('bash', ['-c', `"${process.execPath}" "${CLI}" -z --banner-wait 0 127.0.0.1 1-5000 | head -1; echo "status=\${PIPESTATUS[0]}"`], { encoding: 'utf8' });
  expect(r.stdout.split('\n')[0]).toMatch(/^127\.0\.0\.1:1: /);
  expect(r.stdout).toMatch(/^status=0$/m);
  expect(r.stderr).toBe('');
});

test('a port\'s line is written as it is known, not when the probe ends: the refused port is said while the silent one is still awaited', async () => {
  const { spawn } = await import('node:child_process');
  const { CLI } = await import('../helpers/cli.js');
  const child = spawn(process.execPath, [CLI, '-z', '--banner-wait', '3', '127.0.0.1', refused, silent], { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<number | null>((r) => child.on('exit', r));
  let ended = false;
  void exited.then(() => (ended = true));
  const first = await new Promise<string>((r) => child.stdout.once('data', (d: Buffer) => r(d.toString())));
  // The silent port holds the probe for its 3 s banner wait: the first line came before that.
  expect(ended).toBe(false);
  expect(first).toMatch(new RegExp(`^127\\.0\\.0\\.1:${refused}: Connection refused in [\\d.]+ ms: `));
  expect(first).not.toContain(`:${silent}:`);
  child.kill();
  await exited;
});

test('several ports: a summary on stderr counts each outcome; stdout stays a line a port', async () => {
  const r = await runCli(['-z', '127.0.0.1', banner, refused, fin]);
  expect(r.stdout.trimEnd().split('\n')).toHaveLength(3);
  expect(r.stderr).toMatch(/^porthole: 3 ports: 1 open, 1 refused, 1 closed by the peer in [\d.]+ m?s\n$/);
  // One port: no summary, as before.
  expect((await runCli(['-z', '127.0.0.1', banner])).stderr).toBe('');
});

test('a port given twice is probed once, where it first came', async () => {
  const r = await runCli(['-z', '--json', '127.0.0.1', banner, refused, banner]);
  expect(r.stdout.trimEnd().split('\n').map((l) => (JSON.parse(l) as { port: number }).port)).toEqual([Number(banner), Number(refused)]);
});

test('--open: only the open ports printed (JSON too); the exit code and the summary still count every port', async () => {
  const r = await runCli(['-z', '--open', '127.0.0.1', refused, banner, silent, '--banner-wait', '0.2']);
  expect(r.code).toBe(4);
  const lines = r.stdout.trimEnd().split('\n');
  expect(lines).toHaveLength(2);
  expect(lines.every((l) => / open in /.test(l))).toBe(true);
  expect(r.stderr).toMatch(/3 ports: 2 open, 1 refused/);
  const j = await runCli(['-z', '--open', '--json', '127.0.0.1', refused, banner]);
  expect(j.stdout.trimEnd().split('\n').map((l) => (JSON.parse(l) as { outcome: string }).outcome)).toEqual(['open']);
});
