// .ci/test-summary.js: CI's figures and failing tests, read from jest's --json results.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const SCRIPT = path.resolve('.ci/test-summary.js');
const dir = mkdtempSync(path.join(tmpdir(), 'porthole-summary-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Status = 'passed' | 'failed' | 'pending' | 'todo';
const t = (fullName: string, status: Status) => ({ fullName, status });
const suite = (file: string, tests: ReturnType<typeof t>[], extra: { status?: string; message?: string } = {}) => ({
  name: path.resolve(file),
  status: extra.status ?? (tests.some((x) => x.status === 'failed') ? 'failed' : 'passed'),
  message: extra.message ?? '',
  assertionResults: tests,
});

function results(suites: ReturnType<typeof suite>[]) {
  const all = suites.flatMap((s) => s.assertionResults);
  const count = (status: Status) => all.filter((x) => x.status === status).length;
  return {
    success: suites.every((s) => s.status === 'passed'),
    numPassedTests: count('passed'),
    numFailedTests: count('failed'),
    numPendingTests: count('pending'),
    numTodoTests: count('todo'),
    testResults: suites,
  };
}

let seq = 0;
function summarize(json: unknown, status = '0'): { code: number | null; lines: string[] } {
  const file = path.join(dir, `r${seq++}.json`);
  if (json !== undefined) writeFileSync(file, JSON.stringify(json));
  const r = spawnSync(process.execPath, [SCRIPT, file, status], { encoding: 'utf8' });
  return { code: r.status, lines: r.stdout.trimEnd().split('\n') };
}

test('a green run: the counts line alone, exit 0; skipped counts skip and todo', () => {
  const r = summarize(results([suite('__tests__/a.test.ts', [t('a one', 'passed'), t('a two', 'passed'), t('a three', 'pending')]), suite('__tests__/b.test.ts', [t('b', 'passed'), t('b later', 'todo')])]));
  expect(r).toEqual({ code: 0, lines: ['3 passed, 0 failed, 2 skipped'] });
});

test('failing tests: the counts, then each failing test by full name with its file, one a line; exit 1', () => {
  const r = summarize(
    results([
      suite('__tests__/a.test.ts', [t('a one', 'passed'), t('outer inner breaks', 'failed')]),
      suite('__tests__/ui/b.test.ts', [t('b breaks too', 'failed'), t('b skipped', 'pending')]),
    ]),
  );
  expect(r.code).toBe(1);
  expect(r.lines).toEqual(['1 passed, 2 failed, 1 skipped', 'failing tests:', '  __tests__/a.test.ts: outer inner breaks', '  __tests__/ui/b.test.ts: b breaks too']);
});

test('a suite that failed to run is named, with its error on one line, without colour; exit 1', () => {
  const message = '  \u001b[1m● Test suite failed to run\u001b[22m\n\n    \u001b[31mSyntaxError: Unexpected token\u001b[39m\n\n    > 1 | x(\n';
  const r = summarize(results([suite('__tests__/a.test.ts', [t('a', 'passed')]), suite('__tests__/c.test.ts', [], { status: 'failed', message })]));
  expect(r.code).toBe(1);
  expect(r.lines).toEqual(['1 passed, 0 failed, 0 skipped', 'suites that failed outside their tests:', '  __tests__/c.test.ts: SyntaxError: Unexpected token > 1 | x(']);
});

test('no results (the build or the type-check failed first): says so, and the counts line, exit 1', () => {
  const r = summarize(undefined, '2');
  expect(r.code).toBe(1);
  expect(r.lines).toEqual(['jest wrote no results: npm test exited 2 before the tests ran to the end', '0 passed, 0 failed, 0 skipped']);
});

test('jest calling the run failed with nothing to name still fails it', () => {
  const r = summarize({ ...results([suite('__tests__/a.test.ts', [t('a', 'passed')])]), success: false });
  expect(r.code).toBe(1);
  expect(r.lines).toEqual(['1 passed, 0 failed, 0 skipped', 'jest reports the run as failed, with no failing test or suite to name']);
});
