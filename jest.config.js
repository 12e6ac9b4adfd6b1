// Three projects: `unit` (pure, beside the code, no I/O), `contract` (the Cloudflare gateway through the
// real SDK against the emulator on loopback) and `e2e` (a real local cluster, one per run).
import { createDefaultEsmPreset } from 'ts-jest';

const preset = createDefaultEsmPreset({ tsconfig: 'tsconfig.json' });
const common = {
  ...preset,
  testEnvironment: 'node',
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  // A mutation run's sandbox (a copy of the project) is not part of it.
  modulePathIgnorePatterns: ['<rootDir>/.stryker-tmp/'],
};
const shortTimeout = { setupFilesAfterEnv: ['<rootDir>/jest.short-timeout.js'] };

export default {
  // A project-level testTimeout is ignored by jest; e2e tests need minutes (this root default), unit and
  // contract tests finish in milliseconds and get 10 s from jest.short-timeout.js, so a hung test fails fast.
  testTimeout: 120000,
  // A handle a broken test leaves open (a server the code under test should have closed) fails that test; it must
  // not also keep jest from exiting.
  forceExit: true,
  projects: [
    { ...common, ...shortTimeout, displayName: 'unit', testMatch: ['<rootDir>/src/**/*.test.ts'] },
    { ...common, ...shortTimeout, displayName: 'contract', testMatch: ['<rootDir>/test/**/*.test.ts'] },
    {
      ...common,
      displayName: 'e2e',
      testMatch: ['<rootDir>/e2e/**/*.e2e.test.ts'],
      // Node's, plus the report of secrets found in operator logs (e2e/support/log-scan.ts).
      testEnvironment: '<rootDir>/e2e/support/environment.mjs',
      globalSetup: '<rootDir>/e2e/support/global-setup.mjs',
      globalTeardown: '<rootDir>/e2e/support/global-teardown.mjs',
    },
  ],
};
