// HTTP's answers as a person reads them: the status code in words with the next step, and, where
// the headers end, whether the connection stays open for another request. Tables, not branches.

/** Status codes worth a word (RFC 9110); a plain 200 needs none. */
const STATUS: Readonly<Record<number, string>> = {
  100: 'continue: send the body',
  101: 'switching protocols (a WebSocket or an upgrade): what follows is not HTTP',
  201: 'created',
  204: 'no content: the answer has no body',
  206: 'partial content: the range asked for',
  301: 'moved for good: see the Location header',
  302: 'found elsewhere for now: see the Location header',
  303: 'see other: GET the Location header',
  304: 'not modified: your cached copy is current',
  307: 'moved for now, same method: see the Location header',
  308: 'moved for good, same method: see the Location header',
  400: 'bad request: the request line or a header is malformed (HTTP/1.1 needs a Host header)',
  401: 'authentication required: see the WWW-Authenticate header',
  403: 'forbidden: the server will not serve this to you',
  404: 'not found: nothing at this path (check the path and the Host header)',
  405: 'method not allowed here: see the Allow header',
  406: 'not acceptable: nothing matches your Accept headers',
  408: 'request timeout: the server waited too long for the request (end it with an empty line)',
  409: 'conflict with the state of the resource',
  410: 'gone for good',
  411: 'length required: give Content-Length with a body',
  413: 'the body is too large for this server',
  414: 'the path is too long',
  415: 'unsupported media type: check Content-Type',
  421: 'misdirected: this server does not serve that Host (check the name, and SNI over TLS)',
  426: 'upgrade required: use TLS or the protocol the Upgrade header names',
  429: 'too many requests: slow down (see Retry-After)',
  431: 'the headers are too large',
  451: 'unavailable for legal reasons',
  500: 'internal server error: the application failed (see its logs)',
  501: 'not implemented: the server does not know this method',
  502: 'bad gateway: the proxy in front got a bad answer from the server behind it',
  503: 'service unavailable: overloaded or down for maintenance (see Retry-After)',
  504: 'gateway timeout: the proxy in front got no answer in time from the server behind it',
  505: 'HTTP version not supported',
};

/** A status line ("HTTP/1.1 404 Not Found"): its version and code; null for any other line. */
export function statusLine(line: string): { version: string; code: number } | null {
  const m = /^HTTP\/(\d(?:\.\d)?) ([1-5]\d\d)(?: |$)/.exec(line);
  return m ? { version: m[1]!, code: Number(m[2]) } : null;
}

/** The status in words, or null for a plain success. */
export function explainStatus(code: number): string | null {
  const words = STATUS[code];
  if (words) return `${code}: ${words}.`;
  if (code >= 200 && code < 300) return null;
  const cls = code < 200 ? 'informational' : code < 400 ? 'redirection' : code < 500 ? 'client error' : 'server error';
  return `${code}: ${cls}.`;
}

/** What the headers said of the connection and the body. */
export interface HeadersSeen {
  version: string;
  code: number;
  connection: string | null;
  /** Content-Length or chunked: where the body ends is known. */
  framed: boolean;
  /** Keep-Alive's timeout=N, in seconds, when the server said it. */
  idleS?: number;
}

/** Where the headers end: what happens next (null for an interim 1xx, whose final answer follows). */
export function afterHeaders(h: HeadersSeen): string | null {
  if (h.code === 101) return 'What follows is no longer HTTP (switched protocols).';
  if (h.code < 200) return null;
  const close = h.connection !== null && /\bclose\b/i.test(h.connection);
  const keep = h.connection !== null && /\bkeep-alive\b/i.test(h.connection);
  const bodiless = h.code === 204 || h.code === 304;
  if (!bodiless && !h.framed) return 'The body runs until the server closes the connection (no Content-Length, not chunked).';
  if (close || (h.version === '1.0' && !keep)) return 'The server closes the connection after this answer.';
  const when = h.idleS !== undefined ? `in ${h.idleS} s` : 'when idle';
  return `The server keeps the connection open after this answer: send another request, or it closes ${when}.`;
}
