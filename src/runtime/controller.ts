// The reconcile loop with controller-runtime's outcomes:
//   throw            → counted as an error, key requeued with per-key exponential backoff
//   TerminalError    → counted as an error, not requeued (the next change to the object enqueues it again)
//   { requeueAfterMs } → backoff forgotten, key comes back after that delay
//   anything else    → success, backoff forgotten
// Workers run only between start() and stop(); the queue keeps collecting keys meanwhile (e.g. on a standby
// replica), so a new leader starts with every known key queued.
import { randomUUID } from 'node:crypto';
import { systemClock, type Clock } from './clock.js';
import type { BackoffOptions } from './backoff.js';
import { TerminalError, toError } from './errors.js';
import { nullLogger, type Logger } from './logger.js';
import { WorkQueue, type CoalesceOptions, type WorkQueueObserver } from './work-queue.js';

export type { CoalesceOptions };

export interface ReconcileResult {
  /** Come back after this many milliseconds even if nothing changes (polling an external system). */
  requeueAfterMs?: number;
}

export interface ReconcileContext {
  /** `namespace/name`, or `name` for a cluster-scoped object. */
  key: string;
  /** Unique per reconcile; also in every line of `log`. */
  reconcileId: string;
  /** Aborted when this replica loses leadership or shutdown runs out of time: stop writing and return. */
  signal: AbortSignal;
  log: Logger;
}

export type Reconciler = (ctx: ReconcileContext) => Promise<ReconcileResult | void>;

export type ReconcileOutcome = 'success' | 'requeue_after' | 'error' | 'terminal_error' | 'aborted';

/** Metrics hooks; the prom-client adapter implements them. */
export interface ControllerObserver extends WorkQueueObserver {
  reconciled(outcome: ReconcileOutcome, durationSeconds: number): void;
  activeWorkers(count: number): void;
}

export interface ControllerOptions {
  name: string;
  reconcile: Reconciler;
  /** Keys processed at once (different keys only). */
  concurrency: number;
  /** 0 disables resync. */
  resyncPeriodMs: number;
  /** How enqueue(key, { coalesce: true }) waits out bursts; unset (or quietMs 0): such keys are queued at once. */
  coalesce?: CoalesceOptions;
  /** Every key the caches know, for resync and for a fresh leader. */
  listKeys: () => Iterable<string>;
  clock?: Clock;
  backoff?: BackoffOptions;
  logger?: Logger;
  observer?: ControllerObserver;
}

/** The pause a stream of changes may stretch to: MAX_QUIET_FACTOR × the window. */
const MAX_QUIET_FACTOR = 40;
/** The longest a coalesced key waits is the larger of this and MAX_WAIT_FACTOR × the window. */
const MIN_MAX_WAIT_MS = 10_000;
const MAX_WAIT_FACTOR = 200;

/**
 * The coalescing for a window (`--coalesce-window`): a lone change is reconciled once the window has passed;
 * changes that come closer together (a client applying hundreds of Services) wait for a pause of three times their gap,
 * up to 40 × window, so the whole burst is one reconcile; and a set that never stops changing is still reconciled
 * every max(10 s, 200 × window). 0 disables it.
 */
export function coalesceWindow(windowMs: number): CoalesceOptions | undefined {
  if (windowMs <= 0) return undefined;
  return {
    quietMs: windowMs,
    maxQuietMs: MAX_QUIET_FACTOR * windowMs,
    maxWaitMs: Math.max(MIN_MAX_WAIT_MS, MAX_WAIT_FACTOR * windowMs),
  };
}

export interface StopOptions {
  /** How long in-flight reconciles may run on before their signal is aborted. 0 aborts at once. */
  graceMs: number;
}

export class Controller {
  readonly name: string;
  readonly queue: WorkQueue;
  private readonly options: ControllerOptions;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly inFlight = new Set<Promise<void>>();
  private dispatch: AbortController | undefined;
  private abortInFlight: AbortController | undefined;
  private workers: Promise<void>[] = [];
  private resyncTimer: { cancel(): void } | undefined;
  private stopping: Promise<void> | undefined;

  constructor(options: ControllerOptions) {
    if (!Number.isInteger(options.concurrency) || options.concurrency < 1) {
      throw new Error(`controller ${options.name}: concurrency must be a positive integer`);
    }
    this.options = options;
    this.name = options.name;
    this.clock = options.clock ?? systemClock;
    this.log = (options.logger ?? nullLogger).child({ controller: options.name });
    this.queue = new WorkQueue({ clock: this.clock, backoff: options.backoff, observer: options.observer });
  }

  /**
   * Queues a key; safe to call at any time (a key already waiting is held once). With `coalesce`, and when
   * this controller has a coalescing window, the key is queued after the burst of changes instead of at once.
   */
  enqueue(key: string, options: { coalesce?: boolean } = {}): void {
    const window = this.options.coalesce;
    if (options.coalesce && window) this.queue.addCoalesced(key, window);
    else this.queue.add(key);
  }

  get running(): boolean {
    return this.dispatch !== undefined;
  }

  /** Starts the workers (on becoming leader); every known key is queued so nothing waits for the next event. */
  start(): void {
    if (this.dispatch || this.queue.isShuttingDown()) return;
    this.dispatch = new AbortController();
    this.abortInFlight = new AbortController();
    this.resyncAll();
    for (let i = 0; i < this.options.concurrency; i++) {
      this.workers.push(this.worker(this.dispatch.signal, this.abortInFlight.signal));
    }
    this.scheduleResync();
    this.log.info('controller started', { concurrency: this.options.concurrency });
  }

  /**
   * Stops dispatching new keys, lets in-flight reconciles finish for up to `graceMs`, then aborts them and
   * waits for them to return. Keys interrupted this way stay queued for the next start().
   */
  async stop(options: StopOptions): Promise<void> {
    if (!this.dispatch || !this.abortInFlight) return this.stopping;
    const abortInFlight = this.abortInFlight;
    // Stryker disable next-line StringLiteral: message text
    this.dispatch.abort(new Error('controller stopping'));
    this.dispatch = undefined;
    this.resyncTimer?.cancel();
    this.resyncTimer = undefined;
    const workers = this.workers;
    this.workers = [];
    const grace = options.graceMs > 0 ? this.clock.schedule(options.graceMs, () => abortInFlight.abort()) : undefined;
    if (!grace) abortInFlight.abort(new Error('controller stopped'));
    this.stopping = Promise.all(workers).then(() => {
      grace?.cancel();
      this.log.info('controller stopped');
    });
    return this.stopping;
  }

  /** Stops for good: workers stop (see stop()) and the queue refuses new keys. */
  async shutDown(options: StopOptions): Promise<void> {
    await this.stop(options);
    this.queue.shutDown();
  }

  private resyncAll(): void {
    for (const key of this.options.listKeys()) this.queue.add(key);
  }

  private scheduleResync(): void {
    const period = this.options.resyncPeriodMs;
    if (period <= 0 || !this.dispatch) return;
    this.resyncTimer = this.clock.schedule(period, () => {
      this.resyncAll();
      this.scheduleResync();
    });
  }

  private async worker(dispatch: AbortSignal, abort: AbortSignal): Promise<void> {
    for (;;) {
      const key = await this.queue.get(dispatch);
      if (key === undefined) return;
      await this.process(key, abort);
    }
  }

  private async process(key: string, abort: AbortSignal): Promise<void> {
    const reconcileId = randomUUID();
    const log = this.log.child({ key, reconcileId });
    const started = this.clock.now();
    this.options.observer?.activeWorkers(this.queue.inFlight());
    let outcome: ReconcileOutcome;
    try {
      const result = await this.options.reconcile({ key, reconcileId, signal: abort, log });
      outcome = this.onSuccess(key, result ?? {}, log.child({ durationMs: this.clock.now() - started }));
    } catch (thrown: unknown) {
      outcome = this.onError(key, toError(thrown), abort, log);
    } finally {
      this.queue.done(key);
      this.options.observer?.activeWorkers(this.queue.inFlight());
    }
    this.options.observer?.reconciled(outcome, (this.clock.now() - started) / 1000);
  }

  private onSuccess(key: string, result: ReconcileResult, log: Logger): ReconcileOutcome {
    this.queue.forget(key);
    const after = result.requeueAfterMs;
    if (after !== undefined && after > 0) {
      this.queue.addAfter(key, after);
      log.debug('reconciled; requeue later', { requeueAfterMs: after });
      return 'requeue_after';
    }
    log.debug('reconciled');
    return 'success';
  }

  private onError(key: string, err: Error, abort: AbortSignal, log: Logger): ReconcileOutcome {
    if (abort.aborted) {
      // Interrupted on purpose (leadership lost, shutdown): not a failure; run again when workers restart.
      this.queue.add(key);
      log.info('reconcile interrupted', { err });
      return 'aborted';
    }
    if (err instanceof TerminalError) {
      this.queue.forget(key);
      log.error('reconcile failed permanently; not retrying', { err });
      return 'terminal_error';
    }
    const delayMs = this.queue.addRateLimited(key);
    log.warn('reconcile failed; retrying', { err, retryInMs: delayMs, retries: this.queue.retries(key) });
    return 'error';
  }
}
