// Wires the runtime together: config → logger → metrics → Kubernetes clients → operator (watches, controllers)
// → leader election → HTTP server, and takes it apart again on shutdown in the safe order.
import { randomBytes } from 'node:crypto';
import { KubeConfig } from '@kubernetes/client-node';
import { sleep, systemClock, systemRandom, type Clock, type Random } from '../runtime/clock.js';
import type { OperatorConfig } from '../runtime/config.js';
import { coalesceWindow, type Controller } from '../runtime/controller.js';
import { describeError } from '../runtime/errors.js';
import {
  CLUSTER_SCOPED_EVENTS_NAMESPACE,
  KubeEventRecorder,
  kubeEventSink,
  type EventRecorder,
} from '../runtime/events.js';
import { HealthServer } from '../runtime/http-server.js';
import { createKubeTransport, ResourceClient, type KubeTransport } from '../runtime/kube-client.js';
import { LeaderElector, type LeaseApi } from '../runtime/leader-election.js';
import { kubeLeaseApi } from '../runtime/lease-api.js';
import { createLogger, type Logger } from '../runtime/logger.js';
import { RuntimeMetrics } from '../runtime/metrics.js';
import { ControllerOperator, type ControllerOperatorOptions } from './controller-operator.js';
import type { ControllerRegistration } from './types.js';

export interface ManagerOptions {
  config: OperatorConfig;
  /** Default: loaded from KUBECONFIG / ~/.kube/config / in-cluster. */
  kubeConfig?: KubeConfig;
  logger?: Logger;
  clock?: Clock;
  random?: Random;
  /** Collect Node.js process metrics (default true). */
  processMetrics?: boolean;
  /** Tests: replace the Lease API or the list/watch sources. */
  leaseApi?: LeaseApi;
  sourceFactory?: ControllerOperatorOptions['sourceFactory'];
}

export class Manager {
  readonly config: OperatorConfig;
  readonly logger: Logger;
  readonly metrics: RuntimeMetrics;
  readonly kubeConfig: KubeConfig;
  readonly transport: KubeTransport;
  readonly client: ResourceClient;
  readonly events: EventRecorder;
  readonly operator: ControllerOperator;
  /** Leader-election identity: pod name + random suffix (a restarted pod is a new candidate). */
  readonly identity: string;
  private readonly recorder: KubeEventRecorder;
  private readonly elector: LeaderElector | undefined;
  private readonly health: HealthServer;
  private readonly clock: Clock;
  private shutdownPromise: Promise<void> | undefined;
  /** Aborts when shutdown begins: ends the wait for the first lists. */
  private readonly stopping = new AbortController();
  private resolveDone: () => void = () => undefined;
  /** Resolves once shutdown has completed. */
  readonly done: Promise<void>;

  constructor(options: ManagerOptions) {
    const { config } = options;
    this.config = config;
    this.clock = options.clock ?? systemClock;
    const random = options.random ?? systemRandom;
    this.identity = `${config.podName}_${randomBytes(4).toString('hex')}`;
    this.logger = options.logger ?? createLogger({ level: config.logLevel, base: { pod: config.podName } });
    this.metrics = new RuntimeMetrics({ processMetrics: options.processMetrics });
    this.kubeConfig = options.kubeConfig ?? loadKubeConfig();
    this.transport = createKubeTransport(this.kubeConfig);
    this.client = new ResourceClient(this.transport);
    this.recorder = new KubeEventRecorder({
      sink: kubeEventSink(this.transport),
      clock: this.clock,
      logger: this.logger.child({ component: 'events' }),
      instance: this.identity,
      clusterScopedNamespace: CLUSTER_SCOPED_EVENTS_NAMESPACE,
    });
    this.events = this.recorder;
    this.operator = new ControllerOperator({
      kubeConfig: this.kubeConfig,
      client: this.client,
      logger: this.logger,
      metrics: this.metrics,
      watchNamespaces: config.watchNamespaces,
      operatorNamespace: config.operatorNamespace,
      concurrency: config.concurrency,
      resyncPeriodMs: config.resyncPeriodMs,
      coalesce: coalesceWindow(config.coalesceWindowMs),
      clock: this.clock,
      random,
      sourceFactory: options.sourceFactory,
    });
    this.elector = this.makeElector(options.leaseApi, random);
    this.health = new HealthServer({
      port: config.http.port,
      host: config.http.host,
      registry: this.metrics.registry,
      logger: this.logger,
      readiness: [
        { name: 'watches', check: () => this.watchesNotSynced() },
        { name: 'leader-election', check: () => (this.elector?.state === 'stopped' ? 'not running' : undefined) },
      ],
    });
    this.done = new Promise((resolve) => (this.resolveDone = resolve));
  }

  private makeElector(leaseApi: LeaseApi | undefined, random: Random): LeaderElector | undefined {
    const le = this.config.leaderElection;
    if (!le.enabled) return undefined;
    return new LeaderElector({
      identity: this.identity,
      leaseDurationMs: le.leaseDurationMs,
      renewDeadlineMs: le.renewDeadlineMs,
      retryPeriodMs: le.retryPeriodMs,
      api: leaseApi ?? kubeLeaseApi(this.transport, le.leaseNamespace, le.leaseName),
      clock: this.clock,
      random,
      logger: this.logger,
      onStartedLeading: () => {
        this.metrics.setLeader(true);
        this.operator.startControllers();
      },
      onStoppedLeading: () => {
        this.metrics.setLeader(false);
        // Stop at once: in-flight reconciles see their signal abort and start no further write; another replica may
        // take over soon.
        this.operator.stopControllers(0).catch((err: unknown) => {
          this.logger.error('stopping controllers failed', { error: describeError(err) });
        });
      },
    });
  }

  private watchesNotSynced(): string | undefined {
    const pending = this.operator.unsynced();
    return pending.length === 0 ? undefined : `waiting for the first list of ${pending.join(', ')}`;
  }

  /** Adds a controller; before start(). */
  register(registration: ControllerRegistration): Controller {
    return this.operator.register(registration);
  }

  /** Leader (or running without leader election). */
  isLeader(): boolean {
    return this.elector ? this.elector.isLeader() : true;
  }

  /**
   * Serves probes and metrics, starts the watches, waits until every watch has completed its first list, then
   * campaigns for leadership (or starts the controllers at once). Resolves early, starting nothing, when
   * shutdown begins during the wait.
   */
  async start(): Promise<{ port: number }> {
    const port = await this.health.listen();
    this.logger.info('starting', { identity: this.identity, port, namespaces: this.config.watchNamespaces });
    await this.operator.start();
    if (!(await this.waitForSync())) return { port };
    if (this.elector) {
      this.elector.start();
    } else {
      this.metrics.setLeader(true);
      this.operator.startControllers();
    }
    return { port };
  }

  /** Waits for the first lists (/readyz names the missing ones meanwhile); false when shutdown began. */
  private async waitForSync(): Promise<boolean> {
    const started = this.clock.now();
    try {
      await this.operator.waitForSync(this.stopping.signal);
    } catch (err: unknown) {
      this.logger.info('stopped waiting for the watches to sync', { reason: describeError(err) });
      return false;
    }
    this.logger.info('watches synced', { waitedMs: this.clock.now() - started });
    return true;
  }

  /** Graceful shutdown; idempotent. Order: not ready → watches → in-flight reconciles → lease → HTTP. */
  shutdown(reason: string): Promise<void> {
    this.shutdownPromise ??= this.runShutdown(reason);
    return this.shutdownPromise;
  }

  private async runShutdown(reason: string): Promise<void> {
    this.logger.info('shutting down', { reason });
    this.stopping.abort(new Error(`shutting down (${reason})`));
    this.health.markShuttingDown();
    await this.step('stop watches', () => this.operator.stopWatches());
    await this.step('finish in-flight reconciles', () => this.operator.stopControllers(this.config.shutdownTimeoutMs));
    if (this.elector)
      await this.step('release the lease', () => this.elector?.stop({ release: true }) ?? Promise.resolve());
    this.metrics.setLeader(false);
    await this.step('flush events', () => Promise.race([this.recorder.flush(), sleep(this.clock, 2000)]));
    await this.step('close the HTTP server', () => this.health.close());
    this.logger.info('shut down');
    this.resolveDone();
  }

  private async step(name: string, action: () => Promise<unknown>): Promise<void> {
    try {
      await action();
    } catch (err: unknown) {
      this.logger.error(`shutdown: ${name} failed`, { error: describeError(err) });
    }
  }
}

function loadKubeConfig(): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromDefault();
  return kc;
}
