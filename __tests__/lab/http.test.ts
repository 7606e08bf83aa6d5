import { type Lab, startLab } from '../../src/lab/lab.js';
import { LabClient } from '../../src/lab/lab-client.js';

let lab: Lab;
const open: LabClient[] = [];

async function connect(): Promise<LabClient> {
  const client = await LabClient.connect(lab.ports.http);
  open.push(client);
  return client;
}

interface Response {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** One response: head up to the empty line, then Content-Length bytes (none for HEAD). */
async function response(client: LabClient, head = false): Promise<Response> {
  const text = await client.until('\r\n\r\n');
  const [statusLine, ...lines] = text.slice(0, -4).split('\r\n');
  const status = Number(/^HTTP\/1\.1 (\d{3}) /.exec(statusLine!)![1]);
  const headers = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]));
  const length = Number(headers['content-length']);
  const body = head ? '' : (await client.bytes(length)).toString('utf8');
  return { status, headers, body };
}

beforeAll(async () => {
  lab = await startLab({ only: ['http'] });
});
afterEach(() => {
  for (const c of open.splice(0)) c.close();
});
afterAll(() => lab.close());

describe('the lab HTTP service', () => {
  it('keeps the connection alive for a second request and gives HEAD the same headers without a body', async () => {
    const http = await connect();
    http.send('GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    const first = await response(http);
    expect(first.status).toBe(200);
    expect(first.headers.connection).toBe('keep-alive');
    expect(Buffer.byteLength(first.body)).toBe(Number(first.headers['content-length']));
    expect(first.body).toContain('Porthole Lab');

    http.send('HEAD / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    const head = await response(http, true);
    expect(head.status).toBe(200);
    expect(head.headers['content-length']).toBe(first.headers['content-length']);

    // Nothing follows the HEAD response: the next bytes are the next response.
    http.send('GET /nowhere HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n');
    const missing = await response(http);
    expect(missing.status).toBe(404);
    expect(missing.headers.connection).toBe('close');
    await http.end();
  });

  it('echoes the request headers on /headers and answers 405 with Allow to other methods', async () => {
    const http = await connect();
    http.send('GET /headers HTTP/1.1\r\nHost: lab\r\nX-Practice: yes please\r\n\r\nDELETE / HTTP/1.1\r\nHost: lab\r\n\r\n');
    const echoed = await response(http);
    expect(echoed.body).toBe('GET /headers HTTP/1.1\nHost: lab\nX-Practice: yes please\n');
    const refused = await response(http);
    expect(refused.status).toBe(405);
    expect(refused.headers.allow).toBe('GET, HEAD');
  });

  it('sends /chunked in chunks cut mid-line to HTTP/1.1, with Content-Length to HTTP/1.0', async () => {
    const http = await connect();
    http.send('GET /chunked HTTP/1.1\r\nHost: lab\r\n\r\n');
    const head = await http.until('\r\n\r\n');
    expect(head).toMatch(/\r\nTransfer-Encoding: chunked\r\n/);
    expect(head).not.toMatch(/Content-Length/);
    const framed = await http.until('0\r\n\r\n');
    expect(framed).toBe('a\r\nThis body \r\n1e\r\ncame in chunks:\neach had its s\r\n14\r\nize in hex before it\r\n24\r\n,\nand a chunk of size 0 ended them.\n\r\n0\r\n\r\n');
    const old = await connect();
    old.send('GET /chunked HTTP/1.0\r\n\r\n');
    const r = await response(old);
    expect(r.headers['content-length']).toBe('96');
    expect(r.body).toMatch(/^This body came in chunks:\n/);
  });

  it('takes a request typed with bare LF line endings', async () => {
    const http = await connect();
    http.send('GET / HTTP/1.1\nHost: 127.0.0.1\n\n');
    expect((await response(http)).status).toBe(200);
  });

  it('answers a malformed request line with 400 and closes', async () => {
    const http = await connect();
    http.send('GET /\r\n');
    const bad = await response(http);
    expect(bad.status).toBe(400);
    expect(bad.headers.connection).toBe('close');
    await http.end();
  });

  it('wants a Host header in HTTP/1.1 and closes after an HTTP/1.0 response', async () => {
    const noHost = await connect();
    noHost.send('GET / HTTP/1.1\r\n\r\n');
    const bad = await response(noHost);
    expect(bad.status).toBe(400);
    expect(bad.body).toMatch(/Host/);

    const old = await connect();
    old.send('GET / HTTP/1.0\r\n\r\n');
    const res = await response(old);
    expect(res.status).toBe(200);
    expect(res.headers.connection).toBe('close');
    await old.end();
  });
});
