import { EventEmitter } from 'node:events';
import { nullLogger, type Logger } from '../runtime/logger.js';
import { flushPromises } from '../runtime/testing/fake-clock.js';
import { handleProcessSignals } from './signals.js';

function setup(shutdown: () => Promise<void> = () => Promise.resolve()) {
  const proc = new EventEmitter();
  const exits: number[] = [];
  const reasons: string[] = [];
  const errors: string[] = [];
  const logger: Logger = { ...nullLogger, error: (m) => errors.push(m), child: () => logger };
  const remove = handleProcessSignals(
    {
      logger,
      shutdown: (reason) => {
        reasons.push(reason);
        return shutdown();
      },
    },
    proc,
    (code) => exits.push(code),
  );
  return { proc, exits, reasons, errors, remove };
}

describe('handleProcessSignals', () => {
  it('SIGTERM runs the graceful shutdown, then exits 0', async () => {
    const { proc, exits, reasons } = setup();
    proc.emit('SIGTERM');
    await flushPromises();
    expect(reasons).toEqual(['SIGTERM']);
    expect(exits).toEqual([0]);
  });

  it('a second signal exits at once without waiting', async () => {
    const { proc, exits } = setup(() => new Promise(() => undefined));
    proc.emit('SIGINT');
    proc.emit('SIGTERM');
    await flushPromises();
    expect(exits).toEqual([1]);
  });

  it('logs an unhandled rejection and keeps running', async () => {
    const { proc, exits, errors } = setup();
    proc.emit('unhandledRejection', new Error('stray'));
    await flushPromises();
    expect(errors).toEqual(['unhandled promise rejection']);
    expect(exits).toEqual([]);
  });

  it('shuts down and exits 1 after an uncaught exception', async () => {
    const { proc, exits, reasons } = setup();
    proc.emit('uncaughtException', new Error('bug'));
    await flushPromises();
    expect(reasons).toEqual(['uncaught exception']);
    expect(exits).toEqual([1]);
  });

  it('can be removed', () => {
    const { proc, remove } = setup();
    remove();
    expect(proc.listenerCount('SIGTERM')).toBe(0);
    expect(proc.listenerCount('uncaughtException')).toBe(0);
  });
});
