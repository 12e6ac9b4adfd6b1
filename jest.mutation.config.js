// Jest for mutation runs (`npm run test:mutation`): the `unit` project only, as a single root config,
// because Stryker's jest runner drives one config and the mutated modules are covered by unit tests.
import jestConfig from './jest.config.js';

const unit = jestConfig.projects.find((p) => p.displayName === 'unit');

export default { ...unit, testTimeout: 10000 };
