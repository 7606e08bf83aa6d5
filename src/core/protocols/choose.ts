// Which protocol helper a session gets: named (--proto, `proto NAME`), else the port's, else
// the banner's. `none` is the raw session: no helper says anything.

export type ProtoName = 'smtp' | 'http' | 'pop3' | 'imap' | 'none';
export const PROTOS: readonly ProtoName[] = ['smtp', 'http', 'pop3', 'imap', 'none'];

const BY_PORT: Readonly<Record<number, ProtoName>> = {
  25: 'smtp',
  465: 'smtp',
  587: 'smtp',
  2525: 'smtp',
  80: 'http',
  8080: 'http',
  443: 'http',
  8443: 'http',
  110: 'pop3',
  995: 'pop3',
  143: 'imap',
  993: 'imap',
};

/** The helper for a port, before anything is said; null when the port does not tell. */
export function protoForPort(port: number): ProtoName | null {
  return BY_PORT[port] ?? null;
}

/** The helper a greeting tells ("220 ... SMTP", "+OK", "* OK"); null when it does not. */
export function protoForBanner(banner: string): ProtoName | null {
  const b = banner.trimStart();
  if (/^220[ -].*\bE?SMTP\b/i.test(b)) return 'smtp';
  if (/^\+OK\b/.test(b)) return 'pop3';
  if (/^\* (OK|PREAUTH)\b/i.test(b)) return 'imap';
  return null;
}

/** `--proto` and `proto NAME`: a helper, or auto; null for a name that is none. */
export function parseProto(text: string): ProtoName | 'auto' | null {
  const t = text.trim().toLowerCase();
  if (t === 'auto') return 'auto';
  if (t === 'pop') return 'pop3';
  if (t === 'https') return 'http';
  if (t === 'raw' || t === 'off') return 'none';
  return (PROTOS as readonly string[]).includes(t) ? (t as ProtoName) : null;
}
