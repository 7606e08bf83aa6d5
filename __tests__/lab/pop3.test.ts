import { type Lab, startLab } from '../../src/lab/lab.js';
import { LabClient } from '../../src/lab/lab-client.js';
import { MailStore } from '../../src/lab/mail-store.js';

let lab: Lab;
const open: LabClient[] = [];

async function connect(): Promise<LabClient> {
  const client = await LabClient.connect(lab.ports.pop3);
  open.push(client);
  expect(await client.until('\r\n')).toMatch(/^\+OK /);
  return client;
}

const line = (client: LabClient): Promise<string> => client.until('\r\n');
const multiline = (client: LabClient): Promise<string> => client.until(/\r\n\.\r\n/);

beforeEach(async () => {
  lab = await startLab({ only: ['pop3'] });
});
afterEach(async () => {
  for (const c of open.splice(0)) c.close();
  await lab.close();
});

describe('the lab POP3 service', () => {
  it('logs in and reads a message, dot-stuffed, with the octet count of the message itself', async () => {
    const pop = await connect();
    pop.send('USER alice\r\n');
    expect(await line(pop)).toBe('+OK\r\n');
    pop.send('PASS wonderland\r\n');
    expect(await line(pop)).toMatch(/^\+OK Logged in\. 3 messages/);

    pop.send('STAT\r\n');
    const [, count, octets] = /^\+OK (\d+) (\d+)\r\n$/.exec(await line(pop))!;
    expect(count).toBe('3');

    pop.send('LIST\r\n');
    const list = await multiline(pop);
    const sizes = [...list.matchAll(/^(\d+) (\d+)\r$/gm)].map((m) => Number(m[2]));
    expect(sizes).toHaveLength(3);
    expect(sizes.reduce((a, b) => a + b)).toBe(Number(octets));

    pop.send('RETR 2\r\n');
    const retr = await multiline(pop);
    const head = /^\+OK (\d+) octets\r\n/.exec(retr)!;
    const body = retr.slice(head[0].length, -'.\r\n'.length);
    expect(body).toContain('\r\n..hidden under the mat\r\n...two dots here\r\n..\r\n');
    const unstuffed = body.split('\r\n').map((l) => (l.startsWith('.') ? l.slice(1) : l)).join('\r\n');
    expect(Buffer.byteLength(unstuffed)).toBe(Number(head[1]));
    expect(Number(head[1])).toBe(sizes[1]);

    pop.send('QUIT\r\n');
    expect(await line(pop)).toBe('+OK Logging out.\r\n');
    await pop.end();
  });

  it('refuses a wrong password and commands that need a login', async () => {
    const pop = await connect();
    pop.send('STAT\r\n');
    expect(await line(pop)).toMatch(/^-ERR /);
    pop.send('PASS wonderland\r\n');
    expect(await line(pop)).toBe('-ERR No username given.\r\n');
    pop.send('USER alice\r\nPASS queen-of-hearts\r\n');
    await line(pop);
    expect(await line(pop)).toBe('-ERR [AUTH] Authentication failed.\r\n');
    pop.send('FROB\r\n');
    expect(await line(pop)).toMatch(/^-ERR Unknown command/);
  });

  it('answers CAPA, TOP and UIDL, and deletes only on QUIT', async () => {
    const pop = await connect();
    pop.send('CAPA\r\n');
    expect(await multiline(pop)).toMatch(/^\+OK[^\n]*\r\n(?:[A-Z-]+(?: \S+)*\r\n)*\.\r\n$/);
    pop.send('USER alice\r\nPASS wonderland\r\n');
    await line(pop);
    await line(pop);

    pop.send('TOP 3 2\r\n');
    const top = await multiline(pop);
    expect(top).toContain('Subject: Which way?\r\n');
    const bodyLines = top.split('\r\n\r\n')[1]!.split('\r\n').filter((l) => l !== '' && l !== '.');
    expect(bodyLines).toHaveLength(2);

    pop.send('UIDL\r\n');
    expect((await multiline(pop)).match(/^\d+ \S+\r$/gm)).toHaveLength(3);

    pop.send('DELE 1\r\nRETR 1\r\nSTAT\r\nRSET\r\nSTAT\r\nDELE 1\r\nQUIT\r\n');
    expect(await line(pop)).toBe('+OK Marked to be deleted.\r\n');
    expect(await line(pop)).toBe('-ERR Message is deleted.\r\n');
    expect(await line(pop)).toMatch(/^\+OK 2 /);
    await line(pop);
    expect(await line(pop)).toMatch(/^\+OK 3 /);
    await line(pop);
    expect(await line(pop)).toBe('+OK Logging out, 1 messages deleted.\r\n');

    const again = await connect();
    again.send('USER alice\r\nPASS wonderland\r\nRETR 9\r\n');
    await line(again);
    expect(await line(again)).toMatch(/^\+OK Logged in\. 2 messages/);
    expect(await line(again)).toBe("-ERR There's no message 9.\r\n");
  });
});

describe('the lab mail store', () => {
  it('starts every lab with the same three canned messages for alice and none for bob', () => {
    const store = new MailStore();
    expect(store.mailbox('alice')!.messages).toHaveLength(3);
    expect(store.mailbox('bob')!.messages).toHaveLength(0);
    for (const m of store.mailbox('alice')!.messages) {
      expect(m.raw.endsWith('\r\n')).toBe(true);
      expect(m.raw).not.toMatch(/[^\r]\n/);
      expect(m.size).toBe(Buffer.byteLength(m.raw));
    }
  });
});
