// ESM TypeScript through ts-jest (see ../shared/STACK.md "Tests"). Every test file gets its own
// database cloned from a template migrated once per run (tests/support/).
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true, diagnostics: false }] },
  roots: ['<rootDir>/src', '<rootDir>/plugins', '<rootDir>/tests'],
  testMatch: ['**/*.test.ts'],
  globalSetup: '<rootDir>/tests/support/global-setup.mjs',
  globalTeardown: '<rootDir>/tests/support/global-teardown.mjs',
  testTimeout: 60_000,
  maxWorkers: 2,
};
