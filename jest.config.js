import { createDefaultEsmPreset } from 'ts-jest';

/** @type {import('jest').Config} */
export default {
  ...createDefaultEsmPreset({ tsconfig: 'tsconfig.json' }),
  testEnvironment: 'node',
  roots: ['<rootDir>/__tests__'],
  // __tests__/helpers holds fixtures, not suites (prerequisite.test.ts tests one of them).
  testMatch: ['**/*.test.ts', '**/*.test.tsx'],
  // NodeNext imports carry a .js suffix; the sources are .ts.
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  testTimeout: 20000,
  // Rebuilds dist/ when it does not match the sources: the CLI suites run the build, not src/.
  globalSetup: '<rootDir>/__tests__/helpers/global-setup.js',
  globalTeardown: '<rootDir>/__tests__/helpers/global-teardown.js',
  // No watchman on these machines; looking for it has hung runs here.
  watchman: false,
};
