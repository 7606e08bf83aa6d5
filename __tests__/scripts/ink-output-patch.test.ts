// The build's short cut through ink's frame builder (scripts/ink-output-patch.js) must give the
// very string ink's own gives: random frames of plain ASCII, styled text, wide and odd characters,
// clipped and not, through both, compared. ink and the patch are plain JS outside the type-checked
// tree: they run in a child node, the patched copy in a temporary directory whose node_modules is
// the checkout's, so that its imports resolve as ink's own do.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const inkDir = path.dirname(createRequire(path.resolve('package.json')).resolve('ink'));
const original = path.join(inkDir, 'output.js');
const dir = mkdtempSync(path.join(tmpdir(), 'porthole-ink-'));
const patched = path.join(dir, 'output.js');

const CHILD = `
const [{ default: Slow }, { default: Fast }] = await Promise.all([import(process.argv[1]), import(process.argv[2])]);
let seed = Number(process.argv[3]);
const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
const pick = (a) => a[Math.floor(rand() * a.length)];
const PIECES = ['porthole lab flood ', 'x', ' ', '~', 'é', '中文', '😀', '\\u200b', '\\x1b[36m', '\\x1b[39m', '\\x1b[2;33m', '\\x1b[22;39m', '\\x1b[7m', '\\x1b[27m', '<U+202E>', '\\t'];
const line = (ascii) => {
  let s = '';
  const n = Math.floor(rand() * 12);
  for (let i = 0; i < n; i++) s += ascii ? 'abc XYZ 0123 {}~'.slice(Math.floor(rand() * 8), 8 + Math.floor(rand() * 8)) : pick(PIECES);
  return s;
};
let frames = 0;
for (let f = 0; f < 400; f++) {
  const width = 1 + Math.floor(rand() * 40);
  const height = 1 + Math.floor(rand() * 8);
  const ops = [];
  for (let k = Math.floor(rand() * 6); k >= 0; k--) {
    const r = rand();
    if (r < 0.15) ops.push(['clip', { x1: Math.floor(rand() * 10), x2: Math.floor(rand() * 40), y1: Math.floor(rand() * 4), y2: Math.floor(rand() * 8) }]);
    else if (r < 0.25) ops.push(['unclip']);
    else {
      const ascii = rand() < 0.6;
      const text = Array.from({ length: 1 + Math.floor(rand() * 4) }, () => line(ascii)).join('\\n');
      ops.push(['write', Math.floor(rand() * width), Math.floor(rand() * height), text]);
    }
  }
  const outs = [Slow, Fast].map((O) => {
    const o = new O({ width, height });
    for (const op of ops) {
      if (op[0] === 'clip') o.clip(op[1]);
      else if (op[0] === 'unclip') o.unclip();
      else o.write(op[1], op[2], op[3], { transformers: [] });
    }
    return o.get();
  });
  if (JSON.stringify(outs[0]) !== JSON.stringify(outs[1])) {
    console.log(JSON.stringify({ mismatch: { width, height, ops, slow: outs[0], fast: outs[1] } }));
    process.exit(0);
  }
  frames++;
}
console.log(JSON.stringify({ frames }));
`;

beforeAll(async () => {
  const { fastOutput } = (await import(pathToFileURL(path.resolve('scripts/ink-output-patch.js')).href)) as { fastOutput: (s: string) => string };
  symlinkSync(path.resolve('node_modules'), path.join(dir, 'node_modules'));
  writeFileSync(path.join(dir, 'package.json'), '{"type":"module"}');
  writeFileSync(patched, fastOutput(readFileSync(original, 'utf8')));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test.each([1, 2, 3, 4, 5])('random frames, seed %i: the short cut gives the same screen as ink', (seed) => {
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', CHILD, pathToFileURL(original).href, pathToFileURL(patched).href, String(seed)], { encoding: 'utf8' });
  expect(JSON.parse(out)).toEqual({ frames: 400 });
});

test('the build takes the short cut: the bundle that runs has it', () => {
  const chunks = readdirSync('dist/chunks').filter((f) => f.endsWith('.js'));
  const withInk = chunks.filter((f) => readFileSync(path.join('dist/chunks', f), 'utf8').includes('styledCharsToString(lineWithoutEmptyItems)'));
  expect(withInk).toHaveLength(1);
  const source = readFileSync(path.join('dist/chunks', withInk[0]!), 'utf8');
  expect(source).toContain('PLAIN_ASCII.test(line) ? line.slice(from, to) : sliceAnsi(line, from, to)');
  expect(source).toContain('row.push(BLANK_CELL)');
});
