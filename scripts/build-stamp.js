// What dist/ was built from: a hash of every input of scripts/build.js, written to dist/ by the
// build and checked by jest's global setup, so the suites that run dist/ never test a stale build.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Relative to the checkout; dist/ is removed and rebuilt whole, so the stamp goes with it. */
export const STAMP = path.join('dist', '.build-stamp');

/**
 * The build's inputs: the sources, the build script, the dependency versions, and tsconfig.json
 * (esbuild reads its jsx settings). A directory stands for every file under it.
 */
export const INPUTS = ['src', 'scripts/build.js', 'scripts/ink-output-patch.js', 'package.json', 'package-lock.json', 'tsconfig.json'];

/** The entries the tests run; a dist/ without one of them is not a build. */
const OUTPUTS = ['dist/porthole.cjs', 'dist/cli.js', 'dist/lab/lab.js'];

function filesUnder(root, rel) {
  const full = path.join(root, rel);
  if (!existsSync(full)) return [];
  if (!statSync(full).isDirectory()) return [rel];
  return readdirSync(full, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    // parentPath from Node 20.12; path before it.
    .map((e) => path.relative(root, path.join(e.parentPath ?? e.path, e.name)));
}

/** sha256 over the inputs' paths and contents, in a fixed order: a few milliseconds here. */
export function sourceHash(root = ROOT) {
  const hash = createHash('sha256');
  const files = INPUTS.flatMap((rel) => filesUnder(root, rel)).map((f) => f.split(path.sep).join('/'));
  for (const file of [...new Set(files)].sort()) {
    const content = readFileSync(path.join(root, file));
    // Path and length first, so moving bytes from one file to the next changes the hash.
    hash.update(`${file}\0${content.length}\0`);
    hash.update(content);
  }
  return hash.digest('hex');
}

export function writeStamp(hash, root = ROOT) {
  writeFileSync(path.join(root, STAMP), `${hash}\n`);
}

/** 'current', or why dist/ does not match the sources: 'missing' or 'stale'. */
export function buildState(root = ROOT) {
  if (OUTPUTS.some((f) => !existsSync(path.join(root, f)))) return 'missing';
  let stamp;
  try {
    stamp = readFileSync(path.join(root, STAMP), 'utf8').trim();
  } catch {
    return 'stale';
  }
  return stamp === sourceHash(root) ? 'current' : 'stale';
}
