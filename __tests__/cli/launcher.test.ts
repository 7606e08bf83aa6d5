// The command's start. dist/porthole.cjs carries the heap cap on its first line, then sets V8's
// flag back to its default so that Node's modules keep their code cache: what must hold for that
// to be right is that the cap is still in force afterwards, in the command as users run it (its
// shebang). And what a start need not load, it does not.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CLI } from '../helpers/cli.js';

const MiB = 1024 * 1024;

let dir: string;
let report: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'porthole-launcher-'));
  // Loaded before the command by NODE_OPTIONS (not a V8 flag): at exit, what V8 says of the heap.
  report = path.join(dir, 'report.mjs');
  writeFileSync(
    report,
    "import v8 from 'node:v8'; import { createRequire } from 'node:module'; const cache = createRequire(import.meta.url).cache;\n" +
      "process.on('exit', () => process.stderr.write(`heap_size_limit=${v8.getHeapStatistics().heap_size_limit}\\ncommonjs=${Object.keys(cache).join(',')}\\n`));\n",
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** What the report says of a run of `argv`. */
function reported(argv: string[], key: 'heap_size_limit' | 'commonjs'): string {
  const r = spawnSync(argv[0]!, argv.slice(1), { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: `--import ${report}` } });
  const m = new RegExp(`^${key}=(.*)$`, 'm').exec(r.stderr);
  expect(m).not.toBeNull();
  return m![1]!;
}

/** The heap limit V8 enforced in a run of `argv`. */
const heapLimit = (argv: string[]) => Number(reported([...argv, '--version'], 'heap_size_limit'));

test('its first line carries the heap cap, and the flag is set back to its default before anything else', () => {
  const lines = readFileSync(CLI, 'utf8').split('\n');
  expect(lines[0]).toBe('#!/usr/bin/env -S node --max-old-space-size=128');
  const code = lines.filter((l) => l.trim() !== '' && !l.startsWith('//') && !l.startsWith('#!'));
  expect(code.slice(0, 2)).toEqual(["'use strict';", "require('node:v8').setFlagsFromString('--max-old-space-size=0');"]);
});

test('run as users run it (its shebang), the cap holds after the flag is set back: V8 stops near 128 MB, not at its default', () => {
  const capped = heapLimit([CLI]);
  // 128 MB of old generation plus the young one; V8's default here is gigabytes.
  expect(capped).toBeGreaterThan(128 * MiB);
  expect(capped).toBeLessThan(256 * MiB);
  // The same command under plain node (no cap asked for) is not capped: the figure above is the flag's.
  expect(heapLimit([process.execPath, CLI])).toBeGreaterThan(256 * MiB);
});

test('a probe in UTF-8 (the default) never loads iconv-lite (~6 ms of a start); naming another encoding does', () => {
  expect(reported([CLI, '-z', '127.0.0.1', '1'], 'commonjs')).not.toMatch(/iconv-lite/);
  expect(reported([CLI, '-z', '--encoding', 'latin1', '127.0.0.1', '1'], 'commonjs')).toMatch(/iconv-lite/);
});
