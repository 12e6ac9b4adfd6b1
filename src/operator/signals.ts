// Process-level handlers: SIGTERM/SIGINT start a graceful shutdown (a second signal exits at once), an unhandled
// rejection is logged instead of crashing the process, an uncaught exception shuts down and exits non-zero.
import { describeError } from '../runtime/errors.js';
import type { Logger } from '../runtime/logger.js';

export interface ShutdownTarget {
  logger: Logger;
  shutdown(reason: string): Promise<void>;
}

/** The parts of `process` used here, so tests can pass an EventEmitter. */
export interface ProcessLike {
  on(event: string, listener: (...args: unknown[]) => void): unknown;
  off(event: string, listener: (...args: unknown[]) => void): unknown;
}

/** Installs the handlers; returns a function that removes them. */
export function handleProcessSignals(
  target: ShutdownTarget,
  proc: ProcessLike = process,
  exit: (code: number) => void = (code) => process.exit(code),
): () => void {
  let exitCode = 0;
  let shuttingDown = false;
  const begin = (reason: string): void => {
    if (shuttingDown) {
      target.logger.warn('second signal: exiting without finishing shutdown', { reason });
      exit(exitCode || 1);
      return;
    }
    shuttingDown = true;
    target.shutdown(reason).then(
      () => exit(exitCode),
      (err: unknown) => {
        target.logger.error('shutdown failed', { error: describeError(err) });
        exit(1);
      },
    );
  };
  const onTerm = (): void => begin('SIGTERM');
  const onInt = (): void => begin('SIGINT');
  const onRejection = (reason: unknown): void => {
    target.logger.error('unhandled promise rejection', { error: describeError(reason) });
  };
  const onException = (err: unknown): void => {
    target.logger.error('uncaught exception; shutting down', { error: describeError(err) });
    exitCode = 1;
    if (!shuttingDown) begin('uncaught exception');
  };
  proc.on('SIGTERM', onTerm);
  proc.on('SIGINT', onInt);
  proc.on('unhandledRejection', onRejection);
  proc.on('uncaughtException', onException);
  return () => {
    proc.off('SIGTERM', onTerm);
    proc.off('SIGINT', onInt);
    proc.off('unhandledRejection', onRejection);
    proc.off('uncaughtException', onException);
  };
}
