// Faults of real networks and hostile peers, through the built CLI in a real terminal (tmux):
// each with its stated outcome. A peer that never reads while 5 MB is pasted, a trickle, a
// flood without a newline, one huge line, a reset mid-session, resize storms during a flood.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type net from 'node:net';
import { describeRequiring } from '../helpers/prerequisite.js';
import { serve, type Fixture } from '../helpers/servers.js';
import { Tui, tmuxMissing } from '../helpers/tmux.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The porthole process under the pane's shell. */
function portholePid(t: Tui): number {
  return Number(execFileSync('pgrep', ['-P', String(t.panePid()), 'node'], { encoding: 'utf8' }).trim());
}
/** Its peak resident memory, in MiB. */
function peakMiB(pid: number): number {
  const kb = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]!;
  return Number(kb) / 1024;
}

/** Ctrl+] quit, as a user leaves: the screen once porthole has exited (its EXIT= line). */
async function quit(t: Tui): Promise<string> {
  t.keys('C-]');
  await t.waitFor(/porthole>/);
  t.type('quit');
  t.keys('Enter');
  return t.waitFor(/EXIT=\d+/);
}

describeRequiring(tmuxMissing(), 'faults in a terminal session', () => {
  const tuis: Tui[] = [];
  const fixtures: Fixture[] = [];
  const open = (args: string[], cols = 100, rows = 24) => {
    const t = new Tui(args, cols, rows);
    tuis.push(t);
    return t;
  };
  const fixture = async (fn: (s: net.Socket) => void) => {
    const f = await serve(fn);
    fixtures.push(f);
    return f;
  };
  afterEach(async () => {
    tuis.splice(0).forEach((t) => t.kill());
    await Promise.all(fixtures.splice(0).map((f) => f.close()));
  });

  test('a peer that never reads while 5 MB is pasted: the queue is said in the status bar, the prompt still answers, and once it reads every line arrives, in order', async () => {
    let peer: net.Socket | null = null;
    const f = await fixture((s) => {
      peer = s;
      s.pause();
      s.write('ready\r\n');
    });
    const lines = Array.from({ length: 50_000 }, (_, i) => `${String(i).padStart(7, '0')} ${'x'.repeat(90)}`);
    const t = open(['--proto', 'none', '127.0.0.1', String(f.port)], 120, 24);
    await t.waitFor(/^ready/m);
    t.paste(`${lines.join('\n')}\n`);
    await t.waitFor(/queued: the peer is not reading/, 20_000);
    // Typing never waits on the peer: the prompt opens and answers with the queue.
    t.keys('C-]');
    await t.waitFor(/porthole>/);
    t.type('status');
    t.keys('Enter');
    await t.waitFor(/^Bytes in \d+, out \d+, queued \d+$/m);
    // What waits costs about what was pasted, once: no copy a line, no growth while it waits.
    const waiting = peakMiB(portholePid(t));
    await sleep(1000);
    expect(peakMiB(portholePid(t))).toBeLessThan(waiting + 8);
    expect(waiting).toBeLessThan(200);
    // The peer reads at last: everything, exactly, in the order pasted, each line with CRLF.
    const got: Buffer[] = [];
    peer!.on('data', (d: Buffer) => got.push(d));
    peer!.resume();
    const expected = `${lines.join('\r\n')}\r\n`;
    for (let i = 0; i < 400 && Buffer.concat(got).length < expected.length; i++) await sleep(50);
    expect(Buffer.concat(got).toString('latin1') === expected).toBe(true);
    // Drained: the status bar (the rows above the input line) says so no more.
    await sleep(300);
    expect(t.screen().trimEnd().split('\n').slice(-3).join('\n')).not.toMatch(/queued/);
  }, 60_000);

  test('a 24 MB paste into a peer that never reads: porthole holds at most 16 MiB of it, the rest waits in the editor, said; Enter sends it once the peer reads, every line in order', async () => {
    let peer: net.Socket | null = null;
    const f = await fixture((s) => {
      peer = s;
      s.pause();
      s.write('ready\r\n');
    });
    const lines = Array.from({ length: 24 * 1024 }, (_, i) => `${String(i).padStart(7, '0')} ${'z'.repeat(1014)}`);
    const t = open(['--proto', 'none', '127.0.0.1', String(f.port)], 120, 24);
    await t.waitFor(/^ready/m);
    t.paste(`${lines.join('\n')}\n`);
    await t.waitFor(/Not sent: .* more would pass the 16\.0 MB send queue/, 30_000);
    // The rest of the paste joins what was put back; the prompt still answers, the queue is in the bar.
    await sleep(1500);
    t.keys('C-]');
    await t.waitFor(/porthole>/);
    t.type('status');
    t.keys('Enter');
    const status = await t.waitFor(/^Bytes in 7, out \d+, queued \d+$/m);
    const [, out, queued] = /^Bytes in 7, out (\d+), queued (\d+)$/m.exec(status)!.map(Number);
    expect(queued).toBeLessThanOrEqual(16 * 1024 * 1024);
    expect(out).toBeLessThan(24 * 1024 * 1024);
    t.keys('Escape');
    expect(peakMiB(portholePid(t))).toBeLessThan(300);
    // The peer reads; Enter sends what the editor kept (a part at a time if need be): all, in order.
    const got: Buffer[] = [];
    peer!.on('data', (d: Buffer) => got.push(d));
    peer!.resume();
    const expected = `${lines.join('\r\n')}\r\n`;
    const length = () => got.reduce((n, b) => n + b.length, 0);
    // Enter only once what went has all arrived (no more coming): the editor's part goes then.
    for (let i = 0, seen = -1; i < 60 && length() < expected.length; i++) {
      if (length() === seen) t.keys('Enter');
      seen = length();
      await sleep(500);
    }
    expect(Buffer.concat(got).toString('latin1') === expected).toBe(true);
  }, 90_000);

  test('a trickle of a byte at a time: each is on screen as it comes, before its line ends', async () => {
    let peer: net.Socket | null = null;
    const f = await fixture((s) => {
      peer = s;
    });
    const t = open(['--proto', 'none', '127.0.0.1', String(f.port)]);
    await t.waitFor(/Connected to/);
    // A line not ended yet is shown as far as it has come, as telnet shows it: each byte in turn.
    let sent = '';
    for (const ch of 'slow') {
      peer!.write(ch);
      sent += ch;
      await t.waitFor(new RegExp(`^${sent}$`, 'm'), 900);
      await sleep(1000);
    }
    peer!.write('ly\r\nnext\r\n');
    const s = await t.waitFor(/^next$/m);
    expect(s).toMatch(/^slowly$/m);
    expect(s).toMatch(/in 14 B/);
  }, 20_000);

  test('50 MB without a newline: the screen and the prompt keep answering, memory stays bounded, quit is at once', async () => {
    const chunk = Buffer.alloc(1 << 20, 'a');
    const f = await fixture((s) => {
      let sent = 0;
      const more = () => {
        while (sent < 50) {
          sent++;
          if (!s.write(chunk)) return void s.once('drain', more);
        }
      };
      more();
    });
    const t = open(['--proto', 'none', '127.0.0.1', String(f.port)]);
    await t.waitFor(/in \d+(\.\d+)? MB/, 10_000);
    // Mid-flood: the prompt opens.
    t.keys('C-]');
    await t.waitFor(/porthole>/, 5000);
    t.keys('Escape');
    // 50 MiB, every byte counted.
    await t.waitFor(/in 50\.0 MB/, 60_000);
    const s = t.screen();
    // Long runs of one line are split at the line cap, and the pane still draws rows of it.
    expect(s).toMatch(/^a{50,}/m);
    expect(peakMiB(portholePid(t))).toBeLessThan(250);
    expect(await quit(t)).toMatch(/EXIT=0/);
  }, 90_000);

  test('one 10 MB line, then a short one: both shown (the long one split at the cap), memory bounded', async () => {
    const f = await fixture((s) => {
      s.write(Buffer.alloc(10 * 1024 * 1024, 'b'));
      s.write('\r\nafter the long line\r\n');
    });
    const t = open(['--proto', 'none', '127.0.0.1', String(f.port)]);
    const s = await t.waitFor(/^after the long line$/m, 30_000);
    expect(s).toMatch(/^b{50,}/m);
    expect(peakMiB(portholePid(t))).toBeLessThan(250);
  }, 40_000);

  test('a reset mid-session: said in the status bar and the pane, the output kept, exit 7 on quit', async () => {
    const f = await fixture((s) => {
      s.write('220 hello\r\n');
      setTimeout(() => s.resetAndDestroy(), 400);
    });
    const t = open(['--proto', 'none', '127.0.0.1', String(f.port)]);
    const s = await t.waitFor(/Connection reset by peer/);
    expect(s).toMatch(/^220 hello$/m);
    expect(await quit(t)).toMatch(/EXIT=7/);
  });

  test('a resize storm during a flood: the frame is laid out for the last size, the session goes on', async () => {
    const f = await fixture((s) => {
      let i = 0;
      const timer = setInterval(() => {
        for (let k = 0; k < 200; k++) s.write(`line ${i++} ${'y'.repeat(i % 150)}\r\n`);
      }, 5);
      s.on('close', () => clearInterval(timer));
      s.on('error', () => clearInterval(timer));
    });
    const t = open(['--proto', 'none', '127.0.0.1', String(f.port)]);
    await t.waitFor(/^line \d+/m);
    const sizes: [number, number][] = [[60, 15], [140, 40], [20, 5], [100, 30], [33, 9], [160, 50], [80, 20]];
    for (let r = 0; r < 4; r++) for (const [c, h] of sizes) t.resize(c, h);
    t.resize(90, 22);
    await sleep(800);
    const rows = t.screen().trimEnd().split('\n');
    // The frame fills the last size's rows (the terminal's last row is left free), none wider than
    // it: the pane, the status bar's two rows, the input line last.
    expect(rows).toHaveLength(21);
    expect(Math.max(...rows.map((r) => [...r].length))).toBeLessThanOrEqual(90);
    expect(rows.at(-1)).toMatch(/^>/);
    expect(rows.at(-2)).toMatch(/^127\.0\.0\.1:\d+ -> 127\.0\.0\.1:\d+ \| /);
    expect(rows.at(-3)).toMatch(/^Connected to 127\.0\.0\.1:\d+ in /);
    expect(rows.slice(0, -3).filter((r) => !/^line \d+( y*)?$|^↪?y+$/.test(r))).toEqual([]);
    expect(await quit(t)).toMatch(/EXIT=0/);
  }, 30_000);
});
