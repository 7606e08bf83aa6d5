// The built CLI in a real terminal: tmux runs it, send-keys types, capture-pane reads the screen.
// CI is removed from the child's environment: with CI set, Ink draws only the last frame.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CLI } from './cli.js';

export function tmuxMissing(): string | null {
  return spawnSync('tmux', ['-V']).status === 0 ? null : 'tmux is not installed';
}

let seq = 0;

export class Tui {
  private readonly socket = `porthole-test-${process.pid}-${seq++}`;

  /**
   * `env` is set in the child's environment (after CI is removed: set it here to test a session
   * that has it); `stdout` redirects the CLI's output to that file, as `porthole ... > file` does;
   * `after` is a shell command run in the same terminal once porthole has exited; `program`, a
   * shell command run in porthole's place (a control: what another client would do).
   */
  constructor(args: string[], cols = 100, rows = 24, opts: { env?: Record<string, string>; stdout?: string; after?: string; program?: string } = {}) {
    const quote = (a: string) => `'${a.replace(/'/g, "'\\''")}'`;
    const env = Object.entries(opts.env ?? {}).map(([k, v]) => `${k}=${quote(v)}`).join(' ');
    const redirect = opts.stdout ? ` > ${quote(opts.stdout)}` : '';
    // After porthole exits, report its exit code, whether the screen is back from the alternate
    // screen, and whether the terminal is back in canonical (cooked) mode.
    const program = opts.program ?? `${CLI} ${args.map(quote).join(' ')}`;
    const script = `${env ? `env ${env} ` : ''}${program}${redirect}; echo "EXIT=$?"; stty -a | tr ' ;' '\\n\\n' | grep -x -- '-\\?icanon' | sed 's/^/TTY=/'; ${opts.after ? `${opts.after}; ` : ''}sleep 60`;
    // Given as separate arguments, tmux runs the command itself rather than through a shell line.
    this.tmux('new-session', '-d', '-s', 't', '-x', String(cols), '-y', String(rows), 'env', '-u', 'CI', 'sh', '-c', script);
  }

  /** The pane with its scrollback: what the terminal keeps after a full-screen program left. */
  history(): string {
    return this.tmux('capture-pane', '-p', '-S', '-', '-t', 't');
  }

  tmux(...args: string[]): string {
    return execFileSync('tmux', ['-L', this.socket, '-f', '/dev/null', ...args], { encoding: 'utf8' });
  }

  screen(): string {
    return this.tmux('capture-pane', '-p', '-t', 't');
  }

  /** The screen with its attributes, as SGR sequences (tmux's -e): for what colours are drawn. */
  styledScreen(): string {
    return this.tmux('capture-pane', '-p', '-e', '-t', 't');
  }

  /** Keys in tmux's names ('Enter', 'C-]', 'PageUp'), or literal text with `literal`. */
  keys(...keys: string[]): void {
    this.tmux('send-keys', '-t', 't', ...keys);
  }

  type(text: string): void {
    this.tmux('send-keys', '-t', 't', '-l', text);
  }

  /** A bracketed paste, as a terminal sends one when the application asked for it. */
  paste(text: string): void {
    // Through a file: a paste of 200 KB is too long for one tmux command line.
    const dir = mkdtempSync(path.join(tmpdir(), 'porthole-paste-'));
    const file = path.join(dir, 'paste');
    writeFileSync(file, text);
    this.tmux('load-buffer', file);
    rmSync(dir, { recursive: true, force: true });
    this.tmux('paste-buffer', '-p', '-t', 't');
  }

  resize(cols: number, rows: number): void {
    this.tmux('resize-window', '-t', 't', '-x', String(cols), '-y', String(rows));
  }

  alternateScreen(): boolean {
    return this.tmux('display-message', '-p', '-t', 't', '#{alternate_on}').trim() === '1';
  }

  panePid(): number {
    return Number(this.tmux('display-message', '-p', '-t', 't', '#{pane_pid}').trim());
  }

  async waitFor(pattern: RegExp, timeoutMs = 5000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    let last = '';
    while (Date.now() < deadline) {
      last = this.screen();
      if (pattern.test(last)) return last;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`timed out waiting for ${pattern}; screen was:\n${last}`);
  }

  kill(): void {
    try {
      this.tmux('kill-server');
    } catch {
      // Already gone.
    }
  }
}
