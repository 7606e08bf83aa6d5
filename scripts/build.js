// Bundle the CLI and the lab with esbuild: one file per entry plus lazily loaded chunks, because
// Node's loader is slow over ink's and yargs' hundreds of small modules (start-up is a feature).
import { build } from 'esbuild';
import { chmodSync, rmSync } from 'node:fs';

rmSync('dist', { recursive: true, force: true });
await build({
  entryPoints: { cli: 'src/cli.ts', 'lab/lab': 'src/lab/lab.ts' },
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
});
chmodSync('dist/cli.js', 0o755);
