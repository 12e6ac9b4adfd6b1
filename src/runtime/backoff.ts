// Per-key exponential backoff with jitter and a cap, as used for failed reconciles and watch reconnects.
import { systemRandom, type Random } from './clock.js';

export interface BackoffOptions {
  /** Delay after the first failure. */
  baseMs: number;
  /** No delay ever exceeds this. */
  maxMs: number;
  /** Fraction in [0, 1]: each delay is drawn from [d·(1−jitter), d] so the cap still holds. */
  jitter: number;
  random?: Random;
}

export const defaultReconcileBackoff: BackoffOptions = { baseMs: 100, maxMs: 5 * 60_000, jitter: 0.2 };

/** The un-jittered delay after `failures` consecutive failures (0-based). */
export function exponentialDelay(failures: number, baseMs: number, maxMs: number): number {
  // Beyond 2^40 the product is far past any sane cap; avoid overflowing to Infinity.
  const exp = Math.min(failures, 40);
  return Math.min(maxMs, baseMs * 2 ** exp);
}

export function validateBackoff(options: BackoffOptions): void {
  const { baseMs, maxMs, jitter } = options;
  if (!(baseMs > 0) || !(maxMs >= baseMs) || !(jitter >= 0 && jitter <= 1)) {
    throw new Error(`invalid backoff: baseMs=${baseMs} maxMs=${maxMs} jitter=${jitter}`);
  }
}

/** Tracks consecutive failures per key. */
export class KeyedBackoff {
  private readonly failures = new Map<string, number>();
  private readonly random: Random;

  constructor(private readonly options: BackoffOptions) {
    validateBackoff(options);
    this.random = options.random ?? systemRandom;
  }

  /** Records a failure of `key` and returns how long to wait before retrying it. */
  next(key: string): number {
    const n = this.failures.get(key) ?? 0;
    this.failures.set(key, n + 1);
    const delay = exponentialDelay(n, this.options.baseMs, this.options.maxMs);
    return Math.round(delay * (1 - this.options.jitter * this.random()));
  }

  /** Consecutive failures recorded for `key`. */
  retries(key: string): number {
    return this.failures.get(key) ?? 0;
  }

  /** Resets `key` after a success. */
  forget(key: string): void {
    this.failures.delete(key);
  }
}
