// Colour in probe and pipe output through the built CLI: none into a pipe by default, --color
// always and FORCE_COLOR colour it, NO_COLOR yields to --color always, a bad value is a usage error.
import { closedPort, serve, type Fixture } from '../helpers/servers.js';
import { runCli } from '../helpers/cli.js';

let f: Fixture;
let refused: string;
beforeAll(async () => {
  f = await serve((s) => {
    s.write('220 colour.test\r\n');
    s.on('error', () => {});
  });
  refused = String(await closedPort());
});
afterAll(() => f.close());

const GREEN = '\x1b[32mopen\x1b[39m';

test('into a pipe no colour; --color always and FORCE_COLOR colour the outcome word; NO_COLOR yields to --color', async () => {
  expect((await runCli(['-z', '127.0.0.1', String(f.port)])).stdout).not.toMatch(/\x1b/);
  expect((await runCli(['-z', '--color', 'always', '127.0.0.1', String(f.port)])).stdout).toContain(`: ${GREEN} in `);
  expect((await runCli(['-z', '127.0.0.1', String(f.port)], { env: { FORCE_COLOR: '1' } })).stdout).toContain(GREEN);
  expect((await runCli(['-z', '--color', 'always', '127.0.0.1', String(f.port)], { env: { NO_COLOR: '1' } })).stdout).toContain(GREEN);
  expect((await runCli(['-z', '--color', 'never', '127.0.0.1', String(f.port)], { env: { FORCE_COLOR: '1' } })).stdout).not.toMatch(/\x1b/);
  // JSON is for tools: never coloured.
  expect((await runCli(['-z', '--json', '--color', 'always', '127.0.0.1', String(f.port)])).stdout).not.toMatch(/\x1b/);
});

test('refused in red in a probe and on pipe mode\'s stderr', async () => {
  expect((await runCli(['-z', '--color', 'always', '127.0.0.1', refused])).stdout).toMatch(/\x1b\[31mConnection refused\x1b\[39m/);
  const pipe = await runCli(['--pipe', '--color', 'always', '127.0.0.1', refused]);
  expect(pipe.code).toBe(4);
  expect(pipe.stderr).toMatch(/\x1b\[31mConnection refused\x1b\[39m\. /);
});

test('--color with another value: a usage error, exit 2', async () => {
  const r = await runCli(['-z', '--color', 'sometimes', '127.0.0.1', String(f.port)]);
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(/--color is auto, always or never, not "sometimes"/);
});
