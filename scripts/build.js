// Bundle the CLI and the lab with esbuild: one file per entry plus lazily loaded chunks, because
// Node's loader is slow over ink's and yargs' hundreds of small modules (start-up is a feature).
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { sourceHash, writeStamp } from './build-stamp.js';
import { fastOutput } from './ink-output-patch.js';

/**
 * string-width builds an Intl.Segmenter (~27 ms of ICU set-up here) and, from version 8, an
 * RGI_Emoji regex (~28 ms) when it loads; yargs' help formatter and ink load it on every start,
 * even for a probe that never measures a string. Build both on first use instead; nothing else in
 * the module changes, and a version that no longer has these lines fails the build.
 */
const LAZY = [
  ['const segmenter = new Intl.Segmenter();', 'let realSegmenter; const segmenter = { segment: (s) => (realSegmenter ??= new Intl.Segmenter()).segment(s) };'],
  ['const rgiEmojiRegex = /^\\p{RGI_Emoji}$/v;', "let realRgi; const rgiEmojiRegex = { test: (s) => (realRgi ??= new RegExp('^\\\\p{RGI_Emoji}$', 'v')).test(s) };"],
];
const lazyStringWidth = {
  name: 'lazy-string-width',
  setup(b) {
    b.onLoad({ filter: /[\\/]node_modules[\\/](?:.*[\\/])?string-width[\\/]index\.js$/ }, (args) => {
      let source = readFileSync(args.path, 'utf8');
      const [segmenter] = LAZY;
      if (!source.includes(segmenter[0])) throw new Error(`lazy-string-width: ${args.path} changed; review scripts/build.js`);
      // A function, so "$" in the replacement is not read as a replacement pattern.
      for (const [eager, lazy] of LAZY) source = source.replace(eager, () => lazy);
      return { contents: source, loader: 'js' };
    });
  },
};

/**
 * yoga-layout (ink's layout engine) loads its wasm with fetch() when fetch exists, and Node's fetch
 * pulls in all of undici at start (~30 ms). Take emscripten's other path, the one it uses where
 * there is no fetch: the same bytes, decoded from the base64 already in the module.
 */
const yogaWithoutFetch = {
  name: 'yoga-without-fetch',
  setup(b) {
    b.onLoad({ filter: /[\\/]yoga-layout[\\/].*yoga-wasm-base64-esm\.js$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      const test = '"function"!=typeof fetch';
      if (!source.includes(test)) throw new Error(`yoga-without-fetch: ${args.path} changed; review scripts/build.js`);
      return { contents: source.split(test).join('true'), loader: 'js' };
    });
  },
};

/**
 * ink 6.8 keeps every text it ever measured or wrapped in module-level caches that are never
 * emptied (vadimdemedes/ink#986): a session's status bar and pane change every frame, so the
 * heap grew ~50 KB a second in `npm run soak`. Bound both: emptied at 1,000 entries (a frame uses
 * a few dozen; measuring again costs less than a frame). A version without these lines fails the
 * build, to be looked at again.
 */
const INK_CACHES = {
  'measure-text.js': [['cache.set(text, dimensions);', 'if (cache.size >= 1000) cache.clear(); cache.set(text, dimensions);']],
  'wrap-text.js': [
    ['const cache = {};', 'let cache = {}; let cacheSize = 0;'],
    ['cache[cacheKey] = wrappedText;', 'if (++cacheSize > 1000) { cache = {}; cacheSize = 1; } cache[cacheKey] = wrappedText;'],
  ],
};
const boundedInkCaches = {
  name: 'bounded-ink-caches',
  setup(b) {
    b.onLoad({ filter: /[\\/]node_modules[\\/]ink[\\/]build[\\/](measure-text|wrap-text)\.js$/ }, (args) => {
      let source = readFileSync(args.path, 'utf8');
      for (const [from, to] of INK_CACHES[args.path.split(/[\\/]/).pop()]) {
        if (!source.includes(from)) throw new Error(`bounded-ink-caches: ${args.path} changed; review scripts/build.js`);
        source = source.replace(from, () => to);
      }
      return { contents: source, loader: 'js' };
    });
  },
};

const fastInkOutput = {
  name: 'fast-ink-output',
  setup(b) {
    b.onLoad({ filter: /[\\/]node_modules[\\/]ink[\\/]build[\\/]output\.js$/ }, (args) => {
      return { contents: fastOutput(readFileSync(args.path, 'utf8'), args.path), loader: 'js' };
    });
  },
};

// Hashed before the build reads its inputs: a file edited during the build leaves a stamp that
// does not match, and the next check rebuilds.
const inputs = sourceHash();
rmSync('dist', { recursive: true, force: true });
await build({
  // The range scanner's worker thread is its own entry: probe mode finds it beside its chunk.
  entryPoints: { cli: 'src/cli.ts', 'lab/lab': 'src/lab/lab.ts', 'chunks/scan-worker': 'src/io/scan-worker.ts' },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: 'linked',
  legalComments: 'none',
  // ink imports the React devtools only when DEV is set; it is not a dependency of ours.
  // iconv-lite stays a runtime import: bundled, its tables are parsed eagerly (+50 ms at start).
  external: ['react-devtools-core', 'iconv-lite'],
  // Bundled CommonJS (yargs' helpers, iconv-lite) calls require(); give ESM chunks one.
  banner: { js: "import { createRequire as __phCreateRequire } from 'node:module'; const require = __phCreateRequire(import.meta.url);" },
  chunkNames: 'chunks/[name]-[hash]',
  logLevel: 'warning',
  // React's development build checks and warns on every render: not for users.
  define: { 'process.env.NODE_ENV': '"production"' },
  plugins: [lazyStringWidth, yogaWithoutFetch, boundedInkCaches, fastInkOutput],
});
// The command (package.json's bin): CommonJS, on its own, so that it runs before any ES module
// loads (see its comments); it imports dist/cli.js.
copyFileSync('src/porthole.cjs', 'dist/porthole.cjs');
chmodSync('dist/porthole.cjs', 0o755);
chmodSync('dist/cli.js', 0o755);
await writeManPage();
writeStamp(inputs);

/**
 * dist/porthole.1 from src/core/manpage.ts, which builds it from the tables --help uses. Dated by
 * SOURCE_DATE_EPOCH, else the last commit, so the same sources give the same page.
 */
async function writeManPage() {
  const tmp = 'dist/.manpage.mjs';
  await build({
    entryPoints: ['src/core/manpage.ts'],
    outfile: tmp,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    logLevel: 'warning',
    banner: { js: "import { createRequire as __phCreateRequire } from 'node:module'; const require = __phCreateRequire(import.meta.url);" },
  });
  try {
    const { manPage } = await import(pathToFileURL(tmp).href);
    const { version } = JSON.parse(readFileSync('package.json', 'utf8'));
    writeFileSync('dist/porthole.1', manPage(version, pageDate()));
  } finally {
    rmSync(tmp, { force: true });
  }
}

function pageDate() {
  const epoch = Number(process.env.SOURCE_DATE_EPOCH);
  if (Number.isFinite(epoch) && epoch > 0) return new Date(epoch * 1000).toISOString().slice(0, 10);
  try {
    return execFileSync('git', ['log', '-1', '--format=%cs'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() || today();
  } catch {
    return today();
  }
}

function today() {
  return new Date().toISOString().slice(0, 10);
}
