// Where each part of the session screen goes, for a terminal of a given size: one pure function
// used by the outline painted before Ink loads and by the app, so the two put the status bar on
// the same row. Small terminals keep what matters most: the input row, the state line, a row of
// output; the rest of the status and the prompt's list take what is left.

export interface LayoutInput {
  columns: number;
  rows: number;
  /** Lines the status bar would like (the state line first). */
  statusLines: number;
  /** The Ctrl+] prompt is open, and how many rows its list of commands would like. */
  menu: { listRows: number } | null;
  /** Width of the time-stamp column, when time stamps are on; else 0. */
  timestampWidth: number;
}

export interface Layout {
  /** Rows of the whole frame: one short of the terminal (ink issue 450: a frame as tall as the
   * screen makes Ink 6 clear it on every frame). */
  height: number;
  width: number;
  pane: { width: number; height: number };
  /** Status lines shown, from the top of the bar's list. */
  statusRows: number;
  /** Rows of the prompt (its input row, message row, then list rows), or 0 when closed. */
  menuRows: number;
  /** Rows of the prompt's list shown. */
  menuListRows: number;
  /** Row (from the frame's top, 0-based) of the status bar's first line, and of the input line. */
  statusTop: number;
  inputTop: number;
}

export function layout(input: LayoutInput): Layout {
  const width = Math.max(1, Math.floor(input.columns));
  const height = Math.max(1, Math.floor(input.rows) - 1);
  let left = height;
  // The input line (or the prompt's input row) comes first: without it nothing can be typed.
  left -= 1;
  // Then the state line and a row of output, if there is room for them at all.
  const statusWanted = Math.max(0, input.statusLines);
  let statusRows = Math.min(statusWanted, left > 0 ? 1 : 0);
  left -= statusRows;
  let paneRows = left > 0 ? 1 : 0;
  left -= paneRows;
  // The prompt's message row, then the rest of the status, then the prompt's list, then output.
  let menuMessage = 0;
  if (input.menu && left > 0) {
    menuMessage = 1;
    left -= 1;
  }
  const moreStatus = Math.min(statusWanted - statusRows, left);
  statusRows += moreStatus;
  left -= moreStatus;
  let menuListRows = 0;
  if (input.menu) {
    // The list may take up to half the screen; output keeps the rest.
    menuListRows = Math.min(input.menu.listRows, left, Math.max(0, Math.floor(height / 2) - 2));
    left -= menuListRows;
  }
  paneRows += left;
  const menuRows = input.menu ? 1 + menuMessage + menuListRows : 0;
  return {
    height,
    width,
    pane: { width: Math.max(1, width - input.timestampWidth), height: Math.max(0, paneRows) },
    statusRows,
    menuRows,
    menuListRows,
    statusTop: paneRows,
    inputTop: paneRows + statusRows,
  };
}
