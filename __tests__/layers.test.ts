// The layering rules of design.md as a test: core is pure, probe and pipe never load the TUI, the
// UI never reaches the transport. Imports are read from the sources (static, re-exports and
// dynamic import()), and the rules are checked on the import graph.
import fs from 'node:fs';
import path from 'node:path';

type Graph = Map<string, { file: string; imports: { spec: string; dynamic: boolean }[]; source: string }>;

const IMPORT = /(?:^|[^\w.])(?:import|export)\s[^'"`;]*?from\s*['"]([^'"]+)['"]|(?:^|[^\w.])import\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/gm;

function readGraph(root: string): Graph {
  const graph: Graph = new Map();
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) walk(full);
      else if (/\.tsx?$/.test(e.name)) {
        const source = fs.readFileSync(full, 'utf8');
        const imports: { spec: string; dynamic: boolean }[] = [];
        for (const m of source.matchAll(IMPORT)) {
          const spec = m[1] ?? m[2] ?? m[3]!;
          imports.push({ spec, dynamic: m[3] !== undefined });
        }
        graph.set(path.relative(root, full), { file: full, imports, source });
      }
    }
  };
  walk(root);
  return graph;
}

/** A relative import as the file it names in the graph (`./x.js` is `x.ts` or `x.tsx`), else the package. */
function resolve(graph: Graph, from: string, spec: string): string {
  if (!spec.startsWith('.')) return spec;
  const base = path.join(path.dirname(from), spec).replace(/\.js$/, '');
  for (const ext of ['.ts', '.tsx']) if (graph.has(base + ext)) return base + ext;
  return base;
}

/** Everything `start` reaches through imports (dynamic ones too, unless `staticOnly`). */
function reach(graph: Graph, start: string, staticOnly = false): Set<string> {
  const seen = new Set<string>();
  const todo = [start];
  while (todo.length) {
    const at = todo.pop()!;
    if (seen.has(at)) continue;
    seen.add(at);
    for (const i of graph.get(at)?.imports ?? []) if (!staticOnly || !i.dynamic) todo.push(resolve(graph, at, i.spec));
  }
  seen.delete(start);
  return seen;
}

const FORBIDDEN_IN_CORE = /^(?:react|react\/.*|ink|ink\/.*|(?:node:)?net|(?:node:)?tls|(?:node:)?fs|(?:node:)?fs\/promises|(?:node:)?timers|(?:node:)?timers\/promises|(?:node:)?child_process|(?:node:)?dgram)$/;
const REAL_TIMERS = /\b(?:setTimeout|setInterval|setImmediate|clearTimeout|clearInterval|clearImmediate)\s*\(/;
const TUI = /^(?:react|react\/.*|ink|ink\/.*|ui\/.*)$/;
const TRANSPORT = /^(?:(?:node:)?net|(?:node:)?tls|io\/transport\.ts|io\/session\.ts|io\/session-controller\.ts)$/;

/** Every broken rule, in words; none for a tree that keeps them. */
function violations(graph: Graph): string[] {
  const out: string[] = [];
  for (const [name, node] of graph) {
    if (!name.startsWith('core/')) continue;
    for (const i of node.imports) {
      const target = resolve(graph, name, i.spec);
      if (FORBIDDEN_IN_CORE.test(target)) out.push(`${name} imports ${i.spec}: core is pure`);
      if (/^(?:io|ui|modes|lab)\//.test(target)) out.push(`${name} imports ${i.spec}: core depends on nothing of io, ui or modes`);
    }
    const code = node.source.replace(/\/\/.*$|\/\*[\s\S]*?\*\//gm, '');
    if (REAL_TIMERS.test(code)) out.push(`${name} uses a real timer: core gets its clock injected`);
  }
  for (const mode of ['modes/probe.ts', 'modes/pipe.ts']) {
    for (const target of reach(graph, mode)) if (TUI.test(target)) out.push(`${mode} reaches ${target}: probe and pipe never load the TUI`);
  }
  // The CLI loads the TUI only lazily, so a probe never pays for it.
  for (const entry of ['cli.ts', 'main.ts']) {
    for (const target of reach(graph, entry, true)) if (TUI.test(target)) out.push(`${entry} statically reaches ${target}: the TUI is loaded lazily`);
  }
  for (const [name] of graph) {
    if (!name.startsWith('ui/')) continue;
    for (const target of reach(graph, name)) if (TRANSPORT.test(target)) out.push(`${name} reaches ${target}: the UI never reaches the transport`);
  }
  return out;
}

test('the sources keep the layers: core pure, probe and pipe without the TUI, the UI away from the transport', () => {
  const graph = readGraph(path.resolve('src'));
  expect(graph.size).toBeGreaterThan(30);
  // The graph is read right: the session mode does reach Ink, the UI and the transport.
  expect([...reach(graph, 'modes/tui.ts')]).toEqual(expect.arrayContaining(['ink', 'ui/app.tsx', 'io/transport.ts', 'core/session/reducer.ts']));
  expect(violations(graph)).toEqual([]);
});

test('the check finds each kind of break (so its silence above means something)', () => {
  const dir = fs.mkdtempSync(path.join(fs.realpathSync(process.env.TMPDIR ?? '/tmp'), 'porthole-layers-'));
  const write = (file: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  };
  write('core/bad.ts', "import net from 'node:net';\nimport { x } from '../io/thing.js';\nexport const t = () => setTimeout(() => {}, 1);\n");
  write('io/thing.ts', "import { Box } from 'ink';\nexport const x = 1;\n");
  write('modes/probe.ts', "export const p = () => import('../io/thing.js');\n");
  write('modes/pipe.ts', '');
  write('cli.ts', "import '../ui/app.js';\n".replace('../', './'));
  write('ui/app.tsx', "import type { Transport } from '../io/transport.js';\n");
  write('io/transport.ts', '');
  const found = violations(readGraph(dir));
  fs.rmSync(dir, { recursive: true, force: true });
  expect(found).toEqual(
    expect.arrayContaining([
      'core/bad.ts imports node:net: core is pure',
      'core/bad.ts imports ../io/thing.js: core depends on nothing of io, ui or modes',
      'core/bad.ts uses a real timer: core gets its clock injected',
      'modes/probe.ts reaches ink: probe and pipe never load the TUI',
      'cli.ts statically reaches ui/app.tsx: the TUI is loaded lazily',
      'ui/app.tsx reaches io/transport.ts: the UI never reaches the transport',
    ]),
  );
});
