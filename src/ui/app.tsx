// The session screen: output pane, status bar, and the input line or the Ctrl+] prompt. It reads
// one snapshot per frame from the LiveSession and sends it keys and its pane size; nothing else.
import { Box } from 'ink';
import { useCallback, useLayoutEffect, useSyncExternalStore } from 'react';
import type { InputEvent } from '../core/key-decoder.js';
import { promptedView } from '../core/line-editor.js';
import type { LiveSession } from '../io/live-session.js';
import { EscapeMenu, menuHeight } from './escape-menu.js';
import { InputLine } from './input-line.js';
import { OutputPane, TIMESTAMP_WIDTH } from './output-pane.js';
import { StatusBar } from './status-bar.js';
import { useRawInput } from './use-raw-input.js';
import { useTerminalSize } from './use-terminal-size.js';

export function App({ session }: { session: LiveSession }) {
  const snap = useSyncExternalStore(session.subscribe, session.getSnapshot);
  const { columns, rows } = useTerminalSize();
  const onEvents = useCallback((events: InputEvent[]) => session.input(events), [session]);
  useRawInput(onEvents);

  const { state } = snap;
  // One row short of the terminal: a frame as tall as the screen makes Ink 6 clear it on every
  // frame (ink issue 450, fixed only in Ink 7).
  const height = Math.max(3, rows - 1);
  const menuRows = state.menu ? menuHeight(Math.floor(height / 2)) : 0;
  const paneHeight = Math.max(1, height - snap.status.length - (state.menu ? menuRows : 1));
  const paneWidth = Math.max(1, columns - (state.settings.timestamps ? TIMESTAMP_WIDTH : 0));
  useLayoutEffect(() => session.resize(paneWidth, paneHeight), [session, paneWidth, paneHeight]);

  return (
    <Box flexDirection="column" width={columns} height={height}>
      <OutputPane rows={snap.view?.rows ?? null} hexRows={snap.hexRows} height={paneHeight} timestamps={state.settings.timestamps} />
      <StatusBar lines={snap.status} width={columns} />
      {state.menu ? (
        <EscapeMenu menu={state.menu} width={columns} height={menuRows} />
      ) : (
        <InputLine line={state.settings.mode === 'char' ? null : promptedView(state.editor, '> ', columns)} />
      )}
    </Box>
  );
}

/** The element to render, so the mode that loads this chunk needs no JSX or React import of its own. */
export function appElement(session: LiveSession) {
  return <App session={session} />;
}
