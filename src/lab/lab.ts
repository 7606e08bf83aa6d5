// The practice lab: loopback-only servers for SMTP, POP3, IMAP and HTTP to practise on by hand, and
// one port per connection outcome (banner, silence, FIN, RST, flood, filtered...) to reproduce it.

import fs from 'node:fs';
import net, { type Server, type Socket } from 'node:net';
import tls from 'node:tls';
import { fileURLToPath } from 'node:url';
import { startFiltered } from './filtered-listener.js';
import { serveFlood } from './flood.js';
import { createHttpSession, HTTP_MAX_LINE } from './http-session.js';
import { createImapSession, IMAP_MAX_LINE } from './imap-session.js';
import { type LineSession, serveLines } from './line-service.js';
import { MailStore } from './mail-store.js';
import { createPop3Session, POP3_MAX_LINE } from './pop3-session.js';
import { serveRandomFlood } from './random-flood.js';
import { createSmtpSession, SMTP_MAX_LINE } from './smtp-session.js';
import {
  serveBanner,
  serveBinary,
  serveClose,
  serveEcho,
  serveHalfClose,
  serveNoRead,
  serveReset,
  serveSilent,
} from './stream-scenarios.js';

// dist/lab/lab.js is the lab's only built entry (scripts/build.js), so scripts/lab.js gets these here.
export { LAB_DOMAIN, PRACTICE_ACCOUNTS } from './mail-store.js';

export type ScenarioName =
  | 'smtp'
  | 'pop3'
  | 'imap'
  | 'http'
  | 'banner'
  | 'silent'
  | 'close'
  | 'reset'
  | 'flood'
  | 'binary-flood'
  | 'binary'
  | 'filtered'
  | 'echo'
  | 'half-close'
  | 'no-read';

export interface LabOptions {
  /** Loopback address to listen on: 127.0.0.1 (default), another 127.x.y.z, or ::1. */
  host?: string;
  /** Each scenario listens on basePort + its offset; 0 (default) gives every scenario an ephemeral port. */
  basePort?: number;
  /** Bytes the flood and binary-flood scenarios send before they close. Default 25 MiB. */
  floodBytes?: number;
  /** Start only these scenarios (default: all). The others get port 0 in `ports`. */
  only?: ScenarioName[];
}

export interface LabScenario {
  name: ScenarioName;
  port: number;
  description: string;
}

export interface Lab {
  host: string;
  /** Port of each scenario; 0 for one left out by `only`. */
  ports: Record<ScenarioName, number>;
  /** The scenarios started, in table order. */
  scenarios: readonly LabScenario[];
  /** Stops listening, drops every connection, and resolves once nothing of the lab is left. */
  close(): Promise<void>;
}

/** The lab's own errors, with stable codes. */
export type LabErrorCode = 'LAB_NOT_LOOPBACK' | 'LAB_BAD_OPTION' | 'LAB_PORT_IN_USE' | 'LAB_LISTEN_FAILED';

export class LabError extends Error {
  constructor(
    readonly code: LabErrorCode,
    message: string,
    /** For LAB_PORT_IN_USE: which scenarios could not get their port. */
    readonly busy: readonly { name: ScenarioName; port: number }[] = [],
  ) {
    super(message);
    this.name = 'LabError';
  }
}

/**
 * The lab's test CA and certificate (lab/tls, made by its make-certs.sh): `--ca` with LAB_CA trusts
 * them, for the lab on loopback only. From src/lab and from dist/lab alike, two levels up.
 */
export const LAB_TLS_DIR = fileURLToPath(new URL('../../lab/tls/', import.meta.url));
export const LAB_CA = `${LAB_TLS_DIR}ca.pem`;

function labTlsContext(): tls.SecureContext | null {
  try {
    return tls.createSecureContext({ cert: fs.readFileSync(`${LAB_TLS_DIR}lab.pem`), key: fs.readFileSync(`${LAB_TLS_DIR}lab.key`) });
  } catch {
    return null;
  }
}

export const DEFAULT_LAB_HOST = '127.0.0.1';
/** scripts/lab.js listens from here: smtp 2525, pop3 2510, imap 2543, http 2580... */
export const DEFAULT_BASE_PORT = 2500;
export const DEFAULT_FLOOD_BYTES = 25 * 1024 * 1024;

interface LabContext {
  store: MailStore;
  floodBytes: number;
  /** The lab's certificate (lab/tls), for STARTTLS; null if its files are missing. */
  tls: tls.SecureContext | null;
}

type Listener = { port: number; close(): Promise<void> };

interface ScenarioSpec {
  name: ScenarioName;
  /** Port offset from basePort; mirrors the well-known port where there is one (25 -> 2525). */
  offset: number;
  description: string;
  /** How to listen; most scenarios are `accept(handler)`. */
  start(ctx: LabContext, host: string, port: number, sockets: Set<Socket>): Promise<Listener>;
}

type Handler = (socket: Socket, ctx: LabContext) => void;

const lines =
  (maxLine: number, session: (socket: Socket, ctx: LabContext) => LineSession): Handler =>
  (socket, ctx) =>
    serveLines(socket, session(socket, ctx), maxLine, ctx.tls ?? undefined);

/** A listener that hands each accepted socket to `handler`, tracked so close() can drop it. */
function accept(handler: Handler, options: net.ServerOpts = {}): ScenarioSpec['start'] {
  return (ctx, host, port, sockets) =>
    new Promise((resolve, reject) => {
      const server: Server = net.createServer(options, (socket) => {
        sockets.add(socket);
        socket.on('error', () => {}); // a client vanishing is normal in a lab; nothing to report
        socket.once('close', () => sockets.delete(socket));
        handler(socket, ctx);
      });
      server.once('error', reject);
      server.listen({ host, port, exclusive: true }, () => {
        server.off('error', reject);
        server.on('error', () => {});
        resolve({
          port: (server.address() as net.AddressInfo).port,
          close: () => new Promise<void>((done) => server.close(() => done())),
        });
      });
    });
}

/** The scenarios: data first; every behaviour lives in a handler module. */
export const SCENARIOS: readonly ScenarioSpec[] = [
  {
    name: 'smtp',
    offset: 25,
    description: 'ESMTP server: EHLO, STARTTLS, MAIL FROM, RCPT TO, DATA, QUIT (mail lands in the POP3/IMAP mailboxes)',
    start: accept(lines(SMTP_MAX_LINE, (socket, ctx) => createSmtpSession({ store: ctx.store, peer: socket.remoteAddress ?? '', tls: ctx.tls !== null }))),
  },
  {
    name: 'pop3',
    offset: 10,
    description: 'POP3 server: STLS, USER, PASS, STAT, LIST, RETR, TOP, DELE, QUIT',
    start: accept(lines(POP3_MAX_LINE, (_socket, ctx) => createPop3Session(ctx.store, ctx.tls !== null))),
  },
  {
    name: 'imap',
    offset: 43,
    description: 'IMAP4rev1 server: a0 STARTTLS, a1 LOGIN, a2 SELECT INBOX, a3 FETCH 1 BODY[], a4 LOGOUT',
    start: accept(lines(IMAP_MAX_LINE, (_socket, ctx) => createImapSession(ctx.store, ctx.tls !== null))),
  },
  {
    name: 'http',
    offset: 80,
    description: 'HTTP/1.1 server: GET /, HEAD, GET /headers; keep-alive; 404, 405, 400',
    start: accept(lines(HTTP_MAX_LINE, () => createHttpSession())),
  },
  { name: 'banner', offset: 22, description: 'sends an SSH-style banner, then listens in silence', start: accept(serveBanner) },
  {
    name: 'silent',
    offset: 1,
    description: 'accepts and reads, never writes (what HTTP looks like before a request)',
    start: accept(serveSilent),
  },
  {
    name: 'close',
    offset: 2,
    description: 'accepts, then closes at once with FIN (an access rule of the service)',
    start: accept(serveClose),
  },
  { name: 'reset', offset: 3, description: 'accepts, then resets at once (RST)', start: accept(serveReset) },
  {
    name: 'flood',
    offset: 19,
    description: 'sends numbered lines as fast as you take them, then closes',
    start: accept((socket, ctx) => serveFlood(socket, ctx.floodBytes)),
  },
  {
    name: 'binary-flood',
    offset: 20,
    description: 'sends random bytes as fast as you take them, then the flood\'s last line, and closes',
    start: accept((socket, ctx) => serveRandomFlood(socket, ctx.floodBytes)),
  },
  {
    name: 'binary',
    offset: 4,
    description: 'sends hostile bytes (escape sequences, C1, bad UTF-8), then echoes',
    start: accept(serveBinary),
  },
  {
    name: 'filtered',
    offset: 5,
    description: 'never answers a SYN (full accept queue): connects time out, like a firewall DROP',
    start: (_ctx, host, port) => startFiltered(host, port),
  },
  { name: 'echo', offset: 7, description: 'echoes back every byte you send', start: accept(serveEcho) },
  {
    name: 'half-close',
    offset: 6,
    description: 'sends one line, shuts its sending side, keeps reading until you close',
    start: accept(serveHalfClose),
  },
  {
    name: 'no-read',
    offset: 8,
    description: 'accepts and never reads: your writes back up',
    start: accept(serveNoRead, { pauseOnConnect: true }),
  },
];

const LOOPBACK = new net.BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

/** The host as the lab will listen on it, or a LabError: nothing but loopback, ever. */
export function checkLabHost(host: string): string {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  const family = net.isIP(bare);
  if (family === 0 || !LOOPBACK.check(bare, family === 4 ? 'ipv4' : 'ipv6')) {
    throw new LabError(
      'LAB_NOT_LOOPBACK',
      `The lab listens on loopback only: "${host}" is not a loopback address. Use 127.0.0.1 (or another 127.x.y.z) or ::1.`,
    );
  }
  return bare;
}

function checkOptions(opts: LabOptions): { host: string; basePort: number; floodBytes: number; only: ScenarioName[] } {
  const host = checkLabHost(opts.host ?? DEFAULT_LAB_HOST);
  const basePort = opts.basePort ?? 0;
  const maxOffset = Math.max(...SCENARIOS.map((s) => s.offset));
  if (!Number.isInteger(basePort) || basePort < 0 || basePort + maxOffset > 65535) {
    throw new LabError('LAB_BAD_OPTION', `basePort must be 0 or an integer from 1 to ${65535 - maxOffset}, not ${basePort}`);
  }
  const floodBytes = opts.floodBytes ?? DEFAULT_FLOOD_BYTES;
  if (!Number.isSafeInteger(floodBytes) || floodBytes < 0) {
    throw new LabError('LAB_BAD_OPTION', `floodBytes must be a whole number of bytes, not ${floodBytes}`);
  }
  const known = SCENARIOS.map((s) => s.name);
  const only = opts.only ?? known;
  const unknown = only.filter((n) => !known.includes(n));
  if (unknown.length > 0) {
    throw new LabError('LAB_BAD_OPTION', `unknown scenario ${unknown.join(', ')}; known: ${known.join(', ')}`);
  }
  return { host, basePort, floodBytes, only };
}

export async function startLab(opts: LabOptions = {}): Promise<Lab> {
  const { host, basePort, floodBytes, only } = checkOptions(opts);
  const ctx: LabContext = { store: new MailStore(), floodBytes, tls: labTlsContext() };
  const sockets = new Set<Socket>();
  const chosen = SCENARIOS.filter((s) => only.includes(s.name));
  const wantedPort = (s: ScenarioSpec): number => (basePort === 0 ? 0 : basePort + s.offset);

  const results = await Promise.allSettled(chosen.map((s) => s.start(ctx, host, wantedPort(s), sockets)));
  const listeners = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));

  const close = async (): Promise<void> => {
    // Stop listening first, so no connection slips in after the sweep and holds a server open.
    const stopped = listeners.map((l) => l.close());
    for (const socket of sockets) socket.destroy();
    await Promise.all(stopped);
  };

  const failures = results.flatMap((r, i) => (r.status === 'rejected' ? [{ spec: chosen[i]!, err: r.reason as NodeJS.ErrnoException }] : []));
  if (failures.length > 0) {
    await close();
    const busy = failures.filter((f) => f.err.code === 'EADDRINUSE').map((f) => ({ name: f.spec.name, port: wantedPort(f.spec) }));
    if (busy.length === failures.length) {
      const list = busy.map((b) => `${b.name} (${host} port ${b.port})`).join(', ');
      throw new LabError('LAB_PORT_IN_USE', `Ports already in use: ${list}. Try another base port, or 0 for ephemeral ports.`, busy);
    }
    const first = failures.find((f) => f.err.code !== 'EADDRINUSE')!;
    throw new LabError(
      'LAB_LISTEN_FAILED',
      `The ${first.spec.name} scenario could not listen on ${host} port ${wantedPort(first.spec)}: ${first.err.code ?? first.err.message}`,
    );
  }

  const ports = Object.fromEntries(SCENARIOS.map((s) => [s.name, 0])) as Record<ScenarioName, number>;
  const scenarios = chosen.map((s, i) => {
    ports[s.name] = listeners[i]!.port;
    return { name: s.name, port: listeners[i]!.port, description: s.description };
  });

  let closing: Promise<void> | undefined;
  return {
    host,
    ports,
    scenarios,
    close: () => (closing ??= close()),
  };
}
