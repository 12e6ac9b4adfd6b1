// Mutation testing (`npm run test:mutation`): not part of CI's time budget, run it by hand after changing
// the modules below. Scope one run with `-- --mutate 'src/cloudflare/plan.ts'`.
// Incremental: results are kept in reports/ (gitignored, like jest's coverage/): a rerun after a small change
// only re-tests the mutants whose code or tests changed. It is a per-machine cache, not shared state: a
// committed file would conflict between parallel branches and go stale with every merge.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  mutate: [
    'src/controllers/**/*.ts',
    'src/cloudflare/{plan,batch,ownership,retry,caller,rate-limiter,pool}.ts',
    'src/runtime/{leader-election,work-queue,controller,reflector}.ts',
    'src/routes/**/*.ts',
    '!src/**/*.test.ts',
    '!src/**/index.ts',
  ],
  testRunner: 'jest',
  // The project is ESM under ts-jest: jest needs node's VM modules.
  testRunnerNodeArgs: ['--experimental-vm-modules'],
  jest: { projectType: 'custom', configFile: 'jest.mutation.config.js', enableFindRelatedTests: true },
  checkers: ['typescript'],
  tsconfigFile: 'tsconfig.json',
  coverageAnalysis: 'perTest',
  // Mutants that only change log or error text are disabled where they occur with
  // `// Stryker disable next-line StringLiteral: message text`; no mutator is excluded globally.
  ignoreStatic: true,
  incremental: true,
  incrementalFile: 'reports/stryker-incremental.json',
  concurrency: 1,
  // Added to the time the tests took unmutated: a mutant that hangs (an await dropped) is a timeout, i.e. killed.
  timeoutMS: 3000,
  reporters: ['clear-text', 'progress', 'html'],
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  thresholds: { high: 90, low: 80, break: null },
  tempDirName: '.stryker-tmp',
  // The sandbox needs src/, crds/, the configs, test/contract and the emulator it starts (test/cloudflare-emulator);
  // charts/*/crds is a symlink to crds/ that the sandbox copy cannot follow.
  ignorePatterns: [
    '/charts/*/crds',
    '/e2e',
    '/test/bad-input',
    '/test/bench',
    '/test/render',
    '/test/tools',
    '/bench',
    '/docs',
    '/reports',
    '/dist',
    '/coverage',
    '/.e2e',
  ],
};
