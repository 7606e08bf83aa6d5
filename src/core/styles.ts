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

/**
 * What the session draws with: the colours above, or (NO_COLOR, --color never) the same marks
 * without colour: dim, bold and inverse stay, as no-color.org allows, so porthole's notes still
 * stand apart from the peer's lines and a failure still stands out.
 */
export interface Palette {
  readonly source: typeof SOURCE_SGR;
  readonly tone: typeof TONE_SGR;
  readonly dim: typeof DIM_SGR;
  /** Ink's colour names for the prompt and an error under it; undefined draws them plain. */
  readonly prompt: 'cyan' | undefined;
  readonly error: 'red' | undefined;
}

export const COLOUR_PALETTE: Palette = { source: SOURCE_SGR, tone: TONE_SGR, dim: DIM_SGR, prompt: 'cyan', error: 'red' };

export const PLAIN_PALETTE: Palette = {
  source: { in: ['', ''], out: ['', ''], info: DIM_SGR, connection: DIM_SGR },
  tone: { ok: ['', ''], busy: ['', ''], bad: ['\x1b[1m', '\x1b[22m'], muted: DIM_SGR },
  dim: DIM_SGR,
  prompt: undefined,
  error: undefined,
};

export const paletteFor = (colour: boolean): Palette => (colour ? COLOUR_PALETTE : PLAIN_PALETTE);
