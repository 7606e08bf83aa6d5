// The lab's HTTP/1.1 server (RFC 9112) on raw lines rather than node:http, so malformed requests and
// bare-LF line endings get the answers a person typing by hand should see.

import type { LineSession, Reply } from './line-service.js';

export const HTTP_MAX_LINE = 8192;
const MAX_HEADERS = 100;
/** Empty lines tolerated before a request line (RFC 9112 2.2 asks for at least one). */
const MAX_LEADING_EMPTY = 8;

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const REQUEST_LINE = /^([^ ]+) ([^ ]+) HTTP\/(\d)\.(\d)$/;

const STATUS_TEXT: Record<number, string> = {
  200: 'OK',
  301: 'Moved Permanently',
  400: 'Bad Request',
  404: 'Not Found',
  405: 'Method Not Allowed',
  431: 'Request Header Fields Too Large',
  505: 'HTTP Version Not Supported',
};

interface Request {
  method: string;
  target: string;
  version: string;
  requestLine: string;
  headers: [string, string][];
}

interface Response {
  status: number;
  body: string;
  headers?: [string, string][];
  /** Close after this response whatever the request asked. */
  close?: boolean;
  /** Sent in chunks of these sizes (HTTP/1.1), as a server streaming its answer does. */
  chunks?: number[];
}

const CHUNKED_BODY = 'This body came in chunks:\neach had its size in hex before it,\nand a chunk of size 0 ended them.\n';

const HOME_PAGE = `Porthole Lab: HTTP practice server
==================================

You reached the lab's HTTP/1.1 server on loopback. Type a request by hand:
a request line, header lines, then an empty line.

  GET / HTTP/1.1            then "Host: 127.0.0.1", then an empty line
  HEAD / HTTP/1.1           the same headers, no body
  GET /headers HTTP/1.1     echoes back the request you sent
  GET /redirect HTTP/1.1    a 301 pointing at /
  GET /chunked HTTP/1.1     a body in chunks (Transfer-Encoding: chunked)
  GET /nowhere HTTP/1.1     404 Not Found
  DELETE / HTTP/1.1         405 Method Not Allowed
  GET / HTTP/1.0            the server closes after its answer

HTTP/1.1 keeps the connection open for another request (keep-alive) unless
you send "Connection: close". HTTP/1.1 needs a Host header; HTTP/1.0 does not.
`;

/** What each path answers to GET (and HEAD, which drops the body). */
const ROUTES: Record<string, (req: Request) => Response> = {
  '/': () => ({ status: 200, body: HOME_PAGE }),
  '/headers': (req) => ({
    status: 200,
    body: `${req.requestLine}\n${req.headers.map(([n, v]) => `${n}: ${v}\n`).join('')}`,
  }),
  '/redirect': () => ({ status: 301, body: 'Moved to /\n', headers: [['Location', '/']] }),
  // Cut mid-line on purpose: the chunks are framing, not lines.
  '/chunked': () => ({ status: 200, body: CHUNKED_BODY, chunks: [10, 30, 20] }),
};

const ALLOWED_METHODS = ['GET', 'HEAD'];

function error(status: number, why: string): Response {
  return { status, body: `${status} ${STATUS_TEXT[status]}: ${why}\n`, close: status === 400 || status === 431 || status === 505 };
}

/** The path of an origin-form (`/x?y`) or absolute-form (`http://h/x`) target, or undefined. */
function targetPath(target: string): string | undefined {
  if (target.startsWith('/')) return target.split('?')[0]!;
  const m = /^https?:\/\/[^/?#]+(\/[^?#]*)?/i.exec(target);
  return m ? (m[1] ?? '/') : undefined;
}

function route(req: Request): Response {
  const path = targetPath(req.target);
  if (path === undefined) return error(400, `bad request target "${req.target}" (it starts with /)`);
  const hosts = req.headers.filter(([n]) => n.toLowerCase() === 'host');
  if (req.version === '1.1' && hosts.length !== 1) {
    return error(400, hosts.length === 0 ? 'HTTP/1.1 requests need a "Host:" header' : 'more than one Host header');
  }
  if (!ALLOWED_METHODS.includes(req.method)) {
    return { ...error(405, `this server answers ${ALLOWED_METHODS.join(' and ')} only`), headers: [['Allow', ALLOWED_METHODS.join(', ')]] };
  }
  const handler = ROUTES[path];
  return handler ? handler(req) : error(404, `nothing at ${path}; try /, /headers or /chunked`);
}

function header(req: Request, name: string): string[] {
  return req.headers.filter(([n]) => n.toLowerCase() === name).map(([, v]) => v);
}

/** The body in chunks of these sizes (the rest in one more), then the last chunk and no trailers. */
function chunk(body: Buffer, sizes: readonly number[]): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  for (const size of [...sizes, body.length]) {
    const piece = body.subarray(at, Math.min(body.length, at + size));
    if (piece.length === 0) break;
    parts.push(Buffer.from(`${piece.length.toString(16)}\r\n`), piece, Buffer.from('\r\n'));
    at += piece.length;
  }
  parts.push(Buffer.from('0\r\n\r\n'));
  return Buffer.concat(parts);
}

export function createHttpSession(now: () => Date = () => new Date()): LineSession {
  let request: Request | undefined;
  let leadingEmpty = 0;

  const send = (res: Response, req: Request | undefined): Reply => {
    const connectionTokens = req ? header(req, 'connection').join(',').toLowerCase().split(/\s*,\s*/) : [];
    // A body we do not read would be parsed as the next request: close instead of desyncing.
    const hasBody =
      req !== undefined &&
      (header(req, 'transfer-encoding').length > 0 || header(req, 'content-length').some((v) => v.trim() !== '0'));
    const close = res.close || !req || req.version === '1.0' || connectionTokens.includes('close') || hasBody;
    const whole = Buffer.from(res.body);
    // Chunked to an HTTP/1.1 client only: an HTTP/1.0 one does not know the framing.
    const chunked = res.chunks !== undefined && req?.version === '1.1';
    const body = chunked ? chunk(whole, res.chunks!) : whole;
    const head = [
      `HTTP/1.1 ${res.status} ${STATUS_TEXT[res.status]}`,
      'Server: porthole-lab',
      `Date: ${now().toUTCString()}`,
      'Content-Type: text/plain; charset=utf-8',
      chunked ? 'Transfer-Encoding: chunked' : `Content-Length: ${body.length}`,
      ...(res.headers ?? []).map(([n, v]) => `${n}: ${v}`),
      `Connection: ${close ? 'close' : 'keep-alive'}`,
    ];
    const withBody = req?.method !== 'HEAD';
    const out = Buffer.concat([Buffer.from(`${head.join('\r\n')}\r\n\r\n`), withBody ? body : Buffer.alloc(0)]);
    request = undefined;
    leadingEmpty = 0;
    return { out, close };
  };

  const startRequest = (text: string): Reply => {
    if (text === '') {
      leadingEmpty++;
      return leadingEmpty > MAX_LEADING_EMPTY ? send(error(400, 'no request line'), undefined) : { out: '' };
    }
    const m = REQUEST_LINE.exec(text);
    if (!m || !TOKEN.test(m[1]!)) {
      return send(error(400, 'a request line is METHOD TARGET HTTP/1.1, e.g. GET / HTTP/1.1'), undefined);
    }
    if (m[3] !== '1') return send(error(505, `HTTP/${m[3]}.${m[4]} is not spoken here; use HTTP/1.1`), undefined);
    request = { method: m[1]!, target: m[2]!, version: `1.${m[4]}`, requestLine: text, headers: [] };
    return { out: '' };
  };

  const headerLine = (req: Request, text: string): Reply => {
    if (text === '') return send(route(req), req);
    if (text.startsWith(' ') || text.startsWith('\t')) return send(error(400, 'folded header lines are obsolete'), req);
    const colon = text.indexOf(':');
    const name = text.slice(0, Math.max(colon, 0));
    if (colon <= 0 || !TOKEN.test(name)) return send(error(400, `bad header line "${text}" (Name: value)`), req);
    if (req.headers.length >= MAX_HEADERS) return send(error(431, 'too many header lines'), req);
    req.headers.push([name, text.slice(colon + 1).trim()]);
    return { out: '' };
  };

  return {
    greeting: '',
    line: (text) => (request ? headerLine(request, text) : startRequest(text)),
    overflow: () => send(error(request ? 431 : 400, 'line too long'), request),
  };
}
