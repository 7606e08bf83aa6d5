import fc from 'fast-check';
import { IAC, OPT, TelnetFilter } from '../../src/core/telnet.js';
import type { FilterOutput } from '../../src/core/pipeline.js';
import type { InputEvent } from '../../src/core/key-decoder.js';
import { sessionReducer } from '../../src/core/session/reducer.js';
import { DEFAULT_SETTINGS, initialSessionState, type Effect, type SessionAction, type SessionState } from '../../src/core/session/state.js';

const DO = 253;
const DONT = 254;
const WILL = 251;
const WONT = 252;
const SB = 250;
const SE = 240;

const setup = { term: 'xterm-256color', user: null, cols: 100, rows: 30 };
const b = (...xs: number[]) => Uint8Array.from(xs);
const hex = (u: Uint8Array) => Buffer.from(u).toString('hex');

/** Everything a filter gave for these chunks: data, replies and the log, joined. */
function run(f: TelnetFilter, chunks: Uint8Array[]): { data: string; replies: string; events: string[] } {
  const outs: FilterOutput[] = chunks.map((c) => f.receive(c));
  return {
    data: outs.map((o) => hex(o.data)).join(''),
    replies: outs.flatMap((o) => o.replies.map(hex)).join(' '),
    events: outs.flatMap((o) => o.events.map((e) => (e.type === 'telnet-log' ? String(e.text) : `${e.type}:${String(e.on)}`))),
  };
}

test('a login prompt\'s negotiation: no IAC in the data; ECHO and SGA taken, NAWS sent with the size, TERMINAL-TYPE given', () => {
  const f = new TelnetFilter(setup);
  const start = f.start();
  expect(start.replies.map(hex)).toEqual(['fffd03', 'fffb1f', 'fffb18']);
  // busybox telnetd's opening: DO ECHO, DO NAWS, WILL ECHO, WILL SGA, then the banner.
  const r = run(f, [b(IAC, DO, OPT.ECHO, IAC, DO, OPT.NAWS, IAC, WILL, OPT.ECHO, IAC, WILL, OPT.SGA, 0x0d, 0x0a, 0x6c, 0x6f, 0x67, 0x69, 0x6e, 0x3a, 0x20)]);
  expect(r.data).toBe(Buffer.from('\r\nlogin: ').toString('hex'));
  // DO ECHO refused (we do not echo for the server); NAWS: we had asked, so its yes gets the size at once.
  expect(r.replies).toBe(['fffc01', 'ff fa 1f 00 64 00 1e ff f0'.replace(/ /g, ''), 'fffd01'].join(' '));
  expect(r.events).toContain('telnet-echo:true');
  expect(f.serverEchoes).toBe(true);
  // SGA was asked for: its WILL is the answer, not a new request (no reply).
  expect(r.events).toContain('RCVD WILL SUPPRESS-GO-AHEAD');
  expect(f.options()).toEqual({ ours: ['NAWS'], his: ['SUPPRESS-GO-AHEAD', 'ECHO'] });
  const tt = run(f, [b(IAC, DO, OPT.TTYPE, IAC, SB, OPT.TTYPE, 1, IAC, SE)]);
  expect(tt.replies).toBe(`${'fffa18'}00${Buffer.from('XTERM-256COLOR').toString('hex')}fff0`);
  // A resize goes at once.
  expect(hex(f.resize(120, 40)!)).toBe('fffa1f00780028fff0');
  expect(f.resize(120, 40)).toBeNull();
});

test('in BINARY every byte the server sends is data: CR NUL and a CR at a line start included', () => {
  const f = new TelnetFilter(setup);
  f.receive(b(IAC, WILL, OPT.BINARY));
  expect(run(f, [Buffer.from('A\n\rB\r\0C')]).data).toBe(Buffer.from('A\n\rB\r\0C').toString('hex'));
});

test('IAC IAC is one 0xFF of data; CR NUL is a CR; what we send has 0xFF doubled and a bare CR as CR NUL', () => {
  const f = new TelnetFilter(setup);
  expect(run(f, [b(0x41, IAC, IAC, 0x42, 0x0d, 0x00, 0x43, 0x0d, 0x0a)]).data).toBe('41ff420d430d0a');
  // A CR at the end of one read and its NUL at the start of the next.
  expect(run(f, [b(0x45, 0x0d), b(0x00, 0x44)]).data).toBe('450d44');
  // A bare CR at a line's start moves nothing: dropped (busybox's "\r\n\rlogin: "); a CR LF split
  // across reads at a line's start is still a line end.
  const g = new TelnetFilter(setup);
  expect(run(g, [Buffer.from('\r\n\rvm login: ')]).data).toBe(Buffer.from('\r\nvm login: ').toString('hex'));
  expect(run(g, [Buffer.from('x\r\n\r'), Buffer.from('\nnext')]).data).toBe(Buffer.from('x\r\n\r\nnext').toString('hex'));
  expect(run(g, [Buffer.from('\r\n\r'), Buffer.from('\0ok')]).data).toBe(Buffer.from('\r\nok').toString('hex'));
  expect(hex(f.send(b(0x61, 0xff, 0x62, 0x0d, 0x0a, 0x0d)))).toBe('61ffff620d0a0d00');
  // A run of plain data comes out as it went in.
  const plain = Buffer.from('plain text\r\n');
  expect(hex(f.receive(plain).data)).toBe(plain.toString('hex'));
});

test('options we do not know are refused politely, once; an answer to our own request is not answered again', () => {
  const f = new TelnetFilter(setup);
  const r = run(f, [b(IAC, DO, 99, IAC, WILL, 99, IAC, DO, 99)]);
  expect(r.replies).toBe('fffc63 fffe63 fffc63');
  const g = new TelnetFilter(setup);
  g.start();
  // WONT SGA answering our DO SGA: off, and no reply (RFC 1143: no loop).
  expect(run(g, [b(IAC, WONT, OPT.SGA)]).replies).toBe('');
  // NEW-ENVIRON only with a user to give: then USER goes when asked.
  expect(run(new TelnetFilter(setup), [b(IAC, DO, OPT.NEW_ENVIRON)]).replies).toBe('fffc27');
  const u = new TelnetFilter({ ...setup, user: 'bob' });
  const env = run(u, [b(IAC, DO, OPT.NEW_ENVIRON, IAC, SB, OPT.NEW_ENVIRON, 1, IAC, SE)]);
  expect(env.replies).toBe(`fffb27 fffa270000${Buffer.from('USER').toString('hex')}01${Buffer.from('bob').toString('hex')}fff0`);
});

test('a hostile peer: an option flipped for ever is refused after a while; an endless SB costs bounded memory', () => {
  const f = new TelnetFilter(setup);
  const flips: number[] = [];
  for (let k = 0; k < 1000; k++) flips.push(IAC, WILL, OPT.ECHO, IAC, WONT, OPT.ECHO);
  const r = run(f, [Uint8Array.from(flips)]);
  // Then refused: still answered as RFC 1143 says (at most a reply a request), never enabled,
  // and the log says it once rather than a line a request.
  expect(r.replies.split(' ').length).toBeLessThanOrEqual(1000 + 64);
  expect(r.events.length).toBeLessThan(200);
  expect(r.events).toContain('ECHO refused for now: the server changed it 32 times with no data between');
  expect(f.serverEchoes).toBe(false);
  // A server that turns echo off and on around each password prompt, with the prompt between,
  // is no loop: after 50 prompts it still gets its echo.
  const p = new TelnetFilter(setup);
  for (let k = 0; k < 50; k++) {
    p.receive(Uint8Array.from([IAC, WILL, OPT.ECHO, ...Buffer.from('Password: '), IAC, WONT, OPT.ECHO, ...Buffer.from('\r\nok\r\n')]));
  }
  p.receive(b(IAC, WILL, OPT.ECHO));
  expect(p.serverEchoes).toBe(true);
  // An SB that never ends: its bytes are not kept past the cap, and data after a proper end flows.
  const g = new TelnetFilter(setup);
  const big = new Uint8Array(10 * 1024 * 1024).fill(0x41);
  expect(g.receive(b(IAC, SB, OPT.TTYPE)).data.length).toBe(0);
  for (let k = 0; k < 4; k++) expect(g.receive(big).data.length).toBe(0);
  expect(hex(g.receive(b(IAC, SE, 0x5a)).data)).toBe('5a');
  // An SB broken by another command: it ends there, and the command is read.
  expect(run(new TelnetFilter(setup), [b(IAC, SB, OPT.TTYPE, 1, IAC, WILL, OPT.ECHO, 0x5a)]).data).toBe('5a');
});

test('every stream, cut anywhere: the same data, replies and log as whole (property)', () => {
  const token = fc.oneof(
    fc.uint8Array({ minLength: 0, maxLength: 12 }),
    fc.constantFrom(b(IAC, IAC), b(IAC, WILL, OPT.ECHO), b(IAC, WONT, OPT.ECHO), b(IAC, DO, OPT.NAWS), b(IAC, DONT, OPT.NAWS), b(IAC, DO, OPT.TTYPE), b(IAC, SB, OPT.TTYPE, 1, IAC, SE), b(IAC, 241), b(0x0d, 0x00), b(0x0d), b(0x0a), b(0x0d, 0x0a), b(IAC, SB, 5, IAC, IAC, IAC, SE), b(IAC), b(IAC, SB)),
  );
  fc.assert(
    fc.property(fc.array(token, { maxLength: 30 }), fc.array(fc.nat(), { maxLength: 8 }), (tokens, cutsAt) => {
      const stream = Uint8Array.from(tokens.flatMap((t) => [...t]));
      const whole = run(new TelnetFilter(setup), [stream]);
      const cuts = [...new Set(cutsAt.map((c) => (stream.length ? c % stream.length : 0)))].sort((x, y) => x - y);
      const chunks: Uint8Array[] = [];
      let at = 0;
      for (const c of cuts) {
        chunks.push(stream.subarray(at, c));
        at = c;
      }
      chunks.push(stream.subarray(at));
      const split = run(new TelnetFilter(setup), chunks);
      expect(split).toEqual(whole);
    }),
    { numRuns: 500 },
  );
});

test('every option sequence split at every byte gives the same result', () => {
  const stream = b(IAC, DO, OPT.ECHO, IAC, DO, OPT.NAWS, IAC, WILL, OPT.ECHO, IAC, WILL, OPT.SGA, 0x41, IAC, IAC, IAC, SB, OPT.TTYPE, 1, IAC, SE, 0x0d, 0x00, 0x42, IAC, DO, OPT.TTYPE, IAC, SB, OPT.TTYPE, 1, IAC, SE);
  const whole = run(new TelnetFilter(setup), [stream]);
  for (let cut = 1; cut < stream.length; cut++) {
    expect(run(new TelnetFilter(setup), [stream.subarray(0, cut), stream.subarray(cut)])).toEqual(whole);
  }
});

describe('the session with telnet', () => {
  const key = (name: string) => ({ type: 'key' as const, name, ctrl: false, meta: false, shift: false, sequence: name === 'enter' ? '\r' : '' });
  const text = (t: string) => ({ type: 'text' as const, text: t });
  const step = (state: SessionState, ...actions: SessionAction[]) => {
    const effects: Effect[] = [];
    for (const a of actions) {
      const r = sessionReducer(state, a);
      state = r.state;
      effects.push(...r.effects);
    }
    return { state, effects };
  };
  const input = (event: InputEvent): SessionAction => ({ type: 'input', event, now: 1 });
  const connected = () =>
    step(initialSessionState({ host: 'router.test', port: 23 }, DEFAULT_SETTINGS), { type: 'connected', address: '127.0.0.1', local: '127.0.0.1:1', connectMs: 1, now: 1, tls: null, telnet: true }).state;

  test('the server takes over echo: character mode, typed keys sent but kept as marks; it gives it back: line mode', () => {
    let r = step(connected(), { type: 'telnet-echo', on: true });
    expect(r.state.settings.mode).toBe('char');
    expect(r.effects.flatMap((e) => (e.type === 'info' ? e.lines : []))[0]).toMatch(/^The server echoes now: character mode/);
    r = step(r.state, input(text('s3cret')));
    const send = r.effects.find((e) => e.type === 'send') as Extract<Effect, { type: 'send' }>;
    expect(Buffer.from(send.bytes).toString()).toBe('s3cret');
    expect(send.display).toMatchObject({ text: '******', masked: true });
    r = step(r.state, { type: 'telnet-echo', on: false });
    expect(r.state.settings.mode).toBe('line');
    expect(r.state.settings.echo).toBe(true);
  });

  test('send ayt is telnet\'s; toggle options shows the negotiation; without telnet, send ayt is refused', () => {
    const menu = (state: SessionState, command: string) => step(state, input({ ...key(']'), ctrl: true }), input(text(command)), input(key('enter')));
    const r = menu(connected(), 'send ayt');
    expect(r.effects).toContainEqual({ type: 'telnet-command', name: 'ayt' });
    const eof = menu(connected(), 'send eof');
    expect(eof.effects).toContainEqual({ type: 'telnet-command', name: 'eof' });
    const plain = step(initialSessionState({ host: 'h', port: 25 }, DEFAULT_SETTINGS), { type: 'connected', address: '127.0.0.1', local: 'l', connectMs: 1, now: 1, tls: null });
    expect(menu(plain.state, 'send ayt').state.menu?.message?.text).toMatch(/telnet's: this is no telnet session/);
    const shown = step(menu(connected(), 'toggle options').state, { type: 'telnet-log', text: 'RCVD WILL ECHO' });
    expect(shown.effects).toContainEqual({ type: 'info', lines: ['RCVD WILL ECHO'] });
    expect(step(connected(), { type: 'telnet-log', text: 'RCVD WILL ECHO' }).effects).toEqual([]);
  });
});

test('terminal mode: Ctrl+] brings porthole back with the prompt, Esc returns to the program, mode line leaves it; a close ends it', () => {
  const input = (event: InputEvent): SessionAction => ({ type: 'input', event, now: 1 });
  const ctrlBracket = input({ type: 'key', name: ']', ctrl: true, meta: false, shift: false, sequence: '\x1d' });
  let state = sessionReducer(initialSessionState({ host: 'h', port: 23 }, { ...DEFAULT_SETTINGS, mode: 'terminal' }), { type: 'connected', address: '127.0.0.1', local: 'l', connectMs: 1, now: 1, tls: null, telnet: true });
  expect(state.effects).toContainEqual({ type: 'terminal', on: true });
  // Keys go as a terminal sends them: Enter is a CR.
  const enter = sessionReducer(state.state, input({ type: 'key', name: 'enter', ctrl: false, meta: false, shift: false, sequence: '\r' }));
  expect(enter.effects.map((e) => (e.type === 'send' ? Buffer.from(e.bytes).toString('hex') : e.type))).toEqual(['0d']);
  const back = sessionReducer(state.state, ctrlBracket);
  expect(back.effects).toContainEqual({ type: 'terminal', on: false });
  expect(back.state.menu).not.toBeNull();
  const esc = sessionReducer(back.state, input({ type: 'key', name: 'escape', ctrl: false, meta: false, shift: false, sequence: '\x1b' }));
  expect(esc.effects).toContainEqual({ type: 'terminal', on: true });
  let line = back;
  for (const ch of 'mode line') line = sessionReducer(line.state, input({ type: 'text', text: ch }));
  line = sessionReducer(line.state, input({ type: 'key', name: 'enter', ctrl: false, meta: false, shift: false, sequence: '\r' }));
  expect(line.state.settings.mode).toBe('line');
  expect(line.effects).not.toContainEqual({ type: 'terminal', on: true });
  state = sessionReducer(state.state, { type: 'closed', outcome: null, now: 2 });
  expect(state.effects[0]).toEqual({ type: 'terminal', on: false });
  expect(state.state.settings.mode).toBe('line');
});

test('--terminal: the server taking over echo leaves terminal mode alone; mode terminal needs a connection', () => {
  let r = sessionReducer(initialSessionState({ host: 'h', port: 23 }, { ...DEFAULT_SETTINGS, mode: 'terminal' }), { type: 'connected', address: '127.0.0.1', local: 'l', connectMs: 1, now: 1, tls: null, telnet: true });
  r = sessionReducer(r.state, { type: 'telnet-echo', on: true });
  expect(r.state.settings.mode).toBe('terminal');
  expect(r.state.telnet).toEqual({ serverEcho: true });
  // Typed keys are kept as marks in terminal mode, whatever the echo.
  const typed = sessionReducer(r.state, { type: 'input', event: { type: 'text', text: 'pw' }, now: 1 });
  expect(typed.effects[0]).toMatchObject({ type: 'send', display: { text: '**', masked: true } });
  let m = sessionReducer(initialSessionState({ host: 'h', port: 23 }, DEFAULT_SETTINGS), { type: 'input', event: { type: 'key', name: ']', ctrl: true, meta: false, shift: false, sequence: '\x1d' }, now: 1 });
  for (const ch of 'mode terminal') m = sessionReducer(m.state, { type: 'input', event: { type: 'text', text: ch }, now: 1 });
  m = sessionReducer(m.state, { type: 'input', event: { type: 'key', name: 'enter', ctrl: false, meta: false, shift: false, sequence: '\r' }, now: 1 });
  expect(m.state.menu?.message?.text).toMatch(/^Terminal mode needs a live connection/);
  expect(m.effects).toEqual([]);
});
