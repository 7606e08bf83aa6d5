import net from 'node:net';
import { LabError, SCENARIOS, checkLabHost, startLab } from '../../src/lab/lab.js';
import { LabClient } from '../../src/lab/lab-client.js';

/** Rejects with the error startLab raised, or fails if it started. */
async function startError(options: Parameters<typeof startLab>[0]): Promise<LabError> {
  const lab = await startLab(options).catch((err: unknown) => err);
  if (!(lab instanceof LabError)) {
    if (lab && typeof lab === 'object' && 'close' in lab) await (lab as { close(): Promise<void> }).close();
    throw new Error(`expected a LabError, got ${String(lab)}`);
  }
  return lab;
}

function refused(port: number, host = '127.0.0.1'): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect(port, host);
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? 'error'));
  });
}

async function ipv6Loopback(): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(0, '::1', () => server.close(() => resolve(true)));
  });
}

describe('startLab', () => {
  it('refuses any address that is not loopback', async () => {
    for (const host of ['0.0.0.0', '::', '192.168.1.10', 'localhost', 'example.com']) {
      const err = await startError({ host });
      expect(err.code).toBe('LAB_NOT_LOOPBACK');
      expect(err.message).toContain(host);
    }
    expect(checkLabHost('127.0.0.2')).toBe('127.0.0.2');
    expect(checkLabHost('[::1]')).toBe('::1');
  });

  it('rejects impossible options with LAB_BAD_OPTION', async () => {
    expect((await startError({ basePort: 65500 })).code).toBe('LAB_BAD_OPTION');
    expect((await startError({ basePort: -1 })).code).toBe('LAB_BAD_OPTION');
    expect((await startError({ floodBytes: -5 })).code).toBe('LAB_BAD_OPTION');
    expect((await startError({ only: ['gopher' as 'echo'] })).code).toBe('LAB_BAD_OPTION');
  });

  it('starts only the scenarios asked for, on ephemeral ports, and stops them all on close', async () => {
    const lab = await startLab({ only: ['echo', 'silent'] });
    expect(lab.host).toBe('127.0.0.1');
    expect(lab.scenarios.map((s) => s.name)).toEqual(['silent', 'echo']);
    expect(lab.ports.smtp).toBe(0);
    expect(lab.ports.echo).toBeGreaterThan(0);
    expect(lab.ports.silent).not.toBe(lab.ports.echo);

    const held = await LabClient.connect(lab.ports.silent);
    await lab.close();
    await lab.close(); // idempotent
    await held.end();
    held.close();
    expect(await refused(lab.ports.echo)).toBe('ECONNREFUSED');
  });

  it('places every scenario at basePort + its offset, and names the ports already taken', async () => {
    const offsets = new Set(SCENARIOS.map((s) => s.offset));
    expect(offsets.size).toBe(SCENARIOS.length);

    const squatter = net.createServer();
    await new Promise<void>((resolve) => squatter.listen(0, '127.0.0.1', resolve));
    const taken = (squatter.address() as net.AddressInfo).port;
    const echoOffset = SCENARIOS.find((s) => s.name === 'echo')!.offset;
    try {
      const err = await startError({ basePort: taken - echoOffset, only: ['echo', 'banner'] });
      expect(err.code).toBe('LAB_PORT_IN_USE');
      expect(err.busy).toEqual([{ name: 'echo', port: taken }]);
      expect(err.message).toContain(String(taken));
    } finally {
      await new Promise((resolve) => squatter.close(resolve));
    }

    const lab = await startLab({ basePort: taken - echoOffset, only: ['echo'] });
    try {
      expect(lab.ports.echo).toBe(taken);
    } finally {
      await lab.close();
    }
  });

  it('listens on ::1 when asked', async () => {
    if (!(await ipv6Loopback())) {
      console.warn('skipped: no IPv6 loopback on this machine');
      return;
    }
    const lab = await startLab({ host: '::1', only: ['banner'] });
    try {
      const client = await LabClient.connect(lab.ports.banner, '::1');
      expect(await client.until('\r\n')).toMatch(/^SSH-2\.0-/);
      client.close();
      expect(await refused(lab.ports.banner, '127.0.0.1')).toBe('ECONNREFUSED');
    } finally {
      await lab.close();
    }
  });
});
