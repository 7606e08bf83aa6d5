// The built CLI in a real terminal: tmux runs it, send-keys types, capture-pane reads the screen.
// CI is removed from the child's environment: with CI set, Ink draws only the last frame.
import { execFileSync, spawnSync } from 'node:child_process';
import { CLI } from './cli.js';

export function tmuxMissing(): string | null {
  return spawnSync('tmux', ['-V']).status === 0 ? null : 'tmux is not installed';
}

let seq = 0;

export class Tui {
  private readonly socket = `porthole-test-${process.pid}-${seq++}`;

  constructor(args: string[], cols = 100, rows = 24) {
    // After porthole exits, report its exit code, whether the screen is back from the alternate
    // screen, and whether the terminal is back in canonical (cooked) mode.
    const script = `${CLI} ${args.map((a) => `'${a}'`).join(' ')}; echo "EXIT=$?"; stty -a | tr ' ;' '\\n\\n' | grep -x -- '-\\?icanon' | sed 's/^/TTY=/'; sleep 60`;
    // Given as separate arguments, tmux runs the command itself rather than through a shell line.
    this.tmux('new-session', '-d', '-s', 't', '-x', String(cols), '-y', String(rows), 'env', '-u', 'CI', 'sh', '-c', script);
  }

  tmux(...args: string[]): string {
    return execFileSync('tmux', ['-L', this.socket, '-f', '/dev/null', ...args], { encoding: 'utf8' });
  }

  screen(): string {
    return this.tmux('capture-pane', '-p', '-t', 't');
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
    this.tmux('set-buffer', '--', text);
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
