// A clock for tests of code that waits (retry backoff, Retry-After, the rate limiter): every timer fires at
// once, in a microtask, after moving virtual time forward by its delay. Each delay is recorded, so a test can
// assert how long the code would have waited without waiting at all. Unlike FakeClock, nothing needs advancing.
import type { Clock, Timer } from '../clock.js';

export class InstantClock implements Clock {
  /** The delay of every timer scheduled so far, in order. */
  readonly delays: number[] = [];

  constructor(private current = 0) {}

  now(): number {
    return this.current;
  }

  schedule(ms: number, callback: () => void): Timer {
    this.delays.push(ms);
    this.current += Math.max(0, ms);
    let cancelled = false;
    queueMicrotask(() => {
      if (!cancelled) callback();
    });
    return { cancel: () => (cancelled = true) };
  }

  /** Moves virtual time forward without firing anything (timers have all fired already). */
  advance(ms: number): void {
    this.current += ms;
  }
}
