// Ctrl+R: the history searched backwards as the query is typed, as readline's reverse-i-search.
// The line being edited is left alone until a match is taken: Enter takes it and sends it, Esc or
// Ctrl+G leaves the line as it was, any other editing key takes the match into the line and acts
// on it there. A query in lower case matches either case (smart case); with a capital, exactly.

import type { InputEvent } from '../key-decoder.js';
import { lookup } from '../key-bindings.js';
import { safeLine } from '../sanitize.js';
import { createLineEditorState, lineEditorReducer, type LineEditorState } from '../line-editor.js';
import type { SessionState, Step } from './state.js';
import { noEffects } from './state.js';

export interface HistorySearch {
  query: string;
  /** Index in the editor's history of the match shown, or null (no query yet, or none matched). */
  at: number | null;
  /** The last step found nothing: the older match stays shown, the prompt says "failing". */
  failed: boolean;
}

/** The newest entry at or before `from` holding `query`, or null. */
export function searchBack(history: readonly string[], query: string, from: number): number | null {
  if (query === '') return null;
  const fold = query === query.toLowerCase();
  for (let i = Math.min(from, history.length - 1); i >= 0; i--) {
    const entry = fold ? history[i]!.toLowerCase() : history[i]!;
    if (entry.includes(query)) return i;
  }
  return null;
}

export function startSearch(state: SessionState): Step {
  // A line too long to edit, or a paste put back whole, would be lost to a match taken: kept.
  if (state.editor.held !== null || /[\r\n]/.test(state.editor.text)) return noEffects({ ...state, hint: 'Ctrl+R searches the history once this line is sent or cleared (Ctrl+U).' });
  return noEffects({ ...state, search: { query: '', at: null, failed: false }, hint: null });
}

/** What the search shows: the prompt words and the match (or the line as it is, before one). */
export function searchView(state: SessionState): { prompt: string; editor: LineEditorState } | null {
  const s = state.search;
  if (!s) return null;
  // Before a match nothing is shown, as bash shows it: the line being typed may hold a secret the
  // normal view masks (PASS, an AUTH answer), and history entries have theirs masked already.
  const match = s.at === null ? '' : state.editor.history[s.at]!;
  const editor = lineEditorReducer(createLineEditorState(), { type: 'insert', text: match });
  // The query is typed (or pasted: it may hold anything): drawn with its controls as marks.
  return { prompt: `(${s.failed ? 'failing ' : ''}reverse-i-search)'${safeLine(s.query)}': `, editor };
}

/**
 * A key while searching. `then` is the line mode's own handling, for a key that takes the match
 * into the line and acts there (Enter sends it, Left moves in it...).
 */
export function searchInput(state: SessionState, search: HistorySearch, event: InputEvent, then: (s: SessionState, e: InputEvent) => Step): Step {
  const history = state.editor.history;
  const refine = (query: string, from: number): Step => {
    const at = searchBack(history, query, from);
    return noEffects({ ...state, search: { query, at: at ?? search.at, failed: at === null && query !== '' } });
  };
  if (event.type === 'text' || event.type === 'paste') {
    // A refined query may still match the entry shown: look from it, inclusive.
    const text = event.text.replace(/[\r\n]+/g, ' ');
    return refine(search.query + text, search.at ?? history.length - 1);
  }
  if (event.type !== 'key') return noEffects(state);
  const command = lookup(event);
  switch (command) {
    case 'history-search':
      // Again: the next older match; with no query yet, the last query is not kept: nothing to do.
      if (search.query === '') return noEffects(state);
      return refine(search.query, (search.at ?? history.length) - 1);
    case 'delete-back': {
      const query = Array.from(search.query).slice(0, -1).join('');
      return refine(query, history.length - 1);
    }
    case 'cancel':
    case 'interrupt':
      return noEffects({ ...state, search: null });
    default: {
      // Any other key takes the match into the line, then does what it does there.
      const taken = search.at === null ? state.editor : lineEditorReducer(lineEditorReducer(state.editor, { type: 'interrupt' }), { type: 'insert', text: history[search.at]! });
      return then({ ...state, search: null, editor: taken }, event);
    }
  }
}
