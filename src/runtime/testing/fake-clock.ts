// A deterministic clock for unit tests: time moves only when the test advances it.
import type { Clock, Timer } from '../clock.js';

interface Pending {
  id: number;
  due: number;
  callback: () => void;
}

/** Lets promise chains started by a timer callback run to their next real wait. */
export async function flushPromises(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) {
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

export class FakeClock implements Clock {
  private current: number;
  private nextId = 0;
  private pending: Pending[] = [];

  constructor(start = Date.UTC(2026, 0, 1)) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  schedule(ms: number, callback: () => void): Timer {
    const entry = { id: this.nextId++, due: this.current + Math.max(0, ms), callback };
    this.pending.push(entry);
    return { cancel: () => (this.pending = this.pending.filter((p) => p.id !== entry.id)) };
  }

  /** Number of timers not yet fired. */
  get pendingTimers(): number {
    return this.pending.length;
  }

  /** Due times of pending timers, relative to now, ascending. */
  pendingDelays(): number[] {
    return this.pending.map((p) => p.due - this.current).sort((a, b) => a - b);
  }

  /**
   * Moves time forward by `ms`, firing due timers in order; after each one, pending promise chains get to run
   * so that timers they schedule within the window fire too.
   */
  async advance(ms: number): Promise<void> {
    const target = this.current + ms;
    await flushPromises();
    for (;;) {
      const next = this.earliestDue(target);
      if (!next) break;
      this.pending = this.pending.filter((p) => p.id !== next.id);
      this.current = Math.max(this.current, next.due);
      next.callback();
      await flushPromises();
    }
    this.current = target;
    await flushPromises();
  }

  /**
   * Advances in steps of `stepMs` until `condition` holds, and returns the time that took. Throws once `limitMs`
   * has passed without it, so a test of broken code fails instead of looping forever.
   */
  async advanceUntil(condition: () => boolean, options: { stepMs: number; limitMs: number }): Promise<number> {
    const start = this.current;
    while (!condition()) {
      if (this.current - start >= options.limitMs) {
        throw new Error(`condition not met within ${options.limitMs} ms of fake time`);
      }
      await this.advance(options.stepMs);
    }
    return this.current - start;
  }

  private earliestDue(limit: number): Pending | undefined {
    let best: Pending | undefined;
    for (const p of this.pending) {
      if (p.due <= limit && (!best || p.due < best.due || (p.due === best.due && p.id < best.id))) best = p;
    }
    return best;
  }
}

/** A seeded pseudo-random generator (mulberry32) so jitter in tests is reproducible. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
