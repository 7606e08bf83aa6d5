// The run's figures for CI, from jest's --json results rather than its human summary:
// "N passed, N failed, N skipped", then each failing test, one a line, with its file.
// Usage: node .ci/test-summary.js RESULTS.json [STATUS]; STATUS is npm test's exit status.
// Exits 1 when anything failed or jest wrote no results, 0 otherwise.
import { readFileSync } from 'node:fs';
import path from 'node:path';

const [file, status = '0'] = process.argv.slice(2);
if (!file) {
  process.stderr.write('usage: node .ci/test-summary.js RESULTS.json [STATUS]\n');
  process.exit(2);
}

let results;
try {
  results = JSON.parse(readFileSync(file, 'utf8'));
} catch (err) {
  // No figures to give: jest did not run (the build or the type-check failed first) or died.
  const why = err.code === 'ENOENT' ? 'jest wrote no results' : `jest's results are unreadable (${err.message})`;
  console.log(`${why}: npm test exited ${status} before the tests ran to the end`);
  console.log('0 passed, 0 failed, 0 skipped');
  process.exit(1);
}

// jest's escapes colour its messages when it thinks it writes to a terminal.
const plain = (s) => s.replace(/\u001b\[[0-9;]*m/g, '');
const relative = (p) => path.relative(process.cwd(), p) || p;

/** A suite's error on one line: its first two lines that say something (not jest's "● ..."). */
function firstLines(message) {
  const lines = plain(message ?? '').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('●'));
  return lines.slice(0, 2).join(' ') || 'no message';
}

const failed = [];
const brokenSuites = [];
for (const suite of results.testResults ?? []) {
  const where = relative(suite.name);
  const failing = (suite.assertionResults ?? []).filter((t) => t.status === 'failed');
  // fullName is what `npx jest FILE -t NAME` matches, so a line can be run again as it is.
  for (const t of failing) failed.push(`${where}: ${t.fullName}`);
  // A suite that failed with no failing test: it did not load, or a hook outside the tests threw.
  if (suite.status === 'failed' && failing.length === 0) brokenSuites.push(`${where}: ${firstLines(suite.message)}`);
}

const skipped = (results.numPendingTests ?? 0) + (results.numTodoTests ?? 0);
console.log(`${results.numPassedTests ?? 0} passed, ${results.numFailedTests ?? 0} failed, ${skipped} skipped`);
if (failed.length > 0) console.log(`failing tests:\n${failed.map((l) => `  ${l}`).join('\n')}`);
if (brokenSuites.length > 0) console.log(`suites that failed outside their tests:\n${brokenSuites.map((l) => `  ${l}`).join('\n')}`);
if (results.success === false && failed.length === 0 && brokenSuites.length === 0) {
  console.log('jest reports the run as failed, with no failing test or suite to name');
}

const ok = results.success !== false && failed.length === 0 && brokenSuites.length === 0;
process.exit(ok ? 0 : 1);
