#!/usr/bin/env node
// Runs the practice lab (dist/lab) in the foreground: prints where each scenario listens and how to
// try it, then stays up until Ctrl+C or SIGTERM, and closes cleanly.

import path from 'node:path';
import { parseArgs } from 'node:util';

const HELP = `Usage: npm run lab -- [options]

Starts porthole's practice servers on loopback: SMTP, POP3, IMAP, HTTP, and one port per
connection outcome (banner, silence, FIN, RST, flood, filtered...).

Options:
  --host ADDR        loopback address to listen on (default 127.0.0.1; ::1 for IPv6)
  --base-port N      each scenario listens on N + its offset (default 2500: smtp 2525,
                     pop3 2510, imap 2543, http 2580); 0 picks free ephemeral ports
  --flood-mb N       MiB the flood and binary-flood scenarios send before closing (default 25)
  --only a,b,...     start only these scenarios
  -h, --help         this text
`;

function fail(message, code = 2) {
  process.stderr.write(`lab: ${message}\n`);
  process.exit(code);
}

let args;
try {
  args = parseArgs({
    options: {
      host: { type: 'string' },
      'base-port': { type: 'string' },
      'flood-mb': { type: 'string' },
      only: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  }).values;
} catch (err) {
  fail(`${err.message}\n\n${HELP}`);
}
if (args.help) {
  process.stdout.write(HELP);
  process.exit(0);
}

let labModule;
try {
  labModule = await import(new URL('../dist/lab/lab.js', import.meta.url).href);
} catch (err) {
  if (err.code === 'ERR_MODULE_NOT_FOUND') fail('dist/lab/lab.js is missing: run `npm run build` first.', 1);
  throw err;
}
const { startLab, DEFAULT_BASE_PORT, DEFAULT_LAB_HOST, PRACTICE_ACCOUNTS, LAB_DOMAIN, LAB_CA } = labModule;

const number = (flag, text) => {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value < 0) fail(`--${flag} wants a number, not "${text}"`);
  return value;
};

const basePort = number('base-port', args['base-port']) ?? DEFAULT_BASE_PORT;
const floodMb = number('flood-mb', args['flood-mb']);
const options = {
  host: args.host ?? DEFAULT_LAB_HOST,
  basePort,
  ...(floodMb === undefined ? {} : { floodBytes: Math.round(floodMb * 1024 * 1024) }),
  ...(args.only ? { only: args.only.split(',').map((s) => s.trim()).filter(Boolean) } : {}),
};

let lab;
try {
  lab = await startLab(options);
} catch (err) {
  if (err.code === 'LAB_PORT_IN_USE') {
    const taken = err.busy.map((b) => `  ${b.name.padEnd(11)} port ${b.port}`).join('\n');
    fail(
      `these ports are already taken (another lab running?):\n${taken}\n` +
        'Try `npm run lab -- --base-port 0` for free ephemeral ports, or another base such as --base-port 3500.',
      1,
    );
  }
  if (err.code === 'LAB_NOT_LOOPBACK' || err.code === 'LAB_BAD_OPTION') fail(err.message);
  fail(err.message ?? String(err), 1);
}

// Handlers first: whoever reads the table below may signal us as soon as it appears.
let stopping = false;
const stop = (signal) => {
  if (stopping) {
    process.stderr.write(`lab: ${signal} again, exiting now\n`);
    process.exit(130);
  }
  stopping = true;
  process.stdout.write(`\n${signal}: closing the lab...\n`);
  lab.close().then(
    () => process.stdout.write('lab closed.\n'),
    (err) => fail(`closing failed: ${err.message}`, 1),
  );
};
process.on('SIGINT', () => stop('SIGINT'));
process.on('SIGTERM', () => stop('SIGTERM'));

const hint = {
  smtp: 'type HELP, or EHLO me',
  pop3: 'USER alice, then PASS wonderland',
  imap: 'a1 LOGIN alice wonderland',
  http: `GET / HTTP/1.1, Host: ${lab.host.includes(':') ? `[${lab.host}]` : lab.host}, then an empty line`,
};
const width = Math.max(...lab.scenarios.map((s) => s.name.length), 'scenario'.length) + 2;
const rows = lab.scenarios.map((s) => `  ${s.name.padEnd(width)}${String(s.port).padEnd(7)}${s.description}`);
const tries = lab.scenarios
  .filter((s) => hint[s.name])
  .map((s) => `  porthole ${lab.host} ${String(s.port).padEnd(6)}  ${s.name}: ${hint[s.name]}`);
const accounts = PRACTICE_ACCOUNTS.map((a) => `${a.user} / ${a.password}`).join(', ');

process.stdout.write(
  [
    `porthole lab: practice servers on ${lab.host} (loopback only; nothing here is reachable from outside)`,
    '',
    `  ${'scenario'.padEnd(width)}${'port'.padEnd(7)}what it does`,
    ...rows,
    '',
    ...(tries.length > 0 ? ['try:', ...tries] : [`try: porthole ${lab.host} ${lab.scenarios[0]?.port ?? ''}`]),
    '',
    `practice logins (POP3, IMAP): ${accounts}`,
    `mail sent over SMTP to alice@${LAB_DOMAIN} or bob@${LAB_DOMAIN} lands in those mailboxes.`,
    `SMTP, POP3 and IMAP offer STARTTLS, with a certificate of the lab's own test CA: trust it with`,
    `  --ca ${path.relative(process.cwd(), LAB_CA) || LAB_CA} (for the lab on loopback only), e.g. porthole --starttls auto --ca ... ${lab.host} ${lab.ports.smtp || 2525}`,
    '',
    'Ctrl+C stops the lab.',
    '',
  ].join('\n'),
);
