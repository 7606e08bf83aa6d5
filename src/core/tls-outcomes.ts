// Handshakes that fail, as outcomes: Node's codes (its OpenSSL reason, upper-cased) to words. Apart
// from core/tls, which makes the words of certificates (and loads the sanitizer): the connection
// engine needs only these, and loads them before its first connect.

import { makeOutcome, type Outcome } from './outcome.js';

export type TlsFailureCode =
  | 'PH_TLS_PLAINTEXT'
  | 'PH_TLS_VERSION'
  | 'PH_TLS_CIPHER'
  | 'PH_TLS_CLIENT_CERT_REQUIRED'
  | 'PH_TLS_CLIENT_CERT_REJECTED'
  | 'PH_TLS_TIMEOUT'
  | 'PH_TLS_CLOSED'
  | 'PH_TLS_ALERT'
  | 'PH_TLS_HANDSHAKE';

interface FailureRule {
  code: TlsFailureCode;
  label: string;
  meaning: string;
  next: string;
}

const PLAINTEXT: FailureRule = {
  code: 'PH_TLS_PLAINTEXT',
  label: 'TLS handshake failed: the service answered in plain text',
  meaning: 'TCP connected, but what came back is not TLS: a plaintext service listens on this port.',
  next: 'Is this the STARTTLS port (25, 587, 110, 143)? Try --starttls, or leave out --tls.',
};

const VERSION: FailureRule = {
  code: 'PH_TLS_VERSION',
  label: 'TLS handshake failed: no TLS version in common',
  meaning: 'The server and porthole accept no TLS version in common (porthole accepts TLS 1.2 and 1.3 unless told otherwise).',
  next: 'An old server may speak only TLS 1.0 or 1.1: --tls-min TLSv1 talks to it, if you must; else check --tls-min/--tls-max.',
};

const CIPHER: FailureRule = {
  code: 'PH_TLS_CIPHER',
  label: 'TLS handshake failed: no cipher in common',
  meaning: 'The server refused the handshake: it shares no cipher (or key exchange) with porthole, or it wants something this client did not offer.',
  next: 'Check the ciphers the server allows (openssl s_client -cipher); a server that wants a client certificate may say this too: --cert FILE --key FILE.',
};

const CLIENT_CERT: FailureRule = {
  code: 'PH_TLS_CLIENT_CERT_REQUIRED',
  label: 'TLS handshake failed: the server requires a client certificate',
  meaning: 'The server asked for a client certificate and porthole had none to send.',
  next: 'Give one with --cert FILE --key FILE.',
};

const CLIENT_CERT_REJECTED: FailureRule = {
  code: 'PH_TLS_CLIENT_CERT_REJECTED',
  label: 'TLS handshake failed: the server rejected the client certificate',
  meaning: 'The server did not accept the client certificate porthole sent (not issued by a CA it trusts, expired, or not allowed).',
  next: "Check which CA the server trusts for clients, and the certificate's dates and usage.",
};

const CLOSED: FailureRule = {
  code: 'PH_TLS_CLOSED',
  label: 'TLS handshake failed: the connection was closed during the handshake',
  meaning: 'TCP connected, then the service closed or reset the connection before the TLS handshake finished: it may not speak TLS on this port, or it refused this client (its name, its TLS version).',
  next: 'Check that the port speaks implicit TLS (443, 465, 993, 995), and the server\'s TLS logs; --starttls for a STARTTLS port.',
};

/** Node's codes for what OpenSSL said, by reason. */
const HANDSHAKE_CODES: Record<string, FailureRule> = {
  ERR_SSL_WRONG_VERSION_NUMBER: PLAINTEXT,
  ERR_SSL_PACKET_LENGTH_TOO_LONG: PLAINTEXT,
  ERR_SSL_HTTP_REQUEST: PLAINTEXT,
  ERR_SSL_RECORD_LAYER_FAILURE: PLAINTEXT,
  ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION: VERSION,
  ERR_SSL_UNSUPPORTED_PROTOCOL: VERSION,
  ERR_SSL_NO_PROTOCOLS_AVAILABLE: VERSION,
  ERR_SSL_VERSION_TOO_LOW: VERSION,
  ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE: CIPHER,
  ERR_SSL_NO_SHARED_CIPHER: CIPHER,
  ERR_SSL_NO_CIPHERS_AVAILABLE: CIPHER,
  ERR_SSL_TLSV1_ALERT_INSUFFICIENT_SECURITY: CIPHER,
  ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED: CLIENT_CERT,
  ERR_SSL_PEER_DID_NOT_RETURN_A_CERTIFICATE: CLIENT_CERT,
  ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE: CLIENT_CERT_REJECTED,
  ERR_SSL_TLSV1_ALERT_UNKNOWN_CA: CLIENT_CERT_REJECTED,
  ERR_SSL_SSLV3_ALERT_CERTIFICATE_UNKNOWN: CLIENT_CERT_REJECTED,
  ERR_SSL_TLSV1_ALERT_ACCESS_DENIED: CLIENT_CERT_REJECTED,
  ECONNRESET: CLOSED,
  EPIPE: CLOSED,
};

/**
 * A handshake that failed, as an outcome (exit 8). `code` is Node's error code; `clientCert`:
 * porthole sent one (a TLS 1.3 server that rejects it says so only after the handshake looked done).
 */
export function handshakeOutcome(code: string, opts: { clientCert: boolean } = { clientCert: false }): Outcome {
  let rule = HANDSHAKE_CODES[code];
  // Without a certificate of ours, an alert about "the" certificate is about the one we lack.
  if (rule === CLIENT_CERT_REJECTED && !opts.clientCert) rule = CLIENT_CERT;
  if (rule === undefined) {
    const alert = /^ERR_SSL_(?:SSLV3|TLSV1|TLSV13)_ALERT_(.+)$/.exec(code);
    return makeOutcome('tls-failure', alert ? 'PH_TLS_ALERT' : 'PH_TLS_HANDSHAKE', {
      label: alert ? `TLS handshake failed: the server sent the alert "${alert[1]!.toLowerCase().replaceAll('_', ' ')}"` : `TLS handshake failed (${code})`,
      meaning: 'TCP connected, but the TLS handshake did not complete.',
      next: 'openssl s_client -connect HOST:PORT shows the handshake in detail; check the server\'s TLS logs.',
    });
  }
  return makeOutcome('tls-failure', rule.code, { label: rule.label, meaning: rule.meaning, next: rule.next });
}

/** The server never answered the handshake within the connect timeout. */
export function handshakeTimeoutOutcome(seconds: string): Outcome {
  return makeOutcome('tls-failure', 'PH_TLS_TIMEOUT', {
    label: `TLS handshake timed out after ${seconds}: the service never answered it`,
    meaning: 'TCP connected, but nothing answered the TLS handshake: most often a plaintext service that waits for the client to speak first (HTTP, or a STARTTLS port).',
    next: 'Is this the STARTTLS port? Try --starttls, or leave out --tls; or raise -w if the server is slow.',
  });
}
