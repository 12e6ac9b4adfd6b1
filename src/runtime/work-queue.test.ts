import { getEventListeners } from 'node:events';
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
  it('holds a waiting key once however often it is added', async () => {
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
    expect(queue.len()).toBe(0); // the two re-adds made one more run
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

  it('addAfter with no delay queues at once, without a timer', () => {
    const { queue, clock } = makeQueue();
    queue.addAfter('now', 0);
    queue.addAfter('past', -5);
    expect(queue.len()).toBe(2);
    expect(clock.pendingTimers).toBe(0);
  });

  it("a second delayed add due at the same time keeps the first one's place in line", async () => {
    const { queue, clock } = makeQueue();
    queue.addAfter('a', 100);
    queue.addAfter('b', 100);
    queue.addAfter('a', 100);
    await clock.advance(100);
    expect([await queue.get(), await queue.get()]).toEqual(['a', 'b']);
  });

  it('after shutDown, delayed and coalesced adds schedule nothing', () => {
    const { queue, clock } = makeQueue();
    queue.shutDown();
    queue.addAfter('k', 100);
    queue.addCoalesced('k', { quietMs: 50, maxQuietMs: 50, maxWaitMs: 1000 });
    expect(clock.pendingTimers).toBe(0);
  });

  it('a get() leaves no listener on its signal, whether it got a key or was aborted', async () => {
    const { queue } = makeQueue();
    const served = new AbortController();
    const got = queue.get(served.signal);
    queue.add('k');
    await expect(got).resolves.toBe('k');
    expect(getEventListeners(served.signal, 'abort')).toHaveLength(0);
    const aborted = new AbortController();
    const waiting = queue.get(aborted.signal);
    aborted.abort();
    await expect(waiting).resolves.toBeUndefined();
    expect(getEventListeners(aborted.signal, 'abort')).toHaveLength(0);
  });

  it('an aborted get() gives up only its own place: other waiting workers still get keys', async () => {
    const { queue } = makeQueue();
    const controller = new AbortController();
    const first = queue.get();
    const aborted = queue.get(controller.signal);
    const third = queue.get();
    controller.abort();
    await expect(aborted).resolves.toBeUndefined();
    queue.add('a');
    queue.add('b');
    await expect(Promise.all([first, third])).resolves.toEqual(['a', 'b']);
  });

  it('reports its depth', () => {
    const { queue, depths } = makeQueue();
    queue.add('a');
    queue.add('b');
    void queue.get();
    expect(depths).toEqual([1, 2, 1]);
  });
});

describe('WorkQueue.addCoalesced', () => {
  /** A 50 ms pause whatever the pace of the adds. */
  const FIXED_50 = { quietMs: 50, maxQuietMs: 50, maxWaitMs: 1000 };
  /** 25 ms after a lone add; an add within 166 ms of the previous stretches it to three times their gap (≤ 500 ms). */
  const ADAPTIVE = { quietMs: 25, maxQuietMs: 500, maxWaitMs: 30_000 };

  /** Coalesced adds of `k` every `everyMs` from 0 up to (not including) `untilMs`. */
  async function addEvery(queue: WorkQueue, clock: FakeClock, everyMs: number, untilMs: number): Promise<void> {
    for (let t = 0; t < untilMs; t += everyMs) {
      queue.addCoalesced('k', ADAPTIVE);
      await clock.advance(everyMs);
    }
  }

  /** A worker that takes every key at once and records when it got it, relative to the start. */
  function consume(queue: WorkQueue, clock: FakeClock): number[] {
    const start = clock.now();
    const handed: number[] = [];
    void (async () => {
      for (let key = await queue.get(); key !== undefined; key = await queue.get()) {
        handed.push(clock.now() - start);
        queue.done(key);
      }
    })();
    return handed;
  }

  /** Coalesced adds of `k` every 10 ms from 0 up to (not including) `untilMs`. */
  async function trickle(queue: WorkQueue, clock: FakeClock, untilMs: number, quietMs = 50): Promise<void> {
    for (let t = 0; t < untilMs; t += 10) {
      queue.addCoalesced('k', { quietMs, maxQuietMs: quietMs, maxWaitMs: 1000 });
      await clock.advance(10);
    }
  }

  it('a burst (adds 10 ms apart for 200 ms, quiet 50 ms) is handed out once, 50 ms after its last add', async () => {
    const { queue, clock } = makeQueue();
    const handed = consume(queue, clock);
    await trickle(queue, clock, 210);
    await clock.advance(5000);
    expect(handed).toEqual([250]);
    queue.shutDown();
  });

  it('a steady trickle is handed out at least every maxWait', async () => {
    const { queue, clock } = makeQueue();
    const handed = consume(queue, clock);
    await trickle(queue, clock, 3000);
    await clock.advance(5000);
    expect(handed).toEqual([1000, 2000, 3000]);
    queue.shutDown();
  });

  it('a plain add during a burst joins it: one run when the burst ends', async () => {
    const { queue, clock } = makeQueue();
    const handed = consume(queue, clock);
    queue.addCoalesced('k', FIXED_50);
    await clock.advance(10);
    queue.add('k');
    await clock.advance(5000);
    expect(handed).toEqual([50]);
    queue.add('k');
    await clock.advance(1);
    expect(handed).toEqual([50, 5010]);
    queue.shutDown();
  });

  it('a key already waiting is taken back and joins the burst', async () => {
    const { queue, clock } = makeQueue();
    queue.add('k');
    queue.addCoalesced('k', FIXED_50);
    expect(queue.len()).toBe(0);
    await clock.advance(49);
    expect(queue.len()).toBe(0);
    await clock.advance(1);
    expect(queue.len()).toBe(1);
  });

  it('a key in flight runs again once the burst has ended and it is done', async () => {
    const { queue, clock } = makeQueue();
    queue.add('k');
    const key = await queue.get();
    queue.add('k'); // re-added while in flight
    queue.addCoalesced('k', FIXED_50);
    queue.done(key!);
    expect(queue.len()).toBe(0); // the re-run waits for the burst
    await clock.advance(50);
    expect(queue.len()).toBe(1);
  });

  it('taking back a key that waits to run again after done() leaves the other waiting keys alone', async () => {
    const { queue, clock } = makeQueue();
    queue.add('k');
    const key = await queue.get();
    queue.add('k'); // to run again after done(): not in the line itself
    queue.add('x');
    queue.addCoalesced('k', FIXED_50);
    expect(queue.len()).toBe(1);
    expect(await queue.get()).toBe('x');
    queue.done(key!);
    await clock.advance(50);
    expect(await queue.get()).toBe('k');
  });

  it('a burst ending while the key is in flight queues it after done()', async () => {
    const { queue, clock } = makeQueue();
    queue.add('k');
    const key = await queue.get();
    queue.addCoalesced('k', FIXED_50);
    await clock.advance(50);
    expect(queue.len()).toBe(0);
    queue.done(key!);
    expect(queue.len()).toBe(1);
  });

  it('a lone add waits only the quiet time', async () => {
    const { queue, clock } = makeQueue();
    const handed = consume(queue, clock);
    queue.addCoalesced('k', ADAPTIVE);
    await clock.advance(24);
    expect(handed).toEqual([]);
    await clock.advance(1);
    expect(handed).toEqual([25]);
    queue.shutDown();
  });

  it('adds 100 ms apart are one burst after the lone first add: the pause stretches to 300 ms', async () => {
    const { queue, clock } = makeQueue();
    const handed = consume(queue, clock);
    await addEvery(queue, clock, 100, 3000); // adds at 0, 100, …, 2900
    await clock.advance(10_000);
    expect(handed).toEqual([25, 3200]);
    queue.shutDown();
  });

  it('adds 166 ms apart are a stream at the limit: a 498 ms pause', async () => {
    const { queue, clock } = makeQueue();
    const handed = consume(queue, clock);
    await addEvery(queue, clock, 166, 664); // adds at 0, 166, 332, 498
    await clock.advance(10_000);
    expect(handed).toEqual([25, 996]);
    queue.shutDown();
  });

  it('adds exactly a third of the longest pause apart are still a stream', async () => {
    const { queue, clock } = makeQueue();
    const handed = consume(queue, clock);
    const options = { quietMs: 25, maxQuietMs: 300, maxWaitMs: 30_000 };
    queue.addCoalesced('k', options);
    await clock.advance(100);
    queue.addCoalesced('k', options); // 3 × 100 ms = the longest pause: it stretches to 300 ms
    await clock.advance(10_000);
    expect(handed).toEqual([25, 400]);
    queue.shutDown();
  });

  it('a burst keeps the longest pause it asked for: adds that come closer together later do not end it early', async () => {
    const { queue, clock } = makeQueue();
    const handed = consume(queue, clock);
    const options = { quietMs: 25, maxQuietMs: 1000, maxWaitMs: 30_000 };
    queue.addCoalesced('k', options); // lone: handed out at 25
    await clock.advance(200);
    queue.addCoalesced('k', options); // 200 ms after the last: a stream, pause 600 ms
    await clock.advance(10);
    queue.addCoalesced('k', options); // 10 ms after: alone it would ask for 30 ms; the burst keeps 600 ms
    await clock.advance(599);
    expect(handed).toEqual([25]);
    await clock.advance(1);
    expect(handed).toEqual([25, 810]);
    queue.addCoalesced('k', options); // 600 ms after the last add: a lone change, a new burst with the quiet time
    await clock.advance(1000);
    expect(handed).toEqual([25, 810, 835]);
    queue.shutDown();
  });

  it('adds further apart than a third of the longest pause are lone changes, each handled after the quiet time', async () => {
    const { queue, clock } = makeQueue();
    const handed = consume(queue, clock);
    await addEvery(queue, clock, 167, 668); // adds at 0, 167, 334, 501
    await clock.advance(10_000);
    expect(handed).toEqual([25, 192, 359, 526]);
    queue.shutDown();
  });

  it('a stream that never pauses is still handed out every maxWait', async () => {
    const { queue, clock } = makeQueue();
    const handed = consume(queue, clock);
    await addEvery(queue, clock, 100, 65_000);
    await clock.advance(10_000);
    expect(handed).toEqual([25, 30_100, 60_100, 65_200]); // the stream from 100: every 30 s, then its end
    queue.shutDown();
  });

  it('quiet 0 is a plain add', () => {
    const { queue, clock } = makeQueue();
    queue.addCoalesced('k', { quietMs: 0, maxQuietMs: 0, maxWaitMs: 1000 });
    expect(queue.len()).toBe(1);
    expect(clock.pendingTimers).toBe(0);
  });

  it('shutDown cancels pending coalesced adds', async () => {
    const { queue, clock } = makeQueue();
    queue.addCoalesced('k', FIXED_50);
    queue.shutDown();
    expect(clock.pendingTimers).toBe(0);
    await clock.advance(5000);
    expect(queue.len()).toBe(0);
  });
});
