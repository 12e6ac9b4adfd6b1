// Unit checks of the emulator's building blocks (no server).
import { paginate } from './envelope.js';
import { FaultInjector } from './faults.js';
import { UserRateLimiter } from './rate-limit.js';
import { Rng } from './rng.js';

describe('Rng', () => {
  it('is reproducible for a seed', () => {
    const a = new Rng(42);
    const b = new Rng(42);
    expect([a.hex(32), a.uuid()]).toEqual([b.hex(32), b.uuid()]);
    expect(new Rng(1).uuid()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});

describe('FaultInjector', () => {
  it('hits matching calls only, the given number of times', () => {
    const faults = new FaultInjector(new Rng(1));
    faults.add({ method: 'POST', path: '/batch$', status: 503, times: 2 });
    expect(faults.decide('GET', '/zones/z/dns_records/batch').kind).toBe('none');
    expect(faults.decide('POST', '/zones/z/dns_records/batch')).toMatchObject({ kind: 'status', status: 503 });
    expect(faults.decide('POST', '/zones/z/dns_records/batch').kind).toBe('status');
    expect(faults.decide('POST', '/zones/z/dns_records/batch').kind).toBe('none');
  });

  it('draws probabilities from the seed: the same seed fails the same calls', () => {
    const run = (seed: number) => {
      const faults = new FaultInjector(new Rng(seed));
      faults.add({ probability: 0.2, status: [500, 429] });
      return Array.from({ length: 200 }, () => faults.decide('GET', '/zones').kind);
    };
    const first = run(7);
    expect(run(7)).toEqual(first);
    const failed = first.filter((k) => k === 'status').length;
    expect(failed).toBeGreaterThan(20);
    expect(failed).toBeLessThan(60);
  });

  it('marks after-commit faults, and refuses one with nothing to answer', () => {
    const faults = new FaultInjector(new Rng(1));
    faults.add({ method: 'POST', status: 502, afterCommit: true, times: 1 });
    expect(faults.decide('POST', '/zones/z/dns_records')).toMatchObject({
      kind: 'status',
      status: 502,
      afterCommit: true,
    });
    expect(() => faults.add({ afterCommit: true })).toThrow(/status or hang/);
  });

  it('adds latency and hangs', () => {
    const faults = new FaultInjector(new Rng(1));
    faults.add({ latencyMs: 30 });
    faults.add({ path: '^/slow', hang: true });
    expect(faults.decide('GET', '/zones')).toEqual({ kind: 'none', latencyMs: 30 });
    expect(faults.decide('GET', '/slow')).toEqual({ kind: 'hang', latencyMs: 30, afterCommit: false });
  });
});

describe('UserRateLimiter', () => {
  const refusal = (check: () => void): unknown => {
    try {
      check();
    } catch (err) {
      return err;
    }
    return undefined;
  };

  it('blocks the user for a whole window from the request that crossed the limit, with Retry-After', () => {
    const limiter = new UserRateLimiter({ limit: 2, windowMs: 10_000 });
    limiter.check('ann', 0);
    limiter.check('ann', 1000);
    expect(refusal(() => limiter.check('ann', 9000))).toMatchObject({
      status: 429,
      headers: { 'retry-after': '10' },
      errors: [{ code: 971 }],
    });
    // A fixed window would have reopened at 10 s: the block lasts until 19 s.
    expect(refusal(() => limiter.check('ann', 10_500))).toMatchObject({ headers: { 'retry-after': '9' } });
    limiter.check('bob', 10_500); // another user has a limit of his own
    limiter.check('ann', 19_000);
  });

  it('counts over a rolling window', () => {
    const limiter = new UserRateLimiter({ limit: 2, windowMs: 10_000 });
    limiter.check('ann', 0);
    limiter.check('ann', 9000);
    expect(refusal(() => limiter.check('ann', 9500))).toBeDefined();
    const fresh = new UserRateLimiter({ limit: 2, windowMs: 10_000 });
    fresh.check('ann', 0);
    fresh.check('ann', 9000);
    fresh.check('ann', 10_000); // the request at 0 left the window
  });
});

describe('paginate', () => {
  it('clamps per_page and reports result_info', () => {
    const items = Array.from({ length: 12 }, (_, i) => i);
    const q = (s: string) => new URLSearchParams(s);
    const limits = { defaultPerPage: 5, minPerPage: 2, maxPerPage: 10 };
    expect(paginate(items, q(''), limits).info).toEqual({
      page: 1,
      per_page: 5,
      count: 5,
      total_count: 12,
      total_pages: 3,
    });
    expect(paginate(items, q('per_page=100&page=2'), limits).page).toEqual([10, 11]);
    expect(paginate(items, q('per_page=1'), limits).info.per_page).toBe(2);
    expect(paginate(items, q('page=9'), limits).page).toEqual([]);
  });
});
