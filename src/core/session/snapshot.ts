// What one frame of the session shows, as the UI reads it: computed in io, drawn by ui. The UI
// knows the session only through SessionView, never the controller or the transport behind it.

import type { HexRow } from '../hex-log.js';
import type { Viewport } from '../scrollback.js';
import type { StatusLine } from '../status.js';
import type { SessionState } from './state.js';
import type { PanelView } from './panel-slice.js';

/** A new object each frame, so React sees the change. */
export interface Snapshot {
  version: number;
  state: SessionState;
  status: StatusLine[];
  /** The output pane's rows, or null in hex view. */
  view: Viewport | null;
  hexRows: HexRow[] | null;
  /** A panel over the output pane (`tls`), fitted to it; null when none is open. */
  panel: PanelView | null;
}

/** The store the UI subscribes to (useSyncExternalStore) and tells its pane size. */
export interface SessionView {
  subscribe(listener: () => void): () => void;
  getSnapshot(): Snapshot;
  /** The output pane's size in cells, from the layout. */
  resize(width: number, height: number): void;
}
