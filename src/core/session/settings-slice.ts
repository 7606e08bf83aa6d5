// The settings' family of changes: each says in the pane what is now in force, and the ones the
// controller must act on (a new decoder) come back as effects.

import type { LineEnding } from '../codec.js';
import type { Toggle } from '../commands.js';
import type { Effect, SessionState, Settings, Step } from './state.js';

export type SettingsChange =
  | { type: 'mode'; mode: Settings['mode'] }
  | { type: 'line-ending'; ending: LineEnding }
  | { type: 'encoding'; encoding: string }
  | { type: 'toggle'; what: Toggle };

export function settingsReducer(state: SessionState, change: SettingsChange): Step {
  const apply = (settings: Partial<Settings>, words: string, effects: Effect[] = []): Step => ({
    state: { ...state, settings: { ...state.settings, ...settings } },
    effects: [{ type: 'info', lines: [words] }, ...effects],
  });
  switch (change.type) {
    case 'mode': {
      // Terminal mode: porthole's screen steps aside for the remote program, and comes back.
      const was = state.settings.mode === 'terminal';
      const now = change.mode === 'terminal';
      const terminal: Effect[] = was !== now ? [{ type: 'terminal', on: now }] : [];
      return apply(
        // Character mode has no local line: the peer echoes, as telnet's character mode.
        { mode: change.mode, echo: change.mode === 'line' },
        change.mode === 'terminal'
          ? 'Terminal mode: the remote program has the terminal, its escape sequences pass as it sends them. Ctrl+] comes back here; mode line or mode char leaves it.'
          : change.mode === 'char'
            ? 'Character mode: each key is sent as typed (Ctrl+] for the prompt, Shift+PageUp to scroll).'
            : 'Line mode: edit the line, Enter sends it.',
        terminal,
      );
    }
    case 'line-ending':
      return apply({ lineEnding: change.ending }, `Lines now end with ${change.ending.toUpperCase()}.`);
    case 'encoding':
      return apply({ encoding: change.encoding }, `Encoding: ${change.encoding}.`, [{ type: 'set-encoding', encoding: change.encoding }]);
    case 'toggle': {
      // Each toggle is named as the setting it flips.
      const value = !state.settings[change.what];
      return apply({ [change.what]: value }, `${change.what}: ${value ? 'on' : 'off'}.`);
    }
  }
}
