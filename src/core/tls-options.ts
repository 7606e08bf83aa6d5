// What the command line says of TLS, parsed: the versions and the STARTTLS protocols. Kept apart
// from core/tls and core/starttls, which make words (and so load the sanitizer and string-width):
// the options are resolved for every run, --version and -z included, and should cost nothing.

export type TlsVersion = 'TLSv1' | 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3';
export const TLS_VERSIONS: readonly TlsVersion[] = ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'];

/** "1.2", "tls1.2", "TLSv1.2", "tlsv1" -> Node's name; null when it names no TLS version. */
export function parseTlsVersion(text: string): TlsVersion | null {
  const m = /^(?:tls\s*v?)?\s*1(?:\.([0-3]))?$/i.exec(text.trim());
  if (!m) return null;
  const minor = m[1] ?? '0';
  return minor === '0' ? 'TLSv1' : (`TLSv1.${minor}` as TlsVersion);
}

export type StartTlsProtocol = 'smtp' | 'pop3' | 'imap' | 'ftp';
export const STARTTLS_PROTOCOLS: readonly StartTlsProtocol[] = ['smtp', 'pop3', 'imap', 'ftp'];

/** Parses `--starttls PROTO` and the prompt's argument: a protocol, or auto. */
export function parseStartTlsProtocol(text: string): StartTlsProtocol | 'auto' | null {
  const t = text.trim().toLowerCase();
  if (t === 'auto') return 'auto';
  if (t === 'pop') return 'pop3';
  if (t === 'esmtp') return 'smtp';
  return (STARTTLS_PROTOCOLS as readonly string[]).includes(t) ? (t as StartTlsProtocol) : null;
}
