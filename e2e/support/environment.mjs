// The e2e tests' Jest environment: Node's, plus a place where operator processes report secrets found in their
// logs (e2e/support/log-scan.ts calls globalThis.reportLogLeak). Reports fail the test file once all its hooks have
// run, so that its cleanup (stopping the emulator, deleting namespaces) still happens and nothing is left to hang.
import { TestEnvironment } from 'jest-environment-node';

export default class E2eEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    this.leaks = [];
    this.global.reportLogLeak = (report) => this.leaks.push(report);
  }

  handleTestEvent(event, state) {
    // jest-circus reads unhandledErrors after run_finish: each one fails the file with its message.
    if (event.name !== 'run_finish') return;
    for (const report of this.leaks) {
      const error = new Error(report);
      error.stack = report; // the report is the whole story: no frames of this file
      state.unhandledErrors.push(error);
    }
  }
}
