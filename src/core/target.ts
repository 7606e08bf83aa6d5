// Parsing what the user names on the command line: hosts, ports, service names and port ranges.
// Every bad input becomes a UsageError with a stable code and a sentence that says what was wrong.

import { UsageError } from './errors.js';

/**
 * Well-known TCP services, so `porthole mail.example.com smtp` works as it does with telnet and nc.
 * A table rather than /etc/services: the same on every machine, and pure.
 */
export const SERVICES: Readonly<Record<string, number>> = {
  ftp: 21,
  ssh: 22,
  telnet: 23,
  smtp: 25,
  domain: 53,
  dns: 53,
  gopher: 70,
  finger: 79,
  http: 80,
  www: 80,
  kerberos: 88,
  pop3: 110,
  pop: 110,
  ident: 113,
  auth: 113,
  nntp: 119,
  ntp: 123,
  imap: 143,
  imap2: 143,
  snmp: 161,
  ldap: 389,
  https: 443,
  smtps: 465,
  submissions: 465,
  syslog: 514,
  submission: 587,
  ipp: 631,
  ldaps: 636,
  rsync: 873,
  imaps: 993,
  pop3s: 995,
  socks: 1080,
  openvpn: 1194,
  'ms-sql-s': 1433,
  mssql: 1433,
  mqtt: 1883,
  nfs: 2049,
  mysql: 3306,
  rdp: 3389,
  'ms-wbt-server': 3389,
  sieve: 4190,
  postgresql: 5432,
  postgres: 5432,
  amqp: 5672,
  vnc: 5900,
  x11: 6000,
  redis: 6379,
  irc: 6667,
  'http-alt': 8080,
  'https-alt': 8443,
  mongodb: 27017,
};

/** Each port's first name in the table; a probe of a range asks for every port. */
const NAME_OF = new Map<number, string>();
for (const [name, p] of Object.entries(SERVICES)) if (!NAME_OF.has(p)) NAME_OF.set(p, name);

/** Service name of a port, for display ("25/smtp"); the first name in the table wins. */
export function serviceName(port: number): string | undefined {
  return NAME_OF.get(port);
}

/** Parse one port: a number 1-65535 or a service name. */
export function parsePort(text: string): number {
  const t = text.trim();
  if (t === '') throw new UsageError('PH_BAD_PORT', 'empty port');
  if (/^\d+$/.test(t)) {
    const n = Number(t);
    if (n < 1 || n > 65535) throw new UsageError('PH_BAD_PORT', `port ${t} is out of range (1-65535)`);
    return n;
  }
  const known = SERVICES[t.toLowerCase()];
  if (known === undefined) {
    throw new UsageError('PH_BAD_PORT', `"${t}" is not a port number or a known service name`);
  }
  return known;
}

/**
 * A port spec (probe mode): a port, a service name, a range "a-b" or a comma list of those. This
 * checks one as uniquePorts reads it, without making the list: "1-65535" is not counted out.
 */
export function checkPortSpec(text: string): void {
  for (const part of text.split(',')) specBounds(part);
}

/** Every port of these specs in the order given, each once (where it first came). */
export function uniquePorts(specs: readonly string[]): number[] {
  const seen = new Uint8Array(65536);
  const ports: number[] = [];
  for (const spec of specs) {
    for (const part of spec.split(',')) {
      const [lo, hi] = specBounds(part);
      for (let p = lo; p <= hi; p++) {
        if (seen[p]) continue;
        seen[p] = 1;
        ports.push(p);
      }
    }
  }
  return ports;
}

/** One element of a spec: a port or a service name (lo = hi), or a range "a-b". */
function specBounds(text: string): [number, number] {
  const m = /^\s*(\w+)\s*-\s*(\w+)\s*$/.exec(text);
  if (!m || SERVICES[text.trim().toLowerCase()] !== undefined) {
    const p = parsePort(text);
    return [p, p];
  }
  const lo = parsePort(m[1]!);
  const hi = parsePort(m[2]!);
  if (hi < lo) throw new UsageError('PH_BAD_RANGE', `port range ${text.trim()} is reversed (did you mean ${hi}-${lo}?)`);
  return [lo, hi];
}

export interface HostPort {
  host: string;
  port?: number;
}

const IPV6_CHARS = /^[0-9a-fA-F:.]+(%[\w.-]+)?$/;
// RFC 1123 labels, plus "_" which real zones contain (SRV-style names, some internal hosts).
const HOSTNAME = /^(?=.{1,253}\.?$)[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?(?:\.[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)*\.?$/;

/**
 * Parse a host as typed: a name, an IPv4 address, an IPv6 address with or without brackets,
 * and the forms "[v6]:port" and "name:port" that people paste from URLs and logs.
 */
export function parseHost(text: string): HostPort {
  const t = text.trim();
  if (t === '') throw new UsageError('PH_BAD_HOST', 'empty host name');
  const bracket = /^\[([^\]]*)\](?::(.*))?$/.exec(t);
  if (bracket) {
    const inner = bracket[1]!;
    if (!IPV6_CHARS.test(inner) || !inner.includes(':')) {
      throw new UsageError('PH_BAD_HOST', `"${t}" is not a valid bracketed IPv6 address`);
    }
    return bracket[2] === undefined ? { host: inner } : { host: inner, port: parsePort(bracket[2]) };
  }
  const colons = t.split(':').length - 1;
  if (colons >= 2) {
    if (!IPV6_CHARS.test(t)) throw new UsageError('PH_BAD_HOST', `"${t}" is not a valid host or IPv6 address`);
    return { host: t };
  }
  if (colons === 1) {
    const [h, p] = t.split(':') as [string, string];
    return { host: checkName(h, t), port: parsePort(p) };
  }
  return { host: checkName(t, t) };
}

function checkName(name: string, original: string): string {
  if (!HOSTNAME.test(name)) throw new UsageError('PH_BAD_HOST', `"${original}" is not a valid host name or address`);
  return name;
}

/** How a host and port are shown to people: IPv6 addresses in brackets, as in URLs. */
export function formatHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
