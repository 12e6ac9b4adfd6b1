// List-then-watch for one resource type (and namespace), kept alive for ever:
// - the first list fills a cache and marks the reflector synced (whenSynced() resolves); events then flow from
//   the list's resourceVersion, so nothing is missed between list and watch;
// - a watch that ends after running a while (server timeout, API server restart, idle timeout) is resumed at
//   once from the last resourceVersion seen; one that fails quickly is retried with backoff (1 s doubling to
//   30 s, reset by any event); 410 Gone (history compacted) forces a fresh list;
// - after a re-list the cache is diffed: changed objects are delivered as MODIFIED and objects that vanished
//   while we were not watching as DELETED, so no deletion is lost across an outage.
// Nothing here ever exits the process: every failure is logged, counted and retried.
import type { KubernetesObject } from '@kubernetes/client-node';
import { KeyedBackoff, type BackoffOptions } from './backoff.js';
import { sleep, unlessAborted, type Clock, type Random } from './clock.js';
import { describeError } from './errors.js';
import { nullLogger, type Logger } from './logger.js';
import type { WatchObserver } from './metrics.js';
import { objectKey } from './keys.js';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface ListResult {
  items: KubernetesObject[];
  resourceVersion: string;
}

/** Raw list and watch calls; the real one is in list-watch.ts, tests use a fake. */
export interface ListWatchSource {
  list(signal: AbortSignal): Promise<ListResult>;
  /**
   * Watches from `resourceVersion`, calling `onEvent` for every event (including BOOKMARK and ERROR); resolves
   * when the server ends the watch, rejects on a failure. Must end when `signal` aborts.
   */
  watch(resourceVersion: string, onEvent: (type: string, object: unknown) => void, signal: AbortSignal): Promise<void>;
}

/**
 * Receives changes; must not throw (a throw is logged and the watch carries on). On MODIFIED, `old` is the
 * previously cached copy (slimmed like the cache: no managedFields, metadata only for a metadata cache), so
 * that a handler can tell what the object stopped referring to.
 */
export type ReflectorHandler = (type: WatchEventType, object: KubernetesObject, old?: KubernetesObject) => void;

export interface ReflectorOptions {
  /** For logs and metrics, e.g. `deployments.apps/v1`. */
  name: string;
  source: ListWatchSource;
  clock: Clock;
  random?: Random;
  logger?: Logger;
  observer?: WatchObserver;
  /** `metadata` keeps only apiVersion, kind and metadata in the cache (e.g. for Secrets). */
  cache: 'full' | 'metadata';
  backoff?: BackoffOptions;
  /** A watch that ends sooner than this without delivering anything counts as a failure. */
  minWatchMs?: number;
}

/** Signals that the resourceVersion is too old: list again. */
export class GoneError extends Error {
  // Stryker disable next-line StringLiteral: message text
  constructor(message = 'resource version too old (410 Gone)', options?: ErrorOptions) {
    super(message, options);
    // Stryker disable next-line StringLiteral: message text (the name only shows in logs)
    this.name = 'GoneError';
  }
}

/** Whether one list/watch round delivered anything (a list, or an event). */
interface Round {
  delivered: boolean;
}

const BACKOFF_KEY = 'watch';

export class Reflector {
  private readonly store = new Map<string, KubernetesObject>();
  private readonly handlers: ReflectorHandler[] = [];
  private readonly backoff: KeyedBackoff;
  private readonly log: Logger;
  private synced = false;
  private readonly firstList: Promise<void>;
  private markSynced: () => void = () => undefined;
  private stopper: AbortController | undefined;
  private loop: Promise<void> | undefined;
  private resourceVersion: string | undefined;

  constructor(private readonly options: ReflectorOptions) {
    this.backoff = new KeyedBackoff(
      options.backoff ?? { baseMs: 1000, maxMs: 30_000, jitter: 0.1, random: options.random },
    );
    this.log = (options.logger ?? nullLogger).child({ component: 'reflector', resource: options.name });
    this.firstList = new Promise((resolve) => (this.markSynced = resolve));
  }

  get name(): string {
    return this.options.name;
  }

  /** Handlers added after the first list get every cached object as ADDED first. */
  addHandler(handler: ReflectorHandler): void {
    this.handlers.push(handler);
    for (const object of this.store.values()) this.deliver(handler, 'ADDED', object);
  }

  /** True once the first list has completed (stays true across later re-lists). */
  hasSynced(): boolean {
    return this.synced;
  }

  /**
   * Resolves once the first list has completed (at once if it has); rejects with the abort reason when
   * `signal` aborts first. Without a signal it waits for ever if the list never succeeds.
   */
  whenSynced(signal?: AbortSignal): Promise<void> {
    return unlessAborted(this.firstList, signal);
  }

  keys(): string[] {
    return [...this.store.keys()];
  }

  /** The cached object; it is shared: copy it (structuredClone) before editing. */
  get(key: string): KubernetesObject | undefined {
    return this.store.get(key);
  }

  list(): KubernetesObject[] {
    return [...this.store.values()];
  }

  start(): void {
    if (this.loop) return;
    this.stopper = new AbortController();
    this.loop = this.run(this.stopper.signal);
  }

  async stop(): Promise<void> {
    // Stryker disable next-line StringLiteral: message text
    this.stopper?.abort(new Error('reflector stopped'));
    await this.loop;
    this.loop = undefined;
  }

  private async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      const started = this.options.clock.now();
      const round: Round = { delivered: false };
      let failure: unknown;
      try {
        const from = this.resourceVersion ?? (await this.relist(signal, round));
        await this.watchOnce(from, signal, round);
      } catch (err: unknown) {
        failure = err;
      }
      if (signal.aborted) return; // stopped: whatever ended the round is no failure
      if (failure instanceof GoneError) {
        this.log.info('watch expired; listing again');
        this.resourceVersion = undefined;
        continue;
      }
      // A watch that ran a while and then ended (a server timeout, client-node's idle timeout, an API server
      // going away) is resumed at once; a failed list (no resourceVersion yet), or a watch that failed straight
      // away (connection refused, 403, 404), waits out the backoff.
      const listFailed = this.resourceVersion === undefined;
      const quick = !round.delivered && this.options.clock.now() - started < (this.options.minWatchMs ?? 1000);
      if (!listFailed && !quick) {
        this.backoff.forget(BACKOFF_KEY);
        if (failure) this.log.debug('watch ended; resuming', { error: describeError(failure) });
        continue;
      }
      this.options.observer?.failed();
      this.log.warn('list/watch failed; retrying', { error: describeError(failure ?? 'ended at once') });
      await sleep(this.options.clock, this.backoff.next(BACKOFF_KEY), signal).catch(() => undefined); // stopped
    }
  }

  /** Lists into the cache; returns the resourceVersion to watch from. */
  private async relist(signal: AbortSignal, round: Round): Promise<string> {
    const result = await this.options.source.list(signal);
    this.options.observer?.restarted('list');
    this.replace(result.items);
    round.delivered = true;
    this.resourceVersion = result.resourceVersion;
    if (!this.synced) this.log.info('synced', { objects: this.store.size });
    this.synced = true;
    this.markSynced();
    return result.resourceVersion;
  }

  /** Runs one watch until the server ends it; throws when it fails. */
  private async watchOnce(from: string, stop: AbortSignal, round: Round): Promise<void> {
    // The source may swallow exceptions thrown from its callback (client-node's Watch does), so an ERROR event
    // is recorded and ends this watch through its own abort signal instead.
    const ended = new AbortController();
    const signal = AbortSignal.any([stop, ended.signal]);
    let failure: Error | undefined;
    this.options.observer?.restarted('watch');
    try {
      await this.options.source.watch(
        from,
        (type, object) => {
          if (signal.aborted) return;
          round.delivered = true;
          failure = this.onWatchEvent(type, object);
          if (failure) ended.abort(failure);
        },
        signal,
      );
    } catch (err: unknown) {
      // A source may end an aborted watch by rejecting: the failure that aborted it is what counts.
      if (!failure) throw err;
    }
    if (failure) throw failure;
  }

  /** Applies one event; returns an error when the event says the watch must end. */
  private onWatchEvent(type: string, raw: unknown): Error | undefined {
    this.options.observer?.event();
    if (type === 'ERROR') {
      const code = typeof raw === 'object' && raw !== null && 'code' in raw ? raw.code : undefined;
      return code === 410 ? new GoneError() : new Error(`watch error event (code ${String(code)})`);
    }
    if (typeof raw !== 'object' || raw === null) return undefined;
    const object = raw as KubernetesObject;
    const rv = object.metadata?.resourceVersion;
    if (rv) this.resourceVersion = rv;
    if (type === 'ADDED' || type === 'MODIFIED' || type === 'DELETED') this.apply(type, object); // else BOOKMARK
    return undefined;
  }

  /** Updates the cache and tells the handlers, with the previous copy on MODIFIED. */
  private apply(type: WatchEventType, object: KubernetesObject): void {
    const key = objectKey(object);
    const old = this.store.get(key);
    if (type === 'DELETED') this.store.delete(key);
    else this.store.set(key, this.slim(object));
    this.emit(type, object, type === 'MODIFIED' ? old : undefined);
  }

  private replace(items: KubernetesObject[]): void {
    const seen = new Set<string>();
    for (const item of items) {
      const key = objectKey(item);
      seen.add(key);
      const old = this.store.get(key);
      this.store.set(key, this.slim(item));
      if (!old) this.emit('ADDED', item);
      else if (old.metadata?.resourceVersion !== item.metadata?.resourceVersion) this.emit('MODIFIED', item, old);
    }
    for (const [key, old] of [...this.store]) {
      if (seen.has(key)) continue;
      this.store.delete(key);
      this.emit('DELETED', old);
    }
  }

  private slim(object: KubernetesObject): KubernetesObject {
    const metadata = object.metadata ? { ...object.metadata } : undefined;
    if (metadata) delete metadata.managedFields;
    if (this.options.cache === 'metadata') return { apiVersion: object.apiVersion, kind: object.kind, metadata };
    return { ...object, metadata };
  }

  private emit(type: WatchEventType, object: KubernetesObject, old?: KubernetesObject): void {
    for (const handler of this.handlers) this.deliver(handler, type, object, old);
  }

  private deliver(
    handler: ReflectorHandler,
    type: WatchEventType,
    object: KubernetesObject,
    old?: KubernetesObject,
  ): void {
    try {
      handler(type, object, old);
    } catch (err: unknown) {
      this.log.error('event handler threw', { error: describeError(err), key: objectKey(object) });
    }
  }
}
