import type { InputEvent, KeyEvent } from '../../src/core/key-decoder.js';
import { makeOutcome, peerEnded } from '../../src/core/outcome.js';
import { wantsPeerLines } from '../../src/core/session/connection-slice.js';
import { inData } from '../../src/core/session/helper-slice.js';
import { focus } from '../../src/core/session/focus.js';
import { sessionReducer } from '../../src/core/session/reducer.js';
import { searchView } from '../../src/core/session/search-slice.js';
import { panelView } from '../../src/core/session/panel-slice.js';
import { judgeTls } from '../../src/core/tls.js';
import {
  DEFAULT_SETTINGS,
  initialSessionState,
  sessionExitCode,
  type Effect,
  type SessionAction,
  type SessionState,
  type Settings,
} from '../../src/core/session/state.js';

const settings: Settings = DEFAULT_SETTINGS;
const target = { host: 'mail.test', port: 25 };
const key = (name: string, mods: Partial<KeyEvent> = {}): InputEvent => ({ type: 'key', name, ctrl: false, meta: false, shift: false, sequence: '', ...mods });
const ctrl = (name: string, sequence = ''): InputEvent => key(name, { ctrl: true, sequence });
const text = (t: string): InputEvent => ({ type: 'text', text: t });
const INPUT_TYPES = ['key', 'text', 'paste', 'focus', 'unknown'];

function run(state: SessionState, ...actions: (SessionAction | InputEvent)[]): { state: SessionState; effects: Effect[] } {
  const effects: Effect[] = [];
  for (const a of actions) {
    const action: SessionAction = INPUT_TYPES.includes(a.type) ? { type: 'input', event: a as InputEvent, now: 7 } : (a as SessionAction);
    const step = sessionReducer(state, action);
    state = step.state;
    effects.push(...step.effects);
  }
  return { state, effects };
}

const CONNECTED: SessionAction = { type: 'connected', address: '127.0.0.1', local: '127.0.0.1:5000', connectMs: 0.4, now: 1, tls: null };
const connected = (s: Partial<Settings> = {}) => run(initialSessionState(target, { ...settings, ...s }), CONNECTED).state;
const menu = (state: SessionState, command: string) => run(state, ctrl(']'), text(command), key('enter'));

const sent = (effects: Effect[]) => effects.flatMap((e) => (e.type === 'send' ? [Buffer.from(e.bytes).toString('latin1')] : []));
const infos = (effects: Effect[]) => effects.flatMap((e) => (e.type === 'info' ? e.lines : []));

describe('line mode', () => {
  test('Enter sends the line with CRLF and shows it as typed', () => {
    const { effects } = run(connected(), text('EHLO me'), key('enter'));
    expect(sent(effects)).toEqual(['EHLO me\r\n']);
    expect(effects.find((e) => e.type === 'send')).toMatchObject({ display: { text: 'EHLO me', eol: 'crlf', echo: true } });
  });

  test('an empty line sends a bare line ending (HTTP needs it); LF when set', () => {
    expect(sent(run(connected(), key('enter')).effects)).toEqual(['\r\n']);
    expect(sent(run(connected({ lineEnding: 'lf' }), text('GET /'), key('enter')).effects)).toEqual(['GET /\n']);
  });

  test('the encoding in force is used on the wire', () => {
    expect(sent(run(connected({ encoding: 'latin1' }), text('café'), key('enter')).effects)).toEqual(['caf\xe9\r\n']);
  });

  test('a character the encoding cannot hold is refused with a message, not sent as "?"; the line stays to be mended', () => {
    const { state, effects } = run(connected({ encoding: 'latin1' }), text('price 5€'), key('enter'));
    expect(sent(effects)).toEqual([]);
    expect(infos(effects)).toEqual([expect.stringMatching(/^Not sent: € \(U\+20AC\) has no byte in latin1/)]);
    expect(state.editor.text).toBe('price 5€');
  });

  test('a multi-line paste sends each line in order; the tail stays in the editor', () => {
    const { state, effects } = run(connected(), text('> '), { type: 'paste', text: 'a\nb\r\nc\rrest', final: true });
    expect(sent(effects)).toEqual(['> a\r\n', 'b\r\n', 'c\r\n']);
    expect(state.editor.text).toBe('rest');
  });

  describe('the send queue is bounded', () => {
    const MiB = 1024 * 1024;
    const CAP = 16 * MiB;
    const queued = (bytes: number, event: InputEvent): SessionAction => ({ type: 'input', event, now: 7, sendQueued: bytes });
    // Lines of 1 KiB on the wire (1022 characters and CRLF), numbered, `tag` first.
    const pasted = (n: number, tag = '0') => `${Array.from({ length: n }, (_, i) => `${tag}${String(i).padStart(6, '0')} ${'x'.repeat(1014)}`).join('\n')}\n`;

    test('a paste on top of a queue the peer is not taking goes whole while it fits', () => {
      const { effects } = run(connected(), queued(CAP - 64 * 1024, { type: 'paste', text: pasted(64), final: true }));
      expect(sent(effects)).toHaveLength(64);
      expect(infos(effects)).toEqual([]);
    });

    test('past 16 MiB nothing of it goes: said with the code, the whole paste kept in the editor; Enter sends it once the queue is lower', () => {
      const s = run(connected(), text('> ')).state;
      const paste = pasted(65);
      const { state, effects } = run(s, queued(CAP - 64 * 1024, { type: 'paste', text: paste, final: true }));
      expect(sent(effects)).toEqual([]);
      expect(effects).toEqual([expect.objectContaining({ type: 'info', code: 'PH_SEND_QUEUE_FULL' })]);
      expect(infos(effects)[0]).toMatch(/^Not sent: 15\.9 MB already waits for a peer that is not reading; 65\.0 KB more would pass the 16\.0 MB send queue\. It stays in the editor/);
      expect(state.editor.text).toBe(`> ${paste}`);
      // The paste's last line break was its Enter: this Enter ends that line, no empty one after.
      const later = run(state, queued(0, key('enter')));
      expect(sent(later.effects).join('')).toBe(`> ${paste.replace(/\n/g, '\r\n')}`);
      expect(later.state.editor.text).toBe('');
    });

    test('one paste larger than the queue is refused even on an empty one; a line typed still goes up to the cap', () => {
      const { effects } = run(connected(), { type: 'paste', text: `${'x'.repeat(CAP - 1)}\n`, final: true });
      expect(sent(effects)).toEqual([]);
      expect(infos(effects)[0]).toMatch(/^Not sent: 16\.0 MB more would pass the 16\.0 MB send queue/);
      expect(sent(run(connected(), text('NOOP'), queued(CAP - 6, key('enter'))).effects)).toEqual(['NOOP\r\n']);
      expect(sent(run(connected(), text('NOOP'), queued(CAP - 5, key('enter'))).effects)).toEqual([]);
    });

    test('in character mode a paste past the queue is refused and said: nothing of it goes', () => {
      const { effects } = run(connected({ mode: 'char' }), queued(CAP - 10, { type: 'paste', text: 'x'.repeat(11), final: true }));
      expect(sent(effects)).toEqual([]);
      expect(infos(effects)[0]).toMatch(/Nothing of it went: send it again once the queue/);
    });

    test('a long paste comes in pieces: once one is put back, the rest joins it in the editor, and Enter sends what fits, a part at a time, in order', () => {
      const [a, b, c] = [pasted(60, 'a'), pasted(60, 'b'), pasted(60, 'c')];
      // The first piece fits, the second would pass the cap and is put back, the third joins it.
      let r = run(connected(), queued(CAP - 100 * 1024, { type: 'paste', text: a, final: false }));
      expect(sent(r.effects)).toHaveLength(60);
      r = run(r.state, queued(CAP - 40 * 1024, { type: 'paste', text: b, final: false }), queued(CAP - 40 * 1024, { type: 'paste', text: c, final: true }));
      expect(sent(r.effects)).toEqual([]);
      expect(r.effects.filter((e) => e.type === 'info')).toHaveLength(1);
      expect(r.state.editor.text).toBe(b + c);
      // The peer took some: Enter sends the lines that fit, and says how many wait.
      r = run(r.state, queued(CAP - 100 * 1024, key('enter')));
      const part = sent(r.effects);
      expect(part).toHaveLength(100);
      expect(infos(r.effects)).toEqual(['Sent 100 of 120 lines: 20 more wait in the editor for the send queue to go down. Enter sends the next part.']);
      // Then the rest: every line once, in the order pasted.
      const rest = run(r.state, queued(0, key('enter')));
      expect([...part, ...sent(rest.effects)].join('')).toBe((b + c).replace(/\n/g, '\r\n'));
      expect(rest.state.editor.text).toBe('');
    });

    test('lines typed while connecting are bounded the same way', () => {
      const s = run(initialSessionState(target, settings), { type: 'paste', text: pasted(15 * 1024), final: true }).state;
      expect(s.pending).toHaveLength(15 * 1024);
      const { state, effects } = run(s, { type: 'paste', text: pasted(2 * 1024), final: true });
      expect(state.pending).toHaveLength(15 * 1024);
      expect(infos(effects)[0]).toMatch(/already waits until the connection is up; 2\.0 MB more would pass/);
    });
  });

  test('lines typed while connecting are queued, said, and sent in order on connect', () => {
    let s = run(initialSessionState(target, settings), text('EHLO me'), key('enter'), text('NOOP'), key('enter'));
    expect(sent(s.effects)).toEqual([]);
    expect(infos(s.effects)).toEqual(['Queued until connected (1 pending): EHLO me', 'Queued until connected (2 pending): NOOP']);
    expect(s.state.pending.map((p) => p.text)).toEqual(['EHLO me', 'NOOP']);
    s = run(s.state, CONNECTED);
    expect(sent(s.effects)).toEqual(['EHLO me\r\n', 'NOOP\r\n']);
    expect(s.state.pending).toEqual([]);
  });

  test('lines queued for one host never go to another: open elsewhere drops them, said', () => {
    const queued = run(initialSessionState(target, settings), text('AUTH PLAIN secret'), key('enter')).state;
    const moved = run(queued, { type: 'resolving', target: { host: 'other.test', port: 25 }, now: 3 }, CONNECTED);
    expect(sent(moved.effects)).toEqual([]);
    expect(infos(moved.effects)).toContain('Not sent (a new connection was opened): the line typed while connecting: AUTH PLAIN ********');
  });

  test('queued lines are encoded when they go, with the settings then in force', () => {
    const queued = run(initialSessionState(target, settings), text('EHLO me'), key('enter')).state;
    const lf = menu(queued, 'set lf').state;
    expect(sent(run(lf, CONNECTED).effects)).toEqual(['EHLO me\n']);
  });

  test('a long refused paste (held, too long to edit) still goes out a line at a time', () => {
    const big = `€\n${'y'.repeat(100)}\n`.repeat(200);
    const refused = run(connected({ encoding: 'latin1' }), { type: 'paste', text: big + 'tail', final: true });
    expect(refused.state.editor.held).not.toBeNull();
    const s = run(menu(refused.state, 'set encoding utf-8').state, key('enter'));
    expect(sent(s.effects)).toHaveLength(401);
    expect(sent(s.effects).every((l) => !l.slice(0, -2).includes('\n'))).toBe(true);
  });

  test('a refused paste put back whole still goes out a line at a time once mended, never with a bare LF inside', () => {
    const latin1 = connected({ encoding: 'latin1' });
    const refused = run(latin1, { type: 'paste', text: 'MAIL FROM:<a@b>\nRCPT TO:<€@c>\nDATA', final: true });
    expect(sent(refused.effects)).toEqual([]);
    expect(refused.state.editor.text).toBe('MAIL FROM:<a@b>\nRCPT TO:<€@c>\nDATA');
    // Mended (here: cut and typed again without the €), then Enter.
    const s = run(refused.state, ctrl('u'), text('MAIL FROM:<a@b>\nRCPT TO:<@c>\nDATA'), key('enter'));
    expect(sent(s.effects)).toEqual(['MAIL FROM:<a@b>\r\n', 'RCPT TO:<@c>\r\n', 'DATA\r\n']);
  });

  test('character mode while not connected says the keys are not sent, once, in the status bar', () => {
    const charConnecting = menu(initialSessionState(target, settings), 'mode char').state;
    const s = run(charConnecting, text('a'), text('b'));
    expect(sent(s.effects)).toEqual([]);
    expect(s.state.hint).toMatch(/^Keys not sent \(still connecting\): character mode sends only to a live connection/);
    // Once a key goes out, the hint is no longer true.
    expect(run(s.state, CONNECTED, text('c')).state.hint).toBeNull();
  });

  test('quit with lines still queued for the connect asks once', () => {
    const queued = run(initialSessionState(target, settings), text('EHLO me'), key('enter')).state;
    const first = menu(queued, 'quit');
    expect(first.effects).toEqual([]);
    expect(first.state.menu?.message?.text).toMatch(/^A line typed while connecting would not be sent: quit again/);
    expect(run(first.state, text('quit'), key('enter')).effects).toEqual([{ type: 'quit', force: true }]);
  });

  test('queued lines that will never go are said not sent, with why', () => {
    const queued = run(initialSessionState(target, settings), text('EHLO me'), key('enter')).state;
    const failed = run(queued, { type: 'failed', outcome: makeOutcome('refused', 'ECONNREFUSED'), address: '127.0.0.1', now: 2, tls: null });
    expect(infos(failed.effects)).toContain('Not sent (connection refused): the line typed while connecting: EHLO me');
    expect(failed.state.pending).toEqual([]);
  });

  test('after the connection ended, a line is not lost silently: it says why', () => {
    const closed = run(connected(), { type: 'closed', outcome: peerEnded('rst', 3), now: 3 }).state;
    const s = run(closed, text('hello'), key('enter'));
    expect(sent(s.effects)).toEqual([]);
    expect(infos(s.effects)).toEqual([expect.stringMatching(/^Not sent \(not connected\): hello\./)]);
  });

  test('Ctrl+C clears the line and says how to leave; it never quits', () => {
    const { state, effects } = run(connected(), text('oops'), ctrl('c'));
    expect(state.editor.text).toBe('');
    expect(state.hint).toMatch(/Ctrl\+\] then quit/);
    expect(effects).toEqual([]);
  });

  test('Ctrl+D on an empty line half-closes; on text it deletes forward', () => {
    const s = run(connected(), ctrl('d'));
    expect(s.effects[0]).toEqual({ type: 'send-eof' });
    expect(s.state.conn).toMatchObject({ phase: 'connected', localEof: true });
    const t = run(connected(), text('ab'), key('home'), ctrl('d'));
    expect(t.state.editor.text).toBe('b');
  });

  test('PageUp and Shift+End scroll the pane', () => {
    const { effects } = run(connected(), key('pageup'), key('end', { shift: true }));
    expect(effects).toEqual([
      { type: 'scroll', action: { type: 'pageUp' } },
      { type: 'scroll', action: { type: 'bottom' } },
    ]);
  });
});

describe('the Ctrl+] prompt', () => {
  test('opens over the session and takes the keys; Esc and an empty Enter return', () => {
    let s = run(connected(), ctrl(']'));
    expect(s.state.menu).not.toBeNull();
    expect(focus(s.state)).toBe('menu');
    s = run(s.state, key('escape'));
    expect(s.state.menu).toBeNull();
    expect(focus(s.state)).toBe('line');
    s = run(s.state, ctrl(']'), key('enter'));
    expect(s.state.menu).toBeNull();
    expect(s.effects).toEqual([]);
  });

  test('Ctrl+] twice sends a literal 0x1d', () => {
    const { state, effects } = run(connected(), ctrl(']'), ctrl(']'));
    expect(state.menu).toBeNull();
    expect(sent(effects)).toEqual(['\x1d']);
  });

  test('typing quit and Enter quits, as in telnet', () => {
    expect(menu(connected(), 'quit').effects).toEqual([{ type: 'quit', force: false }]);
  });

  test('"quit now" is a usage error in the prompt, not a quit', () => {
    const { state, effects } = menu(connected(), 'quit now');
    expect(effects).toEqual([]);
    expect(state.menu?.message).toEqual({ text: expect.stringMatching(/^quit takes no arguments \(got "now"\)/), error: true });
  });

  test('quit asks the controller first; bytes still queued make it ask once, and the second quit forces', () => {
    expect(menu(connected(), 'quit').effects).toEqual([{ type: 'quit', force: false }]);
    const refused = run(connected(), { type: 'quit-refused', queued: 7800 });
    expect(refused.state.menu?.message).toEqual({ text: expect.stringMatching(/^7\.6 KB still queued for a peer that is not reading: quit again to drop it/), error: true });
    expect(run(refused.state, text('quit'), key('enter')).effects).toEqual([{ type: 'quit', force: true }]);
  });

  test('an unknown command answers with an error and the list, and stays open', () => {
    const { state } = menu(connected(), 'frob');
    expect(state.menu?.message).toEqual({ text: expect.stringMatching(/^unknown command "frob"\. Commands: quit, close, open/), error: true });
    expect(state.menu?.editor.text).toBe('');
  });

  test('Tab completes', () => {
    const { state } = run(connected(), ctrl(']'), text('tog'), key('tab'), text('h'), key('tab'));
    expect(state.menu?.editor.text).toBe('toggle hex ');
  });

  test('open closes the current connection and connects elsewhere (port 23 by default)', () => {
    expect(menu(connected(), 'open other.test').effects).toEqual([{ type: 'close' }, { type: 'connect', target: { host: 'other.test', port: 23 } }]);
  });

  test('close says so in the pane; while connecting it cancels, which is no failure (exit 0)', () => {
    const closed = menu(connected(), 'close');
    expect(closed.effects).toEqual([{ type: 'close' }, { type: 'info', lines: ['Closed the connection to mail.test:25.'] }]);
    const cancelled = menu(initialSessionState(target, settings), 'close');
    expect(cancelled.effects).toEqual([{ type: 'close' }, { type: 'info', lines: ['Cancelled connecting to mail.test:25.'] }]);
    expect(cancelled.state.conn).toMatchObject({ phase: 'cancelled' });
    expect(sessionExitCode(cancelled.state)).toBe(0);
  });

  test('settings change and say so', () => {
    let { state, effects } = menu(connected(), 'set lf');
    expect(state.settings.lineEnding).toBe('lf');
    expect(effects).toEqual([{ type: 'info', lines: ['Lines now end with LF.'] }]);
    ({ state } = menu(state, 'toggle echo'));
    expect(state.settings.echo).toBe(false);
    ({ state, effects } = menu(state, 'set encoding cp437'));
    expect(state.settings.encoding).toBe('cp437');
    expect(effects).toContainEqual({ type: 'set-encoding', encoding: 'cp437' });
    ({ state } = menu(state, 'toggle colours'));
    expect(state.settings.colours).toBe(true);
  });

  test("z suspends, as telnet's z: the controller stops the process with the terminal given back", () => {
    const step = menu(connected(), 'z');
    expect(step.effects).toEqual([{ type: 'suspend' }]);
    expect(step.state.menu).toBeNull();
  });

  test('log takes a quoted path with spaces, and ~ as typed (io expands it)', () => {
    expect(menu(connected(), 'log "/tmp/my log.txt"').effects).toEqual([{ type: 'log', file: '/tmp/my log.txt' }]);
    expect(menu(connected(), 'log ~/x').effects).toEqual([{ type: 'log', file: '~/x' }]);
    expect(menu(connected(), 'log off').effects).toEqual([{ type: 'log', file: null }]);
  });

  test('send eof half-closes; send hex sends bytes, said by name in the transcript', () => {
    expect(menu(connected(), 'send eof').effects[0]).toEqual({ type: 'send-eof' });
    const hex = menu(connected(), 'send hex 00ff');
    expect(sent(hex.effects)).toEqual(['\x00\xff']);
    expect(hex.effects[0]).toMatchObject({ display: { text: '<2 bytes>', eol: null } });
  });
});

describe('character mode', () => {
  const charMode = () => menu(connected(), 'mode char').state;

  test('each key goes out as typed; Enter is the line ending; Ctrl+C is 0x03', () => {
    const { effects } = run(charMode(), text('ls'), key('enter'), ctrl('c', '\x03'), key('up', { sequence: '\x1b[A' }), key('backspace'));
    expect(sent(effects)).toEqual(['ls', '\r\n', '\x03', '\x1b[A', '\x7f']);
    // The transcript gets keys by name, not as the escape sequence they are on the wire.
    expect(effects.flatMap((e) => (e.type === 'send' ? [e.display.text] : []))).toEqual(['ls', '', '<Ctrl+C>', '<Up>', '<Backspace>']);
  });

  test('focus goes to character mode; Ctrl+] still opens the prompt; Shift+PageUp scrolls our pane', () => {
    expect(focus(charMode())).toBe('char');
    expect(run(charMode(), ctrl(']')).state.menu).not.toBeNull();
    expect(run(charMode(), key('pageup', { shift: true })).effects).toEqual([{ type: 'scroll', action: { type: 'pageUp' } }]);
  });
});

describe('the connection and the exit code', () => {
  test("the peer's FIN is a half-close: said, and we can still send until we end our side", () => {
    const eof = peerEnded('fin', 10);
    let s = run(connected(), { type: 'peer-eof', outcome: eof });
    expect(infos(s.effects)).toEqual([expect.stringMatching(/^Connection closed by foreign host \(it sent FIN\)\. It may still read: what you send goes out/)]);
    expect(s.effects.find((e) => e.type === 'close')).toBeUndefined();
    s = run(s.state, text('QUIT'), key('enter'));
    expect(sent(s.effects)).toEqual(['QUIT\r\n']);
    s = run(s.state, ctrl('d'), { type: 'closed', outcome: eof, now: 5 });
    expect(s.state.conn).toMatchObject({ phase: 'closed', outcome: { kind: 'closed-by-peer' } });
    expect(sessionExitCode(s.state)).toBe(0);
  });

  test('the first line the server sends is its banner, kept for the status bar; then, without a helper, lines are no longer wanted', () => {
    const c = connected({ proto: 'none' });
    expect(wantsPeerLines(c)).toBe(true);
    const s = run(c, { type: 'peer-lines', lines: [{ text: '220 mail ESMTP', eol: 'crlf' }], unprompted: true }).state;
    expect(s.conn).toMatchObject({ banner: '220 mail ESMTP' });
    expect(wantsPeerLines(s)).toBe(false);
  });

  test('a first line that answers what we sent (an HTTP status line, an echo) is no banner', () => {
    const s = run(connected({ proto: 'none' }), { type: 'peer-lines', lines: [{ text: 'HTTP/1.1 200 OK', eol: 'crlf' }], unprompted: false }).state;
    expect(s.conn).toMatchObject({ banner: null, heard: true });
    expect(wantsPeerLines(s)).toBe(false);
  });

  test("a session that never connected exits with the failure's code", () => {
    const { state } = run(initialSessionState(target, settings), { type: 'failed', outcome: makeOutcome('refused', 'ECONNREFUSED'), address: '127.0.0.1', now: 2, tls: null });
    expect(sessionExitCode(state)).toBe(4);
  });

  test('a reset mid-session exits 7; a reset answering what was sent after the peer closed does not', () => {
    expect(sessionExitCode(run(connected(), { type: 'closed', outcome: peerEnded('rst', 10), now: 3 }).state)).toBe(7);
    const after = run(connected(), { type: 'peer-eof', outcome: peerEnded('fin', 10) }, { type: 'closed', outcome: peerEnded('rst-after-fin', 10), now: 3 });
    expect(sessionExitCode(after.state)).toBe(0);
  });
});

describe('the TLS panel', () => {
  const report = judgeTls(
    {
      version: 'TLSv1.3',
      cipher: 'TLS_AES_128_GCM_SHA256',
      alpn: null,
      servername: 'mail.test',
      checkedName: 'mail.test',
      chainError: null,
      nameError: null,
      chain: [
        { subject: 'CN=mail.test\x1b]0;x\x07', issuer: 'CN=CA', sans: ['DNS:mail.test'], notBefore: '2026-01-01T00:00:00.000Z', notAfter: '2027-01-01T00:00:00.000Z', keyType: 'ec', keyBits: null, curve: 'prime256v1', signatureAlgorithm: 'ecdsa-with-SHA256', sha256: 'AA', serial: '1', selfIssued: false, caIssuers: null },
      ],
      insecure: false,
      handshakeMs: 1,
    },
    Date.UTC(2026, 11, 1),
  );
  const overTls = () => run(initialSessionState(target, settings), { ...CONNECTED, tls: report } as SessionAction).state;

  test('`tls` opens the panel over the pane; it scrolls, and Esc or q closes it', () => {
    let s = menu(overTls(), 'tls').state;
    expect(s.menu).toBeNull();
    expect(s.panel).toEqual({ kind: 'tls', top: 0 });
    const view = panelView(s, s.panel!, 40, 4);
    expect(view.lines).toHaveLength(3);
    expect(view.title).toMatch(/^TLS session and certificate chain/);
    expect(view.more).toEqual({ above: false, below: true });
    s = run(s, key('down'), key('down')).state;
    expect(panelView(s, s.panel!, 40, 4).more.above).toBe(true);
    // Past the end, the view stops at the last page.
    s = run(s, key('end')).state;
    expect(panelView(s, s.panel!, 40, 4).more.below).toBe(false);
    expect(run(s, key('escape')).state.panel).toBeNull();
    expect(run(s, text('q')).state.panel).toBeNull();
    // Ctrl+] opens the prompt from the panel.
    const m = run(s, ctrl(']')).state;
    expect(m.panel).toBeNull();
    expect(m.menu).not.toBeNull();
  });

  test('the certificate\'s fields are shown made visible, each line fitted to the pane', () => {
    const s = menu(overTls(), 'tls').state;
    const lines = panelView(s, s.panel!, 30, 20).lines;
    expect(lines.join('\n')).not.toMatch(/\x1b|\x07/);
    expect(lines.find((l) => l.startsWith('0. leaf'))).toMatch(/␛\]0;x␇|…$/);
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(30);
  });

  test('over plain TCP `tls` answers in the prompt', () => {
    const s = menu(connected(), 'tls').state;
    expect(s.panel).toBeNull();
    expect(s.menu?.message?.text).toMatch(/Not a TLS connection/);
  });
});

test('a STARTTLS under way: another is refused until it ends, and the flag goes with it', () => {
  const began = run(connected(), { type: 'starttls-began', protocol: 'smtp' }).state;
  expect(began.upgrading).toBe(true);
  const again = menu(began, 'starttls');
  expect(again.effects.filter((e) => e.type === 'starttls')).toEqual([]);
  expect(again.state.menu?.message?.text).toBe('A STARTTLS is under way already.');
  const failed = run(began, { type: 'starttls-failed', outcome: makeOutcome('tls-failure', 'PH_STARTTLS_REFUSED'), tls: null, closed: false }).state;
  expect(failed.upgrading).toBe(false);
  expect(menu(failed, 'starttls').effects).toContainEqual({ type: 'starttls', how: 'auto' });
});

test('a connection that TLS ended (a certificate refused after STARTTLS) exits 8', () => {
  const closed = run(connected(), { type: 'closed', outcome: makeOutcome('tls-failure', 'PH_TLS_UNTRUSTED_CA'), now: 5 }).state;
  expect(sessionExitCode(closed)).toBe(8);
});

describe('the protocol helper', () => {
  const peer = (state: SessionState, ...lines: string[]) => run(state, { type: 'peer-lines', lines: lines.map((text) => ({ text, eol: 'crlf' as const })), unprompted: false });

  test('SMTP from the port: replies explained beneath them, an EHLO reply\'s capabilities in words', () => {
    const c = connected();
    expect(c.helper.proto).toBe('smtp');
    expect(wantsPeerLines(c)).toBe(true);
    const ehlo = peer(c, '250-mail.test', '250-PIPELINING', '250-SIZE 10240000', '250-STARTTLS', '250-AUTH PLAIN LOGIN', '250 8BITMIME');
    expect(infos(ehlo.effects)).toEqual(['\u21b3 The server offers: TLS (STARTTLS: starttls in the prompt), login with AUTH PLAIN LOGIN, messages up to 9.8 MiB, pipelining, 8-bit MIME.']);
    // A reply cut across reads is assembled first.
    const half = peer(ehlo.state, '550-5.1.1 <nobody@mail.test>: Recipient address rejected:');
    expect(infos(half.effects)).toEqual([]);
    const whole = peer(half.state, '550 5.1.1 User unknown in local recipient table');
    expect(infos(whole.effects)).toEqual(['\u21b3 550 (permanent): the server refused the mailbox or the mail (no such user, or a policy); 5.1.1: no such mailbox at that domain. Next: check the spelling of the address.']);
    expect(infos(peer(whole.state, '250 2.1.0 Ok').effects)).toEqual([]);
    expect(infos(peer(whole.state, '503 5.5.1 Error: need RCPT command').effects)[0]).toMatch(/bad sequence of commands.*Next: the order is EHLO, then MAIL FROM, RCPT TO/);
    expect(infos(peer(whole.state, '554 5.7.1 <a@b.test>: Relay access denied').effects)[0]).toMatch(/5\.7\.1: not authorized: relaying denied/);
    expect(infos(peer(whole.state, '451 4.7.1 Greylisted, try again').effects)[0]).toMatch(/^\u21b3 451 \(temporary\)/);
  });

  test('auto on a port that does not tell: the banner does; none is the raw session', () => {
    const other = run(initialSessionState({ host: 'h', port: 2600 }, settings), CONNECTED).state;
    expect(other.helper.proto).toBeNull();
    const smtp = run(other, { type: 'peer-lines', lines: [{ text: '220 lab ESMTP ready', eol: 'crlf' }], unprompted: true }).state;
    expect(smtp.helper.proto).toBe('smtp');
    const ssh = run(other, { type: 'peer-lines', lines: [{ text: 'SSH-2.0-OpenSSH', eol: 'crlf' }], unprompted: true }).state;
    expect(ssh.helper.proto).toBe('none');
    expect(wantsPeerLines(ssh)).toBe(false);
    const none = connected({ proto: 'none' });
    expect(infos(peer(none, '550 5.1.1 no').effects)).toEqual([]);
  });

  test('`proto NAME` changes the helper for the connection there is', () => {
    const s = menu(connected(), 'proto none');
    expect(s.state.helper.proto).toBe('none');
    expect(infos(s.effects)).toEqual(['No protocol helper: the raw session.']);
    expect(menu(s.state, 'proto smtp').state.helper.proto).toBe('smtp');
    expect(menu(s.state, 'proto xmpp').state.menu?.message?.text).toMatch(/usage: proto smtp\|http\|pop3\|imap\|none\|auto/);
  });
});

test('a password typed goes on the wire as typed, and is masked in the pane, the transcript and the history', () => {
  const s = run(connected(), text('PASS wonderland'), key('enter'));
  const sent = s.effects.find((e) => e.type === 'send') as Extract<Effect, { type: 'send' }>;
  expect(Buffer.from(sent.bytes).toString()).toBe('PASS wonderland\r\n');
  expect(sent.display.text).toBe('PASS ********');
  // Up gives the line up to its secret, ready for a password (a mask would go as one).
  expect(s.state.editor.history.at(-1)).toBe('PASS ');
  expect(JSON.stringify(s.state)).not.toContain('wonderland');
  // AUTH LOGIN's answers, after the server's 334 prompts.
  let a = run(connected(), text('AUTH LOGIN'), key('enter')).state;
  a = run(a, { type: 'peer-lines', lines: [{ text: '334 VXNlcm5hbWU6', eol: 'crlf' }], unprompted: false }).state;
  const user = run(a, text('YWxpY2U='), key('enter'));
  expect((user.effects.find((e) => e.type === 'send') as Extract<Effect, { type: 'send' }>).display.text).toBe('********');
});

test('IMAP: a command typed without a tag gets the next one; a tag of the user\'s own, and a literal\'s data, are left alone', () => {
  const imap = run(initialSessionState({ host: 'mail.test', port: 143 }, settings), CONNECTED).state;
  expect(imap.helper.proto).toBe('imap');
  const sent = (step: { effects: Effect[] }) => step.effects.filter((e): e is Extract<Effect, { type: 'send' }> => e.type === 'send');
  const login = run(imap, text('LOGIN alice wonderland'), key('enter'));
  expect(Buffer.from(sent(login)[0]!.bytes).toString()).toBe('A001 LOGIN alice wonderland\r\n');
  expect(sent(login)[0]!.display.text).toBe('A001 LOGIN alice ********');
  // History keeps the line as typed, without the tag and without the secret.
  expect(login.state.editor.history.at(-1)).toBe('LOGIN alice ');
  const select = run(login.state, text('select INBOX'), key('enter'));
  expect(Buffer.from(sent(select)[0]!.bytes).toString()).toBe('A002 select INBOX\r\n');
  const own = run(select.state, text('x9 NOOP'), key('enter'));
  expect(Buffer.from(sent(own)[0]!.bytes).toString()).toBe('x9 NOOP\r\n');
  // A tag of ours typed by hand moves the series on: the next is A006, never a second A005.
  const hand = run(own.state, text('A005 NOOP'), key('enter'));
  expect(Buffer.from(sent(run(hand.state, text('NOOP'), key('enter')))[0]!.bytes).toString()).toBe('A006 NOOP\r\n');
  const waiting = run(own.state, { type: 'peer-lines', lines: [{ text: '+ Ready for literal data', eol: 'crlf' }], unprompted: false }).state;
  const data = run(waiting, text('FETCH is a word of the message'), key('enter'));
  expect(Buffer.from(sent(data)[0]!.bytes).toString()).toBe('FETCH is a word of the message\r\n');
  // Over SMTP nothing is tagged.
  expect(Buffer.from(sent(run(connected(), text('NOOP'), key('enter')))[0]!.bytes).toString()).toBe('NOOP\r\n');
});

test('F1 opens the help panel of the helper in force; `help PROTO` the one named', () => {
  const s = run(connected(), key('f1')).state;
  expect(s.panel).toMatchObject({ kind: 'help' });
  const lines = panelView(s, s.panel!, 100, 40).lines.join('\n');
  expect(lines).toMatch(/^SMTP, typed as is:/);
  expect(lines).toMatch(/MAIL FROM:<address> +the sender/);
  expect(lines).toMatch(/starttls \[now\]/);
  // The helper's own composers, under the protocol's commands.
  expect(lines).toMatch(/smtp send --from A --to B +a whole mail/);
  expect(lines).toMatch(/smtp auth plain\|login USER +log in/);
  const imap = menu(connected(), 'help imap').state;
  expect(panelView(imap, imap.panel!, 100, 40).lines.join('\n')).toMatch(/^IMAP, typed as is:[\s\S]*LOGIN user password/);
  expect(menu(connected(), 'help gopher').state.menu?.message?.text).toMatch(/usage: help \[smtp\|http\|pop3\|imap\]/);
  const none = run(connected({ proto: 'none' }), key('f1')).state;
  expect(panelView(none, none.panel!, 100, 40).lines[0]).toMatch(/No protocol helper in force/);
});

test('HTTP: a status line explained, and where the headers end what becomes of the connection', () => {
  const http = run(initialSessionState({ host: 'web.test', port: 80 }, settings), CONNECTED).state;
  expect(http.helper.proto).toBe('http');
  const lines = (...texts: string[]) => ({ type: 'peer-lines' as const, lines: texts.map((text) => ({ text, eol: 'crlf' as const })), unprompted: false });
  const a = run(http, lines('HTTP/1.1 404 Not Found', 'Content-Length: 9', '', 'not found'));
  expect(infos(a.effects)).toEqual([
    '\u21b3 404: not found: nothing at this path (check the path and the Host header).',
    '\u21b3 The server keeps the connection open after this answer: send another request, or it closes when idle.',
  ]);
  const idle = run(a.state, lines('HTTP/1.1 200 OK', 'Content-Length: 2', 'Keep-Alive: timeout=5, max=100', ''));
  expect(infos(idle.effects)).toEqual(['\u21b3 The server keeps the connection open after this answer: send another request, or it closes in 5 s.']);
  const b = run(a.state, lines('HTTP/1.1 200 OK', 'Content-Length: 2', 'Connection: close', ''));
  expect(infos(b.effects)).toEqual(['\u21b3 The server closes the connection after this answer.']);
  // No length, not chunked: the body runs to the close. An interim 100 says nothing of the end.
  expect(infos(run(a.state, lines('HTTP/1.0 200 OK', '')).effects)).toEqual(['\u21b3 The body runs until the server closes the connection (no Content-Length, not chunked).']);
  expect(infos(run(a.state, lines('HTTP/1.1 100 Continue', '')).effects)).toEqual(['\u21b3 100: continue: send the body.']);
  // On a port that does not tell, an answer that is a status line does.
  const other = run(initialSessionState({ host: 'web.test', port: 2580 }, settings), CONNECTED).state;
  expect(run(other, lines('HTTP/1.0 301 Moved Permanently')).state.helper.proto).toBe('http');
});

test('SMTP: an AUTH prompt is decoded for the eye', () => {
  const s = run(connected(), { type: 'peer-lines', lines: [{ text: '334 VXNlcm5hbWU6', eol: 'crlf' }], unprompted: false });
  expect(infos(s.effects)).toEqual(['\u21b3 334: the server asks "Username:" (base64 of it); answer in base64 (masked here).']);
});

test('the review\'s cases: a message body is sent and shown as typed; queued secrets are masked in every note', () => {
  let s = run(connected(), { type: 'peer-lines', lines: [{ text: '354 End data with <CR><LF>.<CR><LF>', eol: 'crlf' }], unprompted: false }).state;
  expect(inData(s.helper)).toBe(true);
  const body = run(s, text('pass the salt'), key('enter'));
  expect((body.effects.find((e) => e.type === 'send') as Extract<Effect, { type: 'send' }>).display.text).toBe('pass the salt');
  s = run(body.state, text('.'), key('enter')).state;
  expect(inData(s.helper)).toBe(false);
  // While connecting: the queue's notes, and the note of lines dropped, never show the secret.
  const q = run(initialSessionState(target, settings), text('AUTH LOGIN'), key('enter'), text('dXNlcg=='), key('enter'), text('cGFzcw=='), key('enter'));
  expect(infos(q.effects).join('\n')).not.toMatch(/dXNlcg|cGFzcw/);
  const refused = run(q.state, { type: 'failed', outcome: makeOutcome('refused', 'ECONNREFUSED'), address: '127.0.0.1', now: 2, tls: null });
  expect(infos(refused.effects).join('\n')).not.toMatch(/dXNlcg|cGFzcw/);
  expect(JSON.stringify(q.state.editor.history)).not.toMatch(/dXNlcg|cGFzcw/);
});

describe('the lasting history', () => {
  const remembered = (effects: Effect[]) => effects.flatMap((e) => (e.type === 'remember' ? [e.line] : []));

  test('a line sent is remembered once, as the history keeps it; the same line again is not', () => {
    const s = run(connected(), text('EHLO me'), key('enter'), text('EHLO me'), key('enter'), key('enter'));
    expect(remembered(s.effects)).toEqual(['EHLO me']);
  });

  test('a secret never: PASS is remembered up to its secret', () => {
    const pop = run(initialSessionState({ host: 'pop.test', port: 110 }, settings), CONNECTED).state;
    const s = run(pop, text('USER alice'), key('enter'), text('PASS wonderland'), key('enter'));
    expect(remembered(s.effects)).toEqual(['USER alice', 'PASS ']);
    expect(JSON.stringify(s.effects.filter((e) => e.type === 'remember'))).not.toContain('wonderland');
  });

  test('nothing typed while the server echoes (a telnet password prompt), even in line mode', () => {
    let s = run(initialSessionState({ host: 'h', port: 23 }, settings), { ...CONNECTED, telnet: true }, { type: 'telnet-echo', on: true }).state;
    s = menu(s, 'mode line').state;
    const r = run(s, text('hunter2'), key('enter'));
    expect(remembered(r.effects)).toEqual([]);
  });

  test('history loaded from the file is for Up, not remembered again', () => {
    const r = run(connected(), { type: 'history-loaded', entries: ['old one', 'old two'] });
    expect(remembered(r.effects)).toEqual([]);
    const up = run(r.state, key('up'));
    expect(up.state.editor.text).toBe('old two');
  });

  describe('Ctrl+R', () => {
    const withHistory = () => run(connected(), { type: 'history-loaded', entries: ['EHLO first', 'MAIL FROM:<a@b>', 'ehlo second', 'QUIT'] }).state;
    const view = (s: SessionState) => searchView(s)!;

    test('searches back as typed; again, the next older match; Enter sends the match', () => {
      let s = run(withHistory(), text('draft'), ctrl('r')).state;
      expect(view(s).prompt).toBe("(reverse-i-search)'': ");
      // The line typed is not shown (it may hold a secret): only matches are.
      expect(view(s).editor.text).toBe('');
      s = run(s, text('eh')).state;
      expect(view(s)).toMatchObject({ prompt: "(reverse-i-search)'eh': ", editor: { text: 'ehlo second' } });
      s = run(s, ctrl('r')).state;
      expect(view(s).editor.text).toBe('EHLO first');
      // No older one: said, the match stays.
      s = run(s, ctrl('r')).state;
      expect(view(s)).toMatchObject({ prompt: "(failing reverse-i-search)'eh': ", editor: { text: 'EHLO first' } });
      const sent2 = run(s, key('enter'));
      expect(sent(sent2.effects)).toEqual(['EHLO first\r\n']);
      expect(sent2.state.search).toBeNull();
    });

    test('Esc (or Ctrl+G, Ctrl+C) leaves the line as it was; another key takes the match and acts on it', () => {
      const s = run(withHistory(), text('draft'), ctrl('r'), text('mail')).state;
      expect(run(s, key('escape')).state).toMatchObject({ search: null, editor: { text: 'draft' } });
      expect(run(s, ctrl('g')).state.editor.text).toBe('draft');
      const taken = run(s, key('end'), text('!')).state;
      expect(taken.search).toBeNull();
      expect(taken.editor.text).toBe('MAIL FROM:<a@b>!');
    });

    test('not over a paste put back or a line too long to edit: said, the line kept', () => {
      const s = run(withHistory(), { type: 'paste', text: 'a\nb', final: true }).state;
      const held = run(s, { type: 'input', event: { type: 'paste', text: 'x\ny\n', final: true }, now: 7, sendQueued: 16 * 1024 * 1024 }).state;
      expect(held.editor.text).toMatch(/\n/);
      const r = run(held, ctrl('r'));
      expect(r.state.search).toBeNull();
      expect(r.state.hint).toMatch(/Ctrl\+R searches the history once this line is sent/);
      expect(r.state.editor.text).toBe(held.editor.text);
    });

    test('Backspace widens the query again; a paste goes into the query, its controls drawn as marks', () => {
      let s = run(withHistory(), ctrl('r'), text('quiz')).state;
      expect(view(s).prompt).toMatch(/^\(failing/);
      s = run(s, key('backspace'), key('backspace')).state;
      expect(view(s)).toMatchObject({ prompt: "(reverse-i-search)'qu': ", editor: { text: 'QUIT' } });
      s = run(s, { type: 'paste', text: '\x1b]0;x\x07', final: true }).state;
      expect(view(s).prompt).not.toMatch(/[\x00-\x1f\x7f]/);
    });
  });
});
