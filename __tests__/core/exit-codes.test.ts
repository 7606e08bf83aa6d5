import { ExitCode } from '../../src/core/exit-codes.js';

test('exit codes are distinct and match the documented table', () => {
  expect(Object.values(ExitCode)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
});
