// The lasting history through the built CLI in a real terminal: a line typed, porthole quit and
// started again, Up (and Ctrl+R) bring it back; a POP3 password typed is nowhere under $HOME
// afterwards; --no-history keeps nothing.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import type net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describeRequiring } from '../helpers/prerequisite.js';
import { serve, type Fixture } from '../helpers/servers.js';
import { Tui, tmuxMissing } from '../helpers/tmux.js';

describeRequiring(tmuxMissing(), 'the lasting history in a terminal session', () => {
  const tuis: Tui[] = [];
  let fixture: Fixture;
  let home: string;
  const received: string[] = [];
  beforeAll(async () => {
    fixture = await serve((s: net.Socket) => {
      s.write('+OK ready\r\n');
      s.on('data', (d) => {
        received.push(d.toString('latin1'));
        s.write('+OK\r\n');
      });
    });
  });
  afterAll(() => fixture.close());
  beforeEach(() => (home = mkdtempSync(path.join(tmpdir(), 'porthole-home-'))));
  afterEach(() => {
    tuis.splice(0).forEach((t) => t.kill());
    rmSync(home, { recursive: true, force: true });
  });
  // HOME of the test's own, no XDG_STATE_HOME: the default place, ~/.local/state/porthole.
  const open = (extra: string[] = []) => {
    const t = new Tui([...extra, '--proto', 'pop3', '127.0.0.1', String(fixture.port)], 100, 24, { env: { HOME: home, XDG_STATE_HOME: '' } });
    tuis.push(t);
    return t;
  };
  const quit = async (t: Tui) => {
    t.keys('C-]');
    await t.waitFor(/porthole>/);
    t.type('quit');
    t.keys('Enter');
    await t.waitFor(/EXIT=0/);
  };
  const session = async (extra: string[] = []) => {
    const t = open(extra);
    await t.waitFor(/^\+OK ready/m);
    return t;
  };
  /** Every file under HOME, as text. */
  const everything = (): string => {
    const out: string[] = [];
    const walk = (dir: string) => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else out.push(`${p}\n${readFileSync(p, 'latin1')}`);
      }
    };
    walk(home);
    return out.join('\n');
  };

  test('a line typed, porthole quit and started again: Up brings it back, and Ctrl+R finds it', async () => {
    let t = await session();
    t.type('CAPA remembered');
    t.keys('Enter');
    await t.waitFor(/^>\s*$/m);
    await quit(t);
    t.kill();
    const file = path.join(home, '.local', 'state', 'porthole', 'history', `127.0.0.1_${fixture.port}`);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(path.dirname(file)).mode & 0o777).toBe(0o700);

    t = await session();
    t.keys('Up');
    await t.waitFor(/^> CAPA remembered/m);
    t.keys('C-u');
    t.keys('C-r');
    t.type('remem');
    await t.waitFor(/\(reverse-i-search\)'remem': CAPA remembered/);
    t.keys('Enter');
    await t.waitFor(/^>\s*$/m);
    expect(received.filter((r) => r === 'CAPA remembered\r\n')).toHaveLength(2);
  });

  test('a POP3 password typed is nowhere under $HOME afterwards; Up gives PASS ready for another', async () => {
    let t = await session();
    t.type('USER alice');
    t.keys('Enter');
    t.type('PASS wonderland');
    t.keys('Enter');
    await t.waitFor(/PASS \*+/);
    await quit(t);
    t.kill();
    expect(everything()).toContain('USER alice');
    expect(everything()).not.toContain('wonderland');
    t = await session();
    t.keys('Up');
    await t.waitFor(/^> PASS\s*$/m);
  });

  test('--no-history keeps nothing', async () => {
    const t = await session(['--no-history']);
    t.type('CAPA forgotten');
    t.keys('Enter');
    await t.waitFor(/^>\s*$/m);
    await quit(t);
    expect(existsSync(path.join(home, '.local'))).toBe(false);
    expect(execFileSync('find', [home, '-type', 'f'], { encoding: 'utf8' })).toBe('');
  });
});
