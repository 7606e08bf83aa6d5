// Porthole's own colours, as SGR of ours, in one table: the output pane, the status bar, the outline
// drawn before Ink and the lines left in the terminal after quit all take them from here. Never the
// peer's bytes: these are constants.

import type { LineSource } from './scrollback.js';
import type { Tone } from './status.js';

/** On and off codes for each kind of line: the peer's plain, ours in cyan, porthole's notes dim yellow. */
export const SOURCE_SGR: Readonly<Record<LineSource | 'connection', readonly [string, string]>> = {
  in: ['', ''],
  out: ['\x1b[36m', '\x1b[39m'],
  info: ['\x1b[2;33m', '\x1b[22;39m'],
  connection: ['\x1b[2;33m', '\x1b[22;39m'],
};

/** The status bar's tones. */
export const TONE_SGR: Readonly<Record<Tone, readonly [string, string]>> = {
  ok: ['\x1b[32m', '\x1b[39m'],
  busy: ['\x1b[33m', '\x1b[39m'],
  bad: ['\x1b[1;31m', '\x1b[22;39m'],
  muted: ['\x1b[2m', '\x1b[22m'],
};

export const DIM_SGR: readonly [string, string] = ['\x1b[2m', '\x1b[22m'];
