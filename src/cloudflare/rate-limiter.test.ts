import { InstantClock } from '../runtime/testing/instant-clock.js';
import { TokenBucket } from './rate-limiter.js';

describe('TokenBucket', () => {
  it('allows the burst at once, then paces to the refill rate', async () => {
    const clock = new InstantClock();
    const bucket = new TokenBucket({ limit: 12, windowMs: 1000, burst: 2 }, clock);
    await bucket.acquire();
    await bucket.acquire();
    expect(clock.now()).toBe(0);
    await bucket.acquire(); // refill: 10 per 1000 ms → 100 ms per token
    expect(clock.now()).toBe(100);
    await bucket.acquire();
    expect(clock.now()).toBe(200);
  });

  it('never admits more than `limit` requests in any window', async () => {
    const clock = new InstantClock();
    const limit = 20;
    const windowMs = 1000;
    const bucket = new TokenBucket({ limit, windowMs, burst: 5 }, clock);
    const times: number[] = [];
    for (let i = 0; i < 100; i++) {
      await bucket.acquire();
      times.push(clock.now());
      clock.advance(i % 7 === 0 ? 3 : 0); // uneven arrivals
    }
    for (const start of times) {
      const inWindow = times.filter((t) => t >= start && t < start + windowMs).length;
      expect(inWindow).toBeLessThanOrEqual(limit);
    }
  });

  it('refills after a quiet spell, up to the burst only', async () => {
    const clock = new InstantClock();
    const bucket = new TokenBucket({ limit: 1200, windowMs: 300_000, burst: 200 }, clock);
    for (let i = 0; i < 200; i++) await bucket.acquire();
    expect(Math.floor(bucket.available())).toBe(0);
    clock.advance(3_600_000);
    expect(bucket.available()).toBe(200);
  });

  it('serves concurrent waiters in order', async () => {
    const clock = new InstantClock();
    const bucket = new TokenBucket({ limit: 11, windowMs: 1000, burst: 1 }, clock);
    const order: number[] = [];
    await Promise.all([1, 2, 3].map((n) => bucket.acquire().then(() => order.push(n))));
    expect(order).toEqual([1, 2, 3]);
    expect(clock.now()).toBe(200);
  });

  it('rejects impossible options', () => {
    expect(() => new TokenBucket({ limit: 10, windowMs: 1000, burst: 11 })).toThrow(RangeError);
    expect(() => new TokenBucket({ limit: 10, windowMs: 1000, burst: 0 })).toThrow('burst must be in [1, limit]');
    expect(() => new TokenBucket({ limit: 10, windowMs: 0, burst: 1 })).toThrow('windowMs must be positive');
  });

  it('accepts a burst as large as the limit', () => {
    expect(new TokenBucket({ limit: 10, windowMs: 1000, burst: 10 }, new InstantClock()).available()).toBe(10);
  });

  it('takes a token refilled during a quiet spell at once', async () => {
    const clock = new InstantClock();
    const bucket = new TokenBucket({ limit: 11, windowMs: 1000, burst: 1 }, clock);
    await bucket.acquire();
    clock.advance(1000);
    await bucket.acquire();
    expect(clock.delays).toEqual([]);
  });

  it('waits exactly for the missing fraction of a token, in one timer', async () => {
    const clock = new InstantClock();
    const bucket = new TokenBucket({ limit: 11, windowMs: 1000, burst: 1 }, clock); // 100 ms per token
    await bucket.acquire();
    clock.advance(30); // 0.3 of a token back
    await bucket.acquire();
    expect(clock.delays).toEqual([70]);
  });
});
