import { HttpView } from '../../../src/core/protocols/http-view.js';
import type { ViewItem } from '../../../src/core/protocols/pane-view.js';

const bytes = (s: string) => Buffer.from(s, 'latin1');
/** What the pane shows: the bytes as text, notes on lines of their own marked with ##. */
function shown(items: ViewItem[]): string {
  return items.map((i) => (i.type === 'bytes' ? Buffer.from(i.data).toString('latin1') : i.type === 'note' ? `##${i.text}##` : `@@${i.code}@@`)).join('');
}
function feed(view: HttpView, parts: string[], raw = false, now = 10): string {
  return parts.map((p, k) => shown(view.push(bytes(p), now + k, raw))).join('');
}
const request = (view: HttpView, method = 'GET', now = 0) => {
  view.sent(`${method} / HTTP/1.1`, now);
  view.sent('Host: x', now);
  view.sent('', now);
};

const HEAD = 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n';
const CHUNKED = `${HEAD}4\r\nWiki\r\n6;ext=1\r\npedia \r\nE\r\nin \r\n\r\nchunks.\r\n0\r\nX-Trailer: yes\r\n\r\n`;

test('a chunked body is shown decoded: its size lines and CRLFs are framing; trailers shown', () => {
  const v = new HttpView();
  request(v);
  const out = feed(v, [CHUNKED]);
  expect(out).toBe(`${HEAD}Wikipedia in \r\n\r\nchunks.X-Trailer: yes\r\n##↳ 200: request sent -> first byte 10.0 ms -> last byte 10.0 ms; body 24 bytes in 3 chunks, shown decoded (toggle raw for the chunk sizes).##@@200@@`);
});

test('chunked decoding split at every byte gives the same bytes and notes', () => {
  const whole = (() => {
    const v = new HttpView();
    request(v);
    return feed(v, [CHUNKED]).replace(/\d+\.\d ms/g, 'T');
  })();
  for (let cut = 1; cut < CHUNKED.length; cut++) {
    for (const second of [cut + 1, CHUNKED.length]) {
      const v = new HttpView();
      request(v);
      const parts = [CHUNKED.slice(0, cut), CHUNKED.slice(cut, second), CHUNKED.slice(second)].filter((p) => p !== '');
      expect(feed(v, parts).replace(/\d+\.\d ms/g, 'T')).toBe(whole);
    }
  }
  // And one byte at a time.
  const v = new HttpView();
  request(v);
  expect(feed(v, [...CHUNKED]).replace(/\d+\.\d ms/g, 'T')).toBe(whole);
});

test('raw: every byte as it came, the notes still said', () => {
  const v = new HttpView();
  request(v);
  const out = feed(v, [CHUNKED.slice(0, 30), CHUNKED.slice(30)], true);
  expect(out.replace(/##.*##@@200@@/, '')).toBe(CHUNKED);
  expect(out).toMatch(/##↳ 200: .*3 chunks.*##@@200@@$/);
});

test('Content-Length frames the body; the next answer (pipelined) starts right after it', () => {
  const v = new HttpView();
  request(v, 'GET', 0);
  request(v, 'GET', 1);
  const two = 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhelloHTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n';
  const out = feed(v, [two.slice(0, 40), two.slice(40)]);
  expect(out).toMatch(/^HTTP\/1\.1 200 OK\r\nContent-Length: 5\r\n\r\nhello##↳ 200: request sent -> first byte 10\.0 ms -> last byte 11\.0 ms; body 5 bytes \(Content-Length\)\.##@@200@@HTTP\/1\.1 404 Not Found\r\n/);
  expect(out).toMatch(/##↳ 404: request sent -> first byte 10\.0 ms -> last byte 10\.0 ms; body 0 bytes \(Content-Length\)\.##@@404@@$/);
});

test('no body for HEAD, 204 and 304; a body to the close ends at the close; a cut body is said', () => {
  const head = new HttpView();
  request(head, 'HEAD');
  expect(feed(head, ['HTTP/1.1 200 OK\r\nContent-Length: 999\r\n\r\n'])).toMatch(/no body\.##@@200@@$/);
  const close = new HttpView();
  request(close);
  expect(feed(close, ['HTTP/1.0 200 OK\r\n\r\nall of it'])).toBe('HTTP/1.0 200 OK\r\n\r\nall of it');
  expect(shown(close.end(20))).toMatch(/^##↳ 200: .*last byte 20\.0 ms; body 9 bytes, ended by the close\.##@@200@@$/);
  const cut = new HttpView();
  request(cut);
  feed(cut, ['HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc']);
  expect(shown(cut.end(20))).toMatch(/closed before the body ended/);
});

test('a compressed body is said, not dumped; 100 Continue waits for the final answer', () => {
  const v = new HttpView();
  request(v);
  const out = feed(v, ['HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: 4\r\n\r\n\x1f\x8b\x08\x00']);
  expect(out).not.toMatch(/\x1f\x8b/);
  expect(out).toMatch(/##↳ The body is gzip-compressed: not shown/);
  expect(out).toMatch(/##↳ 200: .*body 4 bytes/);
});

test('not HTTP, or broken framing: shown as it comes, said once', () => {
  // What waits for the answer's end is told it will not come (@@0@@), once.
  const v = new HttpView();
  expect(feed(v, ['SSH-2.0-OpenSSH_9.6\r\n', 'more'])).toBe('@@0@@SSH-2.0-OpenSSH_9.6\r\nmore');
  const b = new HttpView();
  request(b);
  const out = feed(b, [`${HEAD}zz\r\nrest`]);
  expect(out).toMatch(/##↳ The chunked framing is broken here \("zz" is no chunk size\): the rest is shown as it comes\.##@@0@@rest$/);
  // A new request reads its answer afresh; 101 is an answer of its own, whatever follows.
  request(b);
  expect(feed(b, ['HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n'])).toMatch(/@@200@@$/);
  const ws = new HttpView();
  request(ws);
  expect(feed(ws, ['HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n\x81\x05hello'])).toMatch(/@@101@@\x81\x05hello$/);
});
