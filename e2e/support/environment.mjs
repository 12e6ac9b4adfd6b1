// The e2e tests' Jest environment: Node's, plus a place where operator processes report problems found in their
// logs, a secret or a write refused as invalid (e2e/support/log-scan.ts calls globalThis.reportLogProblem).
// Reports fail the test file once all its hooks have run, so that its cleanup (stopping the emulator, deleting
// namespaces) still happens and nothing is left to hang. Every operator process a file starts is tracked
// (globalThis.trackProcess): one its cleanup left running (a failed test, a hook that threw) is killed when the file
// ends, so it cannot write into the next files' emulators, which may reuse its ports.
import { TestEnvironment } from 'jest-environment-node';

export default class E2eEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    this.problems = [];
    this.global.reportLogProblem = (report) => this.problems.push(report);
    this.processes = [];
    this.global.trackProcess = (child) => this.processes.push(child);
  }

  handleTestEvent(event, state) {
    // jest-circus reads unhandledErrors after run_finish: each one fails the file with its message.
    if (event.name !== 'run_finish') return;
    for (const child of this.processes) {
      if (child.exitCode !== null || child.signalCode !== null) continue;
      process.stderr.write(`e2e: the test file left process ${child.pid} running: killed\n`);
      child.kill('SIGKILL');
    }
    for (const report of this.problems) {
      const error = new Error(report);
      error.stack = report; // the report is the whole story: no frames of this file
      state.unhandledErrors.push(error);
    }
  }
}
