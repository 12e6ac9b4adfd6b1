// Time is injected so that retries and rate limiting can be tested without real waiting.

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms))),
};

/**
 * A clock for tests: `sleep` advances virtual time at once instead of waiting, and records each
 * sleep, so code that backs off or waits for the rate limiter runs deterministically and instantly.
 */
export class VirtualClock implements Clock {
  readonly sleeps: number[] = [];

  constructor(private current = 0) {}

  now(): number {
    return this.current;
  }

  sleep(ms: number): Promise<void> {
    this.sleeps.push(ms);
    this.current += Math.max(0, ms);
    return Promise.resolve();
  }

  advance(ms: number): void {
    this.current += ms;
  }
}
