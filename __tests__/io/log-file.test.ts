// Transcript files: appended to, complete whatever way the process ends, and only regular files
// (a FIFO or a device written synchronously could freeze the session).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expandHome, fileLog } from '../../src/io/log-file.js';

const dir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'porthole-log-'));

test('what is written reaches the file by end(), appended to what was there, mode 0600 when new', () => {
  const file = path.join(dir(), 't.log');
  fs.writeFileSync(file, 'before\n');
  const log = fileLog(file);
  log.write('one\n');
  log.write('two\n');
  log.end();
  expect(fs.readFileSync(file, 'utf8')).toBe('before\none\ntwo\n');
  const fresh = path.join(dir(), 'new.log');
  fileLog(fresh).end();
  expect(fs.statSync(fresh).mode & 0o777).toBe(0o600);
});

test('a path that cannot be opened is said at once, by its code', () => {
  expect(() => fileLog('/nonexistent-dir/x.log')).toThrow(expect.objectContaining({ code: 'ENOENT' }));
});

test('a FIFO without a reader does not block the open, and a device is refused: only regular files', () => {
  const fifo = path.join(dir(), 'fifo');
  execFileSync('mkfifo', [fifo]);
  expect(() => fileLog(fifo)).toThrow(expect.objectContaining({ code: 'ENXIO' }));
  expect(() => fileLog('/dev/null')).toThrow(/not a regular file/);
});

test('~ is the home directory, as in the shell', () => {
  expect(expandHome('~/x.log', '/home/u')).toBe('/home/u/x.log');
  expect(expandHome('~', '/home/u')).toBe('/home/u');
  expect(expandHome('a~/x', '/home/u')).toBe('a~/x');
});
