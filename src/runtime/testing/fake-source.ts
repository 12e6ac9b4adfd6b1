// A scripted ListWatchSource for unit tests: lists answer from a script, watches stay open until the test
// emits events into them, ends them or fails them.
import { sleep, type Clock } from '../clock.js';
import type { ListResult, ListWatchSource } from '../reflector.js';

export interface OpenWatch {
  from: string;
  emit(type: string, object: unknown): void;
  end(): void;
  fail(err: Error): void;
}

/** A scripted API: list answers from `listResults` (or errors), watches stay open until the test ends them. */
export class FakeSource implements ListWatchSource {
  listResults: (ListResult | Error)[] = [];
  /** Clock times of every watch call. */
  attempts: number[] = [];

  constructor(private readonly clock: Clock) {}

  lists = 0;
  watches: OpenWatch[] = [];
  /** When set, each watch fails at once with this error. */
  watchError: Error | undefined;
  /** An aborted watch rejects (as a fetch-based source does), instead of resolving like client-node's. */
  rejectOnAbort = false;

  /** How long each list takes, on the clock (an aborted signal ends it early, as with the real source). */
  listDelayMs = 0;
  /** Clock times of every list call. */
  listTimes: number[] = [];

  async list(signal?: AbortSignal): Promise<ListResult> {
    this.lists++;
    this.listTimes.push(this.clock.now());
    if (this.listDelayMs > 0) await sleep(this.clock, this.listDelayMs, signal);
    const next = this.listResults.length > 1 ? this.listResults.shift()! : this.listResults[0];
    if (!next) throw new Error('no list result scripted');
    if (next instanceof Error) throw next;
    return structuredClone(next);
  }

  watch(from: string, onEvent: (type: string, object: unknown) => void, signal: AbortSignal): Promise<void> {
    this.attempts.push(this.clock.now());
    if (this.watchError) return Promise.reject(this.watchError);
    return new Promise((resolve, reject) => {
      signal.addEventListener('abort', () => (this.rejectOnAbort ? reject(new Error('aborted')) : resolve()));
      this.watches.push({ from, emit: onEvent, end: resolve, fail: reject });
    });
  }

  get current(): OpenWatch {
    return this.watches.at(-1)!;
  }
}
