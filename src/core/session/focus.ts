// Who gets a key: one small function, so a new layer over the session (the help panel, a
// composer's prompt, terminal mode) takes keys by being added here, not by checks in each slice.

import type { SessionState } from './state.js';

export type Focus = 'menu' | 'ask' | 'panel' | 'line' | 'char' | 'terminal';

export function focus(state: SessionState): Focus {
  if (state.menu) return 'menu';
  // A composer's password: typed in the input line, whatever the mode (char mode would send it).
  if (state.composer?.asking) return 'ask';
  if (state.panel) return 'panel';
  return state.settings.mode === 'line' ? 'line' : state.settings.mode;
}
