// The session's colours in a real terminal: on by default, off with NO_COLOR or --color never (the
// marks that are not colour stay: the status bar's inverse, porthole's notes dim), and --color
// always over NO_COLOR, as for probe and pipe.
import type net from 'node:net';
import { describeRequiring } from '../helpers/prerequisite.js';
import { serve, type Fixture } from '../helpers/servers.js';
import { Tui, tmuxMissing } from '../helpers/tmux.js';

/** Every SGR parameter the screen is drawn with. */
function sgrParams(screen: string): number[] {
  return [...screen.matchAll(/\x1b\[([0-9;]*)m/g)].flatMap((m) => m[1]!.split(';').filter(Boolean).map(Number));
}
/** A colour: a foreground or background, basic, bright or extended. */
const isColour = (p: number) => (p >= 30 && p <= 38) || (p >= 40 && p <= 48) || (p >= 90 && p <= 97) || (p >= 100 && p <= 107);

describeRequiring(tmuxMissing(), 'colour in the session', () => {
  let fixture: Fixture;
  const tuis: Tui[] = [];
  beforeAll(async () => {
    fixture = await serve((s: net.Socket) => {
      s.write('220 colour test ready\r\n');
      s.on('data', () => s.write('250 ok\r\n'));
    });
  });
  afterAll(() => fixture.close());
  afterEach(() => tuis.splice(0).forEach((t) => t.kill()));

  /**
   * A session with a line typed and answered: the peer's, ours, the status bar and the prompt
   * drawn. The SGR parameters of the whole screen, and of the prompt's row (its cursor) alone.
   */
  const drawn = async (args: string[], env: Record<string, string> = {}) => {
    const t = new Tui([...args, '--proto', 'none', '127.0.0.1', String(fixture.port)], 100, 24, { env: { TERM: 'xterm-256color', ...env } });
    tuis.push(t);
    await t.waitFor(/^220 colour test ready/m);
    t.type('NOOP');
    t.keys('Enter');
    await t.waitFor(/^250 ok/m);
    t.type('QUI');
    await t.waitFor(/^> QUI/m);
    const screen = t.styledScreen();
    const prompt = screen.split('\n').find((row) => row.replace(/\x1b\[[0-9;]*m/g, '').startsWith('> QUI'))!;
    return Object.assign(sgrParams(screen), { cursor: sgrParams(prompt) });
  };

  test('by default: colours', async () => {
    expect((await drawn([])).some(isColour)).toBe(true);
  });

  test('NO_COLOR, --color never and FORCE_COLOR=0: no colour; the inverse bar, the cursor and the dim notes kept', async () => {
    // --color=never as one word too: Ink's chalk reads argv itself, and would draw no cursor.
    for (const [args, env] of [[[], { NO_COLOR: '1' }], [['--color', 'never'], {}], [['--color=never'], {}], [[], { FORCE_COLOR: '0' }]] as const) {
      const params = await drawn([...args], env);
      expect(params.filter(isColour)).toEqual([]);
      expect(params).toContain(7);
      expect(params).toContain(2);
      expect(params.cursor).toContain(7);
      tuis.splice(0).forEach((t) => t.kill());
    }
  });

  test('--color always wins over NO_COLOR', async () => {
    expect((await drawn(['--color', 'always'], { NO_COLOR: '1' })).some(isColour)).toBe(true);
  });
});
