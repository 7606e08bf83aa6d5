// jest's globalSetup: the suites that run dist/ (the CLI as a child process, the TUI under tmux)
// test the sources as they are, so `npx jest` after an edit rebuilds first; npm test has just
// built, and finds dist/ current. Plain JS, to share scripts/build-stamp.js with the build; a
// default export, as jest requires of a global setup.
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ROOT, buildState } from '../../scripts/build-stamp.js';

/**
 * The CLI keeps history (and reads a config) under the XDG directories: every porthole the suites
 * start, under tmux or as a child, gets directories of this run's own, never the user's. The
 * workers, and the processes they start, inherit these.
 */
function isolateHome() {
  const root = mkdtempSync(path.join(tmpdir(), 'porthole-xdg-'));
  // For global-teardown.js, which runs in this same process.
  process.env.PORTHOLE_TEST_XDG_ROOT = root;
  process.env.XDG_STATE_HOME = path.join(root, 'state');
  process.env.XDG_CONFIG_HOME = path.join(root, 'config');
  // Colour is asked for by each test that wants it, never inherited from the shell that ran jest.
  delete process.env.FORCE_COLOR;
  delete process.env.NO_COLOR;
}

export default function buildIfStale() {
  isolateHome();
  const state = buildState();
  if (state === 'current') return;
  execFileSync(process.execPath, ['scripts/build.js'], { cwd: ROOT, stdio: 'inherit' });
  // The build rewrote the stamp from the inputs it read; a mismatch now means they moved under it.
  if (buildState() !== 'current') throw new Error('dist/ is still stale after a build: were sources edited during it?');
  process.stderr.write(state === 'missing' ? 'dist/ was missing: built\n' : 'dist/ was stale: rebuilt\n');
}
