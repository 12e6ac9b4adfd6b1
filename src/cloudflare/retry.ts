// One retry layer for every Cloudflare call (the SDK's own retries are turned off).
import type { CloudflareApiError } from './errors.js';

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  /** Delay before the first retry; doubles with each further attempt. */
  baseDelayMs: number;
  /** Cap for the exponential part. */
  maxDelayMs: number;
  /**
   * The longest `Retry-After` waited for in place. Longer waits are handed back to the caller (the
   * error carries `retryAfterMs`) so that a reconcile is requeued instead of holding a worker.
   */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 4,
  baseDelayMs: 500,
  maxDelayMs: 8_000,
  maxRetryAfterMs: 30_000,
};

export type RetryDecision = { retry: false } | { retry: true; delayMs: number };

/**
 * Decides whether to try again after `attempt` attempts (1-based) failed with `error`.
 * Pure: `random` returns a number in [0, 1) and supplies the jitter.
 *
 * | error kind             | decision                                                        |
 * | ---------------------- | --------------------------------------------------------------- |
 * | transient (5xx, conn.) | backoff: half of min(cap, base·2^(attempt-1)) plus random half   |
 * | rateLimited            | wait `Retry-After` if ≤ maxRetryAfterMs, else give up; no header: backoff |
 * | auth, invalid, notFound, conflict | never                                                |
 * | any, attempts used up  | never                                                           |
 */
export function decideRetry(
  attempt: number,
  error: CloudflareApiError,
  policy: RetryPolicy,
  random: () => number,
): RetryDecision {
  if (attempt >= policy.maxAttempts) return { retry: false };
  if (error.kind === 'rateLimited') {
    if (error.retryAfterMs !== undefined) {
      return error.retryAfterMs <= policy.maxRetryAfterMs
        ? { retry: true, delayMs: error.retryAfterMs }
        : { retry: false };
    }
    return { retry: true, delayMs: backoff(attempt, policy, random) };
  }
  if (error.kind === 'transient') return { retry: true, delayMs: backoff(attempt, policy, random) };
  return { retry: false };
}

/** Exponential backoff with "equal jitter": never below half the step, so retries stay spread out. */
export function backoff(attempt: number, policy: RetryPolicy, random: () => number): number {
  const step = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  const half = step / 2;
  return Math.round(half + random() * half);
}
