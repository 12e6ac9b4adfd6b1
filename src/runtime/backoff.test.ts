import { KeyedBackoff, exponentialDelay } from './backoff.js';
import { seededRandom } from './testing/fake-clock.js';

describe('exponentialDelay', () => {
  it.each([
    [0, 100],
    [1, 200],
    [2, 400],
    [5, 3200],
    [20, 60_000],
    [10_000, 60_000],
  ])('after %i failures waits %i ms (base 100, cap 60 s)', (failures, expected) => {
    expect(exponentialDelay(failures, 100, 60_000)).toBe(expected);
  });
});

describe('KeyedBackoff', () => {
  it('grows per key, independently of other keys', () => {
    const backoff = new KeyedBackoff({ baseMs: 10, maxMs: 1000, jitter: 0, random: () => 0.5 });
    expect([backoff.next('a'), backoff.next('a'), backoff.next('a')]).toEqual([10, 20, 40]);
    expect(backoff.next('b')).toBe(10);
    expect(backoff.retries('a')).toBe(3);
  });

  it('is capped', () => {
    const backoff = new KeyedBackoff({ baseMs: 10, maxMs: 100, jitter: 0 });
    const delays = Array.from({ length: 12 }, () => backoff.next('k'));
    expect(Math.max(...delays)).toBe(100);
    expect(delays.slice(-3)).toEqual([100, 100, 100]);
  });

  it('keeps jittered delays within [d·(1−jitter), d], never above the cap', () => {
    const backoff = new KeyedBackoff({ baseMs: 100, maxMs: 5000, jitter: 0.3, random: seededRandom(7) });
    for (let n = 0; n < 200; n++) {
      const expected = exponentialDelay(n, 100, 5000);
      const delay = backoff.next('k');
      expect(delay).toBeGreaterThanOrEqual(Math.floor(expected * 0.7));
      expect(delay).toBeLessThanOrEqual(expected);
    }
  });

  it('uses the extremes of the random source as the bounds', () => {
    const low = new KeyedBackoff({ baseMs: 1000, maxMs: 1000, jitter: 0.5, random: () => 0.999999 });
    const high = new KeyedBackoff({ baseMs: 1000, maxMs: 1000, jitter: 0.5, random: () => 0 });
    expect(low.next('k')).toBe(500);
    expect(high.next('k')).toBe(1000);
  });

  it('forget resets the key', () => {
    const backoff = new KeyedBackoff({ baseMs: 10, maxMs: 1000, jitter: 0 });
    backoff.next('k');
    backoff.next('k');
    backoff.forget('k');
    expect(backoff.retries('k')).toBe(0);
    expect(backoff.next('k')).toBe(10);
  });

  it('rejects nonsense options', () => {
    expect(() => new KeyedBackoff({ baseMs: 0, maxMs: 10, jitter: 0 })).toThrow(/invalid backoff/);
    expect(() => new KeyedBackoff({ baseMs: 10, maxMs: 5, jitter: 0 })).toThrow(/invalid backoff/);
    expect(() => new KeyedBackoff({ baseMs: 10, maxMs: 50, jitter: 2 })).toThrow(/invalid backoff/);
  });
});
