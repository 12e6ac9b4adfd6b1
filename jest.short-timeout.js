// Unit and contract tests: 10 s per test and hook. Jest ignores a project-level testTimeout, so each project
// that needs another default than the root's sets it here, in a setup file that runs inside the project.
import { jest } from '@jest/globals';

jest.setTimeout(10_000);
