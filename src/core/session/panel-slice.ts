// A panel over the output pane (the TLS chain behind `tls`): the whole thing readable at once,
// without scrolling the session's output away. Its keys: the arrows and Page keys scroll it; Esc,
// q or Enter close it. Its lines are computed here from the state, so a panel never goes stale.

import type { InputEvent } from '../key-decoder.js';
import { fitColumns, safeLine, type SafeText } from '../sanitize.js';
import { chainLines } from '../tls.js';
import type { ProtoName } from '../protocols/choose.js';
import { helpLines } from '../protocols/help.js';
import { noEffects, type SessionState, type Step } from './state.js';

export type PanelKind = 'tls' | 'help';

export interface Panel {
  kind: PanelKind;
  /** The first line shown. */
  top: number;
  /** The help panel's protocol (null: the one in force). */
  proto?: ProtoName | null;
}

/** What a panel shows: a title and the lines in view, fitted to the pane. */
export interface PanelView {
  title: SafeText;
  lines: SafeText[];
  /** More lines above or below the ones shown. */
  more: { above: boolean; below: boolean };
}

function content(state: SessionState, panel: Panel): string[] {
  switch (panel.kind) {
    case 'tls':
      return state.tls ? chainLines(state.tls) : ['No TLS session.'];
    case 'help':
      return helpLines(panel.proto ?? state.helper.proto);
  }
}

const TITLES: Readonly<Record<PanelKind, string>> = { tls: 'TLS session and certificate chain', help: 'Commands' };

export function openPanel(state: SessionState, kind: PanelKind, proto?: ProtoName | null): SessionState {
  return { ...state, panel: { kind, top: 0, ...(proto !== undefined ? { proto } : {}) } };
}

export function panelInput(state: SessionState, panel: Panel, event: InputEvent): Step {
  if (event.type === 'text') {
    return event.text === 'q' || event.text === 'Q' ? noEffects({ ...state, panel: null }) : noEffects(state);
  }
  if (event.type !== 'key') return noEffects(state);
  const move = (top: number) => noEffects({ ...state, panel: { ...panel, top: Math.max(0, top) } });
  switch (event.name) {
    case 'escape':
    case 'enter':
      return noEffects({ ...state, panel: null });
    case 'up':
      return move(panel.top - 1);
    case 'down':
      return move(panel.top + 1);
    case 'pageup':
      return move(panel.top - 10);
    case 'pagedown':
      return move(panel.top + 10);
    case 'home':
      return move(0);
    case 'end':
      return move(Number.MAX_SAFE_INTEGER);
    default:
      return noEffects(state);
  }
}

/** The panel's rows for a pane of `width` x `height` (the title takes one). */
export function panelView(state: SessionState, panel: Panel, width: number, height: number): PanelView {
  // Every line is made visible: a certificate's fields are the peer's words.
  const all = content(state, panel).map((l) => safeLine(l));
  const room = Math.max(1, height - 1);
  const top = Math.min(panel.top, Math.max(0, all.length - room));
  const shown = all.slice(top, top + room).map((l) => fitColumns(l, width));
  const below = top + room < all.length;
  const title = `${TITLES[panel.kind]}${top > 0 || below ? ` (lines ${top + 1}-${top + shown.length} of ${all.length}; arrows and Page keys scroll)` : ''}; Esc or q closes`;
  return { title: fitColumns(safeLine(title), width), lines: shown, more: { above: top > 0, below } };
}
