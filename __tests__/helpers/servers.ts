// Loopback fixture servers, a few lines a scenario. Everything binds 127.0.0.1 or ::1 only.
import net from 'node:net';

export interface Fixture {
  port: number;
  sockets: net.Socket[];
  close(): Promise<void>;
}

/** A listener whose connections are handed to `onConnection`. */
export function serve(onConnection: (s: net.Socket) => void, host = '127.0.0.1'): Promise<Fixture> {
  const sockets: net.Socket[] = [];
  const server = net.createServer({ allowHalfOpen: true }, (s) => {
    sockets.push(s);
    s.on('error', () => {});
    onConnection(s);
  });
  return new Promise((resolve) => {
    server.listen({ port: 0, host }, () => {
      resolve({
        port: (server.address() as net.AddressInfo).port,
        sockets,
        close: () =>
          new Promise<void>((done) => {
            for (const s of sockets) s.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}

/** A port on which nothing listens: bound, then released. */
export async function closedPort(host = '127.0.0.1'): Promise<number> {
  const f = await serve(() => {}, host);
  await f.close();
  return f.port;
}

/** Read from a socket until it ends. */
export function readAll(s: net.Socket): Promise<Buffer> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    s.on('data', (c) => chunks.push(c));
    s.on('end', () => resolve(Buffer.concat(chunks)));
    s.on('close', () => resolve(Buffer.concat(chunks)));
  });
}
