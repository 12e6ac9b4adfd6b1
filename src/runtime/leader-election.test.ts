import { sleep } from './clock.js';
import { FakeClock, flushPromises, seededRandom } from './testing/fake-clock.js';
import { FakeLeaseApi } from './testing/fake-lease-api.js';
import { LeaderElector, validateLeaderTimings, type LeaseApi } from './leader-election.js';

const TIMINGS = { leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 2_000 };

/** A candidate; `skewMs` shifts the times it reads (a node whose clock is off), not its timers. */
function candidate(identity: string, api: LeaseApi, clock: FakeClock, skewMs = 0) {
  const events: string[] = [];
  let signal: AbortSignal | undefined;
  const elector = new LeaderElector({
    ...TIMINGS,
    identity,
    api,
    clock: { now: () => clock.now() + skewMs, schedule: (ms, cb) => clock.schedule(ms, cb) },
    random: seededRandom(identity.length),
    onStartedLeading: (s) => {
      signal = s;
      events.push('started');
    },
    onStoppedLeading: () => events.push('stopped'),
  });
  return { elector, events, signal: () => signal };
}

describe('LeaderElector', () => {
  it('creates a missing Lease and leads', async () => {
    const clock = new FakeClock();
    const api = new FakeLeaseApi();
    const a = candidate('a', api, clock);
    a.elector.start();
    await flushPromises();
    expect(a.elector.state).toBe('leader');
    expect(a.events).toEqual(['started']);
    expect(api.record).toMatchObject({ holderIdentity: 'a', leaseDurationSeconds: 15, leaseTransitions: 0 });
    await a.elector.stop({ release: false });
  });

  it('renews every retry period while leading', async () => {
    const clock = new FakeClock();
    const api = new FakeLeaseApi();
    const a = candidate('a', api, clock);
    a.elector.start();
    await flushPromises();
    const firstRenew = api.record!.renewTime!;
    await clock.advance(2_000);
    expect(api.record!.renewTime).toBe(firstRenew + 2_000);
    await clock.advance(20_000);
    expect(a.events).toEqual(['started']);
    await a.elector.stop({ release: false });
  });

  it('waits while another holder renews, and takes over within the lease duration after it stops', async () => {
    const clock = new FakeClock();
    const api = new FakeLeaseApi();
    const a = candidate('a', api, clock);
    const b = candidate('b', api, clock);
    a.elector.start();
    await flushPromises();
    b.elector.start();
    await clock.advance(30_000);
    expect(a.elector.isLeader()).toBe(true);
    expect(b.elector.isLeader()).toBe(false);
    await a.elector.stop({ release: false }); // killed: the lease just stops being renewed
    const takeover = await clock.advanceUntil(() => b.elector.isLeader(), { stepMs: 100, limitMs: 60_000 });
    expect(takeover).toBeLessThanOrEqual(TIMINGS.leaseDurationMs + TIMINGS.retryPeriodMs * 1.2);
    expect(takeover).toBeGreaterThan(TIMINGS.leaseDurationMs - TIMINGS.retryPeriodMs * 1.2);
    expect(api.record).toMatchObject({ holderIdentity: 'b', leaseTransitions: 1 });
    await b.elector.stop({ release: false });
  });

  it('never has two leaders at once', async () => {
    const clock = new FakeClock();
    const api = new FakeLeaseApi();
    const all = ['a', 'b', 'c'].map((id) => candidate(id, api, clock));
    for (const c of all) c.elector.start();
    for (let step = 0; step < 300; step++) {
      await clock.advance(500);
      expect(all.filter((c) => c.elector.isLeader()).length).toBeLessThanOrEqual(1);
      if (step === 100) await all.find((c) => c.elector.isLeader())!.elector.stop({ release: false });
    }
    expect(all.filter((c) => c.elector.isLeader())).toHaveLength(1);
    for (const c of all) await c.elector.stop({ release: false });
  });

  it('stays safe when clocks disagree: a partitioned leader stops before another takes over', async () => {
    const clock = new FakeClock();
    const api = new FakeLeaseApi();
    let partitioned = false;
    const cut = <T>(call: () => Promise<T>): Promise<T> =>
      partitioned ? Promise.reject(new Error('partitioned')) : call();
    const leaderView: LeaseApi = {
      get: (signal) => cut(() => api.get(signal)),
      create: (record, signal) => cut(() => api.create(record, signal)),
      update: (record, signal) => cut(() => api.update(record, signal)),
    };
    // The leader's clock is an hour behind: the renewTime it writes looks ancient to the others.
    const a = candidate('a', leaderView, clock, -3_600_000);
    const b = candidate('b', api, clock, +3_600_000);
    a.elector.start();
    await flushPromises();
    b.elector.start();
    for (let step = 0; step < 80; step++) {
      await clock.advance(250);
      expect(b.elector.isLeader()).toBe(false);
    }
    partitioned = true;
    for (let step = 0; step < 200 && !b.elector.isLeader(); step++) {
      await clock.advance(250);
      expect(a.elector.isLeader() && b.elector.isLeader()).toBe(false);
    }
    expect(b.elector.isLeader()).toBe(true);
    partitioned = false;
    await a.elector.stop({ release: false });
    await b.elector.stop({ release: false });
  });

  it('releases the lease on stop so that a standby takes over within one retry period', async () => {
    const clock = new FakeClock();
    const api = new FakeLeaseApi();
    const a = candidate('a', api, clock);
    const b = candidate('b', api, clock);
    a.elector.start();
    await flushPromises();
    b.elector.start();
    await clock.advance(5_000);
    await a.elector.stop({ release: true });
    expect(api.record).toMatchObject({ holderIdentity: '', leaseDurationSeconds: 1 });
    expect(a.events).toEqual(['started', 'stopped']);
    await clock.advance(TIMINGS.retryPeriodMs * 1.2);
    expect(b.elector.isLeader()).toBe(true);
    await b.elector.stop({ release: true });
  });

  it('steps down at once when it sees another holder', async () => {
    const clock = new FakeClock();
    const api = new FakeLeaseApi();
    const a = candidate('a', api, clock);
    a.elector.start();
    await flushPromises();
    api.giveTo('intruder', clock.now());
    await clock.advance(2_000);
    expect(a.elector.state).toBe('standby');
    expect(a.events).toEqual(['started', 'stopped']);
    expect(a.signal()!.aborted).toBe(true);
    await a.elector.stop({ release: true });
    expect(api.record?.holderIdentity).toBe('intruder'); // never releases a lease it does not hold
  });

  it('steps down when it cannot renew within the renew deadline, before the lease expires', async () => {
    const clock = new FakeClock();
    const api = new FakeLeaseApi();
    const a = candidate('a', api, clock);
    a.elector.start();
    await flushPromises();
    api.failNext = 1000;
    const leaderFor = await clock.advanceUntil(() => !a.elector.isLeader(), { stepMs: 100, limitMs: 60_000 });
    expect(leaderFor).toBeLessThanOrEqual(TIMINGS.renewDeadlineMs);
    expect(leaderFor).toBeLessThan(TIMINGS.leaseDurationMs);
    expect(a.signal()!.aborted).toBe(true);
    api.failNext = 0;
    await clock.advance(3_000);
    expect(a.elector.isLeader()).toBe(true); // its own lease: re-acquired once the API answers
    await a.elector.stop({ release: false });
  });

  it('takes over an unrenewed lease at the very instant it expires, not one poll later', async () => {
    const clock = new FakeClock();
    const api = new FakeLeaseApi();
    // Held by a dead replica, renewed "now", for 16 s: with a retry period of exactly 2 s (no jitter), the
    // standby looks at 0, 2, …, 16 s, and 16 s is when the lease expires.
    api.record = {
      holderIdentity: 'dead',
      leaseDurationSeconds: 16,
      renewTime: clock.now(),
      leaseTransitions: 0,
      resourceVersion: '1',
    };
    const b = new LeaderElector({
      ...TIMINGS,
      identity: 'b',
      api,
      clock,
      random: () => 0,
      onStartedLeading: () => undefined,
      onStoppedLeading: () => undefined,
    });
    b.start();
    await clock.advance(15_999);
    expect(b.isLeader()).toBe(false);
    await clock.advance(1);
    expect(b.isLeader()).toBe(true);
    expect(api.record).toMatchObject({ holderIdentity: 'b', leaseTransitions: 1 });
    await b.stop({ release: false });
  });

  it('counts the renew deadline from the start of the last successful renew attempt, not its end', async () => {
    const clock = new FakeClock();
    const api = new FakeLeaseApi();
    let slow = false;
    const slowUpdates: LeaseApi = {
      get: (signal) => api.get(signal),
      create: (record, signal) => api.create(record, signal),
      update: async (record, signal) => {
        if (slow) await sleep(clock, 3_000);
        return api.update(record, signal);
      },
    };
    const a = candidate('a', slowUpdates, clock);
    a.elector.start();
    await flushPromises();
    const started = clock.now();
    slow = true;
    await clock.advance(2_000); // the renew attempt starts at 2 s …
    await clock.advance(3_000); // … and succeeds at 5 s
    expect(a.elector.isLeader()).toBe(true);
    slow = false;
    api.failNext = 1000; // every later renew fails
    await clock.advance(2_000 + TIMINGS.renewDeadlineMs - (clock.now() - started) - 1);
    expect(a.elector.isLeader()).toBe(true);
    await clock.advance(1); // 2 s + renew deadline
    expect(a.elector.isLeader()).toBe(false);
    expect(clock.now() - started).toBe(2_000 + TIMINGS.renewDeadlineMs);
    await a.elector.stop({ release: false });
  });

  it('steps down on the deadline even while a renew request hangs', async () => {
    const clock = new FakeClock();
    const api = new FakeLeaseApi();
    const a = candidate('a', api, clock);
    a.elector.start();
    await flushPromises();
    api.hang = true;
    await clock.advance(TIMINGS.renewDeadlineMs);
    expect(a.elector.isLeader()).toBe(false);
    expect(a.events).toEqual(['started', 'stopped']);
    api.hang = false;
    await a.elector.stop({ release: false });
  });
});

describe('validateLeaderTimings', () => {
  it.each([
    [15_000, 10_000, 2_000, []],
    [12_000, 10_000, 2_000, ['lease duration must exceed renew deadline by more than 1.2 × retry period']],
    [15_000, 2_000, 2_000, ['renew deadline must be > 1.2 × retry period']],
    [15_000, 10_000, 0, ['retry period must be > 0']],
    [
      4_000,
      2_000,
      2_000,
      [
        'renew deadline must be > 1.2 × retry period',
        'lease duration must exceed renew deadline by more than 1.2 × retry period',
      ],
    ],
  ])('lease %i, renew %i, retry %i', (lease, renew, retry, problems) => {
    expect(validateLeaderTimings(lease, renew, retry)).toEqual(problems);
  });
});
