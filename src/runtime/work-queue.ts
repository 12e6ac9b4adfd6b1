// A keyed work queue in the manner of client-go's: a key waiting in the queue is held once however often it is
// added, a key being processed is never handed to a second worker, and a key added while it is being processed
// is queued again when its worker calls done(). addCoalesced() turns a burst of adds of one key into a single
// one after the burst (a debounce bounded by a maximum wait).
import type { Clock, Timer } from './clock.js';
import { KeyedBackoff, defaultReconcileBackoff, type BackoffOptions } from './backoff.js';

/** Observes the queue; the metrics adapter implements it. */
export interface WorkQueueObserver {
  depth(depth: number): void;
  added(): void;
  retried(): void;
}

export interface WorkQueueOptions {
  clock: Clock;
  backoff?: BackoffOptions;
  observer?: WorkQueueObserver;
}

type Waiter = (key: string | undefined) => void;

/** In a stream of adds, the pause that ends a burst is this many times the gap between its adds. */
const STREAM_FACTOR = 3;

/** How addCoalesced waits out a burst of adds of one key. */
export interface CoalesceOptions {
  /** Quiet time after an add that is not part of a stream. */
  quietMs: number;
  /** An add within a third of this of the one before is part of a stream: the quiet time becomes three times their gap, up to this. */
  maxQuietMs: number;
  /** The longest a key waits after the first add of a burst. */
  maxWaitMs: number;
}

export class WorkQueue {
  private readonly order: string[] = [];
  /** Keys that need processing (queued, or re-added while in flight). */
  private readonly dirty = new Set<string>();
  private readonly processing = new Set<string>();
  private waiters: Waiter[] = [];
  /** At most one delayed add per key: the earliest wins. */
  private readonly delayed = new Map<string, { due: number; timer: Timer }>();
  /**
   * Pending coalesced adds: when the first of the burst came, the longest pause the burst has asked for so far, and
   * the timer that will queue the key.
   */
  private readonly coalescing = new Map<string, { first: number; quiet: number; timer: Timer }>();
  /** When each key was last added coalesced (the gap to the next add tells a stream from a lone change). */
  private readonly lastCoalesced = new Map<string, number>();
  private readonly backoff: KeyedBackoff;
  private readonly clock: Clock;
  private readonly observer: WorkQueueObserver | undefined;
  private shuttingDown = false;

  constructor(options: WorkQueueOptions) {
    this.clock = options.clock;
    this.backoff = new KeyedBackoff(options.backoff ?? defaultReconcileBackoff);
    this.observer = options.observer;
  }

  /**
   * Queues `key` now; while a burst of coalesced adds of it is pending, the add joins the burst instead (a run now
   * would see half of the burst, and then the rest in a second run), which waits at most the burst's maxWait.
   */
  add(key: string): void {
    if (this.shuttingDown || this.dirty.has(key) || this.coalescing.has(key)) return;
    this.dirty.add(key);
    this.observer?.added();
    if (this.processing.has(key)) return;
    this.enqueue(key);
  }

  /** Queues `key` after `ms`; an earlier pending delayed add of the same key is kept. */
  addAfter(key: string, ms: number): void {
    if (this.shuttingDown) return;
    if (ms <= 0) {
      this.add(key);
      return;
    }
    const due = this.clock.now() + ms;
    const existing = this.delayed.get(key);
    if (existing && existing.due <= due) return;
    existing?.timer.cancel();
    const timer = this.clock.schedule(ms, () => {
      this.delayed.delete(key);
      this.add(key);
    });
    this.delayed.set(key, { due, timer });
  }

  /**
   * Queues `key` once the adds of it have paused, but no later than `maxWaitMs` after the first coalesced add
   * since it was last queued: a burst of changes costs one reconcile after the burst, and a steady stream one per
   * `maxWaitMs`. The pause is `quietMs` after a lone add, so a single change is handled at once; adds that come
   * close together (a client applying many objects) stretch it to three times their gap, up to `maxQuietMs`, so
   * the burst is not cut into pieces by its own pace; a burst keeps the longest pause it has asked for, so a few adds
   * that happen to come closer together do not end it early. A key already waiting to run is taken back and joins the burst
   * (its run would see only the start of it); one in flight is queued again once the burst ends and it is done.
   * `quietMs` ≤ 0 is a plain add().
   */
  addCoalesced(key: string, { quietMs, maxQuietMs, maxWaitMs }: CoalesceOptions): void {
    if (this.shuttingDown) return;
    if (quietMs <= 0) {
      this.add(key);
      return;
    }
    this.withdraw(key);
    const now = this.clock.now();
    const gap = now - (this.lastCoalesced.get(key) ?? -Infinity);
    this.lastCoalesced.set(key, now);
    const pending = this.coalescing.get(key);
    const paced = STREAM_FACTOR * gap <= maxQuietMs ? Math.max(quietMs, STREAM_FACTOR * gap) : quietMs;
    const quiet = Math.max(paced, pending?.quiet ?? 0);
    pending?.timer.cancel();
    const first = pending?.first ?? now;
    const due = Math.min(now + quiet, first + maxWaitMs);
    const timer = this.clock.schedule(due - now, () => {
      this.coalescing.delete(key);
      this.forgetStaleAdds(maxQuietMs);
      this.add(key);
    });
    this.coalescing.set(key, { first, quiet, timer });
  }

  /** Drops add times too old to make a stream (keeps the map to the keys that are changing). */
  private forgetStaleAdds(maxQuietMs: number): void {
    const now = this.clock.now();
    for (const [key, at] of this.lastCoalesced) {
      if (STREAM_FACTOR * (now - at) > maxQuietMs) this.lastCoalesced.delete(key);
    }
  }

  /** Queues `key` after its next backoff delay; returns the delay. */
  addRateLimited(key: string): number {
    const delay = this.backoff.next(key);
    this.observer?.retried();
    this.addAfter(key, delay);
    return delay;
  }

  /** Resets the backoff of `key` (after a success, or when it is deliberately scheduled later). */
  forget(key: string): void {
    this.backoff.forget(key);
  }

  /** Consecutive failures recorded for `key`. */
  retries(key: string): number {
    return this.backoff.retries(key);
  }

  /**
   * Waits for the next key and marks it in flight; the caller must call done(key) afterwards.
   * Resolves undefined when the queue shuts down or `signal` is aborted.
   */
  get(signal?: AbortSignal): Promise<string | undefined> {
    if (signal?.aborted) return Promise.resolve(undefined);
    const key = this.take();
    if (key !== undefined || this.shuttingDown) return Promise.resolve(key);
    return new Promise((resolve) => {
      const waiter: Waiter = (k) => {
        signal?.removeEventListener('abort', onAbort);
        resolve(k);
      };
      const onAbort = (): void => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        resolve(undefined);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(waiter);
    });
  }

  /** Marks `key` finished; if it was added again meanwhile, it is queued again. */
  done(key: string): void {
    this.processing.delete(key);
    if (this.dirty.has(key) && !this.shuttingDown) this.enqueue(key);
  }

  /** Keys waiting (not in flight). */
  len(): number {
    return this.order.length;
  }

  /** Keys currently handed out to workers. */
  inFlight(): number {
    return this.processing.size;
  }

  isShuttingDown(): boolean {
    return this.shuttingDown;
  }

  /** Stops accepting keys, cancels delayed and coalesced adds and releases every waiting get(). */
  shutDown(): void {
    this.shuttingDown = true;
    // The maps are left as they are: nothing reads them once shutting down.
    for (const { timer } of [...this.delayed.values(), ...this.coalescing.values()]) timer.cancel();
    for (const waiter of this.waiters.splice(0)) waiter(undefined);
  }

  /** Takes `key` back from the queue (or from a pending re-run after done()): a coalesced add will queue it. */
  private withdraw(key: string): void {
    if (!this.dirty.delete(key)) return;
    const at = this.order.indexOf(key);
    if (at >= 0) {
      this.order.splice(at, 1);
      this.observer?.depth(this.order.length);
    }
  }

  private enqueue(key: string): void {
    const waiter = this.waiters.shift();
    if (waiter) {
      this.dirty.delete(key);
      this.processing.add(key);
      waiter(key);
      return;
    }
    this.order.push(key);
    this.observer?.depth(this.order.length);
  }

  private take(): string | undefined {
    const key = this.order.shift();
    if (key === undefined) return undefined;
    this.dirty.delete(key);
    this.processing.add(key);
    this.observer?.depth(this.order.length);
    return key;
  }
}
