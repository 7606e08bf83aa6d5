// The session controller with a fake transport and a fake clock: the real reducer, Connection and
// pipeline, no sockets and no sleeps.
import type { InputEvent, KeyEvent } from '../../src/core/key-decoder.js';
import { DEFAULT_SETTINGS, type Settings } from '../../src/core/session/state.js';
import type { LogFile } from '../../src/io/log-file.js';
import { SessionController, type ControllerOptions } from '../../src/io/session-controller.js';
import { fakeClock, type FakeClock } from '../helpers/fake-clock.js';
import { FakeTransport, fakeDial, resolveTo, settle, type DialScript } from '../helpers/fake-transport.js';

const key = (name: string, mods: Partial<KeyEvent> = {}): InputEvent => ({ type: 'key', name, ctrl: false, meta: false, shift: false, sequence: '', ...mods });
const ctrl = (name: string) => key(name, { ctrl: true });
const text = (t: string): InputEvent => ({ type: 'text', text: t });

/** Transcript files in memory: path -> text, and which were ended. */
function memoryLogs() {
  const files = new Map<string, string>();
  const ended = new Set<string>();
  const failing = new Map<string, string>();
  const open = (path: string): LogFile => {
    let report: ((code: string) => void) | null = null;
    files.set(path, files.get(path) ?? '');
    const code = failing.get(path);
    if (code) queueMicrotask(() => report?.(code));
    return {
      path,
      write: (t) => {
        if (ended.has(path)) throw new Error(`write after end to ${path}`);
        files.set(path, files.get(path)! + t);
      },
      end: () => ended.add(path),
      onError: (fn) => (report = fn),
    };
  };
  return { files, ended, failing, open };
}

interface Harness {
  c: SessionController;
  clock: FakeClock;
  peers: FakeTransport[];
  dial: ReturnType<typeof fakeDial>;
  logs: ReturnType<typeof memoryLogs>;
  deferred: (() => void)[];
  type(...events: InputEvent[]): void;
  command(line: string): void;
  line(t: string): void;
  pane(): string[];
  status(): string[];
}

function harness(opts: { script?: DialScript; settings?: Partial<Settings>; extra?: Partial<ControllerOptions> } = {}): Harness {
  const clock = fakeClock();
  const peers: FakeTransport[] = [];
  const dial = fakeDial(
    opts.script ??
      (() => {
        const t = new FakeTransport();
        peers.push(t);
        return t;
      }),
  );
  const logs = memoryLogs();
  const deferred: (() => void)[] = [];
  const c = new SessionController({
    target: { host: 'mail.test', port: 25 },
    settings: { ...DEFAULT_SETTINGS, ...opts.settings },
    family: 0,
    connectTimeoutMs: 10_000,
    resolver: resolveTo('127.0.0.1'),
    dial,
    clock,
    wallClock: () => Date.UTC(2026, 11, 1, 12, 0, 0),
    defer: (fn) => deferred.push(fn),
    openLog: logs.open,
    ...opts.extra,
  });
  c.resize(80, 20);
  const h: Harness = {
    c,
    clock,
    peers,
    dial,
    logs,
    deferred,
    type: (...events) => c.input(events),
    command: (line) => c.input([ctrl(']'), text(line), key('enter')]),
    line: (t) => c.input([text(t), key('enter')]),
    pane: () => (c.getSnapshot().view?.rows ?? []).map((r) => r.text),
    status: () => c.getSnapshot().status.map((l) => l.text),
  };
  return h;
}

async function connected(opts: Parameters<typeof harness>[0] = {}) {
  const h = harness(opts);
  h.c.start();
  await settle();
  return h;
}

test('connects through the fake transport; the banner shows in the pane and in the status bar', async () => {
  const h = await connected();
  expect(h.c.current.conn.phase).toBe('connected');
  h.peers[0]!.send('220 mail.test ESMTP\r\n');
  h.clock.advance(40);
  expect(h.pane()).toEqual(["Connected to 127.0.0.1 port 25 in 0.0 ms. Escape character is '^]'.", '220 mail.test ESMTP']);
  expect(h.status()[0]).toBe('Connected to mail.test:25 (127.0.0.1) in 0.0 ms: 220 mail.test ESMTP');
});

test('a typed line goes through the pipeline with CRLF and is shown as sent', async () => {
  const h = await connected();
  h.line('EHLO me');
  expect(h.peers[0]!.sent()).toBe('EHLO me\r\n');
  expect(h.pane().at(-1)).toBe('EHLO me');
  expect(h.c.getSnapshot().view!.rows.at(-1)!.source).toBe('out');
});

test('the peer\'s output is published at most once a frame; a key and the connection\'s state at once', async () => {
  const h = await connected();
  // The banner is the connection's state (the status bar says it): drawn at once.
  let first = 0;
  const offFirst = h.c.subscribe(() => first++);
  h.peers[0]!.send('220 banner\r\n');
  expect(first).toBe(1);
  offFirst();
  let frames = 0;
  h.c.subscribe(() => frames++);
  for (let i = 0; i < 50; i++) h.peers[0]!.send(`line ${i}\r\n`);
  expect(frames).toBe(0);
  // A frame's quiet, then one more look once the loop has read what waited.
  h.clock.advance(33);
  expect(frames).toBe(0);
  h.clock.advance(1);
  expect(frames).toBe(1);
  h.type(text('x'));
  expect(frames).toBe(2);
});

test('a flood is taken in at most a few ms a turn: reading pauses, and resumes on the next turn', async () => {
  const h = await connected();
  const peer = h.peers[0]!;
  peer.send('a\n');
  h.clock.advance(5);
  peer.send('b\n');
  expect(peer.paused).toBe(true);
  h.deferred.splice(0).forEach((fn) => fn());
  expect(peer.paused).toBe(false);
});

test('lines typed while connecting are sent once, in order, on connect; the banner that follows is still the banner', async () => {
  const h = harness();
  h.c.start();
  h.line('EHLO me');
  h.line('NOOP');
  expect(h.status()[0]).toMatch(/2 lines queued, sent on connect/);
  await settle();
  expect(h.peers[0]!.sent()).toBe('EHLO me\r\nNOOP\r\n');
  h.peers[0]!.send('220 mail.test ESMTP\r\n');
  expect(h.c.current.conn).toMatchObject({ banner: '220 mail.test ESMTP' });
});

test('a first line after the user spoke is an answer, not a banner', async () => {
  const h = await connected();
  h.line('GET / HTTP/1.0');
  h.peers[0]!.send('HTTP/1.0 200 OK\r\n');
  expect(h.c.current.conn).toMatchObject({ banner: null, heard: true });
});

test("the peer's half-close keeps our side open: what we send still goes out, until we end it", async () => {
  const h = await connected();
  const peer = h.peers[0]!;
  peer.send('bye\r\n');
  peer.fin();
  expect(h.c.current.conn).toMatchObject({ phase: 'connected', peerEof: { kind: 'closed-by-peer' } });
  h.line('still here');
  expect(peer.sent()).toBe('still here\r\n');
  h.type(ctrl('d'));
  expect(peer.ended).toBe(true);
});

test('the decoder\'s tail is not lost when the peer closes: a cut character shows as U+FFFD', async () => {
  const h = await connected();
  h.peers[0]!.send(Buffer.from('caf\xc3', 'latin1'));
  h.peers[0]!.fin();
  h.clock.advance(40);
  expect(h.pane()).toContain('caf\ufffd');
});

test('close while connecting cancels: said in the pane, no local-error hint, and the session exits 0', async () => {
  const h = harness({ script: () => 'hang' });
  h.c.start();
  await settle();
  h.command('close');
  h.clock.advance(40);
  expect(h.pane()).toContain('Cancelled connecting to mail.test:25.');
  expect(h.status()[0]).toBe('Not connected: you cancelled connecting to mail.test:25.');
  expect(h.status().join('\n')).not.toMatch(/local resources/);
  expect(h.dial.cancelled).toBe(1);
  h.command('quit');
  expect(await h.c.done).toBe(0);
});

test('reconnect leaves nothing of the old connection: its late events are ignored, sends go to the new one', async () => {
  const h = await connected();
  const old = h.peers[0]!;
  old.send('old banner\r\n');
  h.command('reconnect');
  await settle();
  const fresh = h.peers[1]!;
  expect(old.destroyed).toBe(true);
  expect(h.c.current.conn.phase).toBe('connected');
  // The old one speaking after its end changes nothing.
  expect(() => old.send('late')).not.toThrow();
  h.line('hello');
  expect(fresh.sent()).toBe('hello\r\n');
  expect(old.sent()).toBe('');
  h.clock.advance(40);
  expect(h.status()[1]).toMatch(/in 0 B \| out 7 B/);
});

/** A transcript file's lines without the time each begins with. */
const unstamped = (file: string) => file.replace(/^\d\d:\d\d:\d\d\.\d{3} /gm, '');

test('log A then log B: A keeps its lines and its last note, B records what follows; log off is no error', async () => {
  const h = await connected();
  const peer = h.peers[0]!;
  h.command('log /tmp/a.log');
  peer.send('220 one\r\n');
  h.command('log /tmp/b.log');
  peer.send('250 two\r\n');
  h.line('QUIT');
  h.command('log off');
  await settle();
  const a = unstamped(h.logs.files.get('/tmp/a.log')!);
  const b = unstamped(h.logs.files.get('/tmp/b.log')!);
  // The full time once, with its zone; each line then begins with its time of day.
  expect(a).toMatch(/^=== porthole transcript of mail.test:25, started 2026-12-01 \d\d:\d\d:00\.000 [+-]\d\d:\d\d;/);
  expect(h.logs.files.get('/tmp/a.log')!.split('\n').filter(Boolean).every((l) => /^\d\d:\d\d:00\.000 (<-  |=== | -> )/.test(l))).toBe(true);
  expect(a).toContain('<-  220 one\n');
  expect(a).toContain('=== Transcript written to /tmp/a.log.\n');
  expect(a).not.toContain('250 two');
  expect(b).toContain('<-  250 two\n -> QUIT\n');
  expect(b).toContain('=== Transcript written to /tmp/b.log.\n');
  expect(h.logs.ended).toEqual(new Set(['/tmp/a.log', '/tmp/b.log']));
  h.clock.advance(40);
  expect(h.pane().join('\n')).not.toMatch(/cannot write/);
});

test('a transcript that cannot be written is said once; the session goes on', async () => {
  const h = await connected();
  h.logs.failing.set('/nope/x.log', 'ENOENT');
  h.command('log /nope/x.log');
  await settle();
  h.clock.advance(40);
  expect(h.pane().filter((l) => /Transcript stopped: cannot write \/nope\/x.log \(ENOENT\)/.test(l))).toHaveLength(1);
  h.line('still works');
  expect(h.peers[0]!.sent()).toBe('still works\r\n');
});

test('the transcript keeps CRLF versus LF, one line end for a CRLF cut across reads, and what was sent as typed', async () => {
  const h = await connected({ settings: { mode: 'line' } });
  const peer = h.peers[0]!;
  h.command('log /tmp/t.log');
  peer.send('220 a\r');
  peer.send('\nunix\n');
  h.line('EHLO me');
  h.command('mode char');
  h.type(text('l'), key('up', { sequence: '\x1b[A' }), key('enter'));
  const t = unstamped(h.logs.files.get('/tmp/t.log')!);
  expect(t).toContain('<-  220 a\n<-  unix␊\n -> EHLO me\n');
  expect(t).toContain(' -> l<Up>\n');
});

test('the hex view shows both directions, marked, with each connection marked and its offsets from 0', async () => {
  const h = await connected();
  h.command('toggle hex');
  h.peers[0]!.send('220\r\n');
  h.line('HI');
  h.command('reconnect');
  await settle();
  h.peers[1]!.send('OK');
  h.clock.advance(40);
  const rows = h.c.getSnapshot().hexRows!.map((r) => r.text);
  expect(rows[0]).toMatch(/^=== connection 1: mail\.test:25/);
  expect(rows[1]).toMatch(/^< 00000000  32 32 30 0d 0a/);
  expect(rows[2]).toMatch(/^> 00000000  48 49 0d 0a/);
  expect(rows[3]).toMatch(/^=== connection 2: mail\.test:25/);
  expect(rows[4]).toMatch(/^< 00000000  4f 4b/);
});

test('set encoding mid-session decodes what follows in the new set', async () => {
  const h = await connected();
  h.command('set encoding latin1');
  h.peers[0]!.send(Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0d, 0x0a]));
  h.clock.advance(40);
  expect(h.pane().at(-1)).toBe('café');
});

test('keys held from before start are no quit of a session that never started: start then dials nothing', async () => {
  const h = harness();
  h.command('quit');
  expect(await h.c.done).toBe(0);
  h.c.start();
  await settle();
  expect(h.dial.dials).toHaveLength(0);
  expect(h.clock.pending()).toBe(0);
});

test('the peer\'s FIN is drawn at once with everything before it: the end of a flood waits for no quiet', async () => {
  const h = await connected();
  h.peers[0]!.send('banner\r\n');
  h.clock.advance(1000);
  const published = () => h.c.getSnapshot().version;
  const before = published();
  h.peers[0]!.send('line 1\r\nline 2\r\n');
  // Output alone waits for the next frame...
  expect(published()).toBe(before);
  h.peers[0]!.fin();
  // ...the end does not: the lines and the outcome are on screen in the same frame, no time gone.
  expect(published()).toBeGreaterThan(before);
  expect(h.pane().slice(-2)).toEqual(['line 1', 'line 2']);
  expect(h.status()[0]).toMatch(/^Connection closed by foreign host/);
});

test('a connect adopted after the peer already closed (its FIN came while nobody listened) is still said', async () => {
  const { startConnect } = await import('../../src/io/session.js');
  const peer = new FakeTransport();
  const clock = fakeClock();
  const early = startConnect({ host: 'mail.test', port: 25, connectTimeoutMs: 1000, resolver: resolveTo('127.0.0.1'), dial: fakeDial(() => peer), clock, paused: true });
  await settle();
  peer.fin();
  const h = harness({ extra: { clock } });
  h.c.start(early);
  await settle();
  clock.advance(40);
  expect(h.c.current.conn).toMatchObject({ phase: 'connected', peerEof: { kind: 'closed-by-peer' } });
  expect(h.status()[0]).toMatch(/^Connection closed by foreign host: the peer stopped sending \(FIN\)/);
});

test('a connect adopted after it already ended (reset while nobody listened) is still said', async () => {
  const { startConnect } = await import('../../src/io/session.js');
  const peer = new FakeTransport();
  const dial = fakeDial(() => peer);
  const clock = fakeClock();
  const early = startConnect({ host: 'mail.test', port: 25, connectTimeoutMs: 1000, resolver: resolveTo('127.0.0.1'), dial, clock, paused: true });
  await settle();
  peer.reset();
  const h = harness({ extra: { clock } });
  h.c.start(early);
  await settle();
  clock.advance(40);
  expect(h.c.current.conn).toMatchObject({ phase: 'closed', outcome: { kind: 'reset-by-peer' } });
  expect(h.status()[0]).toMatch(/^Connection reset by peer after/);
});

test('quit with data queued for a peer that does not read asks once, then drops it and says so', async () => {
  const h = await connected();
  const peer = h.peers[0]!;
  peer.stalled = true;
  // Under the kernel's high-water mark, as a real socket would have it: write() said yes.
  const write = peer.write.bind(peer);
  peer.write = (b) => (write(b), true);
  h.line('x'.repeat(1000));
  h.command('quit');
  expect(h.c.current.menu?.message?.text).toMatch(/quit again to drop it/);
  h.type(text('quit'), key('enter'));
  expect(await h.c.done).toBe(0);
  expect(h.c.keptLines(5).map((l) => l.text)).toContain('Dropped 1002 B the peer had not taken.');
});

test('a peer that never reads: pastes queue up to 16 MiB, the next is refused and kept in the editor; once it reads, Enter sends it, all in order', async () => {
  const h = await connected();
  const peer = h.peers[0]!;
  peer.stalled = true;
  const block = (tag: string, n: number) => Array.from({ length: n }, (_, i) => `${tag}${String(i).padStart(6, '0')} ${'y'.repeat(1016)}`);
  const first = block('a', 12 * 1024);
  const second = block('b', 6 * 1024);
  h.type({ type: 'paste', text: `${first.join('\n')}\n`, final: true });
  expect(h.c.current.editor.text).toBe('');
  h.type({ type: 'paste', text: `${second.join('\n')}\n`, final: true });
  // Nothing of the second went: the queue holds the first alone, and says the cap.
  expect(peer.sent().length).toBe(12 * 1024 * 1026);
  expect(h.c.keptLines(3).map((l) => l.text).join('\n')).toMatch(/Not sent: 12\.0 MB already waits for a peer that is not reading; 6\.0 MB more would pass the 16\.0 MB send queue/);
  h.clock.advance(300);
  expect(h.status().join('\n')).toMatch(/12\.0 MB of 16\.0 MB queued: the peer is not reading/);
  // The peer reads: Enter sends what the editor kept, after the first paste.
  peer.drain();
  h.type(key('enter'));
  expect(peer.sent()).toBe(`${first.join('\r\n')}\r\n${second.join('\r\n')}\r\n`);
});

test('what stays in the terminal after quit: the last lines of the pane and the last word', async () => {
  const h = await connected();
  h.peers[0]!.send('220 ready\r\n');
  h.command('quit');
  await h.c.done;
  expect(h.c.keptLines('screen').map((l) => l.text)).toEqual(["Connected to 127.0.0.1 port 25 in 0.0 ms. Escape character is '^]'.", '220 ready']);
  expect(h.c.lastWords()).toMatch(/^Connection to mail\.test:25 closed \(by you\)/);
});

test('refused: said with its meaning and next step; the session exits with the outcome\'s code', async () => {
  const h = harness({ script: () => ({ code: 'ECONNREFUSED', syscall: 'connect' }) });
  h.c.start();
  await settle();
  h.clock.advance(40);
  expect(h.status()[0]).toBe('Connection refused: mail.test:25 (127.0.0.1)');
  expect(h.pane().join('\n')).toMatch(/Connection refused\. The host answered with a reset/);
  h.command('quit');
  expect(await h.c.done).toBe(4);
});

test('the filter slot: what a protocol filter answers goes back to the peer, only its data reaches the pane and the hex view', async () => {
  // A filter of the telnet kind: 0xFF and the byte after it are protocol, answered with 0xFF 0xFC.
  const filter = () => ({
    receive(bytes: Uint8Array) {
      const data: number[] = [];
      const replies: Uint8Array[] = [];
      for (let i = 0; i < bytes.length; i++) {
        if (bytes[i] === 0xff) replies.push(Uint8Array.of(0xff, 0xfc, bytes[++i]!));
        else data.push(bytes[i]!);
      }
      return { data: Uint8Array.from(data), replies, events: [] };
    },
    send: (bytes: Uint8Array) => Uint8Array.from([...bytes].flatMap((b) => (b === 0xff ? [0xff, 0xff] : [b]))),
  });
  const h = await connected({ extra: { filter } });
  h.peers[0]!.send(Buffer.from([0x6f, 0x6b, 0xff, 0x01, 0x0d, 0x0a]));
  h.clock.advance(40);
  expect(h.pane().at(-1)).toBe('ok');
  expect([...h.peers[0]!.writes[0]!]).toEqual([0xff, 0xfc, 0x01]);
  h.command('toggle hex');
  h.clock.advance(40);
  expect(h.c.getSnapshot().hexRows!.map((r) => r.text)[1]).toMatch(/^< 00000000  6f 6b 0d 0a /);
});

test('a password goes to the peer as typed, while the pane and the hex view show the mask', async () => {
  const h = await connected();
  h.line('PASS hunter22');
  expect(h.peers[0]!.sent()).toBe('PASS hunter22\r\n');
  expect(h.pane().at(-1)).toBe('PASS ********');
  h.command('toggle hex');
  h.clock.advance(40);
  const hex = (h.c.getSnapshot().hexRows ?? []).map((r) => r.text).join('\n');
  expect(hex).toMatch(/PASS \*{8}/);
  expect(hex).not.toMatch(/hunter22/);
});

test('the lasting history: loaded for the target, a line sent kept for it, and after open elsewhere the other target\'s', async () => {
  const files = new Map<string, string[]>([['mail.test:25', ['EHLO old']], ['web.test:80', ['GET / HTTP/1.0']]]);
  const history = {
    dir: '/nowhere',
    load: (host: string, port: number) => [...(files.get(`${host}:${port}`) ?? [])],
    remember: (host: string, port: number, line: string) => files.set(`${host}:${port}`, [...(files.get(`${host}:${port}`) ?? []), line]),
  };
  const h = await connected({ extra: { history } });
  h.type(key('up'));
  expect(h.c.current.editor.text).toBe('EHLO old');
  h.type(ctrl('u'), text('NOOP'), key('enter'));
  expect(files.get('mail.test:25')).toEqual(['EHLO old', 'NOOP']);
  h.command('open web.test 80');
  await settle();
  h.type(key('up'));
  expect(h.c.current.editor.text).toBe('GET / HTTP/1.0');
  h.type(ctrl('u'), text('HEAD / HTTP/1.0'), key('enter'));
  expect(files.get('web.test:80')).toEqual(['GET / HTTP/1.0', 'HEAD / HTTP/1.0']);
  expect(files.get('mail.test:25')).toEqual(['EHLO old', 'NOOP']);
});
