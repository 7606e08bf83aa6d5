import { type Lab, startLab } from '../../src/lab/lab.js';
import { LabClient } from '../../src/lab/lab-client.js';

let lab: Lab;
const open: LabClient[] = [];

async function connect(port: number): Promise<LabClient> {
  const client = await LabClient.connect(port);
  open.push(client);
  return client;
}

/** One reply: single or multi-line, ending with "NNN " and its line. */
async function reply(client: LabClient): Promise<string> {
  return client.until(/(?:^|\n)\d{3} [^\n]*\n/);
}

beforeAll(async () => {
  lab = await startLab({ only: ['smtp', 'imap'] });
});
afterEach(() => {
  for (const c of open.splice(0)) c.close();
});
afterAll(() => lab.close());

describe('the lab SMTP service', () => {
  it('runs a whole delivery: banner, EHLO, RCPT rejected and accepted, dot-stuffed DATA, QUIT', async () => {
    const smtp = await connect(lab.ports.smtp);
    expect(await reply(smtp)).toMatch(/^220 lab\.porthole\.test ESMTP Porthole Lab/);

    smtp.send('EHLO client.example\r\n');
    const ehlo = await reply(smtp);
    expect(ehlo).toMatch(/^250-lab\.porthole\.test\r\n/);
    expect(ehlo).toContain('250-ENHANCEDSTATUSCODES\r\n');
    expect(ehlo).toMatch(/\r\n250 [A-Z0-9 ]+\r\n$/);

    smtp.send('MAIL FROM:<sender@example.com>\r\n');
    expect(await reply(smtp)).toBe('250 2.1.0 Ok\r\n');
    smtp.send('RCPT TO:<nobody@lab.porthole.test>\r\n');
    expect(await reply(smtp)).toMatch(/^550 5\.1\.1 <nobody@lab\.porthole\.test>: Recipient address rejected/);
    smtp.send('RCPT TO:<someone@example.com>\r\n');
    expect(await reply(smtp)).toMatch(/^554 5\.7\.1 .*Relay access denied/);
    smtp.send('RCPT TO:<bob@lab.porthole.test>\r\n');
    expect(await reply(smtp)).toBe('250 2.1.5 Ok\r\n');

    smtp.send('DATA\r\n');
    expect(await reply(smtp)).toMatch(/^354 /);
    smtp.send('Subject: dots\r\n\r\nfirst\r\n..stuffed\r\n...\r\nlast\r\n.\r\n');
    expect(await reply(smtp)).toMatch(/^250 2\.0\.0 Ok: queued as [0-9A-F]+\r\n$/);

    smtp.send('QUIT\r\n');
    expect(await reply(smtp)).toBe('221 2.0.0 Bye\r\n');
    await smtp.end();

    // The message is in bob's mailbox with the dots unstuffed (IMAP sends it as a literal, unstuffed).
    const imap = await connect(lab.ports.imap);
    await imap.until('\r\n');
    imap.send('a1 LOGIN bob builder\r\na2 SELECT INBOX\r\na3 FETCH 1 (BODY[TEXT] BODY[HEADER.FIELDS (RECEIVED)])\r\n');
    await imap.until('a2 OK');
    const fetched = await imap.until('a3 OK');
    expect(fetched).toContain('BODY[TEXT] {27}\r\nfirst\r\n.stuffed\r\n..\r\nlast\r\n');
    expect(fetched).toMatch(/Received: from client\.example /);
  });

  it('answers out-of-sequence commands with 503 and bad syntax with 501', async () => {
    const smtp = await connect(lab.ports.smtp);
    await reply(smtp);
    smtp.send('MAIL FROM:<a@example.com>\r\n');
    expect(await reply(smtp)).toBe('503 5.5.1 Error: send HELO/EHLO first\r\n');
    smtp.send('HELO me\r\n');
    expect(await reply(smtp)).toBe('250 lab.porthole.test\r\n');
    smtp.send('RCPT TO:<alice@lab.porthole.test>\r\n');
    expect(await reply(smtp)).toBe('503 5.5.1 Error: need MAIL command\r\n');
    smtp.send('DATA\r\n');
    expect(await reply(smtp)).toBe('503 5.5.1 Error: need RCPT command\r\n');
    smtp.send('MAIL FROM\r\n');
    expect(await reply(smtp)).toMatch(/^501 5\.5\.4 Syntax: MAIL FROM:<address>/);
    smtp.send('EHLO\r\n');
    expect(await reply(smtp)).toMatch(/^501 5\.5\.4/);
  });

  it('knows RSET, NOOP, VRFY and HELP, and rejects commands it does not know', async () => {
    const smtp = await connect(lab.ports.smtp);
    await reply(smtp);
    smtp.send('NOOP\r\nVRFY alice\r\nRSET\r\nFROB\r\nETRN lab\r\nHELP\r\n');
    expect(await reply(smtp)).toBe('250 2.0.0 Ok\r\n');
    expect(await reply(smtp)).toBe('252 2.0.0 alice\r\n');
    expect(await reply(smtp)).toBe('250 2.0.0 Ok\r\n');
    expect(await reply(smtp)).toBe('502 5.5.2 Error: command not recognized\r\n');
    expect(await reply(smtp)).toBe('502 5.5.1 Error: command not implemented\r\n');
    expect(await reply(smtp)).toMatch(/^214-[\s\S]*\r\n214 2\.0\.0 End of HELP info\r\n$/);
  });

  it('logs in with AUTH PLAIN (initial response or after 334) and AUTH LOGIN, as postfix with dovecot SASL', async () => {
    const smtp = await connect(lab.ports.smtp);
    await reply(smtp);
    const b64 = (t: string) => Buffer.from(t).toString('base64');
    smtp.send('AUTH PLAIN\r\n');
    expect(await reply(smtp)).toBe('503 5.5.1 Error: send HELO/EHLO first\r\n');
    smtp.send('EHLO me\r\n');
    expect(await reply(smtp)).toMatch(/250-AUTH PLAIN LOGIN\r\n/);
    smtp.send(`AUTH PLAIN ${b64('\0alice\0wrong')}\r\n`);
    expect(await reply(smtp)).toBe('535 5.7.8 Error: authentication failed: authentication failure\r\n');
    smtp.send('AUTH LOGIN\r\n');
    expect(await reply(smtp)).toBe(`334 ${b64('Username:')}\r\n`);
    smtp.send(`${b64('alice')}\r\n`);
    expect(await reply(smtp)).toBe(`334 ${b64('Password:')}\r\n`);
    smtp.send(`${b64('wonderland')}\r\n`);
    expect(await reply(smtp)).toBe('235 2.7.0 Authentication successful\r\n');
    smtp.send('AUTH PLAIN\r\n');
    expect(await reply(smtp)).toBe('503 5.5.1 Error: already authenticated\r\n');
    const other = await connect(lab.ports.smtp);
    await reply(other);
    other.send('EHLO me\r\nAUTH PLAIN\r\n');
    await reply(other);
    expect(await reply(other)).toBe('334 \r\n');
    other.send(`${b64('\0bob\0builder')}\r\n`);
    expect(await reply(other)).toBe('235 2.7.0 Authentication successful\r\n');
  });

  it('accepts bare LF line endings, the DATA terminator included', async () => {
    const smtp = await connect(lab.ports.smtp);
    await reply(smtp);
    smtp.send('HELO lf.example\nMAIL FROM:<>\nRCPT TO:<postmaster@localhost>\nDATA\n');
    expect(await reply(smtp)).toBe('250 lab.porthole.test\r\n');
    expect(await reply(smtp)).toBe('250 2.1.0 Ok\r\n');
    expect(await reply(smtp)).toBe('250 2.1.5 Ok\r\n');
    expect(await reply(smtp)).toMatch(/^354 /);
    smtp.send('Subject: lf\n\nbody\n.\n');
    expect(await reply(smtp)).toMatch(/^250 2\.0\.0 Ok: queued as/);
  });

  it('drops an over-long line with a 500 and carries on', async () => {
    const smtp = await connect(lab.ports.smtp);
    await reply(smtp);
    smtp.send(`${'x'.repeat(100_000)}\r\nNOOP\r\n`);
    expect(await reply(smtp)).toBe('500 5.5.2 Error: line too long\r\n');
    expect(await reply(smtp)).toBe('250 2.0.0 Ok\r\n');
  });
});
