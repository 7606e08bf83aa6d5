import type { InputEvent, KeyEvent } from '../../src/core/key-decoder.js';
import { makeOutcome, peerEnded } from '../../src/core/outcome.js';
import { initialTuiState, sessionExitCode, tuiReducer, type Effect, type Settings, type TuiAction, type TuiState } from '../../src/core/tui-model.js';

const settings: Settings = { mode: 'line', lineEnding: 'crlf', encoding: 'utf-8', echo: true, hex: false, timestamps: false };
const target = { host: 'mail.test', port: 25 };
const key = (name: string, mods: Partial<KeyEvent> = {}): InputEvent => ({ type: 'key', name, ctrl: false, meta: false, shift: false, sequence: '', ...mods });
const ctrl = (name: string, sequence = ''): InputEvent => key(name, { ctrl: true, sequence });
const text = (t: string): InputEvent => ({ type: 'text', text: t });

function run(state: TuiState, ...actions: (TuiAction | InputEvent)[]): { state: TuiState; effects: Effect[] } {
  const effects: Effect[] = [];
  for (const a of actions) {
    const action: TuiAction = 'event' in a || !['key', 'text', 'paste', 'focus', 'unknown'].includes(a.type) ? (a as TuiAction) : { type: 'input', event: a as InputEvent };
    const step = tuiReducer(state, action);
    state = step.state;
    effects.push(...step.effects);
  }
  return { state, effects };
}

const connected = (s: Partial<Settings> = {}) =>
  run(initialTuiState(target, { ...settings, ...s }), { type: 'connected', address: '127.0.0.1', local: '127.0.0.1:5000', connectMs: 0.4, now: 1 }).state;

const sent = (effects: Effect[]) =>
  effects.flatMap((e) => (e.type === 'send' ? [Buffer.from(e.bytes).toString('latin1')] : []));

describe('line mode', () => {
  test('Enter sends the line with CRLF and shows it', () => {
    const { effects } = run(connected(), text('EHLO me'), key('enter'));
    expect(sent(effects)).toEqual(['EHLO me\r\n']);
    expect(effects.find((e) => e.type === 'send')).toMatchObject({ echo: 'EHLO me' });
  });

  test('an empty line sends a bare line ending (HTTP needs it); LF when set', () => {
    expect(sent(run(connected(), key('enter')).effects)).toEqual(['\r\n']);
    expect(sent(run(connected({ lineEnding: 'lf' }), text('GET /'), key('enter')).effects)).toEqual(['GET /\n']);
  });

  test('the encoding in force is used on the wire', () => {
    expect(sent(run(connected({ encoding: 'latin1' }), text('café'), key('enter')).effects)).toEqual(['caf\xe9\r\n']);
  });

  test('a multi-line paste sends each line in order; the tail stays in the editor', () => {
    const { state, effects } = run(connected(), text('> '), { type: 'paste', text: 'a\nb\r\nc\rrest', final: true });
    expect(sent(effects)).toEqual(['> a\r\n', 'b\r\n', 'c\r\n']);
    expect(state.editor.text).toBe('rest');
  });

  test('nothing typed is lost when not connected: it says why', () => {
    const s = run(initialTuiState(target, settings), text('hello'), key('enter'));
    expect(sent(s.effects)).toEqual([]);
    expect(s.effects).toEqual([{ type: 'info', lines: [expect.stringMatching(/^Not sent \(still connecting\): hello\./)] }]);
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
  test('opens over the session; Esc and an empty Enter return to it', () => {
    let s = run(connected(), ctrl(']'));
    expect(s.state.menu).not.toBeNull();
    s = run(s.state, key('escape'));
    expect(s.state.menu).toBeNull();
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
    const { effects } = run(connected(), ctrl(']'), text('quit'), key('enter'));
    expect(effects).toEqual([{ type: 'quit' }]);
  });

  test('an unknown command answers with an error and the list, and stays open', () => {
    const { state } = run(connected(), ctrl(']'), text('frob'), key('enter'));
    expect(state.menu?.message).toEqual({ text: expect.stringMatching(/^unknown command "frob"\. Commands: quit, close, open/), error: true });
    expect(state.menu?.editor.text).toBe('');
  });

  test('Tab completes', () => {
    const { state } = run(connected(), ctrl(']'), text('tog'), key('tab'), text('h'), key('tab'));
    expect(state.menu?.editor.text).toBe('toggle hex ');
  });

  test('open closes the current connection and connects elsewhere (port 23 by default)', () => {
    const { effects } = run(connected(), ctrl(']'), text('open other.test'), key('enter'));
    expect(effects).toEqual([{ type: 'close' }, { type: 'connect', target: { host: 'other.test', port: 23 } }]);
  });

  test('settings change and say so', () => {
    let { state, effects } = run(connected(), ctrl(']'), text('set lf'), key('enter'));
    expect(state.settings.lineEnding).toBe('lf');
    expect(effects).toEqual([{ type: 'info', lines: ['Lines now end with LF.'] }]);
    ({ state } = run(state, ctrl(']'), text('toggle echo'), key('enter')));
    expect(state.settings.echo).toBe(false);
    ({ state, effects } = run(state, ctrl(']'), text('set encoding cp437'), key('enter')));
    expect(state.settings.encoding).toBe('cp437');
    expect(effects).toContainEqual({ type: 'set-encoding', encoding: 'cp437' });
  });

  test('send eof half-closes; send hex sends bytes', () => {
    expect(run(connected(), ctrl(']'), text('send eof'), key('enter')).effects[0]).toEqual({ type: 'send-eof' });
    expect(sent(run(connected(), ctrl(']'), text('send hex 00ff'), key('enter')).effects)).toEqual(['\x00\xff']);
  });
});

describe('character mode', () => {
  const charMode = () => run(connected(), ctrl(']'), text('mode char'), key('enter')).state;

  test('each key goes out as typed; Enter is the line ending; Ctrl+C is 0x03', () => {
    const { effects } = run(charMode(), text('ls'), key('enter'), ctrl('c', '\x03'), key('up', { sequence: '\x1b[A' }), key('backspace'));
    expect(sent(effects)).toEqual(['ls', '\r\n', '\x03', '\x1b[A', '\x7f']);
  });

  test('Ctrl+] still opens the prompt; Shift+PageUp scrolls our pane', () => {
    expect(run(charMode(), ctrl(']')).state.menu).not.toBeNull();
    expect(run(charMode(), key('pageup', { shift: true })).effects).toEqual([{ type: 'scroll', action: { type: 'pageUp' } }]);
  });
});

describe('the connection and the exit code', () => {
  test('the peer closing ends the session and says so', () => {
    const eof = peerEnded('fin', 10);
    const { state, effects } = run(connected(), { type: 'peer-eof', outcome: eof }, { type: 'closed', outcome: eof, now: 5 });
    expect(effects).toEqual([{ type: 'info', lines: ['Connection closed by foreign host.'] }, { type: 'close' }]);
    expect(state.conn).toMatchObject({ phase: 'closed', outcome: { kind: 'closed-by-peer' } });
    expect(sessionExitCode(state)).toBe(0);
  });

  test('a session that never connected exits with the failure\'s code', () => {
    const { state } = run(initialTuiState(target, settings), { type: 'failed', outcome: makeOutcome('refused', 'ECONNREFUSED'), address: '127.0.0.1', now: 2 });
    expect(sessionExitCode(state)).toBe(4);
  });

  test('a reset mid-session exits 7', () => {
    const rst = peerEnded('rst', 10);
    expect(sessionExitCode(run(connected(), { type: 'closed', outcome: rst, now: 3 }).state)).toBe(7);
  });
});
