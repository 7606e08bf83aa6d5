// -c without a terminal: the commands run, the transcript goes to stdout, the exit code says where
// it stopped. Against the lab's practice servers (always here), as a script would run it.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli } from '../helpers/cli.js';
import { LAB_CA, startLab, type Lab } from '../../src/lab/lab.js';
import { readTranscript } from '../helpers/transcript.js';

let lab: Lab;
beforeAll(async () => {
  lab = await startLab({ only: ['smtp', 'http', 'pop3', 'imap'] });
});
afterAll(() => lab.close());

test('smtp send: the whole walk in the transcript, marked by direction; the body dot-stuffed; exit 0', async () => {
  const r = await runCli(['-c', "smtp send --from me@example.test --to alice@lab.porthole.test --subject Hello --body 'one\\n.two\\n.\\nthree'", '127.0.0.1', String(lab.ports.smtp)]);
  expect(r.code).toBe(0);
  const out = r.stdout;
  expect(out).toMatch(/^<- {2}220 lab\.porthole\.test ESMTP/m);
  expect(out).toMatch(/^ -> EHLO \S+$/m);
  expect(out).toMatch(/^ -> MAIL FROM:<me@example\.test>$/m);
  expect(out).toMatch(/^ -> RCPT TO:<alice@lab\.porthole\.test>$/m);
  expect(out).toMatch(/^ -> Subject: Hello$/m);
  expect(out).toMatch(/^ -> one\n -> \.\.two\n -> \.\.\n -> three\n -> \.\n<- {2}250 2\.0\.0 Ok: queued as/m);
  expect(out).toMatch(/^=== smtp send: done\.$/m);
  // The lab stored it un-stuffed, as a server does: read back over IMAP, the last message.
  const back = await runCli(['-c', 'imap login alice', '-c', 'imap fetch *', '127.0.0.1', String(lab.ports.imap)], { input: 'wonderland\n' });
  expect(back.code).toBe(0);
  expect(back.stdout).toMatch(/^<- {2}Subject: Hello\n(<- .*\n)*<- {2}one\n<- {2}\.two\n<- {2}\.\n<- {2}three\n/m);
});

test('a refused step: the reply explained, the run stopped there, exit 9; nothing after it sent', async () => {
  const r = await runCli(['-c', 'smtp send --from me@example.test --to nobody@lab.porthole.test', '-c', 'smtp send --from x@y --to alice@lab.porthole.test', '127.0.0.1', String(lab.ports.smtp)]);
  expect(r.code).toBe(9);
  expect(r.stdout).toMatch(/^=== ↳ 550 \(permanent\): .*5\.1\.1: no such mailbox/m);
  expect(r.stdout).toMatch(/^=== smtp send stopped at RCPT TO:<nobody@lab\.porthole\.test>: the server said 550 5\.1\.1/m);
  expect(r.stdout).not.toMatch(/DATA|MAIL FROM:<x@y>/);
});

test('smtp auth plain: the password from PORTHOLE_PASSWORD or the first line of stdin, never in the output', async () => {
  const viaStdin = await runCli(['-c', 'smtp auth plain alice', '127.0.0.1', String(lab.ports.smtp)], { input: 'wonderland\n' });
  expect(viaStdin.code).toBe(0);
  expect(viaStdin.stdout).toMatch(/^ -> AUTH PLAIN \*{8}$/m);
  expect(viaStdin.stdout).toMatch(/^<- {2}235 2\.7\.0 Authentication successful/m);
  const b64 = Buffer.from('\0alice\0wonderland').toString('base64');
  expect(viaStdin.stdout + viaStdin.stderr).not.toMatch(new RegExp(`wonderland|${b64.slice(0, 12)}`));
  const wrong = await runCli(['-c', 'smtp auth login alice', '127.0.0.1', String(lab.ports.smtp)], { input: 'nope\n' });
  expect(wrong.code).toBe(9);
  expect(wrong.stdout).toMatch(/535 \(permanent\): authentication failed/);
  const none = await runCli(['-c', 'pop3 login alice', '127.0.0.1', String(lab.ports.pop3)]);
  expect(none.code).toBe(9);
  expect(none.stderr).toMatch(/asks for a password: give it in PORTHOLE_PASSWORD or a line of stdin for each/);
});

test('http get and imap: Host added and said; IMAP tagged for the user and timed', async () => {
  const http = await runCli(['-c', 'http get /headers', '127.0.0.1', String(lab.ports.http)]);
  expect(http.code).toBe(0);
  expect(http.stdout).toMatch(new RegExp(`^ -> Host: 127\\.0\\.0\\.1:${lab.ports.http}$`, 'm'));
  expect(http.stdout).toMatch(/^=== ↳ porthole added: Host: /m);
  expect(http.stdout).toMatch(/^<- {2}HTTP\/1\.1 200 OK/m);
  const missing = await runCli(['-c', 'http get /nothing-here', '127.0.0.1', String(lab.ports.http)]);
  expect(missing.code).toBe(9);
  const imap = await runCli(['-c', 'imap login alice', '-c', 'imap select INBOX', '127.0.0.1', String(lab.ports.imap)], { input: 'wonderland\n' });
  expect(imap.code).toBe(0);
  expect(imap.stdout).toMatch(/^ -> A001 LOGIN alice \*{8}$/m);
  expect(imap.stdout).toMatch(/^=== ↳ A001 LOGIN: done in \d+ ms\.$/m);
  expect(imap.stdout).toMatch(/^ -> A002 SELECT INBOX$/m);
});

test('a -c that is no command is a usage error before anything connects; -c with -z is too', async () => {
  const r = await runCli(['-c', 'smtp sned --from a', '127.0.0.1', String(lab.ports.smtp)]);
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(/-c 'smtp sned --from a': smtp: send or auth/);
  const field = await runCli(['-c', 'smtp send --from "a@x\r" --to b@y', '127.0.0.1', String(lab.ports.smtp)]);
  expect(field.code).toBe(2);
  expect(field.stderr).toMatch(/a CR: nothing sent/);
  expect((await runCli(['-z', '-c', 'status', '127.0.0.1', '25'])).code).toBe(2);
});

test('a connection that fails keeps its own exit code (refused: 4)', async () => {
  const r = await runCli(['-c', 'smtp send --from a@x --to b@y', '127.0.0.1', '1']);
  expect(r.code).toBe(4);
});

test('starttls in a script is waited for: what follows goes over TLS; --starttls too', async () => {
  const r = await runCli(['--ca', LAB_CA, '-c', 'starttls', '-c', 'smtp auth plain alice', '127.0.0.1', String(lab.ports.smtp)], { input: 'wonderland\n' });
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(/^ -> STARTTLS$/m);
  // After the upgrade the marks say TLS: the AUTH went encrypted.
  expect(r.stdout).toMatch(/^ ~> AUTH PLAIN \*{8}$/m);
  expect(r.stdout).not.toMatch(/^ -> AUTH/m);
  const full = await runCli(['--ca', LAB_CA, '--starttls', 'smtp', '-c', 'smtp send --from a@x.test --to alice@lab.porthole.test', '127.0.0.1', String(lab.ports.smtp)]);
  expect(full.code).toBe(0);
  expect(full.stdout).toMatch(/^ ~> MAIL FROM:<a@x\.test>$/m);
  expect(full.stdout).not.toMatch(/^ -> MAIL/m);
});

test('a STARTTLS that fails ends the script: nothing after it goes in plain text', async () => {
  // Without the lab's CA its certificate is refused.
  const r = await runCli(['-c', 'starttls', '-c', 'smtp auth plain alice', '127.0.0.1', String(lab.ports.smtp)], { input: 'wonderland\n' });
  expect(r.code).toBe(9);
  expect(r.stdout).not.toMatch(/AUTH PLAIN/);
});

test('two passwords, a line of stdin each; a command that does not act ends the script with 9', async () => {
  const two = await runCli(['-c', 'smtp auth plain alice', '-c', 'smtp auth plain bob', '127.0.0.1', String(lab.ports.smtp)], { input: 'wonderland\nbuilder\n' });
  // The second AUTH is refused by the server (one login a session): it was sent, with its own password.
  expect(two.stdout.match(/^ -> AUTH PLAIN \*{8}$/gm)).toHaveLength(2);
  expect(two.code).toBe(9);
  expect(two.stdout).toMatch(/503 5\.5\.1 Error: already authenticated/);
  const tls = await runCli(['-c', 'tls', '127.0.0.1', String(lab.ports.smtp)]);
  expect(tls.code).toBe(9);
  expect(tls.stdout).toMatch(/^=== -c tls: Not a TLS connection/m);
  const open = await runCli(['-c', 'open 127.0.0.1 25', '127.0.0.1', String(lab.ports.smtp)]);
  expect(open.code).toBe(2);
  expect(open.stderr).toMatch(/needs a session on a terminal/);
});

test('an Authorization header given to a composer is masked in what is printed', async () => {
  const r = await runCli(['-c', "http get / --header 'Authorization: Basic c2VjcmV0'", '127.0.0.1', String(lab.ports.http)]);
  expect(r.stdout).toMatch(/^ -> Authorization: Basic \*{8}$/m);
  expect(r.stdout).not.toMatch(/c2VjcmV0/);
});

test('--capture and --capture-sent: the bytes exactly, both ways; --log the transcript too; a file that cannot be opened is said, the rest goes on', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'porthole-capture-'));
  const [inFile, outFile, logFile] = ['in.bin', 'out.bin', 'session.log'].map((f) => path.join(dir, f));
  const r = await runCli(['--capture', inFile!, '--capture-sent', outFile!, '--log', logFile!, '-c', 'smtp send --from a@x.test --to alice@lab.porthole.test --body hi', '127.0.0.1', String(lab.ports.smtp)]);
  expect(r.code).toBe(0);
  const received = fs.readFileSync(inFile!);
  const sent = fs.readFileSync(outFile!);
  expect(received.toString('latin1')).toMatch(/^220 lab\.porthole\.test ESMTP .*\r\n250-lab\.porthole\.test\r\n/);
  expect(received.toString('latin1')).toMatch(/250 2\.0\.0 Ok: queued as \w+\r\n$/);
  expect(sent.toString('latin1')).toMatch(/^EHLO \S+\r\nMAIL FROM:<a@x\.test>\r\nRCPT TO:<alice@lab\.porthole\.test>\r\nDATA\r\n[\s\S]*\r\nhi\r\n\.\r\n$/);
  // The transcript on stdout and in the file: the same lines, the file's each with its time.
  expect(readTranscript(logFile!)).toBe(r.stdout);
  // A capture that cannot be written: said on stderr, the session goes on.
  const bad = await runCli(['--capture', path.join(dir, 'no', 'such', 'dir.bin'), '-c', 'smtp send --from a@x.test --to alice@lab.porthole.test', '127.0.0.1', String(lab.ports.smtp)]);
  expect(bad.code).toBe(0);
  expect(bad.stderr).toMatch(/--capture: cannot write .*dir\.bin \(ENOENT\): not captured; the rest goes on\./);
});

test('--json-log: a JSON object a line for each event, and every byte both ways in base64', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'porthole-json-'));
  const file = path.join(dir, 'events.jsonl');
  const r = await runCli(['--json-log', file, '-c', 'smtp send --from a@x.test --to alice@lab.porthole.test', '127.0.0.1', String(lab.ports.smtp)]);
  expect(r.code).toBe(0);
  const events = fs.readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  expect(events[0]).toMatchObject({ event: 'resolving', host: '127.0.0.1', port: lab.ports.smtp });
  expect(events.map((e) => e.event)).toEqual(expect.arrayContaining(['connected', 'data', 'closed']));
  const bytes = (dir: string) => Buffer.concat(events.filter((e) => e.event === 'data' && e.dir === dir).map((e) => Buffer.from(String(e.base64), 'base64'))).toString('latin1');
  expect(bytes('in')).toMatch(/^220 lab\.porthole\.test ESMTP[\s\S]*250 2\.0\.0 Ok: queued as \w+\r\n$/);
  expect(bytes('out')).toMatch(/^EHLO \S+\r\nMAIL FROM:<a@x\.test>\r\n/);
  for (const e of events) expect(typeof e.t).toBe('string');
});

test('the files\' mistakes: a --log that cannot be written leaves stdout\'s transcript; one path for two flags, or a flag for the wrong mode, is a usage error; a failed connect still empties a capture', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'porthole-files-'));
  const r = await runCli(['--log', path.join(dir, 'no', 'such', 'x.log'), '-c', 'smtp send --from a@x.test --to alice@lab.porthole.test', '127.0.0.1', String(lab.ports.smtp)]);
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(/^=== smtp send: done\.$/m);
  expect(r.stderr).toMatch(/--log: cannot write .*x\.log \(ENOENT\): the transcript goes to stdout only/);
  const same = path.join(dir, 'same.bin');
  expect((await runCli(['--capture', same, '--capture-sent', same, '127.0.0.1', String(lab.ports.smtp)])).stderr).toMatch(/each need a file of their own/);
  expect((await runCli(['-z', '--capture', same, '127.0.0.1', '25'])).code).toBe(2);
  const old = path.join(dir, 'old.bin');
  fs.writeFileSync(old, 'OLDDATA');
  expect((await runCli(['--capture', old, '127.0.0.1', '1'])).code).toBe(4);
  expect(fs.readFileSync(old, 'utf8')).toBe('');
});
