// Time and randomness are injected everywhere so that unit tests run on a fake clock and never sleep.

/** A scheduled callback that can be cancelled. */
export interface Timer {
  cancel(): void;
}

/** The clock every runtime component reads time from and schedules timers on. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Runs `callback` once after `ms` milliseconds. */
  schedule(ms: number, callback: () => void): Timer;
}

/** Returns a number in [0, 1), like Math.random. */
export type Random = () => number;

/** The real clock. Timers are unref'd so that a pending retry never keeps the process alive on shutdown. */
export const systemClock: Clock = {
  now: () => Date.now(),
  schedule(ms: number, callback: () => void): Timer {
    const handle = setTimeout(callback, Math.max(0, ms));
    handle.unref();
    return { cancel: () => clearTimeout(handle) };
  },
};

export const systemRandom: Random = () => Math.random();

/** Resolves after `ms` on `clock`, or rejects with the signal's reason when it is aborted first. */
export function sleep(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortReason(signal));
      return;
    }
    const onAbort = (): void => {
      timer.cancel();
      reject(abortReason(signal));
    };
    const timer = clock.schedule(ms, () => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    });
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Settles like `promise`, or rejects with the signal's reason when it is aborted first. */
export function unlessAborted<T>(promise: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return promise;
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(abortReason(signal));
      return;
    }
    const onAbort = (): void => reject(abortReason(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    void promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** The abort reason as an Error (AbortSignal reasons may be any value). */
export function abortReason(signal: AbortSignal | undefined): Error {
  const reason: unknown = signal?.reason;
  if (reason instanceof Error) return reason;
  return new Error('aborted', { cause: reason });
}
