// The probe's dial (libuv's TCP handle, a net.Socket only once connected) on real loopback
// sockets: it must answer as tcpDial does, through the same classifier, for every outcome a
// probe reports, and hand over a socket that reads, half-closes and writes.
import net from 'node:net';
import { classifyError } from '../../src/core/outcome.js';
import { probeDial } from '../../src/io/fast-dial.js';
import { tcpDial, type Dial, type DialResult, type Transport } from '../../src/io/transport.js';
import { closedPort, serve, type Fixture } from '../helpers/servers.js';

const dialled = (dial: Dial, port: number, address = '127.0.0.1', family: 4 | 6 = 4) =>
  new Promise<DialResult>((resolve) => dial({ address, family, port }, resolve));

let banner: Fixture;
const seen: string[] = [];
beforeAll(async () => {
  banner = await serve((s: net.Socket) => {
    s.write('220 fast ready\r\n');
    s.on('data', (d) => seen.push(d.toString()));
    s.on('end', () => s.end('221 bye\r\n'));
  });
});
afterAll(() => banner.close());

test('it is not tcpDial here: the binding is as expected on this Node', () => {
  expect(probeDial()).not.toBe(tcpDial);
});

test('refused: the same error code and syscall as net gives, and the same outcome', async () => {
  const port = await closedPort();
  const fast = await dialled(probeDial(), port);
  const slow = await dialled(tcpDial, port);
  expect(fast).toEqual({ error: { code: 'ECONNREFUSED', syscall: 'connect' } });
  expect('error' in slow && slow.error).toMatchObject({ code: 'ECONNREFUSED', syscall: 'connect' });
  const kind = (r: DialResult) => ('error' in r ? classifyError(r.error, 'connect').kind : null);
  expect(kind(fast)).toBe(kind(slow));
});

test('connected: a transport that reads the banner, writes, half-closes and sees the FIN', async () => {
  const r = await dialled(probeDial(), banner.port);
  if (!('transport' in r)) throw new Error(`not connected: ${JSON.stringify(r)}`);
  const t: Transport = r.transport;
  expect(t.remotePort).toBe(banner.port);
  const got: string[] = [];
  const ended = new Promise<void>((resolve) => {
    t.attach({ data: (b) => got.push(b.toString()), end: () => resolve(), drain: () => {}, error: () => {}, close: () => {} });
  });
  t.write(Buffer.from('QUIT\r\n'));
  t.end();
  await ended;
  expect(got.join('')).toBe('220 fast ready\r\n221 bye\r\n');
  expect(seen.join('')).toBe('QUIT\r\n');
  t.destroy();
});

test('IPv6 loopback: connect6', async () => {
  const v6 = await serve((s: net.Socket) => s.end('hi\r\n'), '::1');
  try {
    const r = await dialled(probeDial(), v6.port, '::1', 6);
    expect('transport' in r).toBe(true);
    if ('transport' in r) r.transport.destroy();
  } finally {
    await v6.close();
  }
});

test('cancelled before it completes: nothing is reported, and the handle is closed', async () => {
  let reported = false;
  const cancel = probeDial()({ address: '127.0.0.1', family: 4, port: banner.port }, () => (reported = true));
  cancel();
  await new Promise((r) => setTimeout(r, 50));
  expect(reported).toBe(false);
});
