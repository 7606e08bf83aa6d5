// A scripted loopback client for tests that talk to the lab: send, wait for a pattern or a byte
// count, see the end of the stream. Bytes are kept raw; text views are latin1, one char per byte.

import net, { type Socket } from 'node:net';

export class LabClient {
  private buffer = Buffer.alloc(0);
  private waiter: (() => void) | undefined;
  private endedFlag = false;
  private errorValue: NodeJS.ErrnoException | undefined;

  private constructor(readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      this.waiter?.();
    });
    socket.on('end', () => {
      this.endedFlag = true;
      this.waiter?.();
    });
    socket.on('error', (err: NodeJS.ErrnoException) => {
      this.errorValue = err;
      this.waiter?.();
    });
  }

  /** Connects to the lab on loopback (the lab's host by default). */
  static connect(port: number, host = '127.0.0.1', options: { allowHalfOpen?: boolean } = {}): Promise<LabClient> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ port, host, allowHalfOpen: options.allowHalfOpen ?? false });
      const client = new LabClient(socket);
      socket.once('connect', () => {
        socket.off('error', reject);
        resolve(client);
      });
      socket.once('error', reject);
    });
  }

  /** True once the server's FIN has arrived. */
  get ended(): boolean {
    return this.endedFlag;
  }

  get error(): NodeJS.ErrnoException | undefined {
    return this.errorValue;
  }

  /** Bytes received and not yet taken by `until`/`bytes`. */
  get pending(): Buffer {
    return this.buffer;
  }

  send(data: string | Buffer): void {
    this.socket.write(data);
  }

  /** Waits until the received text matches, then takes everything up to the end of the match. */
  async until(pattern: RegExp | string, timeoutMs = 2000): Promise<string> {
    const find = (): number => {
      const text = this.buffer.toString('latin1');
      if (typeof pattern === 'string') {
        const at = text.indexOf(pattern);
        return at === -1 ? -1 : at + pattern.length;
      }
      const m = new RegExp(pattern.source, pattern.flags.replace('g', '')).exec(text);
      return m ? m.index + m[0].length : -1;
    };
    await this.waitFor(() => find() !== -1, timeoutMs, `pattern ${String(pattern)}`);
    return this.take(find()).toString('latin1');
  }

  /** Waits for exactly `count` more bytes and takes them. */
  async bytes(count: number, timeoutMs = 2000): Promise<Buffer> {
    await this.waitFor(() => this.buffer.length >= count, timeoutMs, `${count} bytes`);
    return this.take(count);
  }

  /** Waits for the server's FIN; returns whatever arrived before it. */
  async end(timeoutMs = 2000): Promise<Buffer> {
    await this.waitFor(() => this.endedFlag, timeoutMs, 'end of stream');
    return this.take(this.buffer.length);
  }

  close(): void {
    this.socket.destroy();
  }

  private take(count: number): Buffer {
    const head = this.buffer.subarray(0, count);
    this.buffer = this.buffer.subarray(count);
    return head;
  }

  private waitFor(done: () => boolean, timeoutMs: number, what: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        if (done()) finish(undefined);
        else if (this.errorValue) finish(this.errorValue);
        else if (this.endedFlag || this.socket.destroyed) {
          finish(new Error(`stream ended while waiting for ${what}; had: ${JSON.stringify(this.buffer.toString('latin1'))}`));
        }
      };
      const finish = (err: Error | undefined): void => {
        clearTimeout(timer);
        this.waiter = undefined;
        if (err) reject(err);
        else resolve();
      };
      const timer = setTimeout(
        () => finish(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; had: ${JSON.stringify(this.buffer.toString('latin1'))}`)),
        timeoutMs,
      );
      this.waiter = check;
      check();
    });
  }
}
