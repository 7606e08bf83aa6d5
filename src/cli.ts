#!/usr/bin/env -S node --max-old-space-size=128
// The command line: parse, check, and hand over to one mode. Modes are imported lazily so probe
// and pipe never pay for (or need) the TUI. The heap cap on the first line: V8 grows its heap
// with the allocation rate, and a flood allocates fast; capped, a session's peak RSS stays near
// 130 MB whatever the flood's size. Node takes it only at start.

import { createRequire } from 'node:module';
import yargs from 'yargs';
import { ExitCode } from './core/exit-codes.js';
import { DEFAULTS, needsTlsConfig, type Options, type RawArgs } from './core/options.js';
import { resolveWithConfig } from './core/config.js';
import { loadConfig } from './io/config-file.js';
import { UsageError } from './core/errors.js';
// Static: a message must be shown even when nothing more can be loaded (out of descriptors).
import { toVisible } from './core/sanitize.js';
import { paintOutline, takeTerminal } from './io/terminal.js';

const { version } = createRequire(import.meta.url)('../package.json') as { version: string };

const EPILOG = `Modes:
  porthole HOST [PORT]             interactive session on a terminal (PORT defaults to 23)
  porthole HOST [PORT] <in >out    pipe mode when stdin or stdout is not a terminal, or --pipe
  porthole -z HOST PORT|A-B...     probe each port, print one line each, then exit
  porthole -c CMD [-c CMD] HOST PORT
                                   run prompt commands once connected (smtp send, http get,
                                   imap login...); without a terminal, print the transcript
                                   and exit with where it stopped

Ports are numbers or service names (smtp, submission, http, https, pop3, imap, imaps, ssh...).
Hosts are names, IPv4 or IPv6 addresses, with or without [brackets]; HOST:PORT works too.

Exit codes:
  0  connected (a session ended normally, the peer closed it, or you cancelled the connect)
  1  internal error
  2  usage error
  3  name resolution failed
  4  connection refused
  5  timed out (pipe: also idle past an explicit -w)
  6  unreachable or prohibited
  7  closed or reset by the peer right after connecting (probe); reset mid-stream (pipe)
  8  TLS failure
  9  -c: a protocol step the server refused, or the connection ended before it was done
With several ports, the code of the first port that was not open.`;

function parser(argv: string[]) {
  return yargs(argv)
    .scriptName('porthole')
    .usage('Usage: porthole [options] <host> [port]\n       porthole -z [options] <host> <port|a-b>...')
    .command('$0 [host] [ports..]', false)
    .parserConfiguration({ 'parse-numbers': false, 'parse-positional-numbers': false })
    .option('probe', { alias: 'z', type: 'boolean', describe: 'Probe mode: report the outcome of each port, then exit' })
    .option('pipe', { type: 'boolean', describe: 'Pipe mode even on a terminal: stdin to the socket, the socket to stdout' })
    .option('ipv4', { alias: '4', type: 'boolean', describe: 'IPv4 addresses only' })
    .option('ipv6', { alias: '6', type: 'boolean', describe: 'IPv6 addresses only' })
    .option('connect-timeout', {
      alias: 'w',
      type: 'string',
      describe: `Seconds to wait for each address to connect [default: ${DEFAULTS.connectTimeoutS}]`,
    })
    .option('banner-wait', {
      type: 'string',
      describe: `Probe: seconds to wait for a banner or an early close [default: ${DEFAULTS.bannerWaitS}]`,
    })
    .option('parallel', { type: 'string', describe: `Probe: ports probed at once [default: ${DEFAULTS.parallel}]` })
    .option('json', { type: 'boolean', describe: 'Probe: one JSON object per port' })
    .option('verbose', { alias: 'v', type: 'boolean', describe: 'Report each address tried, on stderr' })
    .option('crlf', { alias: 'C', type: 'boolean', describe: 'Send CRLF as the line ending (pipe: LF becomes CRLF)' })
    .option('lf', { type: 'boolean', describe: 'Send a bare LF as the line ending' })
    .option('encoding', { type: 'string', describe: 'Character set of the service (iconv-lite names) [default: utf-8]' })
    .option('scrollback', { type: 'string', describe: 'Session: lines of scrollback to keep' })
    .option('colours', { alias: 'colors', type: 'boolean', describe: "Session: show the peer's colours (a safe subset of SGR) instead of marks" })
    .option('keep-output', {
      type: 'string',
      describe: "Session: lines of output left in the terminal after quit: N, screen, all or none [default: screen]",
    })
    .option('config', { type: 'string', describe: 'The config file [default: $XDG_CONFIG_HOME/porthole/config.toml]; --no-config reads none' })
    .option('color', { type: 'string', describe: 'Probe and pipe: colour the outcomes: auto (a terminal, unless NO_COLOR; FORCE_COLOR too), always, never [default: auto]' })
    .option('history', { type: 'boolean', describe: 'Session: keep the lines typed at each host:port for Up and Ctrl+R next time; --no-history keeps none [default: true]' })
    .option('shutdown', { type: 'boolean', describe: 'Pipe: half-close when stdin ends (nc -N); --no-shutdown keeps sending open [default: true]' })
    .option('q', { alias: 'quit-after', type: 'string', describe: 'Pipe: quit SECONDS after stdin ends, whatever the peer does (nc -q)' })
    .option('N', { type: 'boolean', hidden: true, describe: 'nc -N: half-close when stdin ends (the default)' })
    .option('tls', { alias: 'ssl', type: 'boolean', describe: 'TLS right after connecting (implicit TLS: 443, 465, 993, 995), in every mode' })
    .option('proto', { type: 'string', describe: 'Session: the protocol helper: smtp, http, pop3, imap, none, or auto (from the port, else the banner) [default: auto]' })
    .option('command', {
      alias: 'c',
      type: 'string',
      // One value each: an array option would take the host and port as commands too.
      nargs: 1,
      requiresArg: true,
      describe: "Session: a prompt command to run once connected, repeatable (-c 'smtp send --from a@x --to b@y')",
    })
    .option('log', { type: 'string', requiresArg: true, describe: "Session and pipe: write a transcript to FILE from the start (each line's time, direction marks, secrets masked), as `log FILE`" })
    .option('json-log', { type: 'string', requiresArg: true, describe: 'Session and pipe: a JSON object a line to FILE for each event (connect, attempt, TLS, close) and every byte (base64)' })
    .option('capture', { type: 'string', requiresArg: true, describe: 'Every mode but -z: the bytes received, exactly, to FILE (truncated first)' })
    .option('capture-sent', { type: 'string', requiresArg: true, describe: 'Every mode but -z: the bytes sent, exactly, to FILE' })
    .option('telnet', { type: 'boolean', describe: 'Session: speak telnet (options, echo) whatever the port; on by default for port 23' })
    .option('terminal', { type: 'boolean', describe: "Session: terminal mode once connected: the remote program gets the terminal (a shell, vi, top); Ctrl+] comes back" })
    .option('raw', { type: 'boolean', describe: 'Session: no telnet even on port 23: every byte as it is, as nc' })
    .option('user', { alias: 'l', type: 'string', describe: "Session: the user telnet gives the server (NEW-ENVIRON's USER), as telnet -l" })
    .option('starttls', { type: 'string', describe: 'Plaintext first, then the protocol\'s upgrade, then TLS: smtp, pop3, imap, ftp or auto' })
    .option('ca', { type: 'string', describe: "TLS: trust this CA (PEM file) too, beside the system's and Node's" })
    .option('insecure', { alias: 'k', type: 'boolean', describe: 'TLS: go on when the certificate does not verify (the verdict is still shown)' })
    .option('servername', { type: 'string', describe: "TLS: the name sent as SNI and checked [default: the host, none for an IP address]" })
    .option('alpn', { type: 'string', describe: 'TLS: protocols offered by ALPN, comma-separated (h2,http/1.1)' })
    .option('cert', { type: 'string', describe: 'TLS: client certificate (PEM file), with --key' })
    .option('key', { type: 'string', describe: 'TLS: private key of --cert (PEM file)' })
    .option('tls-min', { type: 'string', describe: 'TLS: lowest version accepted: TLSv1, TLSv1.1, TLSv1.2, TLSv1.3 [default: TLSv1.2]' })
    .option('tls-max', { type: 'string', describe: 'TLS: highest version offered [default: TLSv1.3]' })
    .strict()
    .help('help')
    .alias('help', 'h')
    .version(version)
    .epilog(EPILOG)
    .wrap(Math.min(100, process.stdout.columns || 100))
    .exitProcess(false)
    .fail((msg, err) => {
      throw err ?? new UsageError('PH_USAGE', msg.replace(/\n.*/s, ''));
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
  switch (opts.mode) {
    case 'probe': {
      const { runProbe } = await import('./modes/probe.js');
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
      paintOutline(process.stdout, s.host);
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

export async function main(argv: string[]): Promise<number> {
  let raw: RawArgs & { help?: unknown; version?: unknown };
  try {
    raw = (await parser(argv).parseAsync()) as RawArgs;
    // --help and --version have printed already.
    if (raw.help || raw.version) return ExitCode.ok;
    const terminal = { stdinIsTTY: Boolean(process.stdin.isTTY), stdoutIsTTY: Boolean(process.stdout.isTTY), ...(process.env.TERM ? { term: process.env.TERM } : {}) };
    return await run(resolveWithConfig(raw, terminal, loadConfig((raw as { config?: unknown }).config)));
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

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
  // Pipe and probe modes leave nothing pending; a lingering stdin (a terminal) must not keep us.
  setImmediate(() => process.exit(code));
});
