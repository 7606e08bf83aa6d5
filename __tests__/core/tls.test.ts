import {
  chainLines,
  handshakeOutcome,
  handshakeTimeoutOutcome,
  judgeTls,
  parseTlsVersion,
  signatureAlgorithmOf,
  tlsSummary,
  untrustedOutcome,
  verdictWords,
  type CertInfo,
  type TlsFacts,
} from '../../src/core/tls.js';

const NOW = Date.UTC(2026, 11, 1);
const DAY = 86_400_000;

function cert(over: Partial<CertInfo> = {}): CertInfo {
  return {
    subject: 'CN=mail.example.test\nO=Example',
    issuer: 'CN=Example Intermediate CA\nO=Example',
    sans: ['DNS:mail.example.test', 'DNS:smtp.example.test'],
    notBefore: new Date(NOW - 30 * DAY).toISOString(),
    notAfter: new Date(NOW + 60 * DAY).toISOString(),
    keyType: 'rsa',
    keyBits: 2048,
    curve: null,
    signatureAlgorithm: 'sha256WithRSAEncryption',
    sha256: 'AB:CD',
    serial: '1000',
    selfIssued: false,
    caIssuers: 'http://ca.example.test/intermediate.crt',
    ...over,
  };
}

const INTERMEDIATE = cert({ subject: 'CN=Example Intermediate CA\nO=Example', issuer: 'CN=Example Root CA\nO=Example', sans: [] });
const ROOT = cert({ subject: 'CN=Example Root CA\nO=Example', issuer: 'CN=Example Root CA\nO=Example', sans: [], selfIssued: true });

function facts(over: Partial<TlsFacts> = {}): TlsFacts {
  return {
    version: 'TLSv1.3',
    cipher: 'TLS_AES_128_GCM_SHA256',
    alpn: null,
    servername: 'mail.example.test',
    checkedName: 'mail.example.test',
    chainError: null,
    nameError: null,
    chain: [cert(), INTERMEDIATE, ROOT],
    insecure: false,
    handshakeMs: 3,
    ...over,
  };
}

const codes = (f: TlsFacts) => judgeTls(f, NOW).errors.map((e) => e.code);

describe('judging a certificate', () => {
  test('a good chain for the name: verified, with days left for each certificate', () => {
    const r = judgeTls(facts(), NOW);
    expect(r.verified).toBe(true);
    expect(r.errors).toEqual([]);
    expect(r.chain.map((c) => c.daysLeft)).toEqual([60, 60, 60]);
    expect(verdictWords(r)).toBe('verified');
    expect(tlsSummary(r)).toBe('TLSv1.3 TLS_AES_128_GCM_SHA256, verified; mail.example.test, issued by Example Intermediate CA, 60 days left');
  });

  test('each verification code becomes the problem a person fixes, read with the chain sent', () => {
    expect(codes(facts({ chainError: 'DEPTH_ZERO_SELF_SIGNED_CERT', chain: [cert({ selfIssued: true, issuer: 'CN=mail.example.test\nO=Example' })] }))).toEqual(['PH_TLS_SELF_SIGNED']);
    expect(codes(facts({ chainError: 'SELF_SIGNED_CERT_IN_CHAIN' }))).toEqual(['PH_TLS_UNTRUSTED_CA']);
    expect(codes(facts({ chainError: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', chain: [cert()] }))).toEqual(['PH_TLS_INCOMPLETE_CHAIN']);
    // Only the leaf sent, its issuer unknown: the missing intermediate, whatever OpenSSL's code.
    expect(codes(facts({ chainError: 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', chain: [cert()] }))).toEqual(['PH_TLS_INCOMPLETE_CHAIN']);
    // An intermediate sent, its root unknown: a CA not trusted here.
    expect(codes(facts({ chainError: 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', chain: [cert(), INTERMEDIATE] }))).toEqual(['PH_TLS_UNTRUSTED_CA']);
    expect(codes(facts({ chainError: 'CERT_REVOKED' }))).toEqual(['PH_TLS_CERT_INVALID']);
  });

  test('a lone leaf without the address of its issuer may be a private CA\'s: both causes are named', () => {
    const r = judgeTls(facts({ chainError: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', chain: [cert({ caIssuers: null })] }), NOW);
    expect(r.errors.map((e) => e.code)).toEqual(['PH_TLS_UNKNOWN_ISSUER']);
    expect(r.errors[0]!.words).toMatch(/either the server leaves out an intermediate .* or Example Intermediate CA is a private CA/);
    expect(r.errors[0]!.next).toMatch(/--ca FILE/);
    const withAia = judgeTls(facts({ chainError: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', chain: [cert()] }), NOW);
    expect(withAia.errors[0]!.words).toMatch(/a browser fetches it itself \(from http:\/\/ca\.example\.test\/intermediate\.crt\)/);
  });

  test('a bad chain does not hide a wrong name, nor an expired certificate: every problem is said', () => {
    const f = facts({
      chainError: 'SELF_SIGNED_CERT_IN_CHAIN',
      nameError: 'ERR_TLS_CERT_ALTNAME_INVALID',
      checkedName: 'www.example.test',
      chain: [cert({ notAfter: new Date(NOW - 3 * DAY).toISOString() }), INTERMEDIATE, ROOT],
    });
    const r = judgeTls(f, NOW);
    expect(r.errors.map((e) => e.code)).toEqual(['PH_TLS_UNTRUSTED_CA', 'PH_TLS_EXPIRED', 'PH_TLS_NAME_MISMATCH']);
    expect(r.errors[1]!.words).toBe('The certificate (mail.example.test) expired on 2026-11-28, 3 days ago.');
    expect(r.errors[2]!.words).toBe('The certificate is for mail.example.test, smtp.example.test, not www.example.test.');
    expect(r.verified).toBe(false);
    expect(verdictWords(r)).toBe('not trusted: certificate from an untrusted CA, certificate expired, certificate name mismatch');
    const o = untrustedOutcome(r);
    expect(o).toMatchObject({ kind: 'tls-failure', code: 'PH_TLS_UNTRUSTED_CA', exit: 8 });
    expect(o.meaning).toContain('a CA this machine does not trust');
    expect(o.meaning).toContain('expired on 2026-11-28');
  });

  test('an expired CA in the chain is named, and a certificate from the future too', () => {
    const f = facts({ chainError: 'CERT_HAS_EXPIRED', chain: [cert(), cert({ ...INTERMEDIATE, notAfter: new Date(NOW - DAY).toISOString() }), ROOT] });
    const r = judgeTls(f, NOW);
    expect(r.errors.map((e) => e.code)).toEqual(['PH_TLS_EXPIRED']);
    expect(r.errors[0]!.words).toMatch(/^The CA certificate Example Intermediate CA expired/);
    expect(r.errors[0]!.detail).toBe('CERT_HAS_EXPIRED');
    expect(codes(facts({ chainError: 'CERT_NOT_YET_VALID', chain: [cert({ notBefore: new Date(NOW + 5 * DAY).toISOString() })] }))).toEqual(['PH_TLS_NOT_YET_VALID']);
  });

  test('--insecure goes on with the verdict still told', () => {
    const r = judgeTls(facts({ chainError: 'DEPTH_ZERO_SELF_SIGNED_CERT', insecure: true, chain: [cert({ selfIssued: true })] }), NOW);
    expect(r.verified).toBe(false);
    expect(verdictWords(r)).toBe('unverified (--insecure): self-signed certificate');
  });

  test('an IP address with no IP entry in the certificate: the names it does carry, and no --servername advice', () => {
    const r = judgeTls(facts({ servername: null, checkedName: '192.0.2.7', nameError: 'ERR_TLS_CERT_ALTNAME_INVALID' }), NOW);
    expect(r.errors[0]!.words).toBe('The certificate is for mail.example.test, smtp.example.test, not 192.0.2.7.');
    expect(r.errors[0]!.next).toMatch(/IP entries/);
  });

  test('the chain as lines: leaf first, roles, dates in days, the problem marked', () => {
    const r = judgeTls(facts({ chainError: 'CERT_HAS_EXPIRED', chain: [cert({ notAfter: new Date(NOW - DAY).toISOString() }), INTERMEDIATE, ROOT] }), NOW);
    const lines = chainLines(r);
    expect(lines[0]).toBe('TLSv1.3 TLS_AES_128_GCM_SHA256, SNI mail.example.test: not trusted: certificate expired');
    expect(lines[1]).toMatch(/^ {2}! The certificate \(mail\.example\.test\) expired/);
    expect(lines).toContain('0. leaf: CN=mail.example.test, O=Example');
    expect(lines).toContain('1. intermediate: CN=Example Intermediate CA, O=Example');
    expect(lines).toContain('2. root: CN=Example Root CA, O=Example');
    expect(lines.find((l) => l.includes('expired 1 day ago'))).toMatch(/ !$/);
  });
});

describe('handshake failures', () => {
  test('Node\'s codes become the outcome a person acts on, each with exit 8', () => {
    const cases: [string, string][] = [
      ['ERR_SSL_WRONG_VERSION_NUMBER', 'PH_TLS_PLAINTEXT'],
      ['ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION', 'PH_TLS_VERSION'],
      ['ERR_SSL_UNSUPPORTED_PROTOCOL', 'PH_TLS_VERSION'],
      ['ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE', 'PH_TLS_CIPHER'],
      ['ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED', 'PH_TLS_CLIENT_CERT_REQUIRED'],
      ['ECONNRESET', 'PH_TLS_CLOSED'],
      ['ERR_SSL_TLSV1_ALERT_INTERNAL_ERROR', 'PH_TLS_ALERT'],
      ['ERR_SOMETHING_NEW', 'PH_TLS_HANDSHAKE'],
    ];
    for (const [code, ours] of cases) {
      const o = handshakeOutcome(code);
      expect({ code, ours: o.code, kind: o.kind, exit: o.exit }).toEqual({ code, ours, kind: 'tls-failure', exit: 8 });
      expect(o.label).toMatch(/^TLS handshake failed/);
    }
    expect(handshakeOutcome('ERR_SSL_TLSV1_ALERT_INTERNAL_ERROR').label).toBe('TLS handshake failed: the server sent the alert "internal error"');
    expect(handshakeOutcome('ERR_SSL_WRONG_VERSION_NUMBER').next).toMatch(/STARTTLS port/);
  });

  test('an alert about the certificate means the one we lack, unless we sent one', () => {
    expect(handshakeOutcome('ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE').code).toBe('PH_TLS_CLIENT_CERT_REQUIRED');
    expect(handshakeOutcome('ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE', { clientCert: true }).code).toBe('PH_TLS_CLIENT_CERT_REJECTED');
  });

  test('a handshake nobody answers names the likely cause', () => {
    const o = handshakeTimeoutOutcome('10 s');
    expect(o).toMatchObject({ kind: 'tls-failure', code: 'PH_TLS_TIMEOUT', exit: 8 });
    expect(o.label).toBe('TLS handshake timed out after 10 s: the service never answered it');
    expect(o.meaning).toMatch(/plaintext service/);
  });
});

test('TLS versions as people write them', () => {
  expect(parseTlsVersion('1.2')).toBe('TLSv1.2');
  expect(parseTlsVersion('TLSv1.3')).toBe('TLSv1.3');
  expect(parseTlsVersion('tls1.1')).toBe('TLSv1.1');
  expect(parseTlsVersion('1.0')).toBe('TLSv1');
  expect(parseTlsVersion('TLSv1')).toBe('TLSv1');
  expect(parseTlsVersion('SSLv3')).toBeNull();
  expect(parseTlsVersion('1.4')).toBeNull();
});

test('the signature algorithm is read from the DER, which Node 20 does not expose', () => {
  // A self-signed RSA certificate made with `openssl req -x509 -sha384`.
  const der = Buffer.from(
    'MIICAjCCAWugAwIBAgIUAOXnq5iRdP1CmGdzyEoI5cwMyUQwDQYJKoZIhvcNAQEMBQAwEzERMA8GA1UEAwwIcnNhLnRlc3QwHhcNMjYxMjAxMjI0NDMyWhcNMjYxMjMxMjI0NDMyWjATMREwDwYDVQQDDAhyc2EudGVzdDCBnzANBgkqhkiG9w0BAQEFAAOBjQAwgYkCgYEAukMW9kdwYxRY40RGLwAF+Ynzo6ol948Bf9O7IRUywCwsGXdgU1wCpYwHBIQy0ZBuCV+3DxJAcEhfKbOw5nAbbxzYB9hxFy3Vj/AJIA6Kp2t9PCdkhdn3V3QfD6P0ZdWsaPx/ut7F82RWw/gWoXBXc6umF+0eYtKiDxMvToOqVMECAwEAAaNTMFEwHQYDVR0OBBYEFM3VmzALG1VAxjRpc/FZ49Fvr1MfMB8GA1UdIwQYMBaAFM3VmzALG1VAxjRpc/FZ49Fvr1MfMA8GA1UdEwEB/wQFMAMBAf8wDQYJKoZIhvcNAQEMBQADgYEAYSDn2+jOhd+h+0rMMHhCDNygqmjGxBx1VKC3Wl8PR5Dx2AcA7IR3SnvBTr7zZ6y40F+nQ3DiwedTJLqJX8xYdEQu0w/d7vxiJjvcZ7kP5Ho76hIa92LrP+leElgsXgT+Vt4BgU75Mjf042XdfCuejL0jcz0YiQEOqXW9+O+I12A=',
    'base64',
  );
  expect(signatureAlgorithmOf(der)).toBe('sha384WithRSAEncryption');
  expect(signatureAlgorithmOf(der.subarray(0, 40))).toBe('unknown');
  expect(signatureAlgorithmOf(Buffer.from('not a certificate'))).toBe('unknown');
});

test('a chain OpenSSL verified is not refused for an expired certificate the server also sent (an old cross-sign)', () => {
  const oldRoot = cert({ subject: 'CN=Example Root CA\nO=Example', issuer: 'CN=Old Root\nO=Old', sans: [], notAfter: new Date(NOW - 2000 * DAY).toISOString() });
  const r = judgeTls(facts({ chain: [cert(), INTERMEDIATE, oldRoot] }), NOW);
  expect(r.verified).toBe(true);
  expect(r.chain[2]!.outOfDate).toBe(true);
});

test('a certificate\'s words carry its names made visible (pipe and probe print outcomes as they are)', () => {
  const evil = cert({ subject: 'CN=evil\u202egnp.test\u009b31m', sans: ['DNS:evil\u202etest'] });
  const r = judgeTls(facts({ chainError: 'DEPTH_ZERO_SELF_SIGNED_CERT', nameError: 'ERR_TLS_CERT_ALTNAME_INVALID', chain: [evil] }), NOW);
  const words = [...r.errors.map((e) => `${e.words} ${e.next}`), untrustedOutcome(r).meaning, tlsSummary(r), ...chainLines(r)].join('\n');
  expect(words).not.toMatch(/[\u009b\u202e]/);
  expect(words).toContain('<U+202E>');
});
