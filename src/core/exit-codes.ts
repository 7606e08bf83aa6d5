// The process exit codes: a contract with scripts, documented in --help and the README.

/** Exit codes, one per class of outcome; scripts branch on these numbers. */
export const ExitCode = {
  /** Connected (and, in a session, ended normally or closed by the peer). */
  ok: 0,
  /** A bug or an unexpected local failure. */
  internal: 1,
  /** Bad command line: a port, host, option or encoding that makes no sense. */
  usage: 2,
  /** The name did not resolve (does not exist, or the resolver did not answer). */
  dns: 3,
  /** The host answered with a reset: nothing listens, or a firewall REJECTs. */
  refused: 4,
  /** Nothing answered before the connect timer: filtered, or the host is down. */
  timeout: 5,
  /** An ICMP error or a missing route: the network path, not the service. */
  unreachable: 6,
  /** Accepted, then closed or reset by the peer straight away (probe). */
  peerClosed: 7,
  /** TLS handshake or certificate failure. */
  tls: 8,
  /** -c: a protocol step the server refused (or the connection ended before it was done). */
  stepRefused: 9,
  /** -z --expect: open, but the banner did not match. */
  unexpectedBanner: 10,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** What each code says, for --help and the man page's EXIT STATUS (one table, so they agree). */
export const EXIT_STATUS: readonly { code: ExitCodeValue; text: string }[] = [
  { code: ExitCode.ok, text: 'connected (a session ended normally, the peer closed it, or you cancelled the connect)' },
  { code: ExitCode.internal, text: 'internal error' },
  { code: ExitCode.usage, text: 'usage error (a bad option, port, host, encoding or config file)' },
  { code: ExitCode.dns, text: 'name resolution failed' },
  { code: ExitCode.refused, text: 'connection refused' },
  { code: ExitCode.timeout, text: 'timed out (pipe: also idle past an explicit -w)' },
  { code: ExitCode.unreachable, text: 'unreachable or prohibited' },
  { code: ExitCode.peerClosed, text: 'closed or reset by the peer right after connecting (probe); reset mid-stream (pipe)' },
  { code: ExitCode.tls, text: 'TLS failure' },
  { code: ExitCode.stepRefused, text: '-c: a protocol step the server refused, or the connection ended before it was done' },
  { code: ExitCode.unexpectedBanner, text: '--expect: the port is open, but its banner does not match' },
];

/** Said after the table: how several ports make one code. */
export const EXIT_STATUS_NOTE = 'With several ports or targets, the code of the first that was not open (a watch: in its last round).';
