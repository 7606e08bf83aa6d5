// The lasting history on real files in a temporary directory: modes, bounds, two sessions at once.
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { HISTORY_SLACK } from '../../src/core/history.js';
import { historyDir, openHistoryStore } from '../../src/io/history-store.js';

let root: string;
beforeEach(() => (root = mkdtempSync(path.join(tmpdir(), 'porthole-history-'))));
afterEach(() => rmSync(root, { recursive: true, force: true }));

test('where it lives: $XDG_STATE_HOME/porthole/history, else ~/.local/state (a relative XDG path is ignored)', () => {
  expect(historyDir({ XDG_STATE_HOME: '/x/state', HOME: '/home/u' })).toBe('/x/state/porthole/history');
  expect(historyDir({ HOME: '/home/u' })).toBe('/home/u/.local/state/porthole/history');
  expect(historyDir({ XDG_STATE_HOME: 'rel', HOME: '/home/u' })).toBe('/home/u/.local/state/porthole/history');
});

test('lines kept per host:port, in a 0700 directory and 0600 files, back the next time', () => {
  const dir = path.join(root, 'state', 'porthole', 'history');
  const said: string[] = [];
  const a = openHistoryStore(dir, (l) => said.push(l));
  expect(a.load('mail.test', 25)).toEqual([]);
  a.remember('mail.test', 25, 'EHLO me');
  a.remember('mail.test', 25, 'QUIT');
  a.remember('web.test', 80, 'GET / HTTP/1.1');
  expect(statSync(dir).mode & 0o777).toBe(0o700);
  expect(statSync(path.join(dir, 'mail.test_25')).mode & 0o777).toBe(0o600);
  const b = openHistoryStore(dir, (l) => said.push(l));
  expect(b.load('MAIL.test', 25)).toEqual(['EHLO me', 'QUIT']);
  expect(b.load('web.test', 80)).toEqual(['GET / HTTP/1.1']);
  expect(said).toEqual([]);
});

test('a file made wider by hand is narrowed to its owner on the next write', () => {
  const dir = path.join(root, 'h');
  mkdirSync(dir);
  writeFileSync(path.join(dir, 'h_1'), '"old"\n', { mode: 0o644 });
  chmodSync(path.join(dir, 'h_1'), 0o644);
  openHistoryStore(dir, () => {}).remember('h', 1, 'new');
  expect(statSync(path.join(dir, 'h_1')).mode & 0o777).toBe(0o600);
});

test('bounded: past the limit and its slack the file is cut back to the newest entries, by rename, and no lock or temporary file is left', () => {
  const dir = path.join(root, 'h');
  const s = openHistoryStore(dir, () => {}, 10);
  s.load('h', 1);
  for (let i = 0; i < 10 + HISTORY_SLACK + 1; i++) s.remember('h', 1, `line ${i}`);
  const lines = readFileSync(path.join(dir, 'h_1'), 'utf8').trimEnd().split('\n');
  expect(lines).toHaveLength(10);
  expect(JSON.parse(lines.at(-1)!)).toBe(`line ${10 + HISTORY_SLACK}`);
  expect(readdirSync(dir)).toEqual(['h_1']);
  expect(openHistoryStore(dir, () => {}, 10).load('h', 1)).toHaveLength(10);
});

test('two sessions at once: every line of both is kept, whole, in the order written, across a rewrite by one of them', () => {
  const dir = path.join(root, 'h');
  const a = openHistoryStore(dir, () => {}, 50);
  const b = openHistoryStore(dir, () => {}, 50);
  a.load('h', 1);
  b.load('h', 1);
  const written: string[] = [];
  for (let i = 0; i < 600; i++) {
    const [who, s] = i % 3 === 0 ? ['b', b] : ['a', a];
    s.remember('h', 1, `${who} ${i}`);
    written.push(`${who} ${i}`);
  }
  // a rewrote it (past 50 + slack of its own), b went on appending to the same file meanwhile.
  expect(readFileSync(path.join(dir, 'h_1'), 'utf8').trimEnd().split('\n').length).toBeLessThan(600);
  expect(openHistoryStore(dir, () => {}, 50).load('h', 1)).toEqual(written.slice(-50));
});

test('a directory that cannot be written: said once, the session goes on, nothing thrown', () => {
  const file = path.join(root, 'not-a-dir');
  writeFileSync(file, '');
  const said: string[] = [];
  const s = openHistoryStore(path.join(file, 'history'), (l) => said.push(l));
  s.remember('h', 1, 'one');
  s.remember('h', 1, 'two');
  expect(said).toEqual([expect.stringMatching(/^History not kept: could not write .*not-a-dir\/history\/h_1 \((ENOTDIR|EEXIST)\)\. Up still recalls this session's lines\.$/)]);
  // Failed: nothing to load (null), so a session keeps the lines it has rather than none.
  expect(s.load('h', 1)).toBeNull();
});

test('a lock left by a session that died: the rewrite waits it out, then takes it over; appends never stop', () => {
  const dir = path.join(root, 'h');
  const s = openHistoryStore(dir, () => {}, 10);
  s.load('h', 1);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'h_1.lock'), '');
  for (let i = 0; i < 10 + HISTORY_SLACK + 5; i++) s.remember('h', 1, `line ${i}`);
  // Fresh lock: not cut back, nothing lost, history still on.
  expect(openHistoryStore(dir, () => {}, 1000).load('h', 1)).toHaveLength(10 + HISTORY_SLACK + 5);
  utimesSync(path.join(dir, 'h_1.lock'), new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));
  s.remember('h', 1, 'stale taken');
  s.remember('h', 1, 'then cut');
  expect(readdirSync(dir)).toEqual(['h_1']);
  expect(openHistoryStore(dir, () => {}, 1000).load('h', 1)).toHaveLength(10);
});
