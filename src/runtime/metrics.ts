// Prometheus metrics on a registry of our own (never prom-client's global one, so tests and several managers in
// one process do not collide). Every label set we know in advance starts at 0, so rates and alerts work from the
// first scrape instead of appearing only after the first failure.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { ControllerObserver, ReconcileOutcome } from './controller.js';

const OUTCOMES: readonly ReconcileOutcome[] = ['success', 'requeue_after', 'error', 'terminal_error', 'aborted'];

/** Observes one watched resource; the reflector calls it. */
export interface WatchObserver {
  /** The watch ended with an error or could not be (re)established. */
  failed(): void;
  /** A list or watch was (re)established. */
  restarted(kind: 'list' | 'watch'): void;
  /** Events delivered. */
  event(): void;
}

/** The shape the Cloudflare gateway calls after every API request. */
export interface CloudflareCallObserver {
  onCloudflareCall(operation: string, status: string | number, durationMs: number): void;
}

export class RuntimeMetrics {
  readonly registry = new Registry();
  private readonly reconcileTotal: Counter<'controller' | 'result'>;
  private readonly reconcileErrors: Counter<'controller'>;
  private readonly reconcileDuration: Histogram<'controller'>;
  private readonly activeWorkers: Gauge<'controller'>;
  private readonly queueDepth: Gauge<'name'>;
  private readonly queueAdds: Counter<'name'>;
  private readonly queueRetries: Counter<'name'>;
  private readonly watchFailures: Counter<'resource'>;
  private readonly watchRestarts: Counter<'resource' | 'kind'>;
  private readonly watchEvents: Counter<'resource'>;
  private readonly leader: Gauge;
  readonly cloudflare: CloudflareMetrics;

  constructor(options: { processMetrics?: boolean } = {}) {
    const registers = [this.registry];
    if (options.processMetrics ?? true) collectDefaultMetrics({ register: this.registry });
    this.reconcileTotal = new Counter({
      name: 'cloudflare_operator_reconcile_total',
      help: 'Reconciles by controller and result (success, requeue_after, error, terminal_error, aborted).',
      labelNames: ['controller', 'result'],
      registers,
    });
    this.reconcileErrors = new Counter({
      name: 'cloudflare_operator_reconcile_errors_total',
      help: 'Reconciles that threw (retried or terminal).',
      labelNames: ['controller'],
      registers,
    });
    this.reconcileDuration = new Histogram({
      name: 'cloudflare_operator_reconcile_duration_seconds',
      help: 'Time spent in one reconcile.',
      labelNames: ['controller'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
    this.activeWorkers = new Gauge({
      name: 'cloudflare_operator_active_workers',
      help: 'Reconciles currently running.',
      labelNames: ['controller'],
      registers,
    });
    this.queueDepth = new Gauge({
      name: 'cloudflare_operator_workqueue_depth',
      help: 'Keys waiting in the work queue (not in flight).',
      labelNames: ['name'],
      registers,
    });
    this.queueAdds = new Counter({
      name: 'cloudflare_operator_workqueue_adds_total',
      help: 'Keys added to the work queue (an add of a key already waiting is not counted).',
      labelNames: ['name'],
      registers,
    });
    this.queueRetries = new Counter({
      name: 'cloudflare_operator_workqueue_retries_total',
      help: 'Keys requeued with backoff after a failed reconcile.',
      labelNames: ['name'],
      registers,
    });
    this.watchFailures = new Counter({
      name: 'cloudflare_operator_watch_failures_total',
      help: 'Lists or watches that failed and were retried with backoff.',
      labelNames: ['resource'],
      registers,
    });
    this.watchRestarts = new Counter({
      name: 'cloudflare_operator_watch_restarts_total',
      help: 'Lists and watches (re)established.',
      labelNames: ['resource', 'kind'],
      registers,
    });
    this.watchEvents = new Counter({
      name: 'cloudflare_operator_watch_events_total',
      help: 'Watch events received.',
      labelNames: ['resource'],
      registers,
    });
    this.leader = new Gauge({
      name: 'cloudflare_operator_leader',
      help: '1 while this replica holds the leader lease (or runs without leader election).',
      registers,
    });
    this.leader.set(0);
    this.cloudflare = new CloudflareMetrics(this.registry);
  }

  setLeader(isLeader: boolean): void {
    this.leader.set(isLeader ? 1 : 0);
  }

  /** The observer of one controller and its queue, with its series initialised to 0. */
  controller(name: string): ControllerObserver {
    for (const result of OUTCOMES) this.reconcileTotal.inc({ controller: name, result }, 0);
    this.reconcileErrors.inc({ controller: name }, 0);
    this.reconcileDuration.zero({ controller: name });
    this.activeWorkers.set({ controller: name }, 0);
    this.queueDepth.set({ name }, 0);
    this.queueAdds.inc({ name }, 0);
    this.queueRetries.inc({ name }, 0);
    return {
      reconciled: (outcome, seconds) => {
        this.reconcileTotal.inc({ controller: name, result: outcome });
        if (outcome === 'error' || outcome === 'terminal_error') this.reconcileErrors.inc({ controller: name });
        if (outcome !== 'aborted') this.reconcileDuration.observe({ controller: name }, seconds);
      },
      activeWorkers: (count) => this.activeWorkers.set({ controller: name }, count),
      depth: (depth) => this.queueDepth.set({ name }, depth),
      added: () => this.queueAdds.inc({ name }),
      retried: () => this.queueRetries.inc({ name }),
    };
  }

  /** The observer of one watched resource (e.g. `deployments.apps/v1`), initialised to 0. */
  watch(resource: string): WatchObserver {
    this.watchFailures.inc({ resource }, 0);
    this.watchEvents.inc({ resource }, 0);
    for (const kind of ['list', 'watch'] as const) this.watchRestarts.inc({ resource, kind }, 0);
    return {
      failed: () => this.watchFailures.inc({ resource }),
      restarted: (kind) => this.watchRestarts.inc({ resource, kind }),
      event: () => this.watchEvents.inc({ resource }),
    };
  }
}

/** The Cloudflare API call metrics; the gateway calls onCloudflareCall() after each request. */
export class CloudflareMetrics implements CloudflareCallObserver {
  private readonly calls: Counter<'operation' | 'status'>;
  private readonly duration: Histogram<'operation'>;

  constructor(registry: Registry) {
    this.calls = new Counter({
      name: 'cloudflare_api_calls_total',
      help: 'Cloudflare API calls by operation and status (HTTP status code, or "error" for no response).',
      labelNames: ['operation', 'status'],
      registers: [registry],
    });
    this.duration = new Histogram({
      name: 'cloudflare_api_call_duration_seconds',
      help: 'Cloudflare API call latency by operation.',
      labelNames: ['operation'],
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    });
  }

  /** Starts the given label sets at 0 (call with the gateway's operations and the statuses it reports). */
  initialise(operations: readonly string[], statuses: readonly (string | number)[]): void {
    for (const operation of operations) {
      this.duration.zero({ operation });
      for (const status of statuses) this.calls.inc({ operation, status: String(status) }, 0);
    }
  }

  /** An arrow property so that it can be handed to the gateway as a bare function. */
  readonly onCloudflareCall = (operation: string, status: string | number, durationMs: number): void => {
    this.calls.inc({ operation, status: String(status) });
    this.duration.observe({ operation }, Math.max(0, durationMs) / 1000);
  };
}
