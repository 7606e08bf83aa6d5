// The watch's live table in a real terminal (tmux): rows in the outcome's words, keys q p r,
// Up/Down and Enter (a session to the row, back to the table), the summary after it quits.
import { execFileSync } from 'node:child_process';
import type net from 'node:net';
import { describeRequiring } from '../helpers/prerequisite.js';
import { closedPort, serve, type Fixture } from '../helpers/servers.js';
import { Tui, tmuxMissing } from '../helpers/tmux.js';

describeRequiring(tmuxMissing(), 'the watch table', () => {
  let fixture: Fixture;
  let refused: number;
  const tuis: Tui[] = [];
  beforeAll(async () => {
    fixture = await serve((s: net.Socket) => {
      s.write('220 watch test ready\r\n');
      s.on('data', () => s.write('250 ok\r\n'));
    });
    refused = await closedPort();
  });
  afterAll(() => fixture.close());
  afterEach(() => tuis.splice(0).forEach((t) => t.kill()));

  test('a row a target in the alternate screen; p pauses, q quits with the summary and the exit code', async () => {
    const tui = new Tui(['--watch', '0.3', `127.0.0.1:${fixture.port}`, `127.0.0.1:${refused}`], 110, 20);
    tuis.push(tui);
    const screen = await tui.waitFor(/ open +[\d.]+ ms[^]*refused .*100%/);
    expect(screen).toMatch(/porthole watch: 2 targets every 0\.3 s/);
    expect(screen).toMatch(/TARGET +STATE +LAST/);
    expect(screen).toMatch(new RegExp(`127\\.0\\.0\\.1:${fixture.port} +. open +[\\d.]+ ms`));
    expect(screen).toMatch(new RegExp(`\\d\\d:\\d\\d:\\d\\d 127\\.0\\.0\\.1:${refused} refused`));
    expect(tui.alternateScreen()).toBe(true);
    tui.keys('p');
    await tui.waitFor(/PAUSED \(p resumes\)/);
    tui.keys('q');
    const after = await tui.waitFor(/EXIT=\d+/);
    expect(after).toMatch(/EXIT=4/);
    expect(after).toMatch(/porthole: watched 2 targets for/);
    expect(after).toMatch(/TTY=icanon/);
    expect(tui.alternateScreen()).toBe(false);
  });

  test('SIGTERM (kill, timeout) ends the table as q does: the terminal back, the summary, the last round\'s exit code', async () => {
    const tui = new Tui(['--watch', '0.3', `127.0.0.1:${fixture.port}`, `127.0.0.1:${refused}`], 110, 20);
    tuis.push(tui);
    await tui.waitFor(/ open +[\d.]+ ms[^]*refused .*100%/);
    // The pane runs sh, which runs porthole (env execs node): sh's child is porthole.
    const sh = tui.tmux('display-message', '-p', '-t', 't', '#{pane_pid}').trim();
    const pid = Number(execFileSync('pgrep', ['-P', sh], { encoding: 'utf8' }).trim().split('\n')[0]);
    expect(pid).toBeGreaterThan(0);
    process.kill(pid, 'SIGTERM');
    const after = await tui.waitFor(/EXIT=\d+/);
    expect(after).toMatch(/porthole: watched 2 targets for/);
    expect(after).toMatch(/EXIT=4/);
    expect(after).toMatch(/TTY=icanon/);
    expect(tui.alternateScreen()).toBe(false);
  });

  test('Enter opens a session to the selected row; when it ends, the table is back', async () => {
    const tui = new Tui(['--watch', '0.5', `127.0.0.1:${refused}`, `127.0.0.1:${fixture.port}`], 110, 20);
    tuis.push(tui);
    await tui.waitFor(/ open +[\d.]+ ms/);
    tui.keys('Down');
    tui.keys('Enter');
    await tui.waitFor(/220 watch test ready/);
    tui.type('HELO x');
    tui.keys('Enter');
    await tui.waitFor(/250 ok/);
    tui.keys('C-]');
    await tui.waitFor(/telnet>|porthole>/);
    tui.type('quit');
    tui.keys('Enter');
    await tui.waitFor(/porthole watch: 2 targets/);
    expect(tui.alternateScreen()).toBe(true);
    tui.keys('q');
    await tui.waitFor(/EXIT=4/);
  });

  test('a target that goes down while watched: its row turns refused and the log says when it changed', async () => {
    const going = await serve((s: net.Socket) => s.write('220 going soon\r\n'));
    const tui = new Tui(['--watch', '0.3', `127.0.0.1:${going.port}`], 110, 20);
    tuis.push(tui);
    await tui.waitFor(/ open +[\d.]+ ms/);
    await going.close();
    // Closing the listener ends the connection in flight first (closed by the peer), then refuses.
    const screen = await tui.waitFor(new RegExp(`\\d\\d:\\d\\d:\\d\\d 127\\.0\\.0\\.1:${going.port} open -> [^]*-> refused|open -> refused`));
    expect(screen).toMatch(new RegExp(`127\\.0\\.0\\.1:${going.port} +. refused`));
    // Paused, no check starts: r does nothing, and the history stops growing.
    tui.keys('p');
    await tui.waitFor(/PAUSED/);
    const history = () => /(?:[▁-█·]+) \d\d:\d\d:\d\d$/m.exec(tui.screen())?.[0] ?? '';
    const before = history();
    tui.keys('r');
    await new Promise((r) => setTimeout(r, 1000));
    expect(history()).toBe(before);
    tui.keys('q');
    await tui.waitFor(/EXIT=4/);
  });
});
