import { ApiException } from '@kubernetes/client-node';
import { sleep, type Random } from './clock.js';
import type { Logger } from './logger.js';
import { FakeClock, flushPromises, seededRandom } from './testing/fake-clock.js';
import { FakeLeaseApi } from './testing/fake-lease-api.js';
import { RecordingLogger } from './testing/recording-logger.js';
import { LeaderElector, validateLeaderTimings, type LeaseApi } from './leader-election.js';

const TIMINGS = { leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 2_000 };

interface CandidateOptions {
  /** Shifts the times it reads (a node whose clock is off), not its timers. */
  skewMs?: number;
  random?: Random;
  logger?: Logger;
}

/** A candidate that records when it started and stopped leading. */
function candidate(identity: string, api: LeaseApi, clock: FakeClock, options: CandidateOptions = {}) {
  const { skewMs = 0, random = seededRandom(identity.length), logger } = options;
  const events: string[] = [];
  let signal: AbortSignal | undefined;
  const elector = new LeaderElector({
    ...TIMINGS,
    identity,
    api,
    clock: { now: () => clock.now() + skewMs, schedule: (ms, cb) => clock.schedule(ms, cb) },
    random,
    logger,
    onStartedLeading: (s) => {
      signal = s;
      events.push('started');
    },
    onStoppedLeading: () => events.push('stopped'),
  });
  return { elector, events, signal: () => signal };
}

/** A Lease held by `holder`, renewed at `renewTime`, for `seconds`. */
function heldLease(api: FakeLeaseApi, holder: string, renewTime: number, seconds = 16): void {
  api.record = {
    holderIdentity: holder,
    leaseDurationSeconds: seconds,
    renewTime,
    leaseTransitions: 0,
    resourceVersion: '1',
  };
}

/** What the Lease API was asked to write since `from` (an index into its log). */
function writesSince(api: FakeLeaseApi, from: number): string[] {
  return api.log.slice(from).filter((call) => call !== 'get');
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
    expect(b.events).toEqual([]); // a standby that sees the lease held has nothing to step down from
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
    const a = candidate('a', leaderView, clock, { skewMs: -3_600_000 });
    const b = candidate('b', api, clock, { skewMs: +3_600_000 });
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
    expect(String(a.signal()!.reason)).toMatch(/leadership lost: another replica holds the lease/);
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
    expect(String(a.signal()!.reason)).toMatch(/leadership lost: could not renew the lease within the renew deadline/);
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

  it('a second start() while campaigning starts no second campaign', async () => {
    const clock = new FakeClock();
    const api = new FakeLeaseApi();
    const a = candidate('a', api, clock);
    a.elector.start();
    a.elector.start();
    await clock.advance(3 * TIMINGS.retryPeriodMs);
    expect(api.log).toEqual(['get', 'create a', 'get', 'update a', 'get', 'update a', 'get', 'update a']);
    await a.elector.stop({ release: false });
  });

  it('a leader renews every retry period exactly; a standby polls it stretched by up to 20 % jitter', async () => {
    const leaderClock = new FakeClock();
    const a = candidate('a', new FakeLeaseApi(), leaderClock, { random: () => 0.5 });
    a.elector.start();
    await flushPromises();
    // The next renew, and the renew deadline; the request's own timer is gone once it has answered.
    expect(leaderClock.pendingDelays()).toEqual([TIMINGS.retryPeriodMs, TIMINGS.renewDeadlineMs]);

    const standbyClock = new FakeClock();
    const api = new FakeLeaseApi();
    heldLease(api, 'other', standbyClock.now());
    const b = candidate('b', api, standbyClock, { random: () => 0.5 });
    b.elector.start();
    await flushPromises();
    expect(b.elector.state).toBe('standby');
    expect(standbyClock.pendingDelays()).toEqual([TIMINGS.retryPeriodMs * 1.1]);
    await a.elector.stop({ release: false });
    await b.elector.stop({ release: false });
  });

  it('abandons a lease request that does not answer within the renew deadline, and tries again', async () => {
    const clock = new FakeClock();
    const api = new FakeLeaseApi();
    const logger = new RecordingLogger();
    const a = candidate('a', api, clock, { random: () => 0, logger });
    api.hang = true;
    a.elector.start();
    await clock.advance(TIMINGS.renewDeadlineMs - 1);
    api.hang = false; // the API answers again, but the first request is still waiting
    await clock.advance(1); // abandoned at the deadline …
    expect(logger.summary()).toEqual(['warn lease acquire/renew failed']);
    expect(logger.lines[0]!.meta).toMatchObject({ component: 'leader-election', identity: 'a', state: 'standby' });
    expect(logger.lines[0]!.meta['error']).toEqual(expect.stringMatching(/\S/));
    await clock.advance(TIMINGS.retryPeriodMs); // … and the next poll acquires the lease
    expect(a.elector.isLeader()).toBe(true);
    await a.elector.stop({ release: false });
  });

  it('logs a lost compare-and-swap race at debug level only: it is how a standby learns it lost', async () => {
    const clock = new FakeClock();
    const api = new FakeLeaseApi();
    const logger = new RecordingLogger();
    let conflicts = 1;
    const racing: LeaseApi = {
      get: (signal) => api.get(signal),
      create: (record, signal) => api.create(record, signal),
      update: (record, signal) =>
        conflicts-- > 0 ? Promise.reject(new ApiException(409, 'conflict', {}, {})) : api.update(record, signal),
    };
    heldLease(api, 'a', clock.now());
    const a = candidate('a', racing, clock, { random: () => 0, logger });
    a.elector.start();
    await flushPromises();
    expect(a.elector.isLeader()).toBe(false);
    expect(logger.summary()).toEqual(['debug lease acquire/renew failed']);
    await clock.advance(TIMINGS.retryPeriodMs);
    expect(logger.summary()).toEqual(['debug lease acquire/renew failed', 'info became leader']);
    await a.elector.stop({ release: false });
  });

  it('logs a request cut short by stop() at debug level, and the step-down with its reason', async () => {
    const clock = new FakeClock();
    const api = new FakeLeaseApi();
    const logger = new RecordingLogger();
    const a = candidate('a', api, clock, { logger });
    a.elector.start();
    await flushPromises();
    api.hang = true;
    await clock.advance(TIMINGS.retryPeriodMs); // a renew is waiting for the API
    await a.elector.stop({ release: false });
    expect(logger.summary()).toEqual([
      'info became leader',
      'debug lease acquire/renew failed',
      'warn stopped leading',
    ]);
    expect(logger.lines[2]!.meta).toMatchObject({ identity: 'a', reason: 'stopping' });
    expect(String(a.signal()!.reason)).toMatch(/leadership lost: stopping/);
  });

  it('does not release a lease that another replica took meanwhile', async () => {
    const clock = new FakeClock();
    const api = new FakeLeaseApi();
    const a = candidate('a', api, clock);
    a.elector.start();
    await flushPromises();
    api.giveTo('b', clock.now()); // a has not polled since: it still thinks it leads
    const before = api.log.length;
    await a.elector.stop({ release: true });
    expect(writesSince(api, before)).toEqual([]);
    expect(api.record?.holderIdentity).toBe('b');
  });

  it('a replica that stepped down does not touch the lease when it stops, even though the lease still names it', async () => {
    const clock = new FakeClock();
    const api = new FakeLeaseApi();
    const a = candidate('a', api, clock);
    a.elector.start();
    await flushPromises();
    api.failNext = 1000;
    await clock.advanceUntil(() => !a.elector.isLeader(), { stepMs: 100, limitMs: 60_000 });
    api.failNext = 0;
    const before = api.log.length;
    await a.elector.stop({ release: true });
    expect(writesSince(api, before)).toEqual([]);
    expect(api.record?.holderIdentity).toBe('a');
    expect(a.events).toEqual(['started', 'stopped']);
  });

  it('stop() of a candidate that never started does nothing', async () => {
    const clock = new FakeClock();
    const api = new FakeLeaseApi();
    const a = candidate('a', api, clock);
    await a.elector.stop({ release: true });
    expect(a.elector.state).toBe('stopped');
    expect(api.calls).toBe(0);
    a.elector.start(); // and it can still start afterwards
    await flushPromises();
    expect(a.elector.isLeader()).toBe(true);
    await a.elector.stop({ release: false });
  });

  it('releasing gives up after the renew deadline when the API does not answer, leaving no timer behind', async () => {
    const clock = new FakeClock();
    const api = new FakeLeaseApi();
    const logger = new RecordingLogger();
    const a = candidate('a', api, clock, { logger });
    a.elector.start();
    await flushPromises();
    api.hang = true; // between two renews: the release's request is the one that hangs
    let stopped = false;
    void a.elector.stop({ release: true }).then(() => (stopped = true));
    await clock.advance(TIMINGS.renewDeadlineMs - 1);
    expect(stopped).toBe(false);
    await clock.advance(1);
    expect(stopped).toBe(true);
    expect(clock.pendingTimers).toBe(0);
    expect(logger.summary().at(-1)).toBe('warn could not release the lease; it will expire');
    expect(logger.lines.at(-1)!.meta['error']).toEqual(expect.stringMatching(/\S/));
  });

  it('a release logs it and leaves no timer behind', async () => {
    const clock = new FakeClock();
    const api = new FakeLeaseApi();
    const logger = new RecordingLogger();
    const a = candidate('a', api, clock, { logger });
    a.elector.start();
    await flushPromises();
    await a.elector.stop({ release: true });
    expect(logger.summary()).toEqual(['info became leader', 'warn stopped leading', 'info released the lease']);
    expect(clock.pendingTimers).toBe(0);
  });

  it('a standby takes a released lease at its next poll, however recently it was released', async () => {
    const clock = new FakeClock();
    const api = new FakeLeaseApi();
    const a = candidate('a', api, clock);
    const b = candidate('b', api, clock, { random: () => 0 }); // polls at 0, 2, 4 s
    a.elector.start();
    await flushPromises();
    b.elector.start();
    await clock.advance(3_999);
    await a.elector.stop({ release: true }); // 1 ms before b's poll
    await clock.advance(1);
    expect(b.elector.isLeader()).toBe(true);
    await b.elector.stop({ release: false });
  });

  it("trusts an old renewTime (the holder's clock is behind) only one poll interval before it first saw it", async () => {
    const clock = new FakeClock();
    const api = new FakeLeaseApi();
    heldLease(api, 'dead', clock.now() - 3_600_000, 16);
    const b = candidate('b', api, clock, { random: () => 0 }); // polls every 2 s
    b.elector.start();
    // Seen at 0, counted as renewed 2.4 s before: it expires at 13.6 s, which the poll at 14 s finds.
    await clock.advance(13_999);
    expect(b.elector.isLeader()).toBe(false);
    await clock.advance(1);
    expect(b.elector.isLeader()).toBe(true);
    await b.elector.stop({ release: false });
  });

  it("counts a renewTime in the future (the holder's clock is ahead) as renewed when it first saw it", async () => {
    const clock = new FakeClock();
    const api = new FakeLeaseApi();
    heldLease(api, 'dead', clock.now() + 3_600_000, 16);
    const b = candidate('b', api, clock, { random: () => 0 });
    b.elector.start();
    await clock.advance(15_999);
    expect(b.elector.isLeader()).toBe(false);
    await clock.advance(1);
    expect(b.elector.isLeader()).toBe(true);
    await b.elector.stop({ release: false });
  });

  it('any write to the lease restarts the wait, even one that leaves holder and renewTime alone', async () => {
    const clock = new FakeClock();
    const api = new FakeLeaseApi();
    heldLease(api, 'dead', clock.now(), 16);
    const b = candidate('b', api, clock, { random: () => 0 });
    b.elector.start();
    await clock.advance(5_000);
    api.record = { ...api.record!, resourceVersion: '2' }; // e.g. someone labels the Lease
    // First seen at 6 s, renewed at 0 s: counted from 6 s − 2.4 s, so it expires at 19.6 s, found at 20 s.
    await clock.advance(14_999);
    expect(b.elector.isLeader()).toBe(false);
    await clock.advance(1);
    expect(b.elector.isLeader()).toBe(true);
    await b.elector.stop({ release: false });
  });
});

describe('validateLeaderTimings', () => {
  it.each([
    [15_000, 10_000, 2_000, []],
    [12_000, 10_000, 2_000, ['lease duration must exceed renew deadline by more than 1.2 × retry period']],
    [15_000, 2_000, 2_000, ['renew deadline must be > 1.2 × retry period']],
    [15_000, 10_000, 0, ['retry period must be > 0']],
    // The bounds are strict: equal is refused, one millisecond more is accepted.
    [15_000, 2_400, 2_000, ['renew deadline must be > 1.2 × retry period']],
    [15_000, 2_401, 2_000, []],
    [12_400, 10_000, 2_000, ['lease duration must exceed renew deadline by more than 1.2 × retry period']],
    [12_401, 10_000, 2_000, []],
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

describe('LeaderElector timings', () => {
  it('refuses to be built with unsafe timings, naming every problem', () => {
    const options = {
      identity: 'a',
      api: new FakeLeaseApi(),
      clock: new FakeClock(),
      onStartedLeading: () => undefined,
      onStoppedLeading: () => undefined,
    };
    expect(
      () => new LeaderElector({ ...options, leaseDurationMs: 4_000, renewDeadlineMs: 2_000, retryPeriodMs: 2_000 }),
    ).toThrow(
      'leader election: renew deadline must be > 1.2 × retry period; lease duration must exceed renew deadline by more than 1.2 × retry period',
    );
    expect(() => new LeaderElector({ ...options, ...TIMINGS })).not.toThrow();
  });
});
