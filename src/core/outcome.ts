// What happened to a connection, in words a person acts on: Node errors and socket events are
// classified by `code` and `syscall` (never by message) into a small closed set of outcomes.

import { ExitCode, type ExitCodeValue } from './exit-codes.js';

/** The outcomes that `--json` reports; scripts match on these strings. */
export type OutcomeKind =
  | 'open'
  | 'closed-by-peer'
  | 'reset-by-peer'
  | 'refused'
  | 'timeout'
  | 'unreachable'
  | 'dns-not-found'
  | 'dns-unavailable'
  | 'tls-failure'
  | 'unexpected-banner'
  | 'local-error';

/** Where in the life of a connection an error arrived; the same code means different things. */
export type Phase = 'resolve' | 'connect' | 'session';

/** The words and the exit code that go with each outcome. */
export interface OutcomeText {
  /** Status-bar words, as telnet users know them. */
  label: string;
  /** What the network did, in one sentence. */
  meaning: string;
  /** The next thing to check. Empty where nothing is wrong. */
  next: string;
  exit: ExitCodeValue;
}

export const OUTCOMES: Readonly<Record<OutcomeKind, OutcomeText>> = {
  open: {
    label: 'Connected',
    meaning: 'The port is open: a service listens and no firewall blocks this path.',
    next: '',
    exit: ExitCode.ok,
  },
  'closed-by-peer': {
    label: 'Connection closed by foreign host',
    meaning:
      'A service listens, but it closed the connection: an access rule of the software (tcpwrappers, ACL, allow-list, connection limit) may be sending you away.',
    next: "Check the service's access rules and logs for this client's address.",
    exit: ExitCode.peerClosed,
  },
  'reset-by-peer': {
    label: 'Connection reset by peer',
    meaning:
      'A service accepted the connection and then aborted it with a reset: an access rule, a crash, or a proxy refusing you.',
    next: "Check the service's logs and access rules, and any proxy or load balancer in front of it.",
    exit: ExitCode.peerClosed,
  },
  refused: {
    label: 'Connection refused',
    meaning: 'The host answered with a reset: nothing listens on that port, or a firewall REJECTs with a reset.',
    next: 'Is the service running, and on this port and address (ss -ltn on the server)?',
    exit: ExitCode.refused,
  },
  timeout: {
    label: 'Timed out',
    meaning: 'Nothing answered at all: a firewall or ACL drops the packets, a routing problem, or the host is down.',
    next: 'Check firewall rules and ACLs on the path (traceroute -T); compare from inside the network.',
    exit: ExitCode.timeout,
  },
  unreachable: {
    label: 'Unreachable',
    meaning: 'An ICMP error or a missing route: the network path failed, not the service.',
    next: 'Check routes and firewalls on the path (ip route get, traceroute).',
    exit: ExitCode.unreachable,
  },
  'dns-not-found': {
    label: 'Unknown host',
    meaning: 'DNS says this name does not exist; no connection was attempted.',
    next: 'Check the spelling, or look it up with dig or nslookup; try the IP address.',
    exit: ExitCode.dns,
  },
  'dns-unavailable': {
    label: 'Name lookup failed',
    meaning: 'The resolver did not answer (or failed); the name may well exist.',
    next: 'Check /etc/resolv.conf and the DNS server (dig @server name); try the IP address.',
    exit: ExitCode.dns,
  },
  'tls-failure': {
    label: 'TLS handshake failed',
    meaning: 'TCP connected but the TLS handshake or the certificate check failed.',
    next: 'Check the certificate chain and the protocol versions the server accepts.',
    exit: ExitCode.tls,
  },
  'unexpected-banner': {
    label: 'Unexpected banner',
    meaning: 'The port is open, but what the service said does not match --expect: another service (or none that speaks first) answers there.',
    next: 'Check which program listens on that port (ss -ltnp on the server), and the --expect pattern.',
    exit: ExitCode.unexpectedBanner,
  },
  'local-error': {
    label: 'Local error',
    meaning: 'This machine could not make the connection (out of descriptors, bad local address, ...).',
    next: 'Check local resources and the source address.',
    exit: ExitCode.internal,
  },
};

/** Per-code refinements: the same outcome can have sharper words (no route vs prohibited). */
interface CodeRule {
  kind: OutcomeKind;
  label?: string;
  meaning?: string;
  next?: string;
}

const RESOLVE_CODES: Record<string, CodeRule> = {
  ENOTFOUND: { kind: 'dns-not-found' },
  EAI_NONAME: { kind: 'dns-not-found' },
  EAI_NODATA: { kind: 'dns-not-found' },
  ENODATA: { kind: 'dns-not-found', meaning: 'DNS has no address of the asked family for this name.' },
  EAI_AGAIN: { kind: 'dns-unavailable', label: 'Temporary failure in name resolution' },
  EAI_FAIL: { kind: 'dns-unavailable' },
  ESERVFAIL: { kind: 'dns-unavailable' },
  ETIMEOUT: { kind: 'dns-unavailable', label: 'Name lookup timed out' },
  ECONNREFUSED: { kind: 'dns-unavailable', label: 'DNS server refused the query' },
};

const CONNECT_CODES: Record<string, CodeRule> = {
  ECONNREFUSED: { kind: 'refused' },
  ETIMEDOUT: { kind: 'timeout' },
  ECONNRESET: { kind: 'reset-by-peer' },
  EPIPE: { kind: 'reset-by-peer' },
  ECONNABORTED: { kind: 'reset-by-peer', label: 'Connection aborted' },
  EHOSTUNREACH: { kind: 'unreachable', label: 'No route to host' },
  EHOSTDOWN: { kind: 'unreachable', label: 'Host is down' },
  ENETUNREACH: { kind: 'unreachable', label: 'Network is unreachable' },
  ENETDOWN: { kind: 'unreachable', label: 'Network is down' },
  EACCES: {
    kind: 'unreachable',
    label: 'Prohibited by a firewall',
    meaning: 'A firewall answered that this connection is administratively prohibited.',
  },
  EPERM: {
    kind: 'unreachable',
    label: 'Prohibited by a local firewall',
    meaning: "This machine's own firewall refused to send the connection.",
  },
  ENOPROTOOPT: {
    kind: 'unreachable',
    label: 'Protocol not available',
    meaning: 'A firewall answered with ICMP protocol-unreachable.',
  },
  EADDRNOTAVAIL: { kind: 'local-error', label: 'Cannot assign requested address' },
  EMFILE: { kind: 'local-error', label: 'Too many open files' },
  ENFILE: { kind: 'local-error', label: 'Too many open files in system' },
  ENOBUFS: { kind: 'local-error', label: 'No buffer space available' },
  EINVAL: { kind: 'local-error', label: 'Invalid argument' },
};

/** Codes that carry their meaning only in a given phase. */
const SESSION_CODES: Record<string, CodeRule> = {
  ...CONNECT_CODES,
  ETIMEDOUT: { kind: 'timeout', label: 'Connection timed out', meaning: 'The peer stopped answering mid-session.' },
};

const TABLES: Record<Phase, Record<string, CodeRule>> = {
  resolve: RESOLVE_CODES,
  connect: CONNECT_CODES,
  session: SESSION_CODES,
};

/** Codes of our own, for outcomes no system call reports. */
export const PortholeCode = {
  connectTimeout: 'PH_CONNECT_TIMEOUT',
  /** The resolver gave no answer within the connect timeout (-w): getaddrinfo may try for longer. */
  resolveTimeout: 'PH_RESOLVE_TIMEOUT',
  peerClosed: 'PH_PEER_CLOSED',
  noAddress: 'PH_NO_ADDRESS',
  open: 'PH_OPEN',
  /** --expect: open, and the banner did not match (or none came). */
  unexpectedBanner: 'PH_UNEXPECTED_BANNER',
  /** A reset that answered what we sent after the peer's FIN: it had closed completely. */
  refusedAfterClose: 'PH_REFUSED_AFTER_CLOSE',
  unknown: 'PH_UNKNOWN',
  /** Our own code failed where a port's answer was expected (a bug, said as one). */
  internal: 'PH_INTERNAL',
} as const;

/** A classified outcome: kind, stable code and the words to show. */
export interface Outcome {
  kind: OutcomeKind;
  /** Stable code: the errno name (ECONNREFUSED) or one of ours (PH_CONNECT_TIMEOUT). */
  code: string;
  label: string;
  meaning: string;
  next: string;
  exit: ExitCodeValue;
}

/** One address tried: the source of "Trying ::1... refused" lines and of `attempts` in JSON. */
export interface Attempt {
  address: string;
  family: 4 | 6;
  outcome: Outcome;
  /** Time from the SYN to the verdict. */
  ms: number;
}

/** The fields of a Node system error that classification reads; anything else is ignored. */
export interface ErrorLike {
  code?: unknown;
  syscall?: unknown;
  errors?: unknown;
  /** Classified already, by whoever knew more (a TLS transport reading an alert). */
  outcome?: Outcome;
}

export function makeOutcome(kind: OutcomeKind, code: string, rule?: Partial<CodeRule>): Outcome {
  const text = OUTCOMES[kind];
  return {
    kind,
    code,
    label: rule?.label ?? text.label,
    meaning: rule?.meaning ?? text.meaning,
    next: rule?.next ?? text.next,
    exit: text.exit,
  };
}

function codeOf(err: ErrorLike): string {
  return typeof err.code === 'string' ? err.code : PortholeCode.unknown;
}

/**
 * Classify one (non-aggregate) error. `phase` matters because Node reports an RST that arrives
 * before the connect event as ECONNRESET with syscall `connect`, and DNS codes overlap socket ones.
 */
export function classifyError(err: ErrorLike, phase: Phase): Outcome {
  if (err.outcome) return err.outcome;
  const code = codeOf(err);
  // getaddrinfo errors can surface from a connect call that was given a name.
  const effective: Phase = err.syscall === 'getaddrinfo' || err.syscall === 'queryA' ? 'resolve' : phase;
  const rule = TABLES[effective][code];
  if (rule) return makeOutcome(rule.kind, code, rule);
  if (effective === 'resolve') return makeOutcome('dns-unavailable', code);
  return makeOutcome('local-error', code, { label: `Unexpected error ${code}` });
}

/**
 * Node 20's happy-eyeballs raises an AggregateError whose own code is only errors[0]'s; the
 * inner errors are what happened to each address.
 */
export function flattenErrors(err: ErrorLike): ErrorLike[] {
  if (Array.isArray(err.errors) && err.errors.length > 0) {
    return (err.errors as ErrorLike[]).flatMap(flattenErrors);
  }
  return [err];
}

/** Failures ranked by what they tell the user: a reset proves a host answered; silence least. */
const TELLING: readonly OutcomeKind[] = [
  'reset-by-peer',
  'closed-by-peer',
  'tls-failure',
  'refused',
  'unreachable',
  'timeout',
  'local-error',
  'dns-unavailable',
  'dns-not-found',
];

/**
 * An address's answer that ends the walk of a name's addresses: a reset means a host took the
 * connection and threw it away, a TLS failure that the service's TLS answered; it has spoken, so
 * another address of the same name would only hide it. (connect and the range scanner both.)
 */
export function endsAddressWalk(o: Outcome): boolean {
  return o.kind === 'reset-by-peer' || o.kind === 'tls-failure' || o.code === 'ABORT_ERR';
}

/** Of several failed attempts, the one to report: refused, then unreachable, then timed out. */
export function mostTelling<T extends { outcome: Outcome }>(attempts: readonly T[]): T | undefined {
  let best: T | undefined;
  for (const a of attempts) {
    if (!best || TELLING.indexOf(a.outcome.kind) < TELLING.indexOf(best.outcome.kind)) best = a;
  }
  return best;
}

/**
 * The outcome of a connection that the peer ended, told apart before and after its first byte.
 * `rst-after-fin`: the peer had sent FIN, then answered what we sent after with a reset: it had
 * closed completely, not just stopped sending, and what we sent after its FIN was refused.
 */
export function peerEnded(how: 'fin' | 'rst' | 'rst-after-fin', bytesIn: number): Outcome {
  const first = bytesIn === 0;
  if (how === 'fin') {
    // After data, a FIN is how most services end a conversation: nothing to check.
    return makeOutcome('closed-by-peer', PortholeCode.peerClosed, first ? {} : { meaning: 'The service closed the connection after sending data.', next: '' });
  }
  if (how === 'rst-after-fin') {
    return makeOutcome('reset-by-peer', PortholeCode.refusedAfterClose, {
      label: 'Connection closed by foreign host; what was sent after was refused',
      meaning: 'The service had closed the connection (FIN), and answered what was sent after it with a reset: it was not read.',
      next: '',
    });
  }
  return makeOutcome('reset-by-peer', 'ECONNRESET', {
    meaning: first ? OUTCOMES['reset-by-peer'].meaning : 'The service aborted the connection with a reset after it had sent data.',
  });
}

/** The exit code for a run: 0 if every port was open, else the code of the first that was not. */
export function exitCodeFor(outcomes: readonly Outcome[]): ExitCodeValue {
  const first = outcomes.find((o) => o.kind !== 'open');
  return first ? first.exit : ExitCode.ok;
}

/** Our connect timer ran out: no answer at all, the sign of a firewall that drops. */
export function connectTimeoutOutcome(timeoutMs: number): Outcome {
  return makeOutcome('timeout', PortholeCode.connectTimeout, { label: `Timed out after ${formatSeconds(timeoutMs)} (filtered?)` });
}

/** A timeout as its label says it: "10 s", "0.5 s". */
export function formatSeconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}
