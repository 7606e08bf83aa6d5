// One private tmux server per measurement, driven through a control-mode client (tmux -C): every
// command is a line on a pipe, so reading the screen costs no process start. A `tmux capture-pane`
// process per poll cost ~10-15 ms of CPU here under a flood, taken from the clients being timed.

import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/** Every server this process started, for the last-resort cleanup on exit. */
const live = new Set();

/** tmux's own options for a measurement: fixed pane size, no status line, dead panes stay readable. */
const CONF = [
  // telnet exits when the peer closes; its last screen must stay for the bench to read.
  'set -g remain-on-exit on',
  // The status line would take a row from the pane: the pane is the terminal size asked for.
  'set -g status off',
  'set -g history-limit 2000',
].join('\n');

let seq = 0;

/** Quote one argument for tmux's command parser: single quotes, as in sh, with no escapes inside. */
function quote(arg) {
  const s = String(arg);
  if (s.includes("'")) throw new Error(`cannot pass an argument with a single quote to tmux: ${s}`);
  return `'${s}'`;
}

export class Terminal {
  /**
   * A fresh tmux server on its own socket in `dir`, with a control client attached to a session
   * of its own; measured programs get sessions of their own with newSession().
   */
  static async open({ dir, cols, rows, env }) {
    const socket = path.join(dir, `tmux-${process.pid}-${seq++}`);
    const conf = path.join(dir, 'tmux.conf');
    if (!fs.existsSync(conf)) fs.writeFileSync(conf, `${CONF}\n`);
    const t = new Terminal(socket, conf, cols, rows, env);
    live.add(t);
    try {
      t.tmuxSync('new-session', '-d', '-s', 'bench-ctl', '-x', String(cols), '-y', String(rows), 'sleep', '86400');
      await t.attach();
      t.serverPid = Number((await t.command(`display-message -p '#{pid}'`)).trim());
    } catch (e) {
      t.closeSync();
      throw e;
    }
    return t;
  }

  constructor(socket, conf, cols, rows, env) {
    this.socket = socket;
    this.conf = conf;
    this.cols = cols;
    this.rows = rows;
    this.env = env;
    this.serverPid = null;
    this.client = null;
    /** Commands written and not yet answered, oldest first; each tmux answers in a %begin block. */
    this.waiting = [];
    this.block = null;
    this.buffered = '';
    this.closed = false;
    /** Processes started in panes (pid -> a word of their command line), checked after the server is gone. */
    this.panes = new Map();
    /** Round trips of capture-pane, in ms: their spread bounds the precision of every time taken. */
    this.captureMs = [];
  }

  tmuxSync(...args) {
    return execFileSync('tmux', ['-S', this.socket, '-f', this.conf, ...args], {
      encoding: 'utf8',
      env: this.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 5000,
    });
  }

  attach() {
    // no-output: the client is not sent what panes print (a telnet flood would be copied to us
    // as octal escapes); ignore-size: it does not resize the window from the size asked for.
    const client = spawn('tmux', ['-S', this.socket, '-f', this.conf, '-C', 'attach-session', '-t', 'bench-ctl', '-f', 'no-output,ignore-size'], {
      env: this.env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.client = client;
    client.stdin.on('error', () => {});
    client.stdout.setEncoding('utf8').on('data', (s) => this.read(s));
    client.once('exit', () => {
      this.client = null;
      for (const w of this.waiting.splice(0)) w.reject(new Error('the tmux control client exited'));
    });
    // The attach is a command too: its answer is the first block.
    return this.expect('attach-session', 5000);
  }

  read(s) {
    this.buffered += s;
    let i;
    while ((i = this.buffered.indexOf('\n')) >= 0) {
      const line = this.buffered.slice(0, i);
      this.buffered = this.buffered.slice(i + 1);
      if (this.block) {
        // Output lines are passed through as they are; a pane line that reads "%end 1 2 3" would
        // end the block early, but no screen this bench reads has such a line.
        const end = /^%(end|error) \d+ \d+ \d+$/.exec(line);
        if (!end) {
          this.block.push(line);
          continue;
        }
        const lines = this.block;
        this.block = null;
        const w = this.waiting.shift();
        if (!w) continue;
        if (end[1] === 'end') w.resolve(lines.join('\n'));
        else w.reject(new Error(`tmux: ${w.what}: ${lines.join(' ')}`));
      } else if (/^%begin \d+ \d+ \d+$/.test(line)) {
        this.block = [];
      }
      // Anything else is a notification (%session-changed, %exit...): nothing to act on.
    }
  }

  expect(what, timeoutMs) {
    return new Promise((resolve, reject) => {
      const w = {
        what,
        resolve: (v) => (clearTimeout(timer), resolve(v)),
        reject: (e) => (clearTimeout(timer), reject(e)),
      };
      const timer = setTimeout(() => {
        const i = this.waiting.indexOf(w);
        // Left in place, a late answer would be taken for the next command's: the client is done.
        if (i >= 0) this.waiting[i] = { what, resolve() {}, reject() {} };
        reject(new Error(`tmux did not answer "${what}" within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiting.push(w);
    });
  }

  /** One tmux command line through the control client; resolves with what it printed. */
  command(line, timeoutMs = 5000) {
    if (!this.client) return Promise.reject(new Error('the tmux control client is gone'));
    const answer = this.expect(line, timeoutMs);
    this.client.stdin.write(`${line}\n`);
    return answer;
  }

  /** Starts argv (no shell) in a new session of the terminal's size; resolves with the pane's pid. */
  async newSession(name, argv) {
    const size = `-x ${this.cols} -y ${this.rows}`;
    await this.command(`new-session -d -s ${quote(name)} ${size} ${argv.map(quote).join(' ')}`);
    const pid = Number((await this.command(`display-message -p -t ${quote(name)} '#{pane_pid}'`)).trim());
    // tmux runs a command given as several words with execvp, so the pane's pid is the program's
    // own (env execs node in place): what /proc/PID/status describes is the client, not a shell.
    this.panes.set(pid, path.basename(argv.find((a) => !/^(env|-u|CI)$/.test(a)) ?? argv[0]));
    return pid;
  }

  /** The visible screen of a session, as plain text (no colours), one string. */
  async capture(name) {
    const t0 = performance.now();
    const screen = await this.command(`capture-pane -p -t ${quote(name)}`);
    this.captureMs.push(performance.now() - t0);
    return screen;
  }

  /** Literal text, as typed. */
  type(name, text) {
    return this.command(`send-keys -t ${quote(name)} -l ${quote(text)}`);
  }

  /** Keys by tmux's names: 'Enter', 'C-]'. */
  keys(name, ...keys) {
    return this.command(`send-keys -t ${quote(name)} ${keys.map(quote).join(' ')}`);
  }

  async pane(name) {
    // Fields apart by '|': the status or the signal of a dead pane is empty when it has neither.
    const f = '#{pane_pid}|#{pane_dead}|#{pane_dead_status}|#{pane_dead_signal}|#{pane_width}|#{pane_height}';
    const [pid, dead, status, signal, width, height] = (await this.command(`display-message -p -t ${quote(name)} '${f}'`)).trim().split('|');
    return {
      pid: Number(pid),
      dead: dead === '1',
      status: status === '' ? null : Number(status),
      signal: signal === '' ? null : Number(signal),
      width: Number(width),
      height: Number(height),
    };
  }

  /** Stops the server and everything in it; safe to call more than once, and from an exit handler. */
  closeSync() {
    if (this.closed) return;
    this.closed = true;
    live.delete(this);
    try {
      this.tmuxSync('kill-server');
    } catch {
      // Not running, or not answering: the pids below are the fallback.
    }
    if (this.client) this.client.kill('SIGKILL');
    killIfStill(this.serverPid, 'tmux');
    // A pane's program gets SIGHUP from the server; one that ignores it must not outlive the bench.
    for (const [pid, word] of this.panes) killIfStill(pid, word);
    fs.rmSync(this.socket, { force: true });
  }
}

/** SIGKILL pid only while it is still the process started (a pid can be reused by another one). */
function killIfStill(pid, word) {
  if (!pid) return;
  let cmdline;
  try {
    cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return; // gone
  }
  if (!cmdline.includes(word)) return;
  try {
    process.kill(pid, 'SIGKILL');
  } catch {}
}

/** For exit handlers: every tmux server still up, down. */
export function closeAllTerminals() {
  for (const t of [...live]) t.closeSync();
}
