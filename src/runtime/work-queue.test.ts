import { FakeClock } from './testing/fake-clock.js';
import { WorkQueue, type WorkQueueObserver } from './work-queue.js';

function makeQueue(clock = new FakeClock()): { queue: WorkQueue; clock: FakeClock; depths: number[] } {
  const depths: number[] = [];
  const observer: WorkQueueObserver = {
    depth: (d) => depths.push(d),
    added: () => undefined,
    retried: () => undefined,
  };
  const queue = new WorkQueue({ clock, backoff: { baseMs: 100, maxMs: 1000, jitter: 0 }, observer });
  return { queue, clock, depths };
}

describe('WorkQueue', () => {
  it('coalesces duplicates waiting in the queue', async () => {
    const { queue } = makeQueue();
    queue.add('ns/a');
    queue.add('ns/b');
    queue.add('ns/a');
    queue.add('ns/a');
    expect(queue.len()).toBe(2);
    expect(await queue.get()).toBe('ns/a');
    expect(await queue.get()).toBe('ns/b');
    expect(queue.len()).toBe(0);
  });

  it('never hands a key in flight to a second worker; a re-add runs again after done()', async () => {
    const { queue } = makeQueue();
    queue.add('k');
    const first = await queue.get();
    queue.add('k');
    queue.add('k');
    expect(queue.len()).toBe(0); // held back while in flight
    let second: string | undefined;
    void queue.get().then((k) => (second = k));
    await Promise.resolve();
    expect(second).toBeUndefined();
    queue.done(first!);
    await Promise.resolve();
    expect(second).toBe('k');
    queue.done('k');
    expect(queue.len()).toBe(0); // the two re-adds coalesced into one run
  });

  it('wakes a waiting worker when a key arrives', async () => {
    const { queue } = makeQueue();
    const pending = queue.get();
    queue.add('x');
    await expect(pending).resolves.toBe('x');
    expect(queue.inFlight()).toBe(1);
  });

  it('addAfter delays on the clock and keeps the earliest of two delays', async () => {
    const { queue, clock } = makeQueue();
    queue.addAfter('k', 1000);
    queue.addAfter('k', 300);
    queue.addAfter('k', 5000);
    expect(clock.pendingTimers).toBe(1);
    await clock.advance(299);
    expect(queue.len()).toBe(0);
    await clock.advance(1);
    expect(queue.len()).toBe(1);
  });

  it('addRateLimited backs off exponentially per key until forget()', async () => {
    const { queue, clock } = makeQueue();
    expect([queue.addRateLimited('k'), queue.addRateLimited('k'), queue.addRateLimited('k')]).toEqual([100, 200, 400]);
    expect(queue.retries('k')).toBe(3);
    queue.forget('k');
    expect(queue.retries('k')).toBe(0);
    expect(queue.addRateLimited('k')).toBe(100);
    await clock.advance(100);
    expect(await queue.get()).toBe('k');
  });

  it('a get() whose signal aborts resolves undefined and takes no key', async () => {
    const { queue } = makeQueue();
    const controller = new AbortController();
    const pending = queue.get(controller.signal);
    controller.abort();
    await expect(pending).resolves.toBeUndefined();
    queue.add('k');
    expect(queue.len()).toBe(1);
  });

  it('shutDown releases waiters, cancels delayed adds and refuses new keys', async () => {
    const { queue, clock } = makeQueue();
    const waiting = queue.get();
    queue.addAfter('later', 100);
    queue.shutDown();
    await expect(waiting).resolves.toBeUndefined();
    expect(clock.pendingTimers).toBe(0);
    queue.add('k');
    expect(queue.len()).toBe(0);
    await expect(queue.get()).resolves.toBeUndefined();
  });

  it('reports its depth', () => {
    const { queue, depths } = makeQueue();
    queue.add('a');
    queue.add('b');
    void queue.get();
    expect(depths).toEqual([1, 2, 1]);
  });
});
