// The @dot-i/k8s-operator Operator subclass: the entry point that registers watchers. Controllers register
// with register(); init() registers one watcher per (resource, namespace) through watchResource(), as the
// framework intends, but watchResource() is overridden to drive our Reflector instead of the framework's loop,
// which re-lists on every reconnect, delivers everything through one sequential queue and calls process.exit
// on a watch error. Event handlers only turn objects into keys and hand them to the controllers' queues.
// The framework's status/finalizer helpers swallow errors, so they are overridden to refuse use.
import { createRequire } from 'node:module';
import type { KubeConfig, KubernetesObject } from '@kubernetes/client-node';
import type { ResourceEvent, ResourceEventType, ResourceMeta } from '@dot-i/k8s-operator';
import { systemClock, systemRandom, type Clock, type Random } from '../runtime/clock.js';
import { Controller, type CoalesceOptions } from '../runtime/controller.js';
import { describeError, toError } from '../runtime/errors.js';
import { objectKey } from '../runtime/keys.js';
import { apiVersionOf, resourceId, type ResourceClient, type ResourceType } from '../runtime/kube-client.js';
import { kubeListWatch } from '../runtime/list-watch.js';
import type { Logger } from '../runtime/logger.js';
import type { RuntimeMetrics } from '../runtime/metrics.js';
import { Reflector, type ListWatchSource } from '../runtime/reflector.js';
import { WatchRegistry, type WatchOptions } from './watch-registry.js';
import type { ControllerRegistration } from './types.js';
import { watchBindingsFor } from './watch-bindings.js';

// Required once the static imports are evaluated: the framework (CommonJS) require()s @kubernetes/client-node (ESM),
// which Jest's module runtime refuses while that module is still being linked as part of this module's graph. A
// require() also gives the same module.exports under node, tsx and Jest (their import() interop differs).
const { default: Operator, ResourceMetaImpl } = createRequire(import.meta.url)(
  '@dot-i/k8s-operator',
) as typeof import('@dot-i/k8s-operator');

/** The framework's event, plus the previously cached copy of a MODIFIED object. */
export interface WatchEvent extends ResourceEvent {
  old?: KubernetesObject;
}

export interface ControllerOperatorOptions {
  kubeConfig: KubeConfig;
  client: ResourceClient;
  logger: Logger;
  metrics: RuntimeMetrics;
  /** Namespaces to watch; empty = all. */
  watchNamespaces: readonly string[];
  operatorNamespace: string;
  concurrency: number;
  resyncPeriodMs: number;
  /** Default coalescing of the registrations (for their watches with `coalesce: true`); unset: none. */
  coalesce?: CoalesceOptions;
  clock?: Clock;
  random?: Random;
  /** Replaces the real list/watch (tests). */
  sourceFactory?: (
    type: ResourceType,
    namespace: string | undefined,
    labelSelector: string | undefined,
  ) => ListWatchSource;
}

/** List items come without apiVersion and kind: fill them in from the watched type. */
function withKind(type: ResourceType, object: KubernetesObject): KubernetesObject {
  return { ...object, apiVersion: object.apiVersion ?? apiVersionOf(type), kind: object.kind ?? type.kind };
}

export class ControllerOperator extends Operator {
  private readonly options: ControllerOperatorOptions;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly registrations: ControllerRegistration[] = [];
  private readonly controllers = new Map<string, Controller>();
  readonly watches: WatchRegistry;
  private started = false;

  constructor(options: ControllerOperatorOptions) {
    super(options.logger.child({ component: 'operator' }));
    this.options = options;
    this.clock = options.clock ?? systemClock;
    this.log = options.logger.child({ component: 'operator' });
    this.watches = new WatchRegistry((type, namespace, watchOptions) =>
      this.newReflector(type, namespace, watchOptions),
    );
  }

  /** Adds a controller; call before start(). Returns it (e.g. to enqueue keys by hand). */
  register(registration: ControllerRegistration): Controller {
    if (this.started) throw new Error(`register(${registration.name}) after start()`);
    if (this.controllers.has(registration.name)) throw new Error(`controller ${registration.name} registered twice`);
    const primary = registration.primary.type;
    const controller = new Controller({
      name: registration.name,
      reconcile: registration.reconcile,
      concurrency: registration.concurrency ?? this.options.concurrency,
      resyncPeriodMs: registration.resyncPeriodMs ?? this.options.resyncPeriodMs,
      coalesce: registration.coalesce ?? this.options.coalesce,
      listKeys: () => this.watches.keys(primary),
      clock: this.clock,
      backoff: registration.backoff,
      logger: this.options.logger,
      observer: this.options.metrics.controller(registration.name),
    });
    this.registrations.push(registration);
    this.controllers.set(registration.name, controller);
    return controller;
  }

  controller(name: string): Controller | undefined {
    return this.controllers.get(name);
  }

  /** Registers every watcher (the framework calls this from start()). */
  protected async init(): Promise<void> {
    this.started = true;
    const planned = this.registrations.map((registration) => ({
      controller: this.controllers.get(registration.name),
      bindings: watchBindingsFor(registration, this.options),
    }));
    for (const { bindings } of planned) {
      for (const b of bindings)
        this.watches.plan(b.type, b.namespace, { labelSelector: b.labelSelector, cache: b.cache });
    }
    for (const { controller, bindings } of planned) {
      for (const binding of bindings) {
        const onEvent = (event: WatchEvent): Promise<void> => {
          try {
            // The old copy too: a Service moved from Tunnel A to B (or no longer annotated) concerns A as well.
            const keys = new Set(binding.map(event.object, this.watches));
            if (event.old) for (const key of binding.map(event.old, this.watches)) keys.add(key);
            for (const key of keys) controller?.enqueue(key, { coalesce: binding.coalesce });
            return Promise.resolve();
          } catch (err: unknown) {
            return Promise.reject(toError(err));
          }
        };
        const { group, version, plural } = binding.type;
        await this.watchResource(group, version, plural, onEvent, binding.namespace, {
          labelSelector: binding.labelSelector,
          cache: binding.cache,
        });
      }
    }
  }

  /**
   * Replaces the framework's watch loop with a Reflector (shared by every registration of the same resource,
   * namespace and selector). Same signature as the framework's, plus options; events also carry `old`.
   */
  // eslint-disable-next-line max-params -- the framework's signature, plus our options
  protected override watchResource(
    group: string,
    version: string,
    plural: string,
    onEvent: (event: WatchEvent) => Promise<void>,
    namespace?: string,
    options: WatchOptions = {},
  ): Promise<void> {
    const type = this.watches.typeOf(group, version, plural);
    const reflector = this.watches.ensure(type, namespace, options);
    reflector.addHandler((phase, object, old) => this.dispatch(type, phase, { object, old }, onEvent));
    reflector.start();
    return Promise.resolve();
  }

  private dispatch(
    type: ResourceType,
    phase: string,
    change: { object: KubernetesObject; old: KubernetesObject | undefined },
    onEvent: (e: WatchEvent) => Promise<void>,
  ): void {
    const full = withKind(type, change.object);
    const old = change.old && withKind(type, change.old);
    let event: WatchEvent;
    try {
      event = {
        meta: ResourceMetaImpl.createWithPlural(type.plural, full),
        type: phase as ResourceEventType,
        object: full,
        ...(old ? { old } : {}),
      };
    } catch (err: unknown) {
      this.log.warn('skipping malformed watch object', { error: describeError(err), resource: resourceId(type) });
      return;
    }
    onEvent(event).catch((err: unknown) => {
      this.log.error('event handler failed', { error: describeError(err), key: objectKey(full) });
    });
  }

  private newReflector(type: ResourceType, namespace: string | undefined, watchOptions: WatchOptions): Reflector {
    const source =
      this.options.sourceFactory?.(type, namespace, watchOptions.labelSelector) ??
      kubeListWatch(this.options.kubeConfig, this.options.client, {
        type,
        namespace,
        labelSelector: watchOptions.labelSelector,
      });
    const name = `${resourceId(type)}${namespace ? ` in ${namespace}` : ''}`;
    return new Reflector({
      name,
      source,
      clock: this.clock,
      random: this.options.random ?? systemRandom,
      logger: this.options.logger,
      observer: this.options.metrics.watch(resourceId(type)),
      cache: watchOptions.cache ?? 'metadata',
    });
  }

  /** True once every watch has completed its first list. */
  hasSynced(): boolean {
    return this.watches.hasSynced();
  }

  /**
   * Resolves once every watch has completed its first list (call after start()); rejects when `signal`
   * aborts first. Reconciling before that could act on a half-listed cache, e.g. delete what it has not seen.
   */
  waitForSync(signal?: AbortSignal): Promise<void> {
    return this.watches.waitForSync(signal);
  }

  /** Watches that have not completed their first list yet. */
  unsynced(): string[] {
    return this.watches.unsynced();
  }

  /** Starts reconciling (on becoming leader, or at once without leader election). */
  startControllers(): void {
    for (const controller of this.controllers.values()) controller.start();
  }

  /** Stops reconciling: in-flight reconciles get `graceMs` to finish, then their signal aborts. */
  async stopControllers(graceMs: number): Promise<void> {
    await Promise.all([...this.controllers.values()].map((c) => c.stop({ graceMs })));
  }

  /** Stops every watch; resolves when their loops have ended. */
  async stopWatches(): Promise<void> {
    await this.watches.stopAll();
  }

  /** The framework's synchronous stop(): stops the watches without waiting. */
  override stop(): void {
    super.stop();
    this.watches
      .stopAll()
      .catch((err: unknown) => this.log.error('stopping watches failed', { error: describeError(err) }));
  }

  // The framework's helpers below log and swallow API errors (a failed finalizer or status write would go
  // unnoticed); use src/runtime/finalizers.ts and src/runtime/status.ts instead.
  protected override setResourceStatus(_meta: ResourceMeta, _status: unknown): Promise<ResourceMeta | null> {
    return Promise.reject(new Error('setResourceStatus is disabled: use updateStatus from src/runtime/status.ts'));
  }

  protected override patchResourceStatus(_meta: ResourceMeta, _status: unknown): Promise<ResourceMeta | null> {
    return Promise.reject(new Error('patchResourceStatus is disabled: use updateStatus from src/runtime/status.ts'));
  }

  protected override handleResourceFinalizer(): Promise<boolean> {
    return Promise.reject(new Error('handleResourceFinalizer is disabled: use src/runtime/finalizers.ts'));
  }

  protected override setResourceFinalizers(_meta: ResourceMeta, _finalizers: string[]): Promise<void> {
    return Promise.reject(new Error('setResourceFinalizers is disabled: use src/runtime/finalizers.ts'));
  }
}
