import type { InputEvent, KeyEvent } from '../../src/core/key-decoder.js';
import { commandSecretSpans, parseCommand, shownCommand } from '../../src/core/commands.js';
import { checkCompose, dotStuff, dotUnstuff, FieldError, imapString, mailDate, messageLines, plan, type Compose } from '../../src/core/protocols/compose.js';
import { imapLines, newWalk, pop3Lines, suggestionRest, type ImapWalk, type Pop3Walk } from '../../src/core/protocols/walk.js';
import { sessionReducer } from '../../src/core/session/reducer.js';
import { nextStep, suggestionShown } from '../../src/core/session/helper-slice.js';
import { focus } from '../../src/core/session/focus.js';
import { judgeTls } from '../../src/core/tls.js';
import { makeOutcome } from '../../src/core/outcome.js';
import { DEFAULT_SETTINGS, initialSessionState, type Effect, type SessionAction, type SessionState } from '../../src/core/session/state.js';

const key = (name: string, mods: Partial<KeyEvent> = {}): InputEvent => ({ type: 'key', name, ctrl: false, meta: false, shift: false, sequence: '', ...mods });
const ctrl = (name: string): InputEvent => key(name, { ctrl: true });
const text = (t: string): InputEvent => ({ type: 'text', text: t });
const INPUT_TYPES = ['key', 'text', 'paste', 'focus', 'unknown'];

let clock = 100;
function run(state: SessionState, ...actions: (SessionAction | InputEvent)[]): { state: SessionState; effects: Effect[] } {
  const effects: Effect[] = [];
  for (const a of actions) {
    clock += 5;
    const action: SessionAction = INPUT_TYPES.includes(a.type) ? { type: 'input', event: a as InputEvent, now: clock } : (a as SessionAction);
    const step = sessionReducer(state, action);
    state = step.state;
    // The controller's part: a composer's effect comes back as its action, with the clocks.
    const more: SessionAction[] = [];
    for (const e of step.effects) {
      if (e.type === 'compose') more.push({ type: 'compose', spec: e.spec, now: clock, wall: Date.UTC(2026, 11, 2, 9, 30), unique: 'u1' });
      else if (e.type === 'script-next') more.push({ type: 'script-next', now: clock });
      else effects.push(e);
    }
    if (more.length) {
      const r = run(state, ...more);
      state = r.state;
      effects.push(...r.effects);
    }
  }
  return { state, effects };
}

const CONNECTED: SessionAction = { type: 'connected', address: '127.0.0.1', local: '127.0.0.1:5000', connectMs: 0.4, now: 1, tls: null };
const at = (port: number, extra: Partial<SessionState> = {}) => run({ ...initialSessionState({ host: 'mx.test', port }, DEFAULT_SETTINGS), machine: 'me.test', ...extra }, CONNECTED).state;
const server = (...lines: string[]): SessionAction => ({ type: 'peer-lines', lines: lines.map((t) => ({ text: t, eol: 'crlf' })), unprompted: false, now: clock + 3 });
const greeting = (...lines: string[]): SessionAction => ({ ...(server(...lines) as Extract<SessionAction, { type: 'peer-lines' }>), unprompted: true });
const menu = (state: SessionState, command: string) => run(state, ctrl(']'), text(command), key('enter'));
const sent = (effects: Effect[]) => effects.flatMap((e) => (e.type === 'send' ? [Buffer.from(e.bytes).toString('utf8')] : []));
const shown = (effects: Effect[]) => effects.flatMap((e) => (e.type === 'send' ? [e.display.text] : []));
const infos = (effects: Effect[]) => effects.flatMap((e) => (e.type === 'info' ? e.lines : []));
const codes = (effects: Effect[]) => effects.flatMap((e) => (e.type === 'info' && e.code ? [e.code] : []));

describe('the next step, suggested in the input line', () => {
  test('SMTP: EHLO after the greeting, STARTTLS when offered, then the envelope, the message and its "."', () => {
    let s = run(at(25), greeting('220 mx.test ESMTP Postfix')).state;
    expect(nextStep(s)).toEqual({ text: 'EHLO me.test' });
    // Tab takes it into the line; Enter sends what is in the line.
    let r = run(s, key('tab'), key('enter'));
    expect(sent(r.effects)).toEqual(['EHLO me.test\r\n']);
    expect(nextStep(r.state)).toBeNull(); // waiting for the answer
    s = run(r.state, server('250-mx.test', '250-STARTTLS', '250 8BITMIME')).state;
    expect(nextStep(s)).toEqual({ text: 'STARTTLS' });
    // Over TLS (or where it is not offered), the envelope comes next.
    const tls = judgeTls(
      { version: 'TLSv1.3', cipher: 'TLS_AES_128_GCM_SHA256', alpn: null, servername: 'mx.test', checkedName: 'mx.test', chainError: null, nameError: null, chain: [], insecure: false, handshakeMs: 1 },
      Date.UTC(2026, 11, 1),
    );
    s = run(s, { type: 'tls-up', tls, protocol: 'smtp', discarded: 0, ehloName: 'me.test' }).state;
    // STARTTLS's own offer is put in the line; the suggestion says the same.
    s = { ...s, editor: initialSessionState({ host: 'mx.test', port: 25 }, DEFAULT_SETTINGS).editor };
    expect(nextStep(s)).toEqual({ text: 'EHLO me.test' });
    s = run(s, key('tab'), key('enter'), server('250 mx.test')).state;
    expect(nextStep(s)).toEqual({ text: 'MAIL FROM:<' });
    s = run(s, text('MAIL FROM:<a@x.test>'), key('enter'), server('250 2.1.0 Ok')).state;
    expect(nextStep(s)).toEqual({ text: 'RCPT TO:<' });
    s = run(s, text('RCPT TO:<b@y.test>'), key('enter'), server('250 2.1.5 Ok')).state;
    expect(nextStep(s)).toEqual({ text: 'DATA' });
    s = run(s, text('DATA'), key('enter'), server('354 End data with <CR><LF>.<CR><LF>')).state;
    expect(nextStep(s)).toEqual({ text: 'From: <a@x.test>' });
    s = run(s, key('tab'), key('enter')).state;
    expect(nextStep(s)).toEqual({ text: 'To: <b@y.test>' });
    s = run(s, key('tab'), key('enter'), text('Subject: hi'), key('enter')).state;
    expect(suggestionShown(s)).toEqual({ rest: '', note: 'an empty line ends the headers; the body follows' });
    s = run(s, key('enter'), text('body'), key('enter')).state;
    expect(nextStep(s)).toMatchObject({ text: '.' });
    r = run(s, key('tab'), key('enter'), server('250 2.0.0 Ok: queued as ABC'));
    expect(sent(r.effects)).toEqual(['.\r\n']);
    expect(nextStep(r.state)).toEqual({ text: 'QUIT' });
  });

  test('Enter never sends the suggestion; what is typed goes as typed; Right at the end takes the rest', () => {
    const s = run(at(25), greeting('220 mx.test ESMTP')).state;
    expect(sent(run(s, key('enter')).effects)).toEqual(['\r\n']);
    const typed = run(s, text('eh'));
    expect(suggestionShown(typed.state)).toEqual({ rest: 'LO me.test', note: null });
    expect(run(typed.state, key('right')).state.editor.text).toBe('ehLO me.test');
    // A line gone its own way has no suggestion, and Right moves as ever.
    const other = run(s, text('HELO x'), key('home'), key('right'));
    expect(suggestionShown(other.state)).toBeNull();
    expect(other.state.editor.cursor).toBe(1);
    expect(suggestionRest({ text: 'EHLO a' }, 'EHLO a')).toBeNull();
  });

  test('HTTP: a request line, then Host for the target, then the empty line', () => {
    let s = at(8080);
    expect(nextStep(s)).toEqual({ text: 'GET / HTTP/1.1' });
    s = run(s, key('tab'), key('enter')).state;
    expect(nextStep(s)).toEqual({ text: 'Host: mx.test:8080' });
    s = run(s, key('tab'), key('enter')).state;
    expect(suggestionShown(s)).toEqual({ rest: '', note: 'an empty line ends the headers and sends the request' });
    s = run(s, key('enter')).state;
    expect(nextStep(s)).toBeNull();
    s = run(s, server('HTTP/1.1 200 OK', 'Content-Length: 0', '')).state;
    expect(nextStep(s)).toEqual({ text: 'GET / HTTP/1.1' });
    // On port 80 the Host has no port.
    expect(run(at(80), key('tab'), key('enter')).state.helper.walk).toMatchObject({ stage: 'headers' });
    expect(nextStep(run(at(80), key('tab'), key('enter')).state)).toEqual({ text: 'Host: mx.test' });
  });

  test('POP3 and IMAP: log in, list or select, read, leave', () => {
    let p = run(at(110), greeting('+OK Dovecot ready.')).state;
    expect(nextStep(p)).toEqual({ text: 'USER ' });
    p = run(p, text('USER bob'), key('enter'), server('+OK')).state;
    expect(nextStep(p)).toEqual({ text: 'PASS ' });
    p = run(p, text('PASS pw'), key('enter'), server('+OK Logged in.')).state;
    expect(nextStep(p)).toEqual({ text: 'LIST' });
    let i = run(at(143), greeting('* OK [CAPABILITY IMAP4rev1] Dovecot ready.')).state;
    expect(nextStep(i)).toEqual({ text: 'LOGIN ' });
    i = run(i, text('LOGIN bob pw'), key('enter'), server('A001 OK Logged in')).state;
    expect(nextStep(i)).toEqual({ text: 'SELECT INBOX' });
  });
});

describe('POP3 multi-line answers', () => {
  test('LIST, RETR and CAPA run to their "." line; a stuffed ".." line inside is no end', () => {
    let w = newWalk('pop3') as Pop3Walk;
    let r = pop3Lines(w, ['+OK ready']);
    w = r.walk;
    for (const c of ['LIST', 'RETR 1', 'DELE 1']) w = { ...w, awaiting: [...w.awaiting, { verb: c.split(' ')[0]!, multi: c !== 'DELE 1' }] };
    r = pop3Lines(w, ['+OK 2 messages', '1 120', '2 200', '.', '+OK message follows', 'Subject: x', '', '..not the end', '.', '+OK deleted']);
    expect(r.answers.map((a) => [a.verb, a.ok])).toEqual([
      ['LIST', true],
      ['RETR', true],
      ['DELE', true],
    ]);
    expect(r.walk.multi).toBe(false);
    expect(dotUnstuff('..not the end')).toBe('.not the end');
    expect(dotUnstuff('.')).toBe('.');
  });
});

describe('composers: smtp send', () => {
  const greeted = () => run(at(25), greeting('220 mx.test ESMTP')).state;

  test('EHLO, MAIL, RCPT each, DATA, the message dot-stuffed, the final "." — each waiting for its answer', () => {
    let r = menu(greeted(), "smtp send --from a@x.test --to b@y.test --to c@y.test --subject Hi --body 'one\\n.dot line\\n.\\nend'");
    expect(sent(r.effects)).toEqual(['EHLO me.test\r\n']);
    r = run(r.state, server('250-mx.test', '250 SIZE 1000'));
    expect(sent(r.effects)).toEqual(['MAIL FROM:<a@x.test>\r\n']);
    r = run(r.state, server('250 2.1.0 Ok'));
    expect(sent(r.effects)).toEqual(['RCPT TO:<b@y.test>\r\n']);
    r = run(r.state, server('250 2.1.5 Ok'));
    expect(sent(r.effects)).toEqual(['RCPT TO:<c@y.test>\r\n']);
    r = run(r.state, server('250 2.1.5 Ok'));
    expect(sent(r.effects)).toEqual(['DATA\r\n']);
    r = run(r.state, server('354 End data with <CR><LF>.<CR><LF>'));
    const message = sent(r.effects);
    expect(message.slice(0, 5)).toEqual([
      'Date: Wed, 02 Dec 2026 09:30:00 +0000\r\n',
      'Message-ID: <u1@me.test>\r\n',
      'From: <a@x.test>\r\n',
      'To: <b@y.test>, <c@y.test>\r\n',
      'Subject: Hi\r\n',
    ]);
    expect(message.slice(5)).toEqual(['\r\n', 'one\r\n', '..dot line\r\n', '..\r\n', 'end\r\n', '.\r\n']);
    // Shown as they go, whatever echo says.
    expect(r.effects.filter((e) => e.type === 'send').every((e) => (e as Extract<Effect, { type: 'send' }>).display.echo)).toBe(true);
    r = run(r.state, server('250 2.0.0 Ok: queued as 4F2'));
    expect(infos(r.effects)).toContain('smtp send: done.');
    expect(r.state.composer).toBeNull();
    expect(r.state.lastRun).toMatchObject({ ok: true });
  });

  test('before the greeting it waits for it; HELO where EHLO is refused', () => {
    let r = menu(at(25), 'smtp send --from a@x.test --to b@y.test');
    expect(sent(r.effects)).toEqual([]);
    r = run(r.state, greeting('220 old.test SMTP'));
    expect(sent(r.effects)).toEqual(['EHLO me.test\r\n']);
    r = run(r.state, server('502 5.5.2 Error: command not recognized'));
    expect(sent(r.effects)).toEqual(['HELO me.test\r\n']);
    r = run(r.state, server('250 old.test'));
    expect(sent(r.effects)).toEqual(['MAIL FROM:<a@x.test>\r\n']);
  });

  test('a refused recipient stops the run there: no DATA goes, the reply is said with its code', () => {
    let r = menu(greeted(), 'smtp send --from a@x.test --to nobody@y.test');
    r = run(r.state, server('250 mx.test'), server('250 2.1.0 Ok'));
    r = run(r.state, server('550 5.1.1 <nobody@y.test>: Recipient address rejected: User unknown'));
    expect(sent(r.effects)).toEqual([]);
    expect(infos(r.effects)).toContain('smtp send stopped at RCPT TO:<nobody@y.test>: the server said 550 5.1.1 <nobody@y.test>: Recipient address rejected: User unknown.');
    expect(infos(r.effects).join('\n')).toMatch(/5\.1\.1: no such mailbox/);
    expect(codes(r.effects)).toContain('PH_STEP_REFUSED');
    expect(r.state.lastRun).toMatchObject({ ok: false, what: 'RCPT TO:<nobody@y.test>' });
  });

  test('a line typed while it runs waits in the editor; Ctrl+C stops the run; the close stops it too', () => {
    let r = menu(greeted(), 'smtp send --from a@x.test --to b@y.test');
    r = run(r.state, text('NOOP'), key('enter'));
    expect(sent(r.effects)).toEqual([]);
    expect(r.state.editor.text).toBe('NOOP');
    expect(r.state.hint).toMatch(/composer is sending/);
    const stopped = run(r.state, ctrl('c'));
    expect(stopped.state.composer).toBeNull();
    expect(infos(stopped.effects)).toContain('smtp send stopped at EHLO me.test: stopped by you.');
    const closed = run(r.state, { type: 'closed', outcome: null, now: 9 });
    expect(infos(closed.effects)).toContain('smtp send stopped at EHLO me.test: the connection closed.');
  });

  test('every field is checked before anything goes: CR, LF, NUL, no address, a bad header', () => {
    for (const bad of ['smtp send --from "a@x\r" --to b@y', 'smtp send --from a@x --to "b@y\nRCPT TO:<c@z>"', 'smtp send --from a@x --to b@y --header "X-A: 1\r\nBcc: c@z"', 'smtp send --from a@x --to b@y --subject "a\0b"']) {
      const p = parseCommand(bad);
      expect(p).toMatchObject({ ok: false, code: 'PH_BAD_FIELD' });
      expect((p as { message: string }).message).toMatch(/(a CR|a line feed|a NUL): nothing sent/);
    }
    expect(parseCommand('smtp send --from a@x')).toMatchObject({ ok: false, code: 'PH_BAD_FIELD' });
    expect(parseCommand('smtp send --to b@y')).toMatchObject({ ok: false, message: expect.stringMatching(/needs --from/) });
    expect(parseCommand('smtp send --from a@x --to "b c@y"')).toMatchObject({ ok: false, code: 'PH_BAD_FIELD' });
    expect(parseCommand('smtp send --from a@x --to b@y --header NoColon')).toMatchObject({ ok: false, code: 'PH_BAD_FIELD' });
    expect(parseCommand('http get "/a b"')).toMatchObject({ ok: false, code: 'PH_BAD_FIELD' });
    expect(parseCommand('http get "/a\r\nX: y"')).toMatchObject({ ok: false, code: 'PH_BAD_FIELD' });
    expect(parseCommand('imap login "bob\r\nA1 LOGOUT"')).toMatchObject({ ok: false, code: 'PH_BAD_FIELD' });
    expect(parseCommand('smtp send --from a@x --to b@y --bogus 1')).toMatchObject({ ok: false, code: 'PH_BAD_ARGUMENT' });
    expect(() => checkCompose({ kind: 'pop3-login', user: '' })).toThrow(FieldError);
    // And in the session: refused in the prompt, nothing on the wire.
    const r = menu(greeted(), 'smtp send --from "a@x\r" --to b@y');
    expect(sent(r.effects)).toEqual([]);
    expect(r.state.menu?.message?.text).toMatch(/a CR: nothing sent/);
  });

  test('the message: given headers win over generated ones; a body that ends in a line break has no extra line', () => {
    const lines = messageLines({ kind: 'smtp-send', from: 'a@x', to: ['b@y'], headers: ['Subject: mine', 'X-Test: 1'], body: 'hi\n' }, { walk: null, machine: 'm', host: 'h', now: 0, unique: 'u', bytes: (t) => t.length });
    expect(lines.filter((l) => l.startsWith('Subject'))).toEqual(['Subject: mine']);
    expect(lines.slice(-3)).toEqual(['X-Test: 1', '', 'hi']);
    expect(dotStuff(['.', '..', 'a.b', '.x'])).toEqual(['..', '...', 'a.b', '..x']);
    expect(mailDate(Date.UTC(2026, 0, 5, 3, 4, 5))).toBe('Mon, 05 Jan 2026 03:04:05 +0000');
  });
});

describe('composers: logging in, the password asked for and never shown', () => {
  test('smtp auth plain: asked in the input line (masked), base64 done, shown masked, not in the history', () => {
    let r = menu(run(at(25), greeting('220 mx ESMTP'), text('EHLO me'), key('enter'), server('250-mx', '250 AUTH PLAIN LOGIN')).state, 'smtp auth plain alice');
    expect(focus(r.state)).toBe('ask');
    expect(r.state.composer?.asking?.prompt).toBe('Password for alice: ');
    r = run(r.state, text('s3cret!'), key('enter'));
    expect(sent(r.effects)).toEqual([`AUTH PLAIN ${Buffer.from('\0alice\0s3cret!').toString('base64')}\r\n`]);
    expect(shown(r.effects)).toEqual(['AUTH PLAIN ********']);
    expect(r.effects.find((e) => e.type === 'send')).toMatchObject({ display: { masked: true } });
    expect(JSON.stringify(r.state.editor)).not.toMatch(/s3cret/);
    r = run(r.state, server('235 2.7.0 Authentication successful'));
    expect(infos(r.effects)).toContain('smtp auth: done.');
    expect(JSON.stringify(r.state)).not.toMatch(/s3cret|czNjcmV0/);
  });

  test('smtp auth login: the user name, then the password, each after its 334', () => {
    let r = menu(run(at(25), greeting('220 mx ESMTP'), text('EHLO me'), key('enter'), server('250 mx')).state, 'smtp auth login alice');
    r = run(r.state, text('pw'), key('enter'));
    expect(sent(r.effects)).toEqual(['AUTH LOGIN\r\n']);
    r = run(r.state, server('334 VXNlcm5hbWU6'));
    expect(sent(r.effects)).toEqual([`${Buffer.from('alice').toString('base64')}\r\n`]);
    r = run(r.state, server('334 UGFzc3dvcmQ6'));
    expect(sent(r.effects)).toEqual([`${Buffer.from('pw').toString('base64')}\r\n`]);
    expect(shown(r.effects)).toEqual(['********']);
    r = run(r.state, server('535 5.7.8 Error: authentication failed'));
    expect(infos(r.effects)).toContain('smtp auth stopped at the password: the server said 535 5.7.8 Error: authentication failed.');
  });

  test('Esc at the password cancels: nothing sent', () => {
    const r = run(menu(run(at(110), greeting('+OK ready')).state, 'pop3 login bob').state, text('abc'), key('escape'));
    expect(sent(r.effects)).toEqual([]);
    expect(r.state.composer).toBeNull();
  });

  test('pop3 login: USER, then PASS masked', () => {
    let r = menu(run(at(110), greeting('+OK ready')).state, 'pop3 login bob');
    r = run(r.state, text('pw'), key('enter'));
    expect(sent(r.effects)).toEqual(['USER bob\r\n']);
    r = run(r.state, server('+OK'));
    expect(sent(r.effects)).toEqual(['PASS pw\r\n']);
    expect(shown(r.effects)).toEqual(['PASS ********']);
    r = run(r.state, server('+OK Logged in.'));
    expect(infos(r.effects)).toContain('pop3 login: done.');
  });

  test("the password prompt's answer, and the lines sent with it, never reach the lasting history", () => {
    const effects: Effect[] = [];
    let r = menu(run(at(110), greeting('+OK ready')).state, 'pop3 login bob');
    effects.push(...r.effects);
    for (const step of [[text('wonderland'), key('enter')], [server('+OK')], [server('+OK Logged in.')]]) {
      r = run(r.state, ...step);
      effects.push(...r.effects);
    }
    expect(effects.filter((e) => e.type === 'remember')).toEqual([]);
    expect(JSON.stringify(r.state.editor.history)).not.toContain('wonderland');
  });

  test('imap login: tagged for the user, quoted where needed, a literal for a non-ASCII password; answers timed', () => {
    let r = menu(run(at(143), greeting('* OK ready')).state, 'imap login bob');
    r = run(r.state, text('a "b"'), key('enter'));
    expect(sent(r.effects)).toEqual(['A001 LOGIN bob "a \\"b\\""\r\n']);
    expect(shown(r.effects)).toEqual(['A001 LOGIN bob ********']);
    r = run(r.state, server('A001 OK Logged in'));
    expect(infos(r.effects)).toEqual([expect.stringMatching(/^↳ A001 LOGIN: done in \d+ ms\.$/), 'imap login: done.']);
    r = menu(r.state, 'imap select INBOX');
    expect(sent(r.effects)).toEqual(['A002 SELECT INBOX\r\n']);
    r = run(r.state, server('* 2 EXISTS', 'A002 OK [READ-WRITE] Select completed'));
    r = menu(r.state, 'imap fetch 1');
    expect(sent(r.effects)).toEqual(['A003 FETCH 1 (FLAGS BODY.PEEK[])\r\n']);

    // A fetched message's own lines ("+", "A003 OK", "* note") are a literal's data, not replies.
    const body = ['+ a diff line', 'A003 OK not the server', '* note'];
    const literal = body.map((l) => `${l}\r\n`).join('').length;
    const f = run(r.state, server(`* 1 FETCH (FLAGS () BODY[] {${literal}}`, ...body, ')', 'A003 OK Fetch completed'));
    expect(infos(f.effects)).toEqual([expect.stringMatching(/^↳ A003 FETCH: done in \d+ ms; untagged: 1 FETCH\.$/), 'imap fetch: done.']);
    expect(f.state.helper.imap.continuation).toBe(false);

    let u = menu(run(at(143), greeting('* OK ready')).state, 'imap login bob');
    u = run(u.state, text('pässword'), key('enter'));
    expect(sent(u.effects)).toEqual(['A001 LOGIN bob {9}\r\n']);
    u = run(u.state, server('+ OK'));
    expect(sent(u.effects)).toEqual(['pässword\r\n']);
    expect(shown(u.effects)).toEqual(['********']);
    expect(imapString('NIL', (t) => t.length)).toEqual({ text: '"NIL"' });
  });
});

describe('composers: http', () => {
  test('get: Host from the target, said as added; the answer ends it; a 404 stops it', () => {
    let r = menu(at(8080), 'http get /index.html');
    expect(sent(r.effects)).toEqual(['GET /index.html HTTP/1.1\r\n', 'Host: mx.test:8080\r\n', '\r\n']);
    expect(infos(r.effects)).toContain('↳ porthole added: Host: mx.test:8080');
    // The status line is not the end: the answer ends by its framing, as the pane's view reads it.
    const headers = run(r.state, server('HTTP/1.1 200 OK', 'Content-Length: 2', ''));
    expect(headers.state.composer).not.toBeNull();
    const ok = run(headers.state, { type: 'http-answered', code: 200, status: 'HTTP/1.1 200 OK', now: clock });
    expect(infos(ok.effects)).toContain('http get: done.');
    r = run(r.state, server('HTTP/1.1 404 Not Found'), { type: 'http-answered', code: 404, status: 'HTTP/1.1 404 Not Found', now: clock });
    expect(codes(r.effects)).toContain('PH_STEP_REFUSED');
    expect(infos(r.effects)).toContain('http get stopped at GET /index.html: the server said HTTP/1.1 404 Not Found.');
    // Another request while an answer is still coming would take that answer for its own.
    const busy = menu(run(at(8080), text('GET / HTTP/1.1'), key('enter'), key('enter')).state, 'http get /');
    expect(sent(busy.effects)).toEqual([]);
    expect(infos(busy.effects).join('\n')).toMatch(/the answer to the last request has not ended yet/);
    // Its status line is not its end: the body may still be coming. Its end (by its framing) is.
    const headOnly = run(busy.state, server('HTTP/1.1 200 OK', 'Content-Length: 10', ''));
    expect(sent(menu(headOnly.state, 'http get /').effects)).toEqual([]);
    const ended = run(headOnly.state, { type: 'http-answered', code: 200, status: 'HTTP/1.1 200 OK', now: clock });
    expect(sent(menu(ended.state, 'http get /').effects)[0]).toBe('GET / HTTP/1.1\r\n');
    // An answer whose end cannot be known (not HTTP, broken framing) stops the composer: no success.
    const lost = run(menu(ended.state, 'http get /x').state, { type: 'http-answered', code: 0, status: 'the answer is not HTTP (no status line)', now: clock });
    expect(infos(lost.effects)).toContain('http get stopped at GET /x: the server said the answer is not HTTP (no status line).');
  });

  test('post: Content-Length from the body in the encoding in force; the body after the empty line, as is', () => {
    const r = menu(at(80), "http post /form --data 'a=1&b=é' --header 'Content-Type: application/x-www-form-urlencoded' --http1.0");
    expect(sent(r.effects)).toEqual(['POST /form HTTP/1.0\r\n', 'Host: mx.test\r\n', 'Content-Type: application/x-www-form-urlencoded\r\n', 'Content-Length: 8\r\n', '\r\n', 'a=1&b=é']);
    expect(parseCommand('http get / --data x')).toMatchObject({ ok: false });
  });

  test('an Authorization header given is masked where shown, and in the prompt\'s history', () => {
    const r = menu(at(80), "http get / --header 'Authorization: Basic dXNlcjpwdw=='");
    expect(shown(r.effects)).toContain('Authorization: Basic ********');
    expect(sent(r.effects)).toContain('Authorization: Basic dXNlcjpwdw==\r\n');
    // Nothing of the state keeps it (the prompt's history included).
    expect(JSON.stringify(r.state)).not.toMatch(/dXNlcjpwdw/);
    expect(commandSecretSpans("http get / --header 'Authorization: token abc'")).toEqual([[42, 45]]);
    // Every one of them, to the end of its argument: Digest's parameters, a signature, two headers.
    expect(shownCommand(`http get / --header 'Proxy-Authorization: Basic AAA' --header "Authorization: Bearer SECRET2"`)).toBe(
      `http get / --header 'Proxy-Authorization: Basic ********' --header "Authorization: Bearer ********"`,
    );
    expect(shownCommand(`http get / --header 'Authorization: Digest username="bob", response="6629fae4"'`)).toBe(`http get / --header 'Authorization: Digest ********'`);
    expect(shownCommand('http get / --header Authorization:AWS4-HMAC-SHA256')).toBe('http get / --header Authorization:********');
    expect(parseCommand("http get / --header 'Authorization Basic c2VjcmV0'")).toMatchObject({ ok: false, message: expect.not.stringMatching(/c2VjcmV0/) });
  });
});

describe('-c: commands run in order once connected', () => {
  test('each after the one before has ended; a refused step ends the script', () => {
    const start = { ...initialSessionState({ host: 'mx.test', port: 25 }, DEFAULT_SETTINGS), machine: 'me.test', script: ['toggle timestamps', 'smtp send --from a@x --to b@y', 'smtp send --from c@x --to d@y'] };
    let r = run(start, CONNECTED);
    expect(r.state.settings.timestamps).toBe(true);
    expect(r.state.composer?.spec).toMatchObject({ kind: 'smtp-send', from: 'a@x' });
    r = run(r.state, greeting('220 mx ESMTP'), server('250 mx'), server('550 5.7.1 Relay access denied'));
    expect(r.state.script).toEqual([]);
    expect(r.state.composer).toBeNull();
    expect(r.state.lastRun).toMatchObject({ ok: false, what: 'MAIL FROM:<a@x>' });
  });
});

test('IMAP literals are counted in the bytes the controller measured, whatever the text became', () => {
  const w = { ...(newWalk('imap') as ImapWalk), greeted: true, awaiting: [{ tag: 'A1', verb: 'FETCH', at: 0, untagged: {} }] };
  // 20 bytes of 0xE9: latin1 text of 20 characters, or 20 U+FFFD under UTF-8; and a line the reader
  // cut at 4096 characters that was 5000 bytes long. The wire's counts, not the text's, say where the literal ends.
  const lines = [
    { text: '* 1 FETCH (BODY[] {5024}', eol: 'crlf' as const, bytes: 26 },
    { text: '\ufffd'.repeat(20), eol: 'crlf' as const, bytes: 22 },
    { text: 'x'.repeat(4096), eol: 'crlf' as const, bytes: 5002 },
    { text: ')', eol: 'crlf' as const, bytes: 3 },
    { text: 'A1 OK done', eol: 'crlf' as const, bytes: 12 },
  ];
  const r = imapLines(w, lines);
  expect(r.answers.map((a) => [a.tag, a.ok])).toEqual([['A1', true]]);
  expect(r.walk.literal).toBe(0);
});

describe('STARTTLS holds what is typed until TLS is up', () => {
  const tls = () =>
    judgeTls({ version: 'TLSv1.3', cipher: 'TLS_AES_128_GCM_SHA256', alpn: null, servername: 'mx.test', checkedName: 'mx.test', chainError: null, nameError: null, chain: [], insecure: false, handshakeMs: 1 }, Date.UTC(2026, 11, 1));
  test('lines typed while connecting with --starttls, or during a starttls, wait; they go over TLS, or not at all', () => {
    // Typed while connecting, with --starttls: not flushed at connect.
    let r = run({ ...initialSessionState({ host: 'mx.test', port: 25 }, DEFAULT_SETTINGS), machine: 'me.test' }, text('AUTH PLAIN AGFsaWNlAHB3'), key('enter'));
    r = run(r.state, { ...(CONNECTED as Extract<SessionAction, { type: 'connected' }>), upgrading: true });
    expect(sent(r.effects)).toEqual([]);
    r = run(r.state, text('MAIL FROM:<a@x>'), key('enter'));
    expect(sent(r.effects)).toEqual([]);
    expect(infos(r.effects)).toEqual(['Queued until TLS is up (2 pending): MAIL FROM:<a@x>']);
    const up = run(r.state, { type: 'tls-up', tls: tls(), protocol: 'smtp', discarded: 0, ehloName: 'me.test' });
    expect(sent(up.effects)).toEqual(['AUTH PLAIN AGFsaWNlAHB3\r\n', 'MAIL FROM:<a@x>\r\n']);
    const failed = run(r.state, { type: 'starttls-failed', outcome: makeOutcome('tls-failure', 'PH_TLS_HANDSHAKE', { label: 'STARTTLS failed', meaning: 'x', next: '' }), tls: null, closed: false });
    expect(sent(failed.effects)).toEqual([]);
    expect(infos(failed.effects).join('\n')).toMatch(/Not sent \(STARTTLS failed: it was typed to go over TLS\): 2 lines typed while TLS was not up yet: AUTH PLAIN \*{8} \| MAIL FROM:<a@x>/);
    expect(failed.state.pending).toEqual([]);
  });
});

// The plan is data: tested on its own for the shapes the session does not reach easily.
test('plan: an IMAP user name that needs a literal goes first, the password after its own "+"', () => {
  const spec: Compose = { kind: 'imap-login', user: 'bjørn' };
  const steps = plan(spec, { walk: { ...(newWalk('imap') as ImapWalk), greeted: true }, machine: 'm', host: 'h', now: 0, unique: 'u', bytes: (t) => Buffer.byteLength(t) }, 'pw');
  expect(steps.map((s) => [s.lines, s.shown, s.wait])).toEqual([
    [['LOGIN {6}'], ['LOGIN {6}'], 'go'],
    [['bjørn pw'], ['bjørn ********'], 'ok'],
  ]);
});
