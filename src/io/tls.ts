// TLS on the transport seam: a dial that connects and does the handshake, the trust store every
// other tool on the machine uses, and what the handshake showed, read off Node for core/tls to
// judge. Verification is ours, not Node's: connect with rejectUnauthorized false, then judge the
// chain, the dates and the name together (Node stops at the first problem, and its name check
// never runs on a bad chain).

import { X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import tls from 'node:tls';
import { UsageError } from '../core/errors.js';
import { needsTlsConfig, type TlsPart } from '../core/options.js';
import type { Outcome } from '../core/outcome.js';
import { handshakeOutcome, handshakeTimeoutOutcome, judgeTls, signatureAlgorithmOf, untrustedOutcome, type CertInfo, type TlsReport } from '../core/tls.js';
import type { Clock } from '../core/clock.js';
import { realClock } from './clock.js';
import { ReadBuffers } from './read-buffers.js';
import { TcpTransport, type Dial, type Transport, type TransportHandlers } from './transport.js';

/** Debian's bundle (update-ca-certificates): what curl, openssl and the rest of the machine trust. */
export const SYSTEM_CA_BUNDLE = '/etc/ssl/certs/ca-certificates.crt';

/** What a TLS handshake is made with: read once, for every connection of the run. */
export interface TlsConfig {
  /** SNI: a name given with --servername; undefined: the host, unless it is an IP address. */
  servername: string | undefined;
  alpn: string[];
  insecure: boolean;
  clientCert: boolean;
  context: tls.SecureContext;
}

function readFile(file: string, flag: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    throw new UsageError('PH_BAD_FILE', `${flag}: cannot read ${file} (${code})`);
  }
}

/**
 * The trust store (Node's list, the system's bundle when there is one, and --ca), the client
 * certificate and the versions, as one secure context. Unreadable or unparsable files are usage
 * errors: said before anything connects.
 */
export function loadTlsConfig(part: TlsPart, systemBundle = SYSTEM_CA_BUNDLE): TlsConfig {
  const extra: string[] = [...systemExtras(systemBundle)];
  for (const file of part.caFiles) {
    const pem = readFile(file, '--ca');
    // OpenSSL skips what is not a certificate without a word: a key given by mistake would trust nothing.
    let cert: X509Certificate;
    try {
      cert = new X509Certificate(pem);
    } catch {
      throw new UsageError('PH_BAD_FILE', `--ca: ${file} holds no certificate (PEM "BEGIN CERTIFICATE", or DER)`);
    }
    // The trust store takes PEM only: a DER file is its one certificate, as PEM.
    extra.push(pem.includes('-----BEGIN') ? pem.toString('latin1') : cert.toString());
  }
  const cert = part.certFile === null ? undefined : readFile(part.certFile, '--cert');
  const key = part.keyFile === null ? undefined : readFile(part.keyFile, '--key');
  const base = {
    ...(cert ? { cert } : {}),
    ...(key ? { key } : {}),
    minVersion: part.minVersion,
    maxVersion: part.maxVersion,
    // OpenSSL 3 refuses TLS 1.0 and 1.1 at its default security level whatever the versions
    // allowed: asked for them, the user means it.
    ...(part.minVersion === 'TLSv1' || part.minVersion === 'TLSv1.1' ? { ciphers: 'DEFAULT:@SECLEVEL=0' } : {}),
  };
  let context: tls.SecureContext;
  try {
    context = trusting(base, extra);
  } catch (err) {
    const which = cert || key ? '--cert/--key' : '--tls-min/--tls-max';
    throw new UsageError('PH_BAD_FILE', `${which}: ${(err as Error).message}`);
  }
  return {
    servername: part.servername ?? undefined,
    alpn: part.alpn,
    insecure: part.insecure,
    clientCert: cert !== undefined,
    context,
  };
}

/**
 * What a mode connects with for these options: the TLS material (read now, for --tls or when files
 * are named) and the dial (TLS with --tls; undefined: TCP).
 */
export function tlsSetup(part: TlsPart, clock: Clock = realClock): { config: TlsConfig | null; dial: Dial | undefined } {
  if (!needsTlsConfig(part)) return { config: null, dial: undefined };
  const config = loadTlsConfig(part);
  return { config, dial: part.implicit ? tlsDial(config, clock) : undefined };
}

/**
 * Node's root store, which it parses once and shares, plus `extra`. Passing them all as `ca`
 * would parse Node's ~140 roots and the system's ~150 again for each context (65 ms measured,
 * against 13 ms this way: a third of a TLS pipe run's start). Node copies its shared store before
 * a context adds to it, so the extras stay this context's.
 */
function trusting(options: tls.SecureContextOptions, extra: readonly string[]): tls.SecureContext {
  const context = tls.createSecureContext(options);
  const native = (context as unknown as { context?: { addCACert?: (pem: string) => void } }).context;
  if (typeof native?.addCACert !== 'function') return tls.createSecureContext({ ...options, ca: [...tls.rootCertificates, ...extra] });
  for (const pem of extra) native.addCACert(pem);
  return context;
}

/** The certificates of the system's bundle that Node's own list lacks (a corporate CA, say). */
function systemExtras(bundle: string): string[] {
  let text: string;
  try {
    text = fs.readFileSync(bundle, 'latin1');
  } catch {
    // No bundle, or unreadable: Node's own list still stands, as on a machine without one.
    return [];
  }
  const norm = (pem: string) => pem.replace(/\s+/g, '');
  const known = new Set(tls.rootCertificates.map(norm));
  return (text.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? []).filter((pem) => !known.has(norm(pem)));
}

/** The name sent as SNI for `host`: --servername, else the host unless it is an address. */
export function sniFor(config: TlsConfig, host: string): string | null {
  if (config.servername !== undefined) return config.servername === '' ? null : config.servername;
  return net.isIP(host) ? null : host;
}

/** Implicit TLS: TCP, then the handshake, then the verdict; a refused certificate is an outcome. */
export function tlsDial(config: TlsConfig, clock: Clock = realClock): Dial {
  return (target, done) => {
    const host = target.host ?? target.address;
    const servername = sniFor(config, host);
    const reads = target.readBuffers ? new ReadBuffers(target.readBuffers) : null;
    const options: tls.ConnectionOptions & { allowHalfOpen: boolean } = {
      host: target.address,
      port: target.port,
      ...handshakeOptions(config, servername),
      // As over TCP: the peer's FIN (after its close_notify) must not end our side. tls.connect
      // passes it to the TLSSocket; its types leave it out.
      allowHalfOpen: true,
      ...(reads ? { onread: reads.onread } : {}),
    };
    const socket = tls.connect(options);
    let settled = false;
    let tcpUp = false;
    let tcpAt = 0;
    const settle = (r: Parameters<typeof done>[0]) => {
      if (settled) return;
      settled = true;
      socket.removeListener('error', onError);
      socket.removeListener('secureConnect', onSecure);
      done(r);
    };
    const onError = (err: NodeJS.ErrnoException) => {
      socket.destroy();
      // Before TCP was up it is TCP's failure (refused, unreachable); after, the handshake's.
      settle(tcpUp ? { outcome: handshakeOutcome(err.code ?? 'PH_TLS_HANDSHAKE', { clientCert: config.clientCert }) } : { error: err });
    };
    const onSecure = () => {
      const v = verdict(socket, config, servername, host, clock.now() - tcpAt, clock);
      settle('refused' in v ? { outcome: v.refused, tls: v.report } : { transport: new TlsTransport(socket, reads, v.report, config.clientCert) });
    };
    socket.once('connect', () => {
      tcpUp = true;
      tcpAt = clock.now();
      socket.setNoDelay(true);
      target.onHandshake?.();
    });
    socket.once('secureConnect', onSecure);
    socket.once('error', onError);
    return () => {
      if (settled) return;
      settled = true;
      socket.removeListener('error', onError);
      socket.removeListener('secureConnect', onSecure);
      socket.on('error', () => {});
      socket.destroy();
    };
  };
}

/**
 * The handshake over a connected TCP socket, for STARTTLS: taken from the transport in place (its
 * stream never read again: what it had buffered past the go-ahead is discarded), then judged as
 * for implicit TLS. Rejects with a TlsUpgradeError that carries the outcome (and what was seen).
 */
export function tlsOver(old: Transport, config: TlsConfig, host: string, timeoutMs: number, clock: Clock = realClock): Promise<TlsTransport> {
  if (!(old instanceof TcpTransport) || old.kind !== 'tcp') return Promise.reject(new TlsUpgradeError(handshakeOutcome('PH_TLS_HANDSHAKE')));
  const { socket: tcp, discarded } = old.release();
  const servername = sniFor(config, host);
  const started = clock.now();
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ socket: tcp, ...handshakeOptions(config, servername) });
    let done = false;
    const finish = (fn: () => void) => {
      if (done) return;
      done = true;
      cancelTimer();
      socket.removeListener('error', onError);
      fn();
    };
    const onError = (err: NodeJS.ErrnoException) =>
      finish(() => {
        socket.destroy();
        reject(new TlsUpgradeError(handshakeOutcome(err.code ?? 'PH_TLS_HANDSHAKE', { clientCert: config.clientCert })));
      });
    const cancelTimer = clock.setTimer(
      () =>
        finish(() => {
          socket.destroy();
          reject(new TlsUpgradeError(handshakeTimeoutOutcome(`${timeoutMs / 1000} s`)));
        }),
      timeoutMs,
    );
    socket.once('error', onError);
    socket.once('secureConnect', () =>
      finish(() => {
        const v = verdict(socket, config, servername, host, clock.now() - started, clock);
        if ('refused' in v) return reject(new TlsUpgradeError(v.refused, v.report));
        resolve(new TlsTransport(socket, null, v.report, config.clientCert, discarded));
      }),
    );
  });
}

/** What every handshake of ours asks for: SNI, ALPN, the trust store, and our own verdict (below). */
function handshakeOptions(config: TlsConfig, servername: string | null): tls.ConnectionOptions {
  return {
    ...(servername ? { servername } : {}),
    ...(config.alpn.length ? { ALPNProtocols: config.alpn } : {}),
    secureContext: config.context,
    rejectUnauthorized: false,
  };
}

/** The handshake judged: go on with its report, or (unless -k) refused, the socket gone. */
function verdict(socket: tls.TLSSocket, config: TlsConfig, servername: string | null, host: string, handshakeMs: number, clock: Clock): { report: TlsReport } | { report: TlsReport; refused: Outcome } {
  const report = reportOf(socket, config, servername, host, handshakeMs, clock);
  if (report.verified || config.insecure) return { report };
  socket.destroy();
  return { report, refused: untrustedOutcome(report) };
}

/** An upgrade that did not happen, and why. */
export class TlsUpgradeError extends Error {
  constructor(
    readonly outcome: Outcome,
    readonly tls?: TlsReport,
  ) {
    super(outcome.label);
  }
}

/** A TLS socket as a Transport: the same stream handling as TCP, with the session's verdict. */
export class TlsTransport extends TcpTransport {
  override readonly kind = 'tls' as const;
  override readonly tls: TlsReport;

  constructor(
    socket: tls.TLSSocket,
    reads: ReadBuffers | null,
    report: TlsReport,
    private readonly clientCert: boolean,
    readonly discardedAtUpgrade = 0,
  ) {
    super(socket, reads);
    this.tls = report;
  }

  override attach(handlers: TransportHandlers): void {
    // An alert after the handshake (a TLS 1.3 server refusing the client certificate says so only
    // then) is still the handshake's failure, and said as one.
    super.attach({
      ...handlers,
      error: (err) => {
        const code = typeof err.code === 'string' ? err.code : '';
        handlers.error(code.startsWith('ERR_SSL_') ? { code, outcome: handshakeOutcome(code, { clientCert: this.clientCert }) } : err);
      },
    });
  }
}

/** What the handshake showed, judged. */
function reportOf(socket: tls.TLSSocket, config: TlsConfig, servername: string | null, host: string, handshakeMs: number, clock: Clock): TlsReport {
  const chain = chainOf(socket.getPeerCertificate(true));
  const leaf = socket.getPeerCertificate(false);
  const checkedName = servername ?? host;
  let nameError: string | null = null;
  if (leaf && Object.keys(leaf).length > 0) {
    const err = tls.checkServerIdentity(checkedName, leaf);
    if (err) nameError = (err as NodeJS.ErrnoException).code ?? 'ERR_TLS_CERT_ALTNAME_INVALID';
  } else {
    nameError = 'PH_TLS_NO_CERTIFICATE';
  }
  const cipher = socket.getCipher();
  return judgeTls(
    {
      version: socket.getProtocol() ?? 'unknown',
      cipher: cipher.standardName ?? cipher.name,
      alpn: typeof socket.alpnProtocol === 'string' ? socket.alpnProtocol : null,
      servername,
      checkedName,
      chainError: chainErrorOf(socket),
      nameError,
      chain,
      insecure: config.insecure,
      handshakeMs,
    },
    // Certificates' dates are wall-clock dates, whatever clock times the session.
    clock === realClock ? Date.now() : clock.now(),
  );
}

/**
 * OpenSSL's verdict on the chain alone. Node, when the chain verifies, runs its own name check and
 * puts a mismatch in the same field: that one is checked (and said) apart here, so it is no chain error.
 */
function chainErrorOf(socket: tls.TLSSocket): string | null {
  if (socket.authorized) return null;
  const code = String(socket.authorizationError ?? 'PH_TLS_UNVERIFIED');
  return code === 'ERR_TLS_CERT_ALTNAME_INVALID' ? null : code;
}

/** The leaf and its issuers as Node linked them, up to the self-issued root (a loop ends it). */
function chainOf(leaf: tls.DetailedPeerCertificate): CertInfo[] {
  const out: CertInfo[] = [];
  const seen = new Set<tls.DetailedPeerCertificate>();
  for (let c: tls.DetailedPeerCertificate | undefined = leaf; c && c.raw && !seen.has(c); c = c.issuerCertificate) {
    seen.add(c);
    out.push(certInfo(c.raw));
  }
  return out;
}

function certInfo(der: Buffer): CertInfo {
  const x = new X509Certificate(der);
  const key = x.publicKey;
  const details = key.asymmetricKeyDetails ?? {};
  return {
    subject: x.subject,
    issuer: x.issuer,
    sans: x.subjectAltName ? x.subjectAltName.split(/,\s*/).filter(Boolean) : [],
    notBefore: new Date(x.validFrom).toISOString(),
    notAfter: new Date(x.validTo).toISOString(),
    keyType: key.asymmetricKeyType ?? 'unknown',
    keyBits: details.modulusLength ?? null,
    curve: details.namedCurve ?? null,
    signatureAlgorithm: signatureAlgorithmOf(der),
    sha256: x.fingerprint256,
    serial: x.serialNumber,
    selfIssued: x.subject === x.issuer,
    caIssuers: /CA Issuers - URI:(\S+)/.exec(x.infoAccess ?? '')?.[1] ?? null,
  };
}
