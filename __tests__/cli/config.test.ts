// The config file through the built CLI: a target by name in probe mode, the default place under
// XDG_CONFIG_HOME, --config and --no-config, and a bad file said in one line with exit 2.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runCli } from '../helpers/cli.js';
import { serve, type Fixture } from '../helpers/servers.js';

let dir: string;
let f: Fixture;
beforeAll(async () => {
  f = await serve((s) => {
    s.write('220 config.test ESMTP\r\n');
    s.on('error', () => {});
  });
});
afterAll(() => f.close());
beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), 'porthole-config-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const write = (file: string, text: string) => {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
  return file;
};

test('porthole -z NAME: the target from the config file at the default place', async () => {
  write(path.join(dir, 'porthole', 'config.toml'), `[targets.mail]\nhost = "127.0.0.1"\nport = ${f.port}\n`);
  const r = await runCli(['-z', 'mail'], { env: { XDG_CONFIG_HOME: dir } });
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  // The line names the target as well as where it led.
  expect(r.stdout).toMatch(new RegExp(`^mail: 127\\.0\\.0\\.1:${f.port}: open .*220 config\\.test ESMTP`, 'm'));
});

test('--config FILE picks another; --no-config reads none (the name is a host again)', async () => {
  const file = write(path.join(dir, 'other.toml'), `[targets.mail]\nhost = "127.0.0.1"\nport = ${f.port}\n`);
  expect((await runCli(['-z', '--config', file, 'mail'])).code).toBe(0);
  // A target named as a host is the target with a config, and the host without one (127.0.0.2,
  // where nothing listens: no name is looked up off this machine).
  write(path.join(dir, 'porthole', 'config.toml'), `[targets."127.0.0.2"]\nhost = "127.0.0.1"\nport = ${f.port}\n`);
  expect((await runCli(['-z', '127.0.0.2'], { env: { XDG_CONFIG_HOME: dir } })).stdout).toMatch(/^127\.0\.0\.2: 127\.0\.0\.1:\d+: open/m);
  const none = await runCli(['-z', '--no-config', '127.0.0.2', String(f.port)], { env: { XDG_CONFIG_HOME: dir } });
  expect(none.stdout).toMatch(/^127\.0\.0\.2:\d+: Connection refused/m);
});

test('a config that does not parse, an unknown key or a bad value: one line naming file, line and key; exit 2, nothing connects', async () => {
  const cases: [string, RegExp][] = [
    ['[defaults]\nencoding = = 1\n', /:2: not TOML/],
    ['[defaults]\n\ncolour = true\n', /:3: unknown key "colour" in \[defaults\]/],
    ['[defaults]\nconnect-timeout = "soon"\n', /:2: defaults\.connect-timeout: /],
  ];
  for (const [text, message] of cases) {
    const file = write(path.join(dir, 'c.toml'), text);
    const r = await runCli(['-z', '--config', file, '127.0.0.1', String(f.port)]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(new RegExp(`^porthole: ${file.replace(/[.\\/]/g, '\\$&')}${message.source}`));
  }
  const missing = await runCli(['-z', '--config', path.join(dir, 'nope.toml'), '127.0.0.1', '1']);
  expect(missing.code).toBe(2);
  expect(missing.stderr).toMatch(/nope\.toml: cannot read the config \(ENOENT\)/);
});
