// TLS as a person acts on it: what a handshake failure means, every problem with a certificate
// (not only the first one OpenSSL reports), and the chain in plain fields. Pure: io hands over what
// Node saw (error codes, the verification result, the certificates' fields) and shows what this
// returns. Every certificate field is the peer's text: whoever shows it makes it visible first.

import { makeOutcome, type Outcome } from './outcome.js';
import { toVisible } from './sanitize.js';

/** One certificate's fields, as io read them (node:crypto's X509Certificate). */
export interface CertInfo {
  /** Distinguished names, one attribute a line in Node's form ("CN=a\nO=b"), or as given. */
  subject: string;
  issuer: string;
  /** subjectAltName entries as Node gives them: "DNS:a.example", "IP Address:127.0.0.1". */
  sans: string[];
  /** ISO 8601. */
  notBefore: string;
  notAfter: string;
  /** rsa, ec, ed25519, rsa-pss, ...; and its size in bits (or the curve's), when known. */
  keyType: string;
  keyBits: number | null;
  curve: string | null;
  /** The signature algorithm's name (sha256WithRSAEncryption, ecdsa-with-SHA256), or its OID. */
  signatureAlgorithm: string;
  /** SHA-256 of the DER, hex pairs joined by colons. */
  sha256: string;
  serial: string;
  /** Subject and issuer are the same name: a root (or a self-signed leaf). */
  selfIssued: boolean;
  /**
   * Where its issuer's certificate may be fetched (Authority Information Access, CA Issuers):
   * public CAs put it in every certificate, private CAs seldom. Null without.
   */
  caIssuers: string | null;
}

/** What io saw of a completed handshake. */
export interface TlsFacts {
  version: string;
  cipher: string;
  alpn: string | null;
  /** The name sent as SNI and checked against the certificate; null for an IP address. */
  servername: string | null;
  /** The name the certificate must carry: the servername, or the IP address connected to. */
  checkedName: string;
  /** OpenSSL's verification error (Node's authorizationError code), or null when the chain verified. */
  chainError: string | null;
  /** tls.checkServerIdentity's verdict for checkedName: null when it matches. */
  nameError: string | null;
  /** Leaf first, then each issuer as Node linked them (the root from the trust store included). */
  chain: CertInfo[];
  /** -k: go on whatever the verdict; it is still reported. */
  insecure: boolean;
  /** From the end of the TCP connect to the end of the handshake. */
  handshakeMs: number;
}

/** A problem with the certificate: a stable code, what is wrong, and what to do. */
export interface TlsProblem {
  code: TlsProblemCode;
  /** Node's (OpenSSL's) own code, where there is one. */
  detail: string | null;
  words: string;
  next: string;
}

export type TlsProblemCode =
  | 'PH_TLS_SELF_SIGNED'
  | 'PH_TLS_UNTRUSTED_CA'
  | 'PH_TLS_INCOMPLETE_CHAIN'
  | 'PH_TLS_UNKNOWN_ISSUER'
  | 'PH_TLS_EXPIRED'
  | 'PH_TLS_NOT_YET_VALID'
  | 'PH_TLS_NAME_MISMATCH'
  | 'PH_TLS_CERT_INVALID';

/** The certificate side of a TLS session, as shown and as `--json` reports it. */
export interface TlsReport {
  version: string;
  cipher: string;
  alpn: string | null;
  servername: string | null;
  verified: boolean;
  insecure: boolean;
  errors: TlsProblem[];
  chain: CertSummary[];
  handshakeMs: number;
}

export interface CertSummary extends CertInfo {
  /** Whole days until notAfter; negative once expired. */
  daysLeft: number;
  /** Outside its validity period now (expired, or not valid yet). */
  outOfDate: boolean;
}

const DAY_MS = 86_400_000;

/**
 * A DN's common name, or the whole DN on one line when it has none; made visible, as everything
 * of a certificate that goes into words (outcomes are printed as they are by pipe and probe).
 * OpenSSL escapes C0 controls in names itself but passes C1 and bidi controls through.
 */
export function commonName(dn: string): string {
  const cn = dn.split('\n').find((part) => part.startsWith('CN='));
  return cn ? toVisible(cn.slice(3)) : oneLineDn(dn);
}

export function oneLineDn(dn: string): string {
  return toVisible(dn.split('\n').filter(Boolean).join(', '));
}

/** The DNS names and addresses a certificate is for (its SANs; its CN when it has none), visible. */
export function namesOf(cert: CertInfo): string[] {
  const names = cert.sans.map((s) => toVisible(s.replace(/^(DNS|IP Address):/, ''))).filter(Boolean);
  return names.length > 0 ? names : [commonName(cert.subject)];
}

function shortList(items: readonly string[], most = 4): string {
  const shown = items.slice(0, most).join(', ');
  return items.length > most ? `${shown} and ${items.length - most} more` : shown;
}

function date(iso: string): string {
  return iso.slice(0, 10);
}

/**
 * What OpenSSL's verification code says about the chain, in words: read with the chain the server
 * sent, since one code covers cases a person fixes differently (a missing intermediate, or a CA
 * nobody here trusts).
 */
function chainProblem(code: string, chain: readonly CertInfo[]): TlsProblem | null {
  const leaf = chain[0];
  const last = chain.at(-1);
  const leafName = leaf ? commonName(leaf.subject) : 'the certificate';
  const trustHint = 'If it is your organisation\'s CA, trust it with --ca FILE; -k/--insecure goes on without trust.';
  switch (code) {
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
      return {
        code: 'PH_TLS_SELF_SIGNED',
        detail: code,
        words: `The certificate (${leafName}) is self-signed: it vouches for itself, and nothing here trusts it.`,
        next: `Trust this very certificate with --ca FILE if you know it is the server's; -k/--insecure goes on without trust.`,
      };
    case 'SELF_SIGNED_CERT_IN_CHAIN':
      return {
        code: 'PH_TLS_UNTRUSTED_CA',
        detail: code,
        words: `The chain ends in ${last ? commonName(last.subject) : 'a root'}, a CA this machine does not trust.`,
        next: trustHint,
      };
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE': {
      const issuer = leaf ? commonName(leaf.issuer) : 'its issuer';
      // A certificate that says where its issuer is to be had comes from a CA that publishes its
      // intermediates (every public one): the server left it out. Without, it may be a private CA.
      if (leaf?.caIssuers) {
        return {
          code: 'PH_TLS_INCOMPLETE_CHAIN',
          detail: code,
          words: `The server sent ${leafName} without the intermediate that issued it (${issuer}): a browser fetches it itself (from ${leaf.caIssuers}) and works, other clients fail.`,
          next: 'Configure the server to send the full chain: its certificate, then the intermediates.',
        };
      }
      return {
        code: 'PH_TLS_UNKNOWN_ISSUER',
        detail: code,
        words: `The server sent ${leafName} alone, and its issuer, ${issuer}, is neither sent nor trusted here: either the server leaves out an intermediate (a browser may fetch it and work, other clients fail), or ${issuer} is a private CA.`,
        next: `Configure the server to send its full chain; if ${issuer} is your organisation's CA, trust it with --ca FILE.`,
      };
    }
    case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
    case 'UNABLE_TO_GET_ISSUER_CERT': {
      // Only the leaf was sent: the classic missing intermediate. Else the chain stops at a CA
      // whose issuer is neither sent nor trusted here.
      if (chain.length <= 1 || (last && last === leaf)) return chainProblem('UNABLE_TO_VERIFY_LEAF_SIGNATURE', chain);
      return {
        code: 'PH_TLS_UNTRUSTED_CA',
        detail: code,
        words: `The chain stops at ${last ? commonName(last.subject) : 'a CA'}, issued by ${last ? commonName(last.issuer) : 'a CA'}, which the server did not send and this machine does not trust.`,
        next: `If the server left out an intermediate, configure it to send the full chain. ${trustHint}`,
      };
    }
    case 'CERT_HAS_EXPIRED':
    case 'CERT_NOT_YET_VALID':
      // Said by datesProblems, for every certificate of the chain and with the dates.
      return null;
    default:
      return {
        code: 'PH_TLS_CERT_INVALID',
        detail: code,
        words: `The certificate chain did not verify (${code}).`,
        next: 'openssl verify on the chain tells more; -k/--insecure goes on without trust.',
      };
  }
}

function datesProblems(chain: readonly CertInfo[], now: number, chainError: string | null): TlsProblem[] {
  const out: TlsProblem[] = [];
  chain.forEach((cert, i) => {
    const which = i === 0 ? `The certificate (${commonName(cert.subject)})` : `The CA certificate ${commonName(cert.subject)}`;
    const notAfter = Date.parse(cert.notAfter);
    const notBefore = Date.parse(cert.notBefore);
    if (Number.isFinite(notAfter) && notAfter < now) {
      const days = Math.floor((now - notAfter) / DAY_MS);
      out.push({
        code: 'PH_TLS_EXPIRED',
        detail: chainError === 'CERT_HAS_EXPIRED' ? chainError : null,
        words: `${which} expired on ${date(cert.notAfter)}, ${days} day${days === 1 ? '' : 's'} ago.`,
        next: 'Renew it on the server (or check this machine\'s clock).',
      });
    } else if (Number.isFinite(notBefore) && notBefore > now) {
      out.push({
        code: 'PH_TLS_NOT_YET_VALID',
        detail: chainError === 'CERT_NOT_YET_VALID' ? chainError : null,
        words: `${which} is not valid before ${date(cert.notBefore)}.`,
        next: "Check this machine's clock and the server's (a certificate issued in the future is usually a clock that is wrong).",
      });
    }
  });
  return out;
}

function nameProblem(facts: TlsFacts): TlsProblem | null {
  if (facts.nameError === null) return null;
  const leaf = facts.chain[0];
  const names = leaf ? namesOf(leaf) : [];
  return {
    code: 'PH_TLS_NAME_MISMATCH',
    detail: facts.nameError,
    words: names.length
      ? `The certificate is for ${shortList(names)}, not ${facts.checkedName}.`
      : `The certificate names no host, so it is not for ${facts.checkedName}.`,
    next:
      facts.servername === null
        ? 'Connect by one of those names (an IP address is checked against the certificate\'s IP entries).'
        : 'Connect by one of those names, or name the one the server should pick with --servername NAME.',
  };
}

/** Every problem with the certificate, chain and dates and name alike, and the summary shown. */
export function judgeTls(facts: TlsFacts, now: number): TlsReport {
  const errors: TlsProblem[] = [];
  const chain = facts.chainError === null ? null : chainProblem(facts.chainError, facts.chain);
  if (chain) errors.push(chain);
  // A chain OpenSSL verified had its dates checked on the path it built; the certificates a server
  // sends may hold more (an old cross-signed root) that no path used: dating those would refuse
  // a good chain. A date error dates them all (one is the cause); any other error, the leaf.
  const dated = facts.chainError === null ? [] : facts.chainError === 'CERT_HAS_EXPIRED' || facts.chainError === 'CERT_NOT_YET_VALID' ? facts.chain : facts.chain.slice(0, 1);
  errors.push(...datesProblems(dated, now, facts.chainError));
  // OpenSSL said the chain is bad in a way the dates did not explain: keep its word for it.
  if (facts.chainError !== null && errors.length === 0) errors.push(chainProblem('default', facts.chain)!);
  const name = nameProblem(facts);
  if (name) errors.push(name);
  return {
    version: facts.version,
    cipher: facts.cipher,
    alpn: facts.alpn,
    servername: facts.servername,
    verified: errors.length === 0,
    insecure: facts.insecure,
    errors,
    chain: facts.chain.map((c) => ({
      ...c,
      daysLeft: Math.floor((Date.parse(c.notAfter) - now) / DAY_MS),
      outOfDate: Date.parse(c.notAfter) < now || Date.parse(c.notBefore) > now,
    })),
    handshakeMs: facts.handshakeMs,
  };
}

const PROBLEM_LABELS: Record<TlsProblemCode, string> = {
  PH_TLS_SELF_SIGNED: 'self-signed certificate',
  PH_TLS_UNTRUSTED_CA: 'certificate from an untrusted CA',
  PH_TLS_INCOMPLETE_CHAIN: 'incomplete certificate chain',
  PH_TLS_UNKNOWN_ISSUER: 'certificate issuer unknown',
  PH_TLS_EXPIRED: 'certificate expired',
  PH_TLS_NOT_YET_VALID: 'certificate not yet valid',
  PH_TLS_NAME_MISMATCH: 'certificate name mismatch',
  PH_TLS_CERT_INVALID: 'certificate did not verify',
};

/** The verdict in a few words: "verified", or the problems. */
export function verdictWords(r: TlsReport): string {
  if (r.verified) return 'verified';
  const problems = r.errors.map((e) => PROBLEM_LABELS[e.code]).join(', ');
  return r.insecure ? `unverified (--insecure): ${problems}` : `not trusted: ${problems}`;
}

/** A certificate that did not verify, as the outcome of a connection that was refused for it. */
export function untrustedOutcome(r: TlsReport): Outcome {
  const first = r.errors[0]!;
  return makeOutcome('tls-failure', first.code, {
    label: `TLS certificate not trusted: ${r.errors.map((e) => PROBLEM_LABELS[e.code]).join(', ')}`,
    meaning: r.errors.map((e) => e.words).join(' '),
    next: `${first.next}${first.next.includes('--insecure') ? '' : ' -k/--insecure goes on anyway, the verdict still shown.'}`,
  });
}

export { handshakeOutcome, handshakeTimeoutOutcome, type TlsFailureCode } from './tls-outcomes.js';
export { parseTlsVersion, TLS_VERSIONS, type TlsVersion } from './tls-options.js';

// ---------------------------------------------------------------------------------------------
// The certificate's signature algorithm, which Node 20's X509Certificate does not expose: read
// from the DER (Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signature }).

const SIGNATURE_OIDS: Record<string, string> = {
  '1.2.840.113549.1.1.5': 'sha1WithRSAEncryption',
  '1.2.840.113549.1.1.4': 'md5WithRSAEncryption',
  '1.2.840.113549.1.1.10': 'rsassaPss',
  '1.2.840.113549.1.1.11': 'sha256WithRSAEncryption',
  '1.2.840.113549.1.1.12': 'sha384WithRSAEncryption',
  '1.2.840.113549.1.1.13': 'sha512WithRSAEncryption',
  '1.2.840.10045.4.1': 'ecdsa-with-SHA1',
  '1.2.840.10045.4.3.2': 'ecdsa-with-SHA256',
  '1.2.840.10045.4.3.3': 'ecdsa-with-SHA384',
  '1.2.840.10045.4.3.4': 'ecdsa-with-SHA512',
  '1.3.101.112': 'ED25519',
  '1.3.101.113': 'ED448',
};

/** A DER element's content range at `at`: [start of content, end], or null if malformed. */
function element(der: Uint8Array, at: number): { tag: number; start: number; end: number } | null {
  if (at + 2 > der.length) return null;
  const tag = der[at]!;
  let len = der[at + 1]!;
  let start = at + 2;
  if (len & 0x80) {
    const bytes = len & 0x7f;
    if (bytes === 0 || bytes > 4 || start + bytes > der.length) return null;
    len = 0;
    for (let i = 0; i < bytes; i++) len = len * 256 + der[start + i]!;
    start += bytes;
  }
  const end = start + len;
  return end > der.length ? null : { tag, start, end };
}

function oidText(bytes: Uint8Array): string {
  const parts: number[] = [];
  let value = 0;
  for (let i = 0; i < bytes.length; i++) {
    value = value * 128 + (bytes[i]! & 0x7f);
    if ((bytes[i]! & 0x80) === 0) {
      if (parts.length === 0) parts.push(value < 80 ? Math.floor(value / 40) : 2, value < 80 ? value % 40 : value - 80);
      else parts.push(value);
      value = 0;
    }
  }
  return parts.join('.');
}

/** The certificate's signature algorithm by name (its OID when unknown); 'unknown' if the DER is not a certificate. */
export function signatureAlgorithmOf(der: Uint8Array): string {
  const cert = element(der, 0);
  if (!cert || cert.tag !== 0x30) return 'unknown';
  const tbs = element(der, cert.start);
  if (!tbs) return 'unknown';
  const alg = element(der, tbs.end);
  if (!alg || alg.tag !== 0x30) return 'unknown';
  const oid = element(der, alg.start);
  if (!oid || oid.tag !== 0x06) return 'unknown';
  const text = oidText(der.subarray(oid.start, oid.end));
  return SIGNATURE_OIDS[text] ?? text;
}

// ---------------------------------------------------------------------------------------------
// The chain as people read it.

function keyWords(c: CertInfo): string {
  if (c.curve) return `${c.keyType.toUpperCase()} ${c.curve}`;
  return c.keyBits ? `${c.keyType.toUpperCase()} ${c.keyBits}` : c.keyType.toUpperCase();
}

function daysWords(days: number): string {
  if (days < 0) return `expired ${-days} day${days === -1 ? '' : 's'} ago`;
  return `${days} day${days === 1 ? '' : 's'} left`;
}

/**
 * The one-line summary: version, cipher, verdict, and the leaf's subject, issuer and days left.
 * Without the verdict where the line says it already (a refused certificate's outcome).
 */
export function tlsSummary(r: TlsReport, opts: { verdict?: boolean } = {}): string {
  const leaf = r.chain[0];
  const alpn = r.alpn ? `, ALPN ${r.alpn}` : '';
  const verdict = opts.verdict === false ? '' : `, ${verdictWords(r)}`;
  const who = leaf ? `; ${commonName(leaf.subject)}, issued by ${commonName(leaf.issuer)}, ${daysWords(leaf.daysLeft)}` : '';
  return `${r.version} ${r.cipher}${alpn}${verdict}${who}`;
}

/** The whole chain, leaf first, a few lines a certificate, with the problems marked. */
export function chainLines(r: TlsReport): string[] {
  const out: string[] = [`${r.version} ${r.cipher}${r.alpn ? `, ALPN ${r.alpn}` : ''}${r.servername ? `, SNI ${r.servername}` : ', no SNI'}: ${verdictWords(r)}`];
  for (const e of r.errors) out.push(`  ! ${e.words} ${e.next}`);
  r.chain.forEach((c, i) => {
    const role = i === 0 ? 'leaf' : c.selfIssued ? 'root' : 'intermediate';
    const expired = c.outOfDate ? ' !' : '';
    out.push(`${i}. ${role}: ${oneLineDn(c.subject)}`);
    out.push(`   issuer ${oneLineDn(c.issuer)}`);
    if (c.sans.length) out.push(`   names ${shortList(c.sans.map((s) => toVisible(s.replace(/^(DNS|IP Address):/, ''))), 8)}`);
    out.push(`   valid ${date(c.notBefore)} to ${date(c.notAfter)} (${daysWords(c.daysLeft)})${expired}`);
    out.push(`   key ${keyWords(c)}, signed ${c.signatureAlgorithm}, serial ${c.serial}`);
    out.push(`   sha256 ${c.sha256}`);
  });
  return out;
}

/** The `tls` object of `--json`. */
export function tlsRecord(r: TlsReport): Record<string, unknown> {
  return {
    version: r.version,
    cipher: r.cipher,
    alpn: r.alpn,
    servername: r.servername,
    verified: r.verified,
    insecure: r.insecure,
    handshakeMs: Math.round(r.handshakeMs * 1000) / 1000,
    errors: r.errors.map((e) => ({ code: e.code, detail: e.detail, words: e.words, next: e.next })),
    chain: r.chain.map((c) => ({
      // As the certificate has them: JSON carries values, and safeJson escapes what a terminal would act on.
      subject: c.subject.split('\n').filter(Boolean).join(', '),
      issuer: c.issuer.split('\n').filter(Boolean).join(', '),
      sans: c.sans,
      notBefore: c.notBefore,
      notAfter: c.notAfter,
      daysLeft: c.daysLeft,
      keyType: c.keyType,
      keyBits: c.keyBits,
      curve: c.curve,
      signatureAlgorithm: c.signatureAlgorithm,
      sha256: c.sha256,
      serial: c.serial,
    })),
  };
}
