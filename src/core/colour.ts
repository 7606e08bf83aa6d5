// Colour in probe and pipe output: whether to use it (--color, NO_COLOR, FORCE_COLOR, a terminal)
// and the colour of each outcome, as a table. Pure: the modes ask with their stream's facts.

import type { OutcomeKind } from './outcome.js';

export type ColourChoice = 'auto' | 'always' | 'never';

export const COLOUR_CHOICES: readonly ColourChoice[] = ['auto', 'always', 'never'];

/**
 * --color always or never decides; auto colours a terminal unless NO_COLOR is set (no-color.org:
 * a flag on the command line overrides it) or TERM is dumb, and FORCE_COLOR colours even a pipe;
 * FORCE_COLOR=0 (or false) turns colour off, as it does for chalk, and so for Ink's own colours.
 */
export function wantsColour(choice: ColourChoice, isTTY: boolean, env: Readonly<Record<string, string | undefined>>): boolean {
  if (choice !== 'auto') return choice === 'always';
  const force = env.FORCE_COLOR;
  if (force === '0' || force === 'false') return false;
  if (force !== undefined && force !== '') return true;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.TERM === 'dumb') return false;
  return isTTY;
}

/** Basic SGR colours, which light and dark palettes both draw readably (no bright or 256 shades). */
const GREEN = ['\x1b[32m', '\x1b[39m'] as const;
const RED = ['\x1b[31m', '\x1b[39m'] as const;
const YELLOW = ['\x1b[33m', '\x1b[39m'] as const;
const MAGENTA = ['\x1b[35m', '\x1b[39m'] as const;

/** Open green; nothing there or no way there red; filtered yellow; ended by the peer, or the wrong service, magenta. */
export const OUTCOME_COLOURS: { readonly [K in OutcomeKind]: readonly [string, string] } = {
  open: GREEN,
  refused: RED,
  unreachable: RED,
  'dns-not-found': RED,
  'dns-unavailable': RED,
  'local-error': RED,
  'tls-failure': RED,
  timeout: YELLOW,
  'closed-by-peer': MAGENTA,
  'reset-by-peer': MAGENTA,
  // Open, but the wrong service: not green, and not a failure of the path either.
  'unexpected-banner': MAGENTA,
};

/** `text` (safe already: our own words) in the colour of `kind`, or as it is. */
export function paintOutcome(kind: OutcomeKind, text: string, colour: boolean): string {
  if (!colour) return text;
  const [on, off] = OUTCOME_COLOURS[kind];
  return `${on}${text}${off}`;
}
