// Pipe mode as scripts use it: byte-exact both ways, half-close on stdin EOF, a peer's half-close
// honoured, nc's -q and -w, diagnostics on stderr only, and memory that does not grow when the peer
// stops reading.
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CLI, runCli } from '../helpers/cli.js';
import { closedPort, readAll, serve, type Fixture } from '../helpers/servers.js';
import { readTranscript } from '../helpers/transcript.js';

const fixtures: Fixture[] = [];
afterEach(async () => Promise.all(fixtures.splice(0).map((f) => f.close())));
const fixture = async (fn: Parameters<typeof serve>[0]) => {
  const f = await serve(fn);
  fixtures.push(f);
  return f;
};
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

test('random binary both ways, byte for byte, at the same time', async () => {
  const up = randomBytes(6 * 1024 * 1024 + 7);
  const down = randomBytes(5 * 1024 * 1024 + 3);
  let received: Promise<Buffer> = Promise.resolve(Buffer.alloc(0));
  const f = await fixture((s) => {
    // Send while reading; close only after the client's EOF, as a well-behaved peer does.
    s.write(down);
    received = readAll(s).then((got) => {
      s.end();
      return got;
    });
  });
  const r = await spawnPipe(['127.0.0.1', String(f.port)], up);
  expect(r.code).toBe(0);
  expect(r.stdout.length).toBe(down.length);
  expect(sha(r.stdout)).toBe(sha(down));
  const got = await received;
  expect(got.length).toBe(up.length);
  expect(sha(got)).toBe(sha(up));
  expect(r.stderr).toBe('');
});

test('--capture and --capture-sent: random binary both ways, byte for byte, in the files as on the wire', async () => {
  const up = randomBytes(3 * 1024 * 1024 + 5);
  const down = randomBytes(2 * 1024 * 1024 + 9);
  const f = await fixture((s) => {
    s.write(down);
    void readAll(s).then(() => s.end());
  });
  const dir = mkdtempSync(path.join(tmpdir(), 'porthole-pipe-capture-'));
  const [inFile, outFile] = [path.join(dir, 'in.bin'), path.join(dir, 'out.bin')];
  const r = await spawnPipe(['--capture', inFile, '--capture-sent', outFile, '127.0.0.1', String(f.port)], up);
  expect(r.code).toBe(0);
  expect(sha(readFileSync(inFile))).toBe(sha(down));
  expect(sha(readFileSync(outFile))).toBe(sha(up));
  expect(sha(r.stdout)).toBe(sha(down));
});

test('--log and --json-log in a pipe: stdout stays the data alone; the transcript has each line, its time and direction, control bytes as marks; the events every byte', async () => {
  const f = await fixture((s) => {
    s.write('220 hello\x1b]0;owned\x07\r\n');
    void readAll(s).then(() => s.end('221 bye\r\n'));
  });
  const dir = mkdtempSync(path.join(tmpdir(), 'porthole-pipe-log-'));
  const [log, json] = [path.join(dir, 'pipe.log'), path.join(dir, 'events.jsonl')];
  const r = await spawnPipe(['--log', log, '--json-log', json, '127.0.0.1', String(f.port)], Buffer.from('QUIT\r\nPASS hunter2\r\n'));
  expect(r.code).toBe(0);
  expect(r.stdout.toString('latin1')).toBe('220 hello\x1b]0;owned\x07\r\n221 bye\r\n');
  const t = readTranscript(log);
  expect(t).toMatch(new RegExp(`^=== porthole transcript of 127\\.0\\.0\\.1:${f.port} \\(pipe\\), started `));
  expect(t).toMatch(new RegExp(`^=== Connected to 127\\.0\\.0\\.1 port ${f.port} in [\\d.]+ ms\\.$`, 'm'));
  expect(t).toMatch(/^<- {2}220 hello␛\]0;owned␇$/m);
  expect(t).toMatch(/^ -> QUIT\n -> PASS \*{8}$/m);
  expect(t).toMatch(/^<- {2}221 bye$/m);
  expect(t).not.toMatch(/hunter2|\x1b|\x07/);
  const events = readFileSync(json, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  expect(events.map((e) => e.event)).toEqual(expect.arrayContaining(['resolving', 'attempt', 'connected', 'data', 'closed']));
  const bytes = (d: string) => Buffer.concat(events.filter((e) => e.event === 'data' && e.dir === d).map((e) => Buffer.from(String(e.base64), 'base64'))).toString('latin1');
  // Every byte, exactly: the JSON log is for tools, which see what the wire had.
  expect(bytes('in')).toBe('220 hello\x1b]0;owned\x07\r\n221 bye\r\n');
  expect(bytes('out')).toBe('QUIT\r\nPASS hunter2\r\n');
  expect(readFileSync(json, 'utf8')).not.toMatch(/[\x00-\x09\x0b-\x1f]/);
});

test('--log and --json-log of a pipe that cannot connect: the attempt and its outcome in both', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'porthole-pipe-log-'));
  const [log, json] = [path.join(dir, 'pipe.log'), path.join(dir, 'events.jsonl')];
  const port = await closedPort();
  const r = await spawnPipe(['--log', log, '--json-log', json, '127.0.0.1', String(port)], Buffer.alloc(0));
  expect(r.code).toBe(4);
  expect(readTranscript(log)).toMatch(/^=== Connection refused\. /m);
  const events = readFileSync(json, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { event: string; outcome?: { code: string } });
  expect(events.at(-1)).toMatchObject({ event: 'failed', outcome: { code: 'ECONNREFUSED' } });
});

test('stdin EOF half-closes and the reply still arrives (nc -N)', async () => {
  const f = await fixture((s) => {
    readAll(s).then((got) => s.end(`got ${got.length} bytes\r\n`));
  });
  const r = await runCli(['127.0.0.1', String(f.port)], { input: 'GET / HTTP/1.0\r\n\r\n' });
  expect(r.code).toBe(0);
  expect(r.stdout).toBe('got 18 bytes\r\n');
});

/** The CLI in pipe mode with a stdin the test writes to when it likes. */
function pipeChild(args: string[]) {
  const child = spawn(process.execPath, [CLI, '--pipe', ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout.on('data', (d) => out.push(d));
  child.stderr.on('data', (d) => err.push(d));
  child.stdin.on('error', () => {});
  const exited = new Promise<number | null>((r) => child.on('exit', r));
  return { child, exited, stdout: () => Buffer.concat(out).toString(), stderr: () => Buffer.concat(err).toString() };
}

test("the peer's half-close stops nothing on our side: stdin still reaches it, and porthole exits when stdin ends (as nc)", async () => {
  let got = '';
  let gotEof!: () => void;
  const eof = new Promise<void>((r) => (gotEof = r));
  const f = await fixture((s) => {
    s.end('bye\r\n');
    s.on('data', (d) => (got += d.toString()));
    s.on('end', gotEof);
  });
  const p = pipeChild(['127.0.0.1', String(f.port)]);
  await new Promise((r) => setTimeout(r, 300));
  expect(p.child.exitCode).toBeNull();
  p.child.stdin.end('still here\n');
  await eof;
  expect(await p.exited).toBe(0);
  expect(got).toBe('still here\n');
  expect(p.stdout()).toBe('bye\r\n');
});

test('--no-shutdown keeps our sending side open after stdin ends, until the peer closes (nc without -N)', async () => {
  let peerSawEof = false;
  let sock!: import('node:net').Socket;
  const f = await fixture((s) => {
    sock = s;
    s.on('end', () => (peerSawEof = true));
  });
  const p = pipeChild(['--no-shutdown', '127.0.0.1', String(f.port)]);
  p.child.stdin.end('one line\n');
  await new Promise((r) => setTimeout(r, 300));
  expect(peerSawEof).toBe(false);
  expect(p.child.exitCode).toBeNull();
  sock.end('done\n');
  expect(await p.exited).toBe(0);
  expect(p.stdout()).toBe('done\n');
});

test('-q SECONDS quits that long after stdin ends, though the peer says nothing (nc -q); stdin still got there', async () => {
  let got = '';
  const f = await fixture((s) => s.on('data', (d) => (got += d.toString())));
  const t0 = Date.now();
  const r = await runCli(['-q', '0.3', '127.0.0.1', String(f.port)], { input: 'all of stdin\n' });
  expect(r.code).toBe(0);
  expect(Date.now() - t0).toBeGreaterThanOrEqual(300);
  expect(got).toBe('all of stdin\n');
});

test('--encoding: a character the encoding cannot hold is said once on stderr', async () => {
  let got: Buffer = Buffer.alloc(0);
  const f = await fixture((s) => s.on('data', (d) => (got = Buffer.concat([got, d]))).on('end', () => s.end()));
  const r = await runCli(['--encoding', 'latin1', '127.0.0.1', String(f.port)], { input: 'café 5€ and 6€\n' });
  expect(r.code).toBe(0);
  expect(r.stderr).toBe('porthole: stdin has characters latin1 cannot hold (first: U+20AC); they go out as "?".\n');
  expect(got.toString('latin1')).toBe('café 5? and 6?\n');
});

test('-w also ends a connection idle that long, said on stderr, exit 5 (as nc -w)', async () => {
  const f = await fixture(() => {});
  const p = pipeChild(['-w', '0.3', '127.0.0.1', String(f.port)]);
  expect(await p.exited).toBe(5);
  expect(p.stderr()).toMatch(/no data either way for 300 ms \(-w\): closing the connection/);
  p.child.stdin.destroy();
});

test('a peer that closed completely refuses what is sent after its FIN: said, exit 7 (data was lost)', async () => {
  const f = await fixture((s) => s.end('bye\r\n', () => setTimeout(() => s.destroy(), 50)));
  const p = pipeChild(['127.0.0.1', String(f.port)]);
  await new Promise((r) => setTimeout(r, 300));
  p.child.stdin.write('one\n');
  await new Promise((r) => setTimeout(r, 100));
  p.child.stdin.write('two\n');
  expect(await p.exited).toBe(7);
  expect(p.stderr()).toMatch(/closed by foreign host; what was sent after was refused/);
  expect(p.stdout()).toBe('bye\r\n');
});

test('no translation unless asked: CR, LF, NUL and 0xFF pass untouched; --crlf adds CR before bare LF', async () => {
  const sample = Buffer.from([0x41, 0x0a, 0x0d, 0x0a, 0x00, 0xff, 0xff, 0x0d, 0x42, 0x0a]);
  const echo = await fixture((s) => {
    s.pipe(s);
  });
  const raw = await spawnPipe(['127.0.0.1', String(echo.port)], sample);
  expect([...raw.stdout]).toEqual([...sample]);
  const crlf = await spawnPipe(['--crlf', '127.0.0.1', String(echo.port)], sample);
  expect(crlf.stdout.toString('latin1')).toBe('A\r\n\r\n\x00\xff\xff\rB\r\n');
});

test('--encoding transcodes both ways', async () => {
  let got: Buffer = Buffer.alloc(0);
  const f = await fixture((s) => {
    s.write(Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0a])); // "café\n" in latin1
    readAll(s).then((b) => {
      got = b;
      s.end();
    });
  });
  const r = await runCli(['--encoding', 'latin1', '127.0.0.1', String(f.port)], { input: 'naïve\n' });
  expect(r.stdout).toBe('café\n');
  expect([...got]).toEqual([0x6e, 0x61, 0xef, 0x76, 0x65, 0x0a]);
});

test('refused: nothing on stdout, one diagnostic on stderr, exit 4', async () => {
  const port = await closedPort();
  const r = await runCli(['127.0.0.1', String(port)]);
  expect(r.code).toBe(4);
  expect(r.stdout).toBe('');
  expect(r.stderr).toMatch(/^porthole: 127\.0\.0\.1:\d+: Connection refused\. .*nothing listens/);
});

test('reset mid-stream: what arrived is kept, the reset is reported, exit 7', async () => {
  const f = await fixture((s) => s.write('partial\r\n', () => setTimeout(() => s.resetAndDestroy(), 30)));
  const child = spawn(process.execPath, [CLI, '--pipe', '127.0.0.1', String(f.port)], { stdio: ['pipe', 'pipe', 'pipe'] });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout.on('data', (d) => out.push(d));
  child.stderr.on('data', (d) => err.push(d));
  const code = await new Promise((r) => child.on('exit', r));
  child.stdin.destroy();
  expect(code).toBe(7);
  expect(Buffer.concat(out).toString()).toBe('partial\r\n');
  expect(Buffer.concat(err).toString()).toMatch(/reset by peer/i);
});

test('a peer that never reads: porthole stops reading stdin instead of buffering it', async () => {
  const f = await fixture((s) => s.pause());
  const child = spawn(process.execPath, [CLI, '--pipe', '127.0.0.1', String(f.port)], { stdio: ['pipe', 'ignore', 'pipe'] });
  child.stdin.on('error', () => {});
  const chunk = Buffer.alloc(1 << 20, 0x78);
  let accepted = 0;
  const offered = 256;
  // Offer 256 MiB; count what the child actually took off its stdin pipe within a second.
  await new Promise<void>((resolve) => {
    const stop = setTimeout(resolve, 1500);
    let i = 0;
    const pump = () => {
      while (i < offered) {
        i++;
        const more = child.stdin.write(chunk, () => (accepted += chunk.length));
        if (!more) return void child.stdin.once('drain', pump);
      }
      clearTimeout(stop);
      resolve();
    };
    pump();
  });
  const rssKb = readRssKb(child.pid!);
  child.kill('SIGKILL');
  expect(accepted).toBeLessThan(64 << 20);
  if (rssKb !== null) expect(rssKb).toBeLessThan(200 * 1024);
});

function readRssKb(pid: number): number | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const m = /VmRSS:\s+(\d+) kB/.exec(status);
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

function spawnPipe(args: string[], input: Buffer): Promise<{ code: number | null; stdout: Buffer; stderr: string }> {
  const child = spawn(process.execPath, [CLI, '--pipe', ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout.on('data', (d) => out.push(d));
  child.stderr.on('data', (d) => err.push(d));
  child.stdin.end(input);
  return new Promise((resolve) =>
    child.on('close', (code) => resolve({ code, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString() })),
  );
}
