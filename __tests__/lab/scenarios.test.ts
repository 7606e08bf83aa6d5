import net from 'node:net';
import { type Lab, startLab } from '../../src/lab/lab.js';
import { LabClient } from '../../src/lab/lab-client.js';
import { floodLine, floodPrefix } from '../../src/lab/flood.js';
import { hostileSample } from '../../src/lab/hostile-bytes.js';
import { HALF_CLOSE_LINE, SSH_BANNER } from '../../src/lab/stream-scenarios.js';

const FLOOD_BYTES = 1_500_003; // three chunks, the last one partial, ending mid-line

let lab: Lab;
const open: LabClient[] = [];
const sockets: net.Socket[] = [];

async function connect(port: number, allowHalfOpen = false): Promise<LabClient> {
  const client = await LabClient.connect(port, '127.0.0.1', { allowHalfOpen });
  open.push(client);
  return client;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

beforeAll(async () => {
  lab = await startLab({ floodBytes: FLOOD_BYTES });
});
afterEach(() => {
  for (const c of open.splice(0)) c.close();
  for (const s of sockets.splice(0)) s.destroy();
});
afterAll(() => lab.close());

describe('the lab scenarios', () => {
  it('banner: sends an SSH banner, then nothing', async () => {
    const client = await connect(lab.ports.banner);
    expect(await client.until('\r\n')).toBe(SSH_BANNER);
    client.send('hello?\r\n');
    await sleep(100);
    expect(client.pending.length).toBe(0);
    expect(client.ended).toBe(false);
  });

  it('silent: stays open and says nothing', async () => {
    const client = await connect(lab.ports.silent);
    client.send('GET / HTTP/1.1\r\n');
    await sleep(150);
    expect(client.pending.length).toBe(0);
    expect(client.ended).toBe(false);
  });

  it('close: the connection ends with a FIN and no data', async () => {
    const client = await connect(lab.ports.close);
    expect((await client.end()).length).toBe(0);
    const hadError = await new Promise<boolean>((resolve) => client.socket.once('close', resolve));
    expect(hadError).toBe(false);
  });

  it('reset: the client sees ECONNRESET', async () => {
    const socket = net.connect(lab.ports.reset, '127.0.0.1');
    sockets.push(socket);
    const err = await new Promise<NodeJS.ErrnoException>((resolve) => socket.once('error', resolve));
    expect(err.code).toBe('ECONNRESET');
  });

  it('flood: exactly floodBytes bytes of numbered lines, then the end', async () => {
    const client = await connect(lab.ports.flood);
    const received = await client.end(5000);
    expect(received.length).toBe(FLOOD_BYTES);
    expect(received.equals(floodPrefix(FLOOD_BYTES))).toBe(true);
    const lines = received.toString('latin1').split('\n');
    expect(lines[0]).toMatch(/^000000000000 porthole lab flood/);
    expect(lines[10_000]).toMatch(/^000000010000 /);
    expect(lines[lines.length - 2]).toMatch(new RegExp(`^${String(lines.length - 2).padStart(12, '0')} `));
  });

  it('binary-flood: exactly floodBytes of random bytes, then the flood\'s last line, then the end', async () => {
    const client = await connect(lab.ports['binary-flood']);
    const received = await client.end(5000);
    expect(received.length).toBe(FLOOD_BYTES);
    const trailer = floodLine(Math.ceil(FLOOD_BYTES / 64) - 1);
    expect(received.subarray(-64).equals(trailer)).toBe(true);
    // The last random byte is an LF, so the trailer is a line of its own.
    expect(received[FLOOD_BYTES - 65]).toBe(0x0a);
    const random = received.subarray(0, FLOOD_BYTES - 65);
    const seen = new Set(random);
    expect(seen.size).toBe(256);
    const lfs = random.filter((b) => b === 0x0a).length;
    expect(lfs).toBeGreaterThan(random.length / 300);
    expect(lfs).toBeLessThan(random.length / 220);
  });

  it('binary: sends the hostile sample, split character and all, then echoes', async () => {
    const client = await connect(lab.ports.binary);
    const sample = hostileSample();
    const received = await client.bytes(sample.length);
    expect(received.equals(sample)).toBe(true);
    for (const needle of ['\x1b[2J', '\x1b]0;', '\x1b]52;c;', '\x9b', '\xff\xfe']) {
      expect(received.includes(Buffer.from(needle, 'latin1'))).toBe(true);
    }
    expect(received.includes(Buffer.from([...Array(256).keys()]))).toBe(true);
    client.send(Buffer.from([0, 0xff, 0x1b, 0x0a]));
    expect((await client.bytes(4)).equals(Buffer.from([0, 0xff, 0x1b, 0x0a]))).toBe(true);
  });

  it('filtered: a further connect does not complete within a second', async () => {
    const socket = net.connect(lab.ports.filtered, '127.0.0.1');
    sockets.push(socket);
    let outcome = 'pending';
    socket.once('connect', () => (outcome = 'connected'));
    socket.once('error', (err: NodeJS.ErrnoException) => (outcome = err.code ?? 'error'));
    await sleep(1000);
    expect(outcome).toBe('pending');
    expect(socket.connecting).toBe(true);
  });

  it('echo: returns every byte unchanged', async () => {
    const client = await connect(lab.ports.echo);
    const payload = Buffer.from(Array.from({ length: 70_000 }, (_, i) => (i * 7) % 256));
    client.send(payload);
    expect((await client.bytes(payload.length)).equals(payload)).toBe(true);
  });

  it('half-close: one line, then the end of its stream, while it keeps reading ours', async () => {
    const client = await connect(lab.ports['half-close'], true);
    expect((await client.end()).toString()).toBe(HALF_CLOSE_LINE);
    // The server still reads: a megabyte goes out and drains.
    const drained = new Promise<void>((resolve) => {
      if (client.socket.write(Buffer.alloc(1 << 20))) resolve();
      else client.socket.once('drain', resolve);
    });
    await drained;
    expect(client.error).toBeUndefined();
    client.socket.end();
    await new Promise((resolve) => client.socket.once('close', resolve));
    expect(client.error).toBeUndefined();
  });

  it('no-read: writes back up and drain never comes', async () => {
    const client = await connect(lab.ports['no-read']);
    let drained = false;
    client.socket.on('drain', () => (drained = true));
    let accepted = true;
    for (let i = 0; i < 64 && accepted; i++) accepted = client.socket.write(Buffer.alloc(256 * 1024));
    await sleep(300);
    expect(drained).toBe(false);
    expect(client.socket.writableLength).toBeGreaterThan(0);
    expect(client.error).toBeUndefined();
  });
});
