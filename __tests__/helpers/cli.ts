// Run the built CLI as a child process, as users and scripts do.
import { spawn } from 'node:child_process';
import path from 'node:path';

// The command as installed (package.json's bin), which loads dist/cli.js.
export const CLI = path.resolve('dist/porthole.cjs');

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** `env`: set in the child's environment over the suite's own (an XDG directory of a test's own). */
export function runCli(args: string[], opts: { input?: Buffer | string; prefix?: string[]; timeoutMs?: number; env?: Record<string, string> } = {}): Promise<Run> {
  const argv = [...(opts.prefix ?? []), process.execPath, CLI, ...args];
  const t0 = Date.now();
  const child = spawn(argv[0]!, argv.slice(1), { stdio: ['pipe', 'pipe', 'pipe'], ...(opts.env ? { env: { ...process.env, ...opts.env } } : {}) });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout.on('data', (d) => out.push(d));
  child.stderr.on('data', (d) => err.push(d));
  child.stdin.on('error', () => {});
  child.stdin.end(opts.input ?? '');
  const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 15000);
  return new Promise((resolve) => {
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString(), ms: Date.now() - t0 });
    });
  });
}
