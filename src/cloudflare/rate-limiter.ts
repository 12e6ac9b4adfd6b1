// Client-side rate limiting, shared by every gateway that uses one credential.
import { sleep, systemClock, type Clock } from '../runtime/clock.js';

export interface RateLimitOptions {
  /** Requests allowed in any window of `windowMs` (Cloudflare: 1200 per 5 minutes per user). */
  limit: number;
  windowMs: number;
  /**
   * Tokens available at once. A bucket of capacity C refilled at R per ms admits at most
   * C + R·W requests in any window W, so the refill rate is (limit − burst) / window: the bucket
   * never lets the operator exceed Cloudflare's limit, yet allows a burst after a quiet spell.
   */
  burst: number;
}

export const CLOUDFLARE_RATE_LIMIT: RateLimitOptions = { limit: 1200, windowMs: 5 * 60_000, burst: 200 };

export interface RateLimiter {
  /** Resolves when a request may be sent; waits (never fails) when the bucket is empty. */
  acquire(): Promise<void>;
}

export class TokenBucket implements RateLimiter {
  private tokens: number;
  private updatedAt: number;
  private readonly ratePerMs: number;
  private readonly capacity: number;
  // Waiters are served in order: each acquisition chains on the previous one.
  private queue: Promise<void> = Promise.resolve();

  constructor(
    options: RateLimitOptions = CLOUDFLARE_RATE_LIMIT,
    private readonly clock: Clock = systemClock,
  ) {
    if (options.burst < 1 || options.burst > options.limit) throw new RangeError('burst must be in [1, limit]');
    if (options.windowMs <= 0) throw new RangeError('windowMs must be positive');
    this.capacity = options.burst;
    this.ratePerMs = Math.max(options.limit - options.burst, 1) / options.windowMs;
    this.tokens = options.burst;
    this.updatedAt = clock.now();
  }

  acquire(): Promise<void> {
    const turn = this.queue.then(() => this.take());
    this.queue = turn;
    return turn;
  }

  /** Tokens available now (for tests and metrics). */
  available(): number {
    this.refill();
    return this.tokens;
  }

  private async take(): Promise<void> {
    this.refill();
    while (this.tokens < 1) {
      await sleep(this.clock, Math.ceil((1 - this.tokens) / this.ratePerMs));
      this.refill();
    }
    this.tokens -= 1;
  }

  private refill(): void {
    const now = this.clock.now();
    const elapsed = Math.max(0, now - this.updatedAt);
    this.tokens = Math.min(this.capacity, this.tokens + elapsed * this.ratePerMs);
    this.updatedAt = now;
  }
}

/** A limiter that never waits (for tests that exercise the server's limit instead). */
export const unlimited: RateLimiter = { acquire: () => Promise.resolve() };

/**
 * Cloudflare blocks a user for the rest of its window once the limit is crossed (429 with Retry-After, every
 * call). The gateway then stops calling altogether until Retry-After has passed: one pause per credential, shared
 * by every Tunnel that uses it (the pool hands the same one to them), so a tripped limit costs one refused call,
 * not one per object and retry.
 */
export class RateLimitPause {
  private until = 0;

  constructor(private readonly clock: Clock = systemClock) {}

  /** Pauses every call for `ms` from now (never shortens a pause already running). */
  pauseFor(ms: number): void {
    this.until = Math.max(this.until, this.clock.now() + ms);
  }

  /** How long calls must still wait; 0 when not paused. */
  remainingMs(): number {
    return Math.max(0, this.until - this.clock.now());
  }
}
