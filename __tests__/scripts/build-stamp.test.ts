// The stamp that tells jest's global setup whether dist/ matches the sources. scripts/ is plain JS
// outside the type-checked tree, so it runs in a child node, on a checkout-shaped temporary tree.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const MODULE = pathToFileURL(path.resolve('scripts/build-stamp.js')).href;

/** Evaluates `expr` with the module as `s` and the tree's root as `root`. */
function run(root: string, expr: string): unknown {
  const script = `const s = await import(${JSON.stringify(MODULE)}); const root = ${JSON.stringify(root)}; console.log(JSON.stringify(${expr}));`;
  return JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' }));
}

function write(root: string, file: string, text: string): void {
  mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
  writeFileSync(path.join(root, file), text);
}

let root: string;
beforeEach(() => {
  root = mkdtempSync(path.join(tmpdir(), 'porthole-stamp-'));
  write(root, 'src/cli.ts', 'cli');
  write(root, 'src/core/a.ts', 'a');
  write(root, 'scripts/build.js', 'build');
  write(root, 'package.json', '{}');
  write(root, 'package-lock.json', '{}');
  write(root, 'tsconfig.json', '{}');
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const hash = () => run(root, 's.sourceHash(root)');

test('the hash is the same for the same inputs', () => {
  expect(hash()).toMatch(/^[0-9a-f]{64}$/);
  expect(hash()).toBe(hash());
});

test.each([
  ['a source edited', () => write(root, 'src/core/a.ts', 'a2')],
  ['a source added deep in src/', () => write(root, 'src/io/deep/b.ts', '')],
  ['a source renamed', () => (rmSync(path.join(root, 'src/core/a.ts')), write(root, 'src/core/b.ts', 'a'))],
  ['bytes moved from one file to the next', () => (write(root, 'src/cli.ts', 'clia'), write(root, 'src/core/a.ts', ''))],
  ['the build script edited', () => write(root, 'scripts/build.js', 'build2')],
  ['the lockfile edited', () => write(root, 'package-lock.json', '{"x":1}')],
  ['tsconfig.json edited', () => write(root, 'tsconfig.json', '{"x":1}')],
])('the hash changes with %s', (_what, change) => {
  const before = hash();
  change();
  expect(hash()).not.toBe(before);
});

test('files outside the inputs do not change the hash', () => {
  const before = hash();
  write(root, 'README.md', 'docs');
  write(root, '__tests__/x.test.ts', 'test');
  write(root, 'scripts/bench.js', 'bench');
  expect(hash()).toBe(before);
});

describe('buildState', () => {
  const state = () => run(root, 's.buildState(root)');
  const built = () => {
    write(root, 'dist/porthole.cjs', '');
    write(root, 'dist/cli.js', '');
    write(root, 'dist/lab/lab.js', '');
  };

  test('missing without the built entries', () => {
    expect(state()).toBe('missing');
    write(root, 'dist/cli.js', '');
    expect(state()).toBe('missing');
  });

  test('stale without a stamp, or with one from other sources', () => {
    built();
    expect(state()).toBe('stale');
    write(root, 'dist/.build-stamp', '0'.repeat(64));
    expect(state()).toBe('stale');
  });

  test('current once stamped, stale again after an edit', () => {
    built();
    run(root, 's.writeStamp(s.sourceHash(root), root) ?? null');
    expect(state()).toBe('current');
    write(root, 'src/core/a.ts', 'edited');
    expect(state()).toBe('stale');
  });
});
