import {
  Controller,
  coalesceWindow,
  type CoalesceOptions,
  type ControllerObserver,
  type ReconcileContext,
  type ReconcileOutcome,
} from './controller.js';
import { TerminalError } from './errors.js';
import type { Logger } from './logger.js';
import { FakeClock, flushPromises } from './testing/fake-clock.js';
import { RecordingLogger } from './testing/recording-logger.js';

/** A reconcile that waits until the test releases it, so tests can observe work in flight. */
class Gate {
  private releases = new Map<string, Array<() => void>>();
  running = new Set<string>();
  maxParallel = 0;
  runs: string[] = [];
  overlaps = 0;

  reconcile = async (ctx: ReconcileContext): Promise<void> => {
    if (this.running.has(ctx.key)) this.overlaps++;
    this.running.add(ctx.key);
    this.runs.push(ctx.key);
    this.maxParallel = Math.max(this.maxParallel, this.running.size);
    await new Promise<void>((resolve, reject) => {
      const list = this.releases.get(ctx.key) ?? [];
      list.push(resolve);
      this.releases.set(ctx.key, list);
      ctx.signal.addEventListener('abort', () => reject(new Error('aborted')));
    });
    this.running.delete(ctx.key);
  };

  async release(key: string): Promise<void> {
    this.releases.get(key)?.shift()?.();
    await flushPromises();
  }
}

function observer(): ControllerObserver & { outcomes: ReconcileOutcome[]; durations: number[] } {
  const outcomes: ReconcileOutcome[] = [];
  const durations: number[] = [];
  return {
    outcomes,
    durations,
    reconciled: (o, seconds) => {
      outcomes.push(o);
      durations.push(seconds);
    },
    activeWorkers: () => undefined,
    depth: () => undefined,
    added: () => undefined,
    retried: () => undefined,
  };
}

function make(
  reconcile: (ctx: ReconcileContext) => Promise<{ requeueAfterMs?: number } | void>,
  options: {
    concurrency?: number;
    resyncPeriodMs?: number;
    keys?: string[];
    coalesce?: CoalesceOptions;
    logger?: Logger;
  } = {},
): { controller: Controller; clock: FakeClock; obs: ReturnType<typeof observer> } {
  const clock = new FakeClock();
  const obs = observer();
  const controller = new Controller({
    name: 'test',
    reconcile,
    concurrency: options.concurrency ?? 2,
    resyncPeriodMs: options.resyncPeriodMs ?? 0,
    listKeys: () => options.keys ?? [],
    coalesce: options.coalesce,
    clock,
    backoff: { baseMs: 100, maxMs: 800, jitter: 0 },
    observer: obs,
    logger: options.logger,
  });
  return { controller, clock, obs };
}

describe('Controller outcomes', () => {
  it('success forgets the backoff', async () => {
    let calls = 0;
    const { controller, obs } = make(() => (++calls === 1 ? Promise.reject(new Error('boom')) : Promise.resolve()));
    controller.start();
    controller.enqueue('ns/a');
    await flushPromises();
    expect(controller.queue.retries('ns/a')).toBe(1);
    controller.enqueue('ns/a'); // an event arrives during the backoff: processed at once
    await flushPromises();
    expect(obs.outcomes).toEqual(['error', 'success']);
    expect(controller.queue.retries('ns/a')).toBe(0);
    await controller.shutDown({ graceMs: 0 });
  });

  it('a thrown error requeues with growing backoff', async () => {
    const seen: number[] = [];
    const { controller, clock, obs } = make(() => {
      seen.push(clock.now());
      return Promise.reject(new Error('still broken'));
    });
    const start = clock.now();
    controller.start();
    controller.enqueue('k');
    await clock.advance(100 + 200 + 400);
    expect(seen.map((t) => t - start)).toEqual([0, 100, 300, 700]);
    expect(obs.outcomes.every((o) => o === 'error')).toBe(true);
    await controller.shutDown({ graceMs: 0 });
  });

  it('a TerminalError is counted and not retried', async () => {
    let calls = 0;
    const { controller, clock, obs } = make(() => {
      calls++;
      return Promise.reject(new TerminalError('spec is invalid'));
    });
    controller.start();
    controller.enqueue('k');
    await clock.advance(10_000);
    expect(calls).toBe(1);
    expect(obs.outcomes).toEqual(['terminal_error']);
    expect(clock.pendingTimers).toBe(0);
    await controller.shutDown({ graceMs: 0 });
  });

  it('requeueAfter forgets the backoff and comes back after the delay', async () => {
    const at: number[] = [];
    let calls = 0;
    const { controller, clock, obs } = make(() => {
      at.push(clock.now());
      calls++;
      if (calls === 1) return Promise.reject(new Error('first fails'));
      return Promise.resolve(calls === 2 ? { requeueAfterMs: 5000 } : undefined);
    });
    const t0 = clock.now();
    controller.start();
    controller.enqueue('k');
    await clock.advance(100);
    expect(controller.queue.retries('k')).toBe(0);
    await clock.advance(5000);
    expect(at.map((t) => t - t0)).toEqual([0, 100, 5100]);
    expect(obs.outcomes).toEqual(['error', 'requeue_after', 'success']);
    await controller.shutDown({ graceMs: 0 });
  });

  it('a TerminalError forgets the backoff of earlier failures', async () => {
    let calls = 0;
    const { controller, clock } = make(() =>
      Promise.reject(++calls === 1 ? new Error('transient') : new TerminalError('spec is invalid')),
    );
    controller.start();
    controller.enqueue('k');
    await flushPromises();
    expect(controller.queue.retries('k')).toBe(1);
    await clock.advance(100);
    expect(calls).toBe(2);
    expect(controller.queue.retries('k')).toBe(0);
    await controller.shutDown({ graceMs: 0 });
  });

  it('requeueAfterMs 0 is a plain success: not queued again', async () => {
    let calls = 0;
    const { controller, clock, obs } = make(() => {
      calls++;
      return Promise.resolve({ requeueAfterMs: 0 });
    });
    controller.start();
    controller.enqueue('k');
    await clock.advance(10_000);
    expect(calls).toBe(1);
    expect(obs.outcomes).toEqual(['success']);
    await controller.shutDown({ graceMs: 0 });
  });

  it('reports how long each reconcile took, in seconds of its clock', async () => {
    const gate = new Gate();
    const { controller, clock, obs } = make(gate.reconcile);
    controller.start();
    controller.enqueue('k');
    await clock.advance(1500);
    await gate.release('k');
    expect(obs.durations).toEqual([1.5]);
    await controller.shutDown({ graceMs: 0 });
  });

  it('logs each outcome at its level, with the controller, the key, the reconcile ID and how long it took', async () => {
    const logger = new RecordingLogger();
    const started: { clock?: FakeClock } = {};
    const results: (() => Promise<{ requeueAfterMs?: number } | void>)[] = [
      () => started.clock!.advance(40),
      () => Promise.resolve({ requeueAfterMs: 5000 }),
      () => Promise.reject(new Error('boom')),
      () => Promise.reject(new TerminalError('bad spec')),
    ];
    const ids: string[] = [];
    const { controller, clock } = make(
      (ctx) => {
        ids.push(ctx.reconcileId);
        return results.shift()!();
      },
      { concurrency: 1, logger },
    );
    started.clock = clock;
    controller.start();
    for (let i = 0; i < 4; i++) {
      controller.enqueue('ns/a');
      await flushPromises(20); // the first reconcile advances the clock: more rounds
    }
    expect(logger.summary()).toEqual([
      'info controller started',
      'debug reconciled',
      'debug reconciled; requeue later',
      'warn reconcile failed; retrying',
      'error reconcile failed permanently; not retrying',
    ]);
    expect(logger.lines[0]!.meta).toEqual({ controller: 'test', concurrency: 1 });
    const [, done, later, failed, terminal] = logger.lines;
    expect(done!.meta).toEqual({ controller: 'test', key: 'ns/a', reconcileId: ids[0], durationMs: 40 });
    expect(later!.meta).toEqual({
      controller: 'test',
      key: 'ns/a',
      reconcileId: ids[1],
      durationMs: 0,
      requeueAfterMs: 5000,
    });
    expect(failed!.meta).toMatchObject({ key: 'ns/a', reconcileId: ids[2], retryInMs: 100, retries: 1 });
    expect(String(failed!.meta['err'])).toMatch(/boom/);
    expect(String(terminal!.meta['err'])).toMatch(/bad spec/);
    await controller.shutDown({ graceMs: 0 });
    expect(logger.summary().at(-1)).toBe('info controller stopped');
  });

  it('gives each reconcile its own ID and only the key', async () => {
    const contexts: ReconcileContext[] = [];
    const { controller } = make((ctx) => {
      contexts.push(ctx);
      return Promise.resolve();
    });
    controller.start();
    controller.enqueue('ns/a');
    await flushPromises();
    controller.enqueue('ns/a');
    await flushPromises();
    expect(contexts.map((c) => c.key)).toEqual(['ns/a', 'ns/a']);
    expect(contexts[0]!.reconcileId).not.toEqual(contexts[1]!.reconcileId);
    await controller.shutDown({ graceMs: 0 });
  });
});

describe('Controller scheduling', () => {
  it('bounds parallelism and never runs one key twice at once', async () => {
    const gate = new Gate();
    const { controller } = make(gate.reconcile, { concurrency: 2 });
    controller.start();
    for (const key of ['a', 'b', 'c']) controller.enqueue(key);
    await flushPromises();
    expect([...gate.running].sort()).toEqual(['a', 'b']); // 'c' waits: only two workers
    controller.enqueue('a'); // re-added while in flight, twice: one more run
    controller.enqueue('a');
    await gate.release('a');
    expect([...gate.running].sort()).toEqual(['b', 'c']); // 'c' was queued before the re-added 'a'
    await gate.release('b');
    expect([...gate.running].sort()).toEqual(['a', 'c']); // 'a' again, only after its first run finished
    await gate.release('c');
    await gate.release('a');
    expect(gate.maxParallel).toBe(2);
    expect(gate.overlaps).toBe(0);
    expect(gate.runs).toEqual(['a', 'b', 'c', 'a']);
    await controller.shutDown({ graceMs: 0 });
  });

  it('resync re-enqueues every known key each period', async () => {
    const runs: string[] = [];
    const { controller, clock } = make(
      (ctx) => {
        runs.push(ctx.key);
        return Promise.resolve();
      },
      { resyncPeriodMs: 60_000, keys: ['ns/a', 'ns/b'] },
    );
    controller.start();
    await flushPromises();
    expect(runs).toEqual(['ns/a', 'ns/b']); // a fresh start queues every known key
    await clock.advance(60_000);
    expect(runs).toEqual(['ns/a', 'ns/b', 'ns/a', 'ns/b']);
    await clock.advance(60_000);
    expect(runs).toHaveLength(6);
    await controller.shutDown({ graceMs: 0 });
    await clock.advance(60_000);
    expect(runs).toHaveLength(6);
  });

  it('keeps collecting keys while stopped and processes them on start', async () => {
    const runs: string[] = [];
    const { controller } = make((ctx) => {
      runs.push(ctx.key);
      return Promise.resolve();
    });
    controller.enqueue('x');
    controller.enqueue('x');
    await flushPromises();
    expect(runs).toEqual([]);
    controller.start();
    await flushPromises();
    expect(runs).toEqual(['x']);
    await controller.shutDown({ graceMs: 0 });
  });
});

describe('Controller coalescing', () => {
  it.each([
    [
      'with a window, coalesced keys run once after the burst',
      { quietMs: 50, maxQuietMs: 50, maxWaitMs: 1000 },
      true,
      [250],
    ],
    ['a plain enqueue is never delayed', { quietMs: 50, maxQuietMs: 50, maxWaitMs: 1000 }, false, [0, 10, 20]],
    ['without a window, coalesce is ignored', undefined, true, [0, 10, 20]],
    ['a window of 0 is no window', { quietMs: 0, maxQuietMs: 0, maxWaitMs: 1000 }, true, [0, 10, 20]],
  ])('%s', async (_, coalesce, coalesced, expected) => {
    const runs: number[] = [];
    let elapsed = (): number => 0;
    const { controller, clock } = make(() => Promise.resolve(void runs.push(elapsed())), { coalesce });
    const start = clock.now();
    elapsed = () => clock.now() - start;
    controller.start();
    for (let t = 0; t <= 200; t += 10) {
      controller.enqueue('k', { coalesce: coalesced });
      await clock.advance(10);
    }
    await clock.advance(5000);
    expect(runs.slice(0, 3)).toEqual(expected);
    if (coalesced && coalesce?.quietMs) expect(runs).toHaveLength(1);
    await controller.shutDown({ graceMs: 0 });
  });

  it.each([
    [0, undefined],
    [25, { quietMs: 25, maxQuietMs: 1000, maxWaitMs: 10_000 }],
    [50, { quietMs: 50, maxQuietMs: 2000, maxWaitMs: 10_000 }],
    [51, { quietMs: 51, maxQuietMs: 2040, maxWaitMs: 10_200 }],
    [150, { quietMs: 150, maxQuietMs: 6000, maxWaitMs: 30_000 }],
    [151, { quietMs: 151, maxQuietMs: 6040, maxWaitMs: 30_200 }],
    [400, { quietMs: 400, maxQuietMs: 16_000, maxWaitMs: 80_000 }],
  ])(
    'coalesceWindow(%i ms): quiet for the window, up to 40 × window, at most max(10 s, 200 × window)',
    (windowMs, expected) => {
      expect(coalesceWindow(windowMs)).toEqual(expected);
    },
  );
});

describe('Controller stop and shutdown', () => {
  it('drains: in-flight reconciles finish within the grace period, nothing new starts', async () => {
    const gate = new Gate();
    const { controller, obs } = make(gate.reconcile, { concurrency: 1 });
    controller.start();
    controller.enqueue('a');
    controller.enqueue('b');
    await flushPromises();
    let stopped = false;
    const stopping = controller.shutDown({ graceMs: 10_000 }).then(() => (stopped = true));
    await flushPromises();
    expect(stopped).toBe(false);
    await gate.release('a');
    await stopping;
    expect(obs.outcomes).toEqual(['success']);
    expect(gate.runs).toEqual(['a']); // 'b' was never started
  });

  it('aborts in-flight reconciles when the grace period runs out', async () => {
    const gate = new Gate();
    const { controller, clock, obs } = make(gate.reconcile, { concurrency: 1 });
    controller.start();
    controller.enqueue('a');
    await flushPromises();
    const stopping = controller.stop({ graceMs: 5000 });
    await clock.advance(5000);
    await stopping;
    expect(obs.outcomes).toEqual(['aborted']);
  });

  it('stop with no grace (leadership lost) aborts at once and keeps the key for the next start', async () => {
    const gate = new Gate();
    const { controller, obs } = make(gate.reconcile, { concurrency: 1 });
    controller.start();
    controller.enqueue('a');
    await flushPromises();
    await controller.stop({ graceMs: 0 });
    expect(obs.outcomes).toEqual(['aborted']);
    expect(controller.queue.len()).toBe(1);
    expect(controller.queue.retries('a')).toBe(0); // not counted as a failure
    controller.start();
    await flushPromises();
    expect(gate.runs).toEqual(['a', 'a']);
    await gate.release('a');
    await controller.shutDown({ graceMs: 0 });
  });

  it('logs an interrupted reconcile at info, and tells the reconcile why its signal aborted', async () => {
    const logger = new RecordingLogger();
    const reasons: unknown[] = [];
    const gate = new Gate();
    const { controller } = make(
      (ctx) => {
        ctx.signal.addEventListener('abort', () => reasons.push(ctx.signal.reason));
        return gate.reconcile(ctx);
      },
      { concurrency: 1, logger },
    );
    controller.start();
    controller.enqueue('a');
    await flushPromises();
    await controller.stop({ graceMs: 0 });
    expect(String(reasons[0])).toMatch(/controller stopped/);
    const interrupted = logger.lines.find((l) => l.message === 'reconcile interrupted');
    expect(interrupted).toMatchObject({ level: 'info', meta: { key: 'a' } });
    expect(String(interrupted!.meta['err'])).toMatch(/aborted/); // what the reconcile threw
  });

  it('is running between start() and stop(); a second start() adds no workers', async () => {
    const gate = new Gate();
    const { controller } = make(gate.reconcile, { concurrency: 1 });
    expect(controller.running).toBe(false);
    controller.start();
    controller.start();
    expect(controller.running).toBe(true);
    controller.enqueue('a');
    controller.enqueue('b');
    await flushPromises();
    expect([...gate.running]).toEqual(['a']); // one worker, as configured
    await controller.stop({ graceMs: 0 });
    expect(controller.running).toBe(false);
  });

  it('after shutDown it neither starts again nor takes keys', async () => {
    const runs: string[] = [];
    const { controller } = make((ctx) => Promise.resolve(void runs.push(ctx.key)));
    controller.start();
    await controller.shutDown({ graceMs: 0 });
    controller.enqueue('k');
    expect(controller.queue.len()).toBe(0);
    controller.start();
    expect(controller.running).toBe(false);
    await flushPromises();
    expect(runs).toEqual([]);
  });

  it('a drain that ends within the grace period leaves no timer behind', async () => {
    const gate = new Gate();
    const { controller, clock } = make(gate.reconcile, { concurrency: 1 });
    controller.start();
    controller.enqueue('a');
    await flushPromises();
    const stopping = controller.stop({ graceMs: 10_000 });
    await gate.release('a');
    await stopping;
    expect(clock.pendingTimers).toBe(0);
  });

  it('rejects a non-positive concurrency', () => {
    expect(() => make(() => Promise.resolve(), { concurrency: 0 })).toThrow(/concurrency/);
    expect(() => make(() => Promise.resolve(), { concurrency: 1.5 })).toThrow(/concurrency/);
  });
});
