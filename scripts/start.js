#!/usr/bin/env node
// `npm start`: the built-in practice lab on loopback, and porthole opened on its SMTP server.
// Without a terminal (a script, CI), it shows a probe, a pipe session and a -c one-liner against the
// lab instead.

import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../dist/porthole.cjs', import.meta.url));
const { startLab, LAB_CA } = await import(new URL('../dist/lab/lab.js', import.meta.url).href).catch(() => {
  process.stderr.write('start: dist/ is missing: run `npm install` (it builds) or `npm run build` first.\n');
  process.exit(1);
});

const lab = await startLab({ basePort: 0 });
const port = (name) => String(lab.ports[name]);

function porthole(args, input) {
  return new Promise((resolve) => {
    // Run the command itself, not `node porthole.cjs`: its first line carries the heap cap.
    const child = spawn(cli, args, { stdio: [input === undefined ? 'inherit' : 'pipe', 'inherit', 'inherit'] });
    if (input !== undefined) child.stdin.end(input);
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

let code = 0;
if (process.stdin.isTTY && process.stdout.isTTY) {
  process.stdout.write(`porthole practice lab on 127.0.0.1: opening its SMTP server (port ${port('smtp')}).\n`);
  // The lab's test CA, trusted for this session: `starttls` in the prompt verifies.
  code = await porthole(['--ca', LAB_CA, '127.0.0.1', port('smtp')]);
} else {
  const probe = ['smtp', 'pop3', 'imap', 'http', 'close', 'reset', 'filtered'];
  process.stdout.write(`$ porthole -z -w 1 127.0.0.1 ${probe.map(port).join(' ')}\n`);
  await porthole(['-z', '-w', '1', '127.0.0.1', ...probe.map(port)], '');
  process.stdout.write(`\n$ printf 'EHLO me\\r\\nQUIT\\r\\n' | porthole 127.0.0.1 ${port('smtp')}\n`);
  code = await porthole(['127.0.0.1', port('smtp')], 'EHLO me\r\nQUIT\r\n');
  // A composer as a one-liner: the whole mail, each line shown as it goes, the exit code its end.
  const send = `smtp send --from you@example.test --to alice@lab.porthole.test --subject 'from npm start'`;
  process.stdout.write(`\n$ porthole -c "${send}" 127.0.0.1 ${port('smtp')}\n`);
  code ||= await porthole(['-c', send, '127.0.0.1', port('smtp')], '');
}
process.stdout.write(
  `\nThe lab also has: ${lab.scenarios.map((s) => `${s.name} ${s.port}`).join(', ')}.\n` +
    'Those ports close with this script; `npm run lab` keeps a lab up on fixed ports (smtp 2525, pop3 2510, imap 2543, http 2580).\n',
);
await lab.close();
process.exit(code);
