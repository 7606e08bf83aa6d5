// Nothing a peer sends changes the user's terminal. Every class of hostile sequence goes through
// the built CLI in a real terminal (tmux), and the terminal is asked afterwards what it became:
// its title, its clipboard buffers, its palette and colours, its modes (alternate screen, mouse,
// keypad, scroll region, cursor, wrap...), whether it rang, and what it answered back to the
// peer. A control run shows each of these checks does see the change when the bytes get through.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import type net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { CLI } from '../helpers/cli.js';
import { opensslMissing } from '../helpers/pki.js';
import { describeRequiring } from '../helpers/prerequisite.js';
import { serve, type Fixture } from '../helpers/servers.js';
import { Tui, tmuxMissing } from '../helpers/tmux.js';

const latin1 = (s: string) => Buffer.from(s, 'latin1');
const utf8 = (s: string) => Buffer.from(s, 'utf8');
const b64 = (s: string) => Buffer.from(s).toString('base64');

/** Each class the issue names, as a peer would send it. */
const CLASSES: readonly { name: string; bytes: Buffer }[] = [
  { name: 'osc0 title', bytes: latin1('\x1b]0;owned-0\x07') },
  { name: 'osc1 icon', bytes: latin1('\x1b]1;owned-1\x07') },
  { name: 'osc2 title', bytes: latin1('\x1b]2;owned-2\x1b\\') },
  { name: 'osc52 clipboard', bytes: latin1(`\x1b]52;c;${b64('pwned')}\x07\x1b]52;p;${b64('pwned-p')}\x1b\\`) },
  { name: 'osc4 palette', bytes: latin1('\x1b]4;1;rgb:12/34/56\x07') },
  { name: 'osc10 11 colours', bytes: latin1('\x1b]10;rgb:ab/cd/ef\x07\x1b]11;rgb:01/02/03\x07') },
  { name: 'csi screen', bytes: latin1('\x1b[2J\x1b[3J\x1b[H\x1b[5;5H\x1b[K') },
  // A way out of the alternate screen (porthole draws in it), and other screens.
  { name: 'decset screens', bytes: latin1('\x1b[?1049l\x1b[?47l\x1b[?1047l\x1b[?25l') },
  { name: 'scroll region', bytes: latin1('\x1b[5;10r') },
  { name: 'keyboard modes', bytes: latin1('\x1b[?1h\x1b=\x1b[4h\x1b[?6h\x1b[?7l\x1b[>4;2m') },
  { name: 'mouse modes', bytes: latin1('\x1b[?1000h\x1b[?1002h\x1b[?1003h\x1b[?1005h\x1b[?1006h\x1b[?1015h') },
  { name: 'da', bytes: latin1('\x1b[c\x1b[>c\x1b[=c') },
  { name: 'dsr', bytes: latin1('\x1b[5n\x1b[6n\x1b[?6n') },
  { name: 'decrqss', bytes: latin1('\x1bP$q"p\x1b\\\x1bP$qm\x1b\\') },
  { name: 'xtversion', bytes: latin1('\x1b[>0q\x1b[21t\x1b[18t') },
  // 8-bit C1 as raw bytes: controls in latin1, bad UTF-8 in utf-8 (both must stay inert).
  { name: 'c1 8-bit', bytes: latin1('\x9bc\x9b6n\x90$qm\x9c\x9d0;owned-c1\x07\x9b?1000h') },
  { name: 'c1 as utf-8', bytes: utf8('\u009b2J\u009d0;owned-u\u0007') },
  { name: 'bell storm', bytes: latin1('\x07'.repeat(1000)) },
  { name: 'bidi', bytes: utf8('invoice_\u202efdp.exe \u2066x\u2069 \u200fy') },
  { name: 'zero width', bytes: utf8('pay\u200bpal\u2060\ufeffok') },
];

const END = 'END-OF-HOSTILE';
const block = () => Buffer.concat([...CLASSES.flatMap((c) => [latin1(`[${c.name}] `), c.bytes, latin1('\r\n')]), latin1(`${END}\r\n`)]);
/** The classes on one line, for a probe's banner (its first line is what it shows). */
const bannerLine = () => Buffer.concat([latin1('220 '), ...CLASSES.map((c) => c.bytes), latin1(' banner-end\r\n')]);

/**
 * Run in the terminal once porthole has gone: asks it for the palette and colours (tmux answers
 * only for what was set) and reads whatever sits in the input, a late answer to a query included.
 */
const TERMINAL_PROBE =
  "stty raw -echo; printf '\\033]4;1;?\\007\\033]10;?\\007\\033]11;?\\007'; sleep 0.5; r=$(dd bs=1 count=400 iflag=nonblock 2>/dev/null | od -An -tx1 | tr -d ' \\n'); stty sane; echo \"ANSWERED=[$r]\"";

/** The terminal's state, by name: what a hostile byte could change. */
const FLAGS = ['pane_title', 'alternate_on', 'cursor_flag', 'insert_flag', 'keypad_cursor_flag', 'keypad_flag', 'mouse_any_flag', 'mouse_standard_flag', 'mouse_button_flag', 'mouse_all_flag', 'mouse_sgr_flag', 'mouse_utf8_flag', 'origin_flag', 'wrap_flag', 'scroll_region_upper', 'scroll_region_lower', 'window_bell_flag'];
function terminalState(t: Tui): Record<string, string> {
  const values = t.tmux('display-message', '-p', '-t', 't', FLAGS.map((f) => `#{${f}}`).join('\x1f')).replace(/\n$/, '').split('\x1f');
  return Object.fromEntries(FLAGS.map((f, i) => [f, values[i] ?? '']));
}
const buffers = (t: Tui) => t.tmux('list-buffers');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describeRequiring(tmuxMissing(), 'terminal safety: every hostile class through the real TUI', () => {
  const tuis: Tui[] = [];
  const fixtures: Fixture[] = [];
  const open = (args: string[], opts: ConstructorParameters<typeof Tui>[3] = {}) => {
    const t = new Tui(args, 160, 50, opts);
    tuis.push(t);
    // Let applications write tmux's buffers (OSC 52), so that a write would be seen.
    t.tmux('set-option', '-g', 'set-clipboard', 'on');
    return t;
  };
  afterEach(async () => {
    tuis.splice(0).forEach((t) => t.kill());
    await Promise.all(fixtures.splice(0).map((f) => f.close()));
  });

  test('control: the same bytes written raw to the terminal do change it, and each check sees it', async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'porthole-hostile-')), 'hostile.bin');
    writeFileSync(file, block());
    // `sh -c 'cat FILE'` in place of porthole: what a client that passes bytes through does.
    const t = open([], { program: `sleep 0.5; cat ${file}; sleep 1`, after: TERMINAL_PROBE });
    const s = await t.waitFor(/ANSWERED=\[/, 10_000);
    const state = terminalState(t);
    expect(state.pane_title).toMatch(/owned/);
    expect(state.mouse_any_flag).toBe('1');
    expect(state.keypad_cursor_flag).toBe('1');
    expect(state.window_bell_flag).toBe('1');
    expect(buffers(t)).toMatch(/pwned/);
    // The palette was set and is reported; the queries were answered (into the input).
    expect(s).toMatch(/ANSWERED=\[[0-9a-f]*1b5d343b7267623a/);
    expect(s).toMatch(/\^\[\[\?1;2c|\^\[\[>/);
  });

  describe.each(['utf-8', 'latin1'])('a session decoding %s', (encoding) => {
    test('the terminal keeps its title, clipboard, palette, modes and silence; every class is shown as marks; the peer gets back only what was typed', async () => {
      const got: Buffer[] = [];
      let sent = false;
      const f = await serve((s: net.Socket) => {
        s.write('ready\r\n');
        s.on('data', (d: Buffer) => {
          got.push(d);
          if (!sent && Buffer.concat(got).includes('g')) {
            sent = true;
            s.write(block());
          }
        });
      });
      fixtures.push(f);
      const t = open(['--encoding', encoding, '127.0.0.1', String(f.port)], { after: TERMINAL_PROBE });
      await t.waitFor(/^ready$/m);
      // Character mode: every key goes to the peer as it is typed, so would a terminal's answer.
      t.keys('C-]');
      await t.waitFor(/porthole>/);
      t.type('mode char');
      t.keys('Enter');
      await t.waitFor(/\| char \|/);
      const before = terminalState(t);
      t.type('g');
      let s = await t.waitFor(new RegExp(`^${END}`, 'm'));
      await sleep(500);
      s = t.screen();
      expect(terminalState(t)).toEqual(before);
      expect(buffers(t)).toBe('');
      // Each class as visible marks, in its place.
      expect(s).toMatch(/^\[osc0 title\] ␛\]0;owned-0␇ *$/m);
      expect(s).toMatch(/^\[osc52 clipboard\] ␛\]52;c;cHduZWQ=␇␛\]52;p;cHduZWQtcA==␛\\ *$/m);
      expect(s).toMatch(/^\[decset screens\] ␛\[\?1049l␛\[\?47l␛\[\?1047l␛\[\?25l *$/m);
      expect(s).toMatch(/^\[decrqss\] ␛P\$q"p␛\\␛P\$qm␛\\ *$/m);
      if (encoding === 'latin1') {
        // Each byte a character: the C1 bytes are controls here, and the UTF-8 forms' bytes too.
        expect(s).toMatch(/^\[c1 8-bit\] <U\+009B>c<U\+009B>6n<U\+0090>\$qm<U\+009C><U\+009D>0;owned-c1␇<U\+009B>\?1000h *$/m);
        expect(s).toMatch(/^\[c1 as utf-8\] Â<U\+009B>2JÂ<U\+009D>0;owned-u␇ *$/m);
        expect(s).toMatch(/^\[bidi\] invoice_â<U\+0080>®fdp\.exe/m);
      } else {
        // Raw C1 bytes are not UTF-8: replacement characters, inert.
        expect(s).toMatch(/^\[c1 8-bit\] \ufffdc\ufffd6n\ufffd\$qm\ufffd\ufffd0;owned-c1␇\ufffd\?1000h *$/m);
        expect(s).toMatch(/^\[c1 as utf-8\] <U\+009B>2J<U\+009D>0;owned-u␇ *$/m);
        expect(s).toMatch(/^\[bidi\] invoice_<U\+202E>fdp\.exe <U\+2066>x<U\+2069> <U\+200F>y *$/m);
        expect(s).toMatch(/^\[zero width\] pay<U\+200B>pal<U\+2060><U\+FEFF>ok *$/m);
      }
      // Not one character that reorders or hides text reached a cell.
      expect(s).not.toMatch(/[\u0080-\u009f\u200b\u200e\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]/);
      // The bell storm: a thousand marks, not a thousand bells (window_bell_flag above).
      expect((s.match(/␇/g) ?? []).length).toBeGreaterThanOrEqual(1000);
      // What the peer got back: only the keys typed, no answer to DA, DSR, DECRQSS or XTVERSION.
      t.type('z');
      for (let i = 0; i < 40 && !Buffer.concat(got).includes('z'); i++) await sleep(50);
      expect(Buffer.concat(got).toString('latin1')).toBe('gz');
      t.keys('C-]');
      await t.waitFor(/porthole>/);
      t.type('quit');
      t.keys('Enter');
      s = await t.waitFor(/ANSWERED=\[/, 10_000);
      expect(s).toMatch(/EXIT=0/);
      // After porthole: no palette or colour was set, no answer is waiting in the input.
      expect(s).toMatch(/ANSWERED=\[\]/);
      expect(terminalState(t).pane_title).toBe(before.pane_title);
      expect(buffers(t)).toBe('');
    }, 30_000);
  });

  test('a probe\'s banner, as text and as JSON, changes nothing in the terminal either', async () => {
    const f = await serve((s: net.Socket) => s.write(bannerLine()));
    fixtures.push(f);
    const t = open(['-z', '--banner-wait', '2', '127.0.0.1', String(f.port)], { after: `${CLI} -z --json --banner-wait 2 127.0.0.1 ${f.port}; ${TERMINAL_PROBE}` });
    await t.waitFor(/ANSWERED=\[/, 15_000);
    // The JSON line is long: the human one has scrolled up into the terminal's history (-J: wrapped rows joined).
    const s = t.tmux('capture-pane', '-p', '-J', '-S', '-', '-t', 't');
    // The banner's first line, shortened, its controls as marks.
    expect(s).toMatch(/open .*220 ␛\]0;owned-0␇␛\]1;owned-1␇/);
    expect(s).toMatch(/"banner":"220 \\u001b\]0;owned-0\\u0007/);
    expect(s).toMatch(/ANSWERED=\[\]/);
    const state = terminalState(t);
    expect(state.pane_title).not.toMatch(/owned/);
    expect(state.window_bell_flag).toBe('0');
    expect([state.mouse_any_flag, state.keypad_cursor_flag, state.insert_flag]).toEqual(['0', '0', '0']);
    expect(state.wrap_flag).toBe('1');
    expect(buffers(t)).toBe('');
  }, 30_000);
});

describeRequiring([tmuxMissing(), opensslMissing()], 'terminal safety: a hostile certificate in the session', () => {
  let tui: Tui | null = null;
  let server: tls.Server | null = null;
  afterEach(() => {
    tui?.kill();
    server?.close();
  });

  test('its fields, in the status, the pane and the chain panel, are marks; the terminal is untouched', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'porthole-hostile-cert-'));
    const [cert, key] = [path.join(dir, 'c.pem'), path.join(dir, 'k.pem')];
    const cn = `evil\x1b]0;owned-cert\x07\u009d2;owned-c1\u009c\u009b?1000h\u202eatad.test\u200b`;
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key, '-out', cert, '-days', '30', '-utf8', '-subj', `/CN=${cn}/O=${cn}`], { stdio: 'ignore' });
    const { readFileSync } = await import('node:fs');
    server = tls.createServer({ cert: readFileSync(cert), key: readFileSync(key) }, (s) => s.write('hello over tls\r\n'));
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', () => r()));
    const port = (server.address() as net.AddressInfo).port;
    const t = (tui = new Tui(['--tls', '-k', '127.0.0.1', String(port)], 160, 50, { after: TERMINAL_PROBE }));
    t.tmux('set-option', '-g', 'set-clipboard', 'on');
    await t.waitFor(/hello over tls/);
    t.keys('C-]');
    await t.waitFor(/porthole>/);
    t.type('tls');
    t.keys('Enter');
    // The chain panel: the leaf's subject, its O= too.
    const s = await t.waitFor(/^0\. leaf: .*<U\+202E>atad\.test/m);
    expect(s).not.toMatch(/[\u0080-\u009f\u200b\u202a-\u202e]/);
    // (OpenSSL escapes C0 and ';' in a name itself: \1B, \;.)
    expect(s).toMatch(/<U\+009D>2\\;owned-c1<U\+009C><U\+009B>\?1000h<U\+202E>atad\.test<U\+200B>/);
    const state = terminalState(t);
    expect(state.pane_title).not.toMatch(/owned/);
    expect([state.mouse_any_flag, state.window_bell_flag, state.alternate_on]).toEqual(['0', '0', '1']);
    t.type('q');
    await t.waitFor(/^hello over tls/m);
    t.keys('C-]');
    await t.waitFor(/porthole>/);
    t.type('quit');
    t.keys('Enter');
    expect(await t.waitFor(/ANSWERED=\[/, 10_000)).toMatch(/ANSWERED=\[\]/);
    expect(terminalState(t).pane_title).not.toMatch(/owned/);
    expect(buffers(t)).toBe('');
  }, 30_000);
});
