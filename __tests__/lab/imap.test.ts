import { type Lab, startLab } from '../../src/lab/lab.js';
import { LabClient } from '../../src/lab/lab-client.js';

let lab: Lab;
const open: LabClient[] = [];

async function connect(): Promise<LabClient> {
  const client = await LabClient.connect(lab.ports.imap);
  open.push(client);
  return client;
}

/** Everything up to and including the tagged completion of `tag`. */
function tagged(client: LabClient, tag: string): Promise<string> {
  return client.until(new RegExp(`(?:^|\\n)${tag} (?:OK|NO|BAD)[^\\n]*\\n`));
}

/** The literals in a response: each `{n}` CRLF followed by its n bytes (latin1: chars are bytes). */
function literals(text: string): string[] {
  const found: string[] = [];
  const re = /\{(\d+)\}\r\n/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    found.push(text.slice(re.lastIndex, re.lastIndex + Number(m[1])));
    re.lastIndex += Number(m[1]);
  }
  return found;
}

beforeEach(async () => {
  lab = await startLab({ only: ['imap'] });
});
afterEach(async () => {
  for (const c of open.splice(0)) c.close();
  await lab.close();
});

describe('the lab IMAP service', () => {
  it('logs in, selects INBOX and reads a message whose literal size matches its bytes', async () => {
    const imap = await connect();
    expect(await imap.until('\r\n')).toMatch(/^\* OK \[CAPABILITY IMAP4rev1[^\]]*\] .*ready/);

    imap.send('a1 LOGIN "alice" "wonderland"\r\n');
    expect(await tagged(imap, 'a1')).toMatch(/^a1 OK /);

    imap.send('a2 LIST "" "*"\r\n');
    expect(await tagged(imap, 'a2')).toBe('* LIST (\\HasNoChildren) "/" INBOX\r\na2 OK LIST completed\r\n');

    imap.send('a3 SELECT INBOX\r\n');
    const select = await tagged(imap, 'a3');
    expect(select).toContain('* 3 EXISTS\r\n');
    expect(select).toMatch(/\* \d+ RECENT\r\n/);
    expect(select).toMatch(/\* FLAGS \(.*\\Seen.*\)\r\n/);
    expect(select).toMatch(/\* OK \[UIDVALIDITY \d+\]/);
    expect(select).toMatch(/a3 OK \[READ-WRITE\] /);

    imap.send('a4 FETCH 2 (FLAGS)\r\n');
    expect(await tagged(imap, 'a4')).toBe('* 2 FETCH (FLAGS ())\r\na4 OK FETCH completed\r\n');

    imap.send('a5 FETCH 2 (RFC822.SIZE BODY[])\r\n');
    const fetch = await tagged(imap, 'a5');
    const size = Number(/RFC822\.SIZE (\d+)/.exec(fetch)![1]);
    const [body] = literals(fetch);
    expect(body).toBeDefined();
    expect(Buffer.byteLength(body!, 'latin1')).toBe(size);
    expect(body).toMatch(/^From: White Rabbit .*\r\n\r\nOh dear!/s);
    // Lines starting with a dot go out as they are: literals are not dot-stuffed.
    expect(body).toContain('\r\n.hidden under the mat\r\n');
    // After the literal: the rest of the FETCH, including the \Seen that BODY[] set.
    expect(fetch.slice(fetch.indexOf(body!) + body!.length)).toBe(' FLAGS (\\Seen))\r\na5 OK FETCH completed\r\n');

    imap.send('a6 FETCH 3 (BODY.PEEK[HEADER] FLAGS)\r\n');
    const header = await tagged(imap, 'a6');
    expect(literals(header)[0]).toMatch(/^From: "The Cheshire Cat".*Subject: Which way\?\r\n.*\r\n\r\n$/s);
    expect(header).toContain('FLAGS ())');

    imap.send('a7 LOGOUT\r\n');
    expect(await tagged(imap, 'a7')).toBe('* BYE Porthole Lab IMAP signing off\r\na7 OK LOGOUT completed\r\n');
    await imap.end();
  });

  it('answers NO in the wrong state and to a wrong password, BAD to nonsense', async () => {
    const imap = await connect();
    await imap.until('\r\n');
    imap.send('a1 SELECT INBOX\r\n');
    expect(await tagged(imap, 'a1')).toMatch(/^a1 NO Log in first/);
    imap.send('a2 LOGIN alice tweedledum\r\n');
    expect(await tagged(imap, 'a2')).toMatch(/^a2 NO \[AUTHENTICATIONFAILED\]/);
    imap.send('a3 FROB\r\n');
    expect(await tagged(imap, 'a3')).toMatch(/^a3 BAD /);
    imap.send('a4 LOGIN "alice\r\n');
    expect(await tagged(imap, 'a4')).toMatch(/^a4 BAD .*quote/);
    imap.send('a5 LOGIN alice wonderland\r\na6 FETCH 1 FLAGS\r\na7 SELECT Archive\r\na8 LOGIN alice wonderland\r\n');
    expect(await tagged(imap, 'a5')).toMatch(/^a5 OK/);
    expect(await tagged(imap, 'a6')).toMatch(/^a6 NO Select a mailbox first/);
    expect(await tagged(imap, 'a7')).toMatch(/^a7 NO \[NONEXISTENT\]/);
    expect(await tagged(imap, 'a8')).toMatch(/^a8 NO Already logged in/);
    imap.send('a9 SELECT INBOX\r\nb1 FETCH 9 FLAGS\r\nb2 FETCH 1 (BOGUS)\r\n');
    await tagged(imap, 'a9');
    expect(await tagged(imap, 'b1')).toMatch(/^b1 BAD .*Invalid messageset/);
    expect(await tagged(imap, 'b2')).toMatch(/^b2 BAD /);
  });

  it('stores flags, searches, and expunges on CLOSE', async () => {
    const imap = await connect();
    await imap.until('\r\n');
    imap.send('a1 LOGIN alice wonderland\r\na2 SELECT INBOX\r\n');
    await tagged(imap, 'a2');
    imap.send('a3 STORE 1 +FLAGS (\\Deleted)\r\n');
    expect(await tagged(imap, 'a3')).toBe('* 1 FETCH (FLAGS (\\Seen \\Deleted))\r\na3 OK STORE completed\r\n');
    imap.send('a4 SEARCH UNSEEN\r\n');
    expect(await tagged(imap, 'a4')).toBe('* SEARCH 2 3\r\na4 OK SEARCH completed\r\n');
    imap.send('a5 UID FETCH 2:* (FLAGS)\r\n');
    expect(await tagged(imap, 'a5')).toBe('* 2 FETCH (UID 2 FLAGS ())\r\n* 3 FETCH (UID 3 FLAGS ())\r\na5 OK UID FETCH completed\r\n');
    imap.send('a6 CLOSE\r\na7 EXAMINE INBOX\r\n');
    expect(await tagged(imap, 'a6')).toBe('a6 OK CLOSE completed\r\n');
    const examine = await tagged(imap, 'a7');
    expect(examine).toContain('* 2 EXISTS\r\n');
    expect(examine).toMatch(/a7 OK \[READ-ONLY\]/);
  });

  it('accepts bare LF line endings', async () => {
    const imap = await connect();
    await imap.until('\r\n');
    imap.send('x CAPABILITY\n');
    expect(await tagged(imap, 'x')).toMatch(/^\* CAPABILITY IMAP4rev1.*\r\nx OK /);
  });
});
