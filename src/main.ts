// The command line: parse, check, and hand over to one mode (loaded by cli.ts, the entry). Modes
// are imported lazily so probe and pipe never pay for (or need) the TUI.

import yargs from 'yargs';
import { EXIT_STATUS, EXIT_STATUS_NOTE, ExitCode } from './core/exit-codes.js';
import { helpText, OPTIONS } from './core/cli-options.js';
import { needsTlsConfig, type Options, type RawArgs } from './core/options.js';
import { resolveWithConfig } from './core/config.js';
import { loadConfig } from './io/config-file.js';
import { UsageError } from './core/errors.js';
// Static: a message must be shown even when nothing more can be loaded (out of descriptors).
import { toVisible } from './core/sanitize.js';
import { dropSpareScanWorker } from './io/scan-worker-pool.js';
import { paintOutline, takeTerminal } from './io/terminal.js';
import { wantsColour } from './core/colour.js';

const EPILOG = `Modes:
  porthole HOST [PORT]             interactive session on a terminal (PORT defaults to 23)
  porthole HOST [PORT] <in >out    pipe mode when stdin or stdout is not a terminal, or --pipe
  porthole -z HOST PORT|A-B...     probe each port, print one line each, then exit
  porthole -z HOST:PORT|TARGET... [-f FILE]
                                   probe several targets (a file: one a line), then exit
  porthole --watch [SECONDS] HOST:PORT|TARGET... [-f FILE]
                                   probe them again and again: a live table on a terminal
                                   (q p r, Enter: a session), a line a check elsewhere
  porthole -c CMD [-c CMD] HOST PORT
                                   run prompt commands once connected (smtp send, http get,
                                   imap login...); without a terminal, print the transcript
                                   and exit with where it stopped
  porthole TARGET                  a [targets.NAME] of the config file, in any mode

Ports are numbers or service names (smtp, submission, http, https, pop3, imap, imaps, ssh...).
Hosts are names, IPv4 or IPv6 addresses, with or without [brackets]; HOST:PORT works too.
More in 'man porthole'.

Exit codes:
${EXIT_STATUS.map((e) => `  ${e.code}  ${e.text}`).join('\n')}
${EXIT_STATUS_NOTE}`;

function parser(argv: string[]) {
  let y = yargs(argv)
    .scriptName('porthole')
    // Ours, from the option table (core/cli-options.ts) as the man page is; off before the table
    // declares --help and --version.
    .help(false)
    .version(false)
    .command('$0 [host] [ports..]', false)
    .parserConfiguration({ 'parse-numbers': false, 'parse-positional-numbers': false });
  for (const o of OPTIONS) {
    const [name, ...alias] = [o.name, ...(o.aliases ?? [])];
    y = y.option(name!, {
      type: o.type,
      ...(alias.length > 0 ? { alias } : {}),
      ...(o.hidden ? { hidden: true } : {}),
      // One value each: an array option would take the host and port as commands too.
      ...(o.repeatable ? { nargs: 1 } : {}),
      ...(o.requiresArg ? { requiresArg: true } : {}),
      describe: o.describe,
    });
  }
  // Wanted by the completion scripts only: the config's targets and the hosts of the history.
  y = y.option('completion-words', { type: 'boolean', hidden: true });
  return y
    .strict()
    .exitProcess(false)
    .fail((msg, err) => {
      // yargs' own complaints (a missing value: "Not enough arguments following: c") come as a
      // YError: a usage error like the rest, not an internal one. Anything else is ours.
      if (err && err.name !== 'YError') throw err;
      throw new UsageError('PH_USAGE', (msg ?? err?.message ?? 'bad command line').replace(/\n.*/s, ''));
    });
}

/** -c's commands, checked before anything connects: a typo is a usage error, not a half-run script. */
async function checkCommands(commands: readonly string[], script = false): Promise<void> {
  if (commands.length === 0) return;
  const { parseCommand, shownCommand } = await import('./core/commands.js');
  for (const c of commands) {
    const r = parseCommand(c);
    if (!r.ok) throw new UsageError('PH_BAD_OPTION', `-c '${shownCommand(c)}': ${r.message || 'empty command'}`);
    // A script runs on one connection: its end is the script's.
    if (script && (r.command.type === 'open' || r.command.type === 'reconnect' || r.command.type === 'suspend')) {
      throw new UsageError('PH_BAD_OPTION', `-c '${r.command.type === 'suspend' ? 'z' : r.command.type}' needs a session on a terminal: without one, the script's connection is the one on the command line`);
    }
  }
}

async function run(opts: Options): Promise<number> {
  if (opts.modeNote) process.stderr.write(`porthole: ${opts.modeNote}\n`);
  // The entry may have started a scanner thread on the words' look: only a plain probe takes it.
  if (opts.mode !== 'probe' || opts.probe.watch) void dropSpareScanWorker();
  switch (opts.mode) {
    case 'probe': {
      const { runProbe, readyTargets } = await import('./modes/probe.js');
      // The watch's table is the one probe that draws with Ink: loaded for it alone.
      if (opts.probe.watch && !opts.probe.json && process.stdout.isTTY && process.stdin.isTTY) {
        const { runWatchTable } = await import('./modes/watch-table.js');
        return runWatchTable({ ...opts.probe, session: opts.session }, await readyTargets(opts.probe));
      }
      return runProbe(opts.probe);
    }
    case 'script': {
      const s = opts.session;
      await checkCommands(s.commands, true);
      const tls = needsTlsConfig(s.tls) ? (await import('./io/tls.js')).tlsSetup(s.tls) : null;
      const { runScript } = await import('./modes/script.js');
      return runScript(s, s.commands, tls ?? undefined);
    }
    case 'tui': {
      // The terminal is taken, the frame's outline drawn and the connect begun before the
      // session's code loads (~35 ms, then Ink ~100 ms): the session adopts the connect.
      const s = opts.session;
      await checkCommands(s.commands);
      // TLS material first: a file that cannot be read is a usage error, said before the screen is taken.
      const tls = needsTlsConfig(s.tls) ? (await import('./io/tls.js')).tlsSetup(s.tls) : null;
      const dial = tls?.dial;
      const lease = takeTerminal(process.stdin, process.stdout);
      paintOutline(process.stdout, s.host, wantsColour(s.colour, true, process.env));
      try {
        // Loaded after the outline is drawn: the first frame does not wait for the engine.
        const { startConnect } = await import('./io/session.js');
        const early = startConnect({ host: s.host, port: s.port, family: s.family, connectTimeoutMs: s.connectTimeoutMs, paused: true, ...(dial ? { dial } : {}) });
        const { runTui } = await import('./modes/tui.js');
        return await runTui(s, lease, early, tls ?? undefined);
      } catch (err) {
        // Off the alternate screen first, or the message below goes with it.
        lease.release();
        throw err;
      }
    }
    case 'pipe': {
      const { runPipe } = await import('./modes/pipe.js');
      return runPipe(opts.pipe);
    }
  }
}

/** --completion SHELL: the script to source. */
async function completion(shell: unknown): Promise<number> {
  const { completionScript, SHELLS } = await import('./core/completion.js');
  const s = SHELLS.find((x) => x === shell);
  if (!s) throw new UsageError('PH_BAD_OPTION', shell === '' ? `--completion needs a shell: ${SHELLS.join(', ')}` : `--completion is one of ${SHELLS.join(', ')}, not "${String(shell)}"`);
  process.stdout.write(completionScript(s));
  return ExitCode.ok;
}

/**
 * --completion-words: what a host may be completed to, one a line, for the scripts above. Asked
 * at every Tab, so nothing here may fail loudly: a broken config still leaves the history's hosts.
 */
async function completionWords(config: unknown): Promise<number> {
  const { completionWords } = await import('./core/completion.js');
  const { historyDir, historyHosts } = await import('./io/history-store.js');
  let targets: string[] = [];
  try {
    targets = [...loadConfig(config).targets.keys()];
  } catch {
    // Said when the config is used; a Tab is not the place.
  }
  const words = completionWords(targets, historyHosts(historyDir()));
  process.stdout.write(words.length > 0 ? `${words.join('\n')}\n` : '');
  return ExitCode.ok;
}

export async function main(argv: string[], version: string): Promise<number> {
  let raw: RawArgs & { help?: unknown; version?: unknown; completion?: unknown; completionWords?: unknown; config?: unknown };
  try {
    raw = (await parser(argv).parseAsync()) as RawArgs;
    if (raw.help) {
      process.stdout.write(helpText(process.stdout.columns ?? 100, EPILOG));
      return ExitCode.ok;
    }
    // Awaited here, so a usage error in them is said as any other.
    if (raw.completion !== undefined) return await completion(raw.completion);
    if (raw.completionWords) return await completionWords(raw.config);
    if (raw.version) {
      process.stdout.write(`${version}\n`);
      return ExitCode.ok;
    }
    const terminal = { stdinIsTTY: Boolean(process.stdin.isTTY), stdoutIsTTY: Boolean(process.stdout.isTTY), ...(process.env.TERM ? { term: process.env.TERM } : {}) };
    const config = loadConfig(raw.config);
    const fileTargets = raw.file === undefined ? [] : (await import('./io/target-file.js')).readTargetFile(String(raw.file), (w) => config.targets.has(w));
    return await run(resolveWithConfig(raw, terminal, config, fileTargets));
  } catch (err) {
    // A message may quote what was given (a host, a -c command): a CR, an LF or an ESC in it is
    // shown as a mark, so the message stays one line and the terminal is not driven by it.
    if (err instanceof UsageError) {
      process.stderr.write(`porthole: ${toVisible(err.message)}. Try 'porthole --help'.\n`);
      return ExitCode.usage;
    }
    const e = err as Error;
    process.stderr.write(`porthole: internal error: ${toVisible(e?.message ?? String(err))}\n`);
    if (process.env.PORTHOLE_DEBUG) process.stderr.write(`${(e?.stack ?? '').split('\n').map(toVisible).join('\n')}\n`);
    return ExitCode.internal;
  }
}
