import { ImapView } from '../../../src/core/protocols/imap-view.js';
import { Pop3View } from '../../../src/core/protocols/pop3-view.js';
import type { PaneView, ViewItem } from '../../../src/core/protocols/pane-view.js';

const shown = (items: ViewItem[]) => items.map((i) => (i.type === 'bytes' ? Buffer.from(i.data).toString('latin1') : i.type === 'note' ? `##${i.text}##` : `@@${i.code}@@`)).join('');
const feed = (v: PaneView, parts: string[], raw = false) => parts.map((p) => shown(v.push(Buffer.from(p, 'latin1'), 0, raw))).join('');

/** The same view fed whole, and cut at every byte (twice): the pane must not tell the difference. */
function everyCut(make: () => PaneView, text: string, raw = false): string {
  const whole = feed(make(), [text], raw);
  for (let a = 1; a < text.length; a++) {
    for (const b of [a + 1, Math.min(text.length, a + 7)]) {
      expect(feed(make(), [text.slice(0, a), text.slice(a, b), text.slice(b)].filter(Boolean), raw)).toBe(whole);
    }
  }
  return whole;
}

describe('POP3', () => {
  const session = () => {
    const v = new Pop3View();
    for (const c of ['USER a', 'PASS b', 'LIST', 'RETR 1', 'DELE 9']) v.sent(c);
    return v;
  };
  const WIRE = '+OK ready\r\n+OK\r\n-ERR [AUTH] Authentication failed.\r\n+OK 2 messages\r\n1 120\r\n2 200\r\n.\r\n+OK 40 octets\r\nSubject: x\r\n\r\n..one dot\r\n...\r\n.x\r\n.\r\n-ERR no such message\r\n';

  test('multi-line answers to their ".", un-stuffed for the eye; -ERR explained with its code; cut anywhere, the same', () => {
    const out = everyCut(session, WIRE);
    expect(out).toBe(
      '+OK ready\r\n+OK\r\n-ERR [AUTH] Authentication failed.\r\n##↳ -ERR: PASS refused; [AUTH]: the user name or password is wrong (or this login is not allowed).##' +
        '+OK 2 messages\r\n1 120\r\n2 200\r\n.\r\n##↳ LIST: 2 lines, 14 bytes, to the "."; lines sent as ".." are shown with one.##' +
        '+OK 40 octets\r\nSubject: x\r\n\r\n.one dot\r\n..\r\n.x\r\n.\r\n##↳ RETR: 5 lines, 32 bytes, to the "."; lines sent as ".." are shown with one.##' +
        '-ERR no such message\r\n##↳ -ERR: DELE refused.##',
    );
  });

  test('raw: the wire as it came, the notes still said', () => {
    const out = everyCut(session, WIRE, true);
    expect(out.replace(/##[^#]*##/g, '')).toBe(WIRE);
  });

  test('AUTH\'s "+" asks for an answer: the answer is no command, and what follows is matched right', () => {
    const v = new Pop3View(true);
    v.sent('AUTH PLAIN');
    let out = feed(v, ['+ \r\n']);
    v.sent('AGJvYgBwdw==');
    out += feed(v, ['+OK Logged in.\r\n']);
    v.sent('RETR 1');
    out += feed(v, ['+OK\r\n..x\r\n.\r\n']);
    expect(out).toMatch(/\+OK\r\n\.x\r\n\.\r\n##↳ RETR: 1 line, 4 bytes/);
  });

  test('a close inside a multi-line answer is said', () => {
    const v = new Pop3View();
    v.sent('RETR 1');
    feed(v, ['+OK hi\r\n', '+OK\r\nSubject: x\r\n']);
    expect(shown(v.end())).toMatch(/closed inside the answer to RETR/);
  });
});

describe('IMAP', () => {
  const WIRE = '* 1 FETCH (BODY[] {21}\r\nSubject: a\r\n\r\nA1 OK\r\n)\r\nA2 OK done\r\n';
  test('a literal is one block, its size before it and its end after; its lines are not the server\'s', () => {
    const out = everyCut(() => new ImapView(), WIRE);
    expect(out).toBe('* 1 FETCH (BODY[] {21}\r\n##↳ A literal of 21 bytes follows, as one block (the server\'s data as it is):##Subject: a\r\n\r\nA1 OK\r\n##↳ (end of the 21-byte literal)##)\r\nA2 OK done\r\n');
  });
  test('a close inside a literal is said', () => {
    const v = new ImapView();
    feed(v, ['* 1 FETCH (BODY[] {100}\r\nabc']);
    expect(shown(v.end())).toMatch(/97 of its 100 bytes never came/);
  });
});
