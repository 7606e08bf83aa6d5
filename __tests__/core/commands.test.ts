import { commandList, complete, COMMANDS, parseCommand } from '../../src/core/commands.js';

const ok = (text: string) => {
  const r = parseCommand(text);
  if (!r.ok) throw new Error(`${text}: ${r.message}`);
  return r.command;
};
const err = (text: string) => {
  const r = parseCommand(text);
  if (r.ok) throw new Error(`${text} parsed`);
  return r;
};

test('telnet words: quit, close, open, status, and unique prefixes', () => {
  expect(ok('quit')).toEqual({ type: 'quit' });
  expect(ok('q')).toEqual({ type: 'quit' });
  expect(ok('exit')).toEqual({ type: 'quit' });
  expect(ok('close')).toEqual({ type: 'close' });
  expect(ok('  open   mail.example.com   smtp ')).toEqual({ type: 'open', host: 'mail.example.com', port: 25 });
  expect(ok('o [::1]:80')).toEqual({ type: 'open', host: '::1', port: 80 });
  expect(ok('open example.com')).toEqual({ type: 'open', host: 'example.com' });
  expect(ok('status')).toEqual({ type: 'status' });
  expect(ok('?')).toEqual({ type: 'help' });
  expect(ok('help')).toEqual({ type: 'help' });
});

test('sends: eof half-closes, named bytes, hex', () => {
  expect(ok('send eof')).toEqual({ type: 'send', what: 'eof' });
  expect(ok('send eo')).toMatchObject({ type: 'send', what: 'eof' });
  expect(ok('send esc')).toMatchObject({ what: 'bytes', label: 'ESC' });
  expect(err('send e').message).toMatch(/send what: eof or nul/);
  const esc = ok('send escape-char');
  expect(esc).toMatchObject({ what: 'bytes', label: '^]' });
  if (esc.type === 'send' && esc.what === 'bytes') expect([...esc.bytes]).toEqual([0x1d]);
  const hex = ok('send hex 1b 5b41');
  if (hex.type === 'send' && hex.what === 'bytes') expect([...hex.bytes]).toEqual([0x1b, 0x5b, 0x41]);
  expect(err('send hex 1').message).toMatch(/pairs of hex digits/);
  expect(err('send hex zz').message).toMatch(/pairs of hex digits/);
  expect(err('send').message).toMatch(/send what/);
});

test('settings: mode, line ending, encoding, toggles, log, clear', () => {
  expect(ok('mode char')).toEqual({ type: 'mode', mode: 'char' });
  expect(ok('mode l')).toEqual({ type: 'mode', mode: 'line' });
  expect(ok('set lf')).toEqual({ type: 'set-line-ending', ending: 'lf' });
  expect(ok('set crlf')).toEqual({ type: 'set-line-ending', ending: 'crlf' });
  expect(ok('set encoding latin1')).toEqual({ type: 'set-encoding', encoding: 'latin1' });
  expect(err('set encoding klingon').message).toMatch(/unknown encoding/);
  expect(ok('toggle hex')).toEqual({ type: 'toggle', what: 'hex' });
  expect(ok('toggle t')).toEqual({ type: 'toggle', what: 'timestamps' });
  expect(ok('log /tmp/x.log')).toEqual({ type: 'log', file: '/tmp/x.log' });
  expect(ok('log off')).toEqual({ type: 'log', file: null });
  expect(ok('clear')).toEqual({ type: 'clear' });
});

test('errors have codes and say what was wrong', () => {
  expect(err('frobnicate')).toMatchObject({ code: 'PH_UNKNOWN_COMMAND', message: 'unknown command "frobnicate"' });
  expect(err('c')).toMatchObject({ code: 'PH_AMBIGUOUS', message: '"c" could be close, clear' });
  expect(err('open')).toMatchObject({ code: 'PH_BAD_ARGUMENT' });
  expect(err('open host 99999')).toMatchObject({ code: 'PH_BAD_PORT' });
  expect(err('mode fast').message).toMatch(/line or char/);
  expect(err('   ')).toMatchObject({ code: 'PH_EMPTY' });
});

test('the list shows every command with its arguments', () => {
  const list = commandList();
  expect(list).toHaveLength(COMMANDS.length);
  expect(list.find((l) => l.startsWith('open'))).toMatch(/open HOST \[PORT\]\s+connect/);
});

test('completion: unique completes, ambiguous lists candidates, arguments too', () => {
  expect(complete('qu')).toEqual({ text: 'quit ', candidates: [] });
  expect(complete('s')).toEqual({ text: 's', candidates: ['status', 'starttls', 'send', 'set', 'smtp'] });
  expect(complete('se')).toEqual({ text: 'se', candidates: ['send', 'set'] });
  expect(complete('tog')).toEqual({ text: 'toggle ', candidates: [] });
  expect(complete('toggle t')).toEqual({ text: 'toggle timestamps ', candidates: [] });
  expect(complete('send e')).toEqual({ text: 'send e', candidates: ['eof', 'esc', 'escape-char', 'ec', 'el'] });
  expect(complete('send es')).toEqual({ text: 'send esc', candidates: ['esc', 'escape-char'] });
  expect(complete('xyz')).toEqual({ text: 'xyz', candidates: [] });
});
