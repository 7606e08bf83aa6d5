import { layout, type LayoutInput } from '../../src/core/layout.js';

const at = (columns: number, rows: number, extra: Partial<LayoutInput> = {}) =>
  layout({ columns, rows, statusLines: 2, menu: null, timestampWidth: 0, ...extra });

test('a frame one row short of the terminal: output pane, then the status bar, then the input line', () => {
  const l = at(100, 24);
  expect(l.height).toBe(23);
  expect(l.pane).toEqual({ width: 100, height: 20 });
  expect(l.statusRows).toBe(2);
  expect([l.statusTop, l.inputTop]).toEqual([20, 22]);
});

test('at 20x5 the input row is still drawn, with the state line and a row of output', () => {
  const l = at(20, 5, { statusLines: 5 });
  expect(l.height).toBe(4);
  expect(l.inputTop).toBe(3);
  expect(l.statusRows).toBe(2);
  expect(l.pane.height).toBe(1);
  // Smaller still: the input row first, then the state line.
  expect(at(20, 3, { statusLines: 5 })).toMatchObject({ statusRows: 1, inputTop: 1, pane: { height: 0 } });
  expect(at(20, 2, { statusLines: 5 })).toMatchObject({ statusRows: 0, inputTop: 0 });
});

test('the prompt takes its row and message, and its list gets at most half the screen', () => {
  const l = at(100, 24, { menu: { listRows: 13 } });
  expect(l.menuRows).toBe(2 + l.menuListRows);
  expect(l.menuListRows).toBeLessThanOrEqual(10);
  expect(l.pane.height + l.statusRows + l.menuRows).toBe(l.height);
  // In a small terminal the list goes before the status lines do.
  const small = at(40, 8, { menu: { listRows: 13 }, statusLines: 4 });
  expect(small.pane.height).toBeGreaterThanOrEqual(1);
  expect(small.inputTop).toBe(small.statusTop + small.statusRows);
  expect(small.pane.height + small.statusRows + small.menuRows).toBe(small.height);
});

test('time stamps take their column from the pane', () => {
  expect(at(100, 24, { timestampWidth: 9 }).pane.width).toBe(91);
});
