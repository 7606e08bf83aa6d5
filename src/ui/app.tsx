// The session screen: output pane, status bar, and the input line or the Ctrl+] prompt. It reads
// one snapshot per frame from the session and tells it its pane size; keys do not pass through
// here (io/terminal reads them). Where each part goes is core/layout's, the outline's too.
import { Box } from 'ink';
import { useLayoutEffect, useSyncExternalStore } from 'react';
import { layout } from '../core/layout.js';
import { maskedView, promptedView, type LineEditorState } from '../core/line-editor.js';
import { commandSecretSpans } from '../core/commands.js';
import { inData, suggestionShown } from '../core/session/helper-slice.js';
import { secretSpan } from '../core/protocols/secrets.js';
import { safeLine } from '../core/sanitize.js';
import { searchView } from '../core/session/search-slice.js';
import { MENU_LIST_ROWS, menuView } from '../core/session/menu-view.js';
import type { SessionView } from '../core/session/snapshot.js';
import { EscapeMenu } from './escape-menu.js';
import { InputLine } from './input-line.js';
import { OutputPane, TIMESTAMP_WIDTH } from './output-pane.js';
import { Panel } from './panel.js';
import { StatusBar } from './status-bar.js';
import { useTerminalSize } from './use-terminal-size.js';
import { PaletteContext } from './palette.js';
import { COLOUR_PALETTE, type Palette } from '../core/styles.js';

export function App({ session }: { session: SessionView }) {
  const snap = useSyncExternalStore(session.subscribe, session.getSnapshot);
  const { columns, rows } = useTerminalSize();
  const { state } = snap;
  const l = layout({
    columns,
    rows,
    statusLines: snap.status.length,
    menu: state.menu ? { listRows: MENU_LIST_ROWS } : null,
    timestampWidth: state.settings.timestamps ? TIMESTAMP_WIDTH : 0,
  });
  useLayoutEffect(() => session.resize(l.pane.width, Math.max(1, l.pane.height)), [session, l.pane.width, l.pane.height]);

  return (
    <Box flexDirection="column" width={l.width} height={l.height}>
      {l.pane.height > 0 && snap.panel ? (
        <Panel view={snap.panel} height={l.pane.height} />
      ) : l.pane.height > 0 ? (
        <OutputPane rows={snap.view?.rows ?? null} hexRows={snap.hexRows} height={l.pane.height} timestamps={state.settings.timestamps} colours={state.settings.colours} proto={state.helper.proto} />
      ) : null}
      <StatusBar lines={snap.status.slice(0, l.statusRows)} width={l.width} />
      {state.menu ? (
        <EscapeMenu line={promptLine(state.menu.editor, l.width)} view={menuView(state.menu, l.menuListRows, l.width)} width={l.width} height={l.menuRows} />
      ) : state.composer?.asking ? (
        <InputLine line={maskedView(state.composer.asking.editor, state.composer.asking.prompt, l.width)} />
      ) : state.settings.mode !== 'line' ? (
        <InputLine line={null} />
      ) : (
        <InputLine line={typedLine(state, l.width)} suggestion={shownSuggestion(state)} />
      )}
    </Box>
  );
}

/** The prompt's line, an Authorization header's credentials in it drawn as marks. */
function promptLine(editor: LineEditorState, width: number) {
  const spans = editor.held === null ? commandSecretSpans(editor.text) : [];
  return spans.length ? maskedView(editor, 'porthole> ', width, spans) : promptedView(editor, 'porthole> ', width);
}

/** The line being typed, a secret in it (PASS, LOGIN, AUTH, Authorization) drawn as marks. */
function typedLine(state: Parameters<typeof suggestionShown>[0], width: number) {
  const search = searchView(state);
  if (search) return promptedView(search.editor, search.prompt, width);
  const span = inData(state.helper) || state.editor.held !== null ? null : secretSpan(state.editor.text, state.secrets);
  return span ? maskedView(state.editor, '> ', width, [span]) : promptedView(state.editor, '> ', width);
}

function shownSuggestion(state: Parameters<typeof suggestionShown>[0]) {
  if (state.search) return null;
  const s = suggestionShown(state);
  if (!s) return null;
  return { rest: safeLine(s.rest), note: s.note === null ? null : safeLine(s.note) };
}

/** The element to render, so the mode that loads this chunk needs no JSX or React import of its own. */
export function appElement(session: SessionView, palette: Palette = COLOUR_PALETTE) {
  return (
    <PaletteContext.Provider value={palette}>
      <App session={session} />
    </PaletteContext.Provider>
  );
}
