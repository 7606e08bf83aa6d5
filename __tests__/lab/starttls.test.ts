// The lab's STARTTLS: offered by SMTP, POP3 and IMAP with the project's test CA, as RFC 3207,
// 2595 and 3501 say: nothing the client pipelined after the command is read, and the session
// starts afresh over TLS.
import fs from 'node:fs';
import net from 'node:net';
import tls from 'node:tls';
import { LAB_CA, type Lab, startLab } from '../../src/lab/lab.js';

let lab: Lab;
beforeAll(async () => {
  lab = await startLab({ only: ['smtp', 'pop3', 'imap'] });
});
afterAll(() => lab.close());

/** A plaintext client that reads until `pattern`, then can be upgraded with the lab's CA. */
class Client {
  private buffer = '';
  private waiters: (() => void)[] = [];
  stream: net.Socket | tls.TLSSocket;
  constructor(readonly socket: net.Socket) {
    this.stream = socket;
    socket.on('data', (d) => this.take(d));
  }
  static connect(port: number): Promise<Client> {
    return new Promise((resolve) => {
      const s = net.connect(port, '127.0.0.1', () => resolve(new Client(s)));
    });
  }
  private take(d: Buffer): void {
    this.buffer += d.toString('latin1');
    for (const w of this.waiters.splice(0)) w();
  }
  async until(pattern: RegExp): Promise<string> {
    for (;;) {
      const m = pattern.exec(this.buffer);
      if (m) {
        const upTo = m.index + m[0].length;
        const text = this.buffer.slice(0, upTo);
        this.buffer = this.buffer.slice(upTo);
        return text;
      }
      await new Promise<void>((r) => this.waiters.push(r));
    }
  }
  send(text: string): void {
    this.stream.write(text);
  }
  upgrade(): Promise<tls.TLSSocket> {
    this.socket.removeAllListeners('data');
    return new Promise((resolve, reject) => {
      const t = tls.connect({ socket: this.socket, ca: fs.readFileSync(LAB_CA), servername: 'localhost' }, () => resolve(t));
      t.on('error', reject);
      t.on('data', (d) => this.take(d));
      this.stream = t;
    });
  }
  close(): void {
    this.stream.destroy();
  }
}

test('SMTP: STARTTLS in EHLO, pipelined commands after it dropped, EHLO again, and the mail says ESMTPS', async () => {
  const c = await Client.connect(lab.ports.smtp);
  await c.until(/^220 .*\r\n/);
  c.send('EHLO client.test\r\n');
  expect(await c.until(/\r\n250 [^\r]*\r\n/)).toMatch(/250 STARTTLS\r\n$/);
  // RSET pipelined after STARTTLS must never be answered: the server reads nothing before TLS.
  c.send('STARTTLS\r\nRSET\r\n');
  expect(await c.until(/^220 [^\r]*\r\n/)).toBe('220 2.0.0 Ready to start TLS\r\n');
  const t = await c.upgrade();
  expect(t.authorized).toBe(true);
  c.send('MAIL FROM:<a@b.test>\r\n');
  expect(await c.until(/\r\n/)).toBe('503 5.5.1 Error: send HELO/EHLO first\r\n');
  c.send('EHLO client.test\r\n');
  const ehlo = await c.until(/\r\n250 [^\r]*\r\n/);
  expect(ehlo).not.toMatch(/STARTTLS/);
  c.send('MAIL FROM:<a@b.test>\r\nRCPT TO:<bob@lab.porthole.test>\r\nDATA\r\n');
  expect(await c.until(/354 [^\r]*\r\n/)).toMatch(/^250 2\.1\.0 Ok\r\n250 2\.1\.5 Ok\r\n354 /);
  c.send('Subject: over TLS\r\n\r\nhello\r\n.\r\nSTARTTLS\r\n');
  expect(await c.until(/\r\n/)).toMatch(/^250 2\.0\.0 Ok: queued as \w+\r\n$/);
  expect(await c.until(/\r\n/)).toBe('554 5.5.1 Error: TLS already active\r\n');
  c.close();
  // The mail as bob's POP3 shows it: received with ESMTPS.
  const p = await Client.connect(lab.ports.pop3);
  await p.until(/^\+OK[^\r]*\r\n/);
  p.send('USER bob\r\nPASS builder\r\nRETR 1\r\n');
  const mail = await p.until(/\r\n\.\r\n/);
  expect(mail).toMatch(/by lab\.porthole\.test \(Porthole Lab\) with ESMTPS id/);
  p.close();
});

test('POP3: STLS listed in CAPA, then gone over TLS', async () => {
  const c = await Client.connect(lab.ports.pop3);
  await c.until(/^\+OK[^\r]*\r\n/);
  c.send('CAPA\r\n');
  expect(await c.until(/\r\n\.\r\n/)).toMatch(/\r\nSTLS\r\n/);
  c.send('STLS\r\n');
  expect(await c.until(/\r\n/)).toBe('+OK Begin TLS negotiation now.\r\n');
  await c.upgrade();
  c.send('CAPA\r\n');
  expect(await c.until(/\r\n\.\r\n/)).not.toMatch(/STLS/);
  c.send('STLS\r\n');
  expect(await c.until(/\r\n/)).toBe('-ERR TLS is already active.\r\n');
  c.close();
});

test('IMAP: STARTTLS in the capabilities, then gone over TLS', async () => {
  const c = await Client.connect(lab.ports.imap);
  expect(await c.until(/\r\n/)).toMatch(/^\* OK \[CAPABILITY IMAP4rev1 ID UNSELECT STARTTLS\]/);
  c.send('a1 STARTTLS\r\n');
  expect(await c.until(/\r\n/)).toBe('a1 OK Begin TLS negotiation now\r\n');
  await c.upgrade();
  c.send('a2 CAPABILITY\r\n');
  expect(await c.until(/a2 OK[^\r]*\r\n/)).toBe('* CAPABILITY IMAP4rev1 ID UNSELECT\r\na2 OK CAPABILITY completed\r\n');
  c.close();
});
