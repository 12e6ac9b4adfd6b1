import { CloudflareApiError, type ErrorKind } from './errors.js';
import { backoff, decideRetry, type RetryPolicy } from './retry.js';

const policy: RetryPolicy = { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 1000, maxRetryAfterMs: 5000 };
const error = (kind: ErrorKind, retryAfterMs?: number) =>
  new CloudflareApiError({ kind, operation: 'op', status: undefined, codes: [], retryAfterMs, cause: undefined });

describe('decideRetry', () => {
  it.each<[string, number, CloudflareApiError, number, ReturnType<typeof decideRetry>]>([
    ['transient, first failure', 1, error('transient'), 0, { retry: true, delayMs: 50 }],
    ['transient, jitter at top', 1, error('transient'), 0.999999, { retry: true, delayMs: 100 }],
    ['transient, third failure', 3, error('transient'), 0, { retry: true, delayMs: 200 }],
    ['transient, attempts used up', 4, error('transient'), 0, { retry: false }],
    ['429 honours Retry-After', 1, error('rateLimited', 3000), 0.5, { retry: true, delayMs: 3000 }],
    [
      '429 Retry-After exactly the maximum is still waited for',
      1,
      error('rateLimited', 5000),
      0.5,
      { retry: true, delayMs: 5000 },
    ],
    ['429 Retry-After too long: hand back', 1, error('rateLimited', 300_000), 0.5, { retry: false }],
    ['429 without Retry-After: backoff', 2, error('rateLimited'), 0, { retry: true, delayMs: 100 }],
    ['auth never', 1, error('auth'), 0, { retry: false }],
    ['invalid never', 1, error('invalid'), 0, { retry: false }],
    ['notFound never', 1, error('notFound'), 0, { retry: false }],
    ['conflict never', 1, error('conflict'), 0, { retry: false }],
  ])('%s', (_label, attempt, err, random, expected) => {
    expect(decideRetry(attempt, err, policy, () => random)).toEqual(expected);
  });
});

describe('backoff', () => {
  it('doubles per attempt, stays within [step/2, step] and is capped', () => {
    const steps = [1, 2, 3, 4, 5, 6].map((a) => [backoff(a, policy, () => 0), backoff(a, policy, () => 0.9999999)]);
    expect(steps).toEqual([
      [50, 100],
      [100, 200],
      [200, 400],
      [400, 800],
      [500, 1000],
      [500, 1000],
    ]);
  });
});
