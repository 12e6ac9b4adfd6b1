// Jest for mutation runs (`npm run test:mutation`): the `unit` tests (src/**/*.test.ts) and the `contract`
// tests of test/contract (the reconciler and its steps against the Cloudflare emulator, which the tests start
// on loopback themselves), as a single root config because Stryker's jest runner drives one config. The
// rest of the contract project (test/render, test/tools, test/bad-input, test/bench) covers no mutated module.
import jestConfig from './jest.config.js';

const unit = jestConfig.projects.find((p) => p.displayName === 'unit');

export default {
  ...unit,
  displayName: undefined,
  testMatch: ['<rootDir>/src/**/*.test.ts', '<rootDir>/test/contract/**/*.test.ts'],
  testTimeout: 10000,
};
