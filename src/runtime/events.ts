// The one Kubernetes Event recorder (events.k8s.io/v1, reportingController `cloudflare-operator`).
// Repeats of the same event about the same object within the series window bump the existing Event's series
// count instead of creating a new object. Recording never throws into the caller: failures are logged.
import type { KubernetesObject } from '@kubernetes/client-node';
import { randomBytes } from 'node:crypto';
import type { Clock } from './clock.js';
import { describeError, isNamespaceTerminating, isNotFound } from './errors.js';
import { microTime } from './lease-api.js';
import type { Logger } from './logger.js';
import type { KubeTransport } from './kube-client.js';

export const REPORTING_CONTROLLER = 'cloudflare-operator';

/**
 * Where Events about cluster-scoped objects (a ClusterTunnel) go: the API server refuses an events.k8s.io/v1 Event
 * about an object without a namespace anywhere but `default` or `kube-system` (422 "involvedObject.namespace ...
 * does not match event.namespace"); `kubectl describe` of a cluster-scoped object finds it there.
 */
export const CLUSTER_SCOPED_EVENTS_NAMESPACE = 'default';

export type EventType = 'Normal' | 'Warning';

export interface EventInput {
  type: EventType;
  /** CamelCase, e.g. `DNSRecordCreated`. */
  reason: string;
  /** What was done, e.g. `Reconcile`, `CreateTunnel`. */
  action: string;
  note: string;
}

/** What controllers hold; record() returns nothing and never rejects. */
export interface EventRecorder {
  record(regarding: KubernetesObject, event: EventInput): void;
}

/** The calls the recorder makes; the real one posts to the API server. */
export interface EventSink {
  create(namespace: string, event: Record<string, unknown>): Promise<void>;
  patch(namespace: string, name: string, patch: Record<string, unknown>): Promise<void>;
}

export interface EventRecorderOptions {
  sink: EventSink;
  clock: Clock;
  logger: Logger;
  /** The pod identity, reported as reportingInstance. */
  instance: string;
  /** Events about cluster-scoped objects go here (CLUSTER_SCOPED_EVENTS_NAMESPACE for a real API server). */
  clusterScopedNamespace: string;
  /** Repeats within this window join the first event's series. */
  seriesWindowMs?: number;
  /** Bound on remembered series. */
  maxSeries?: number;
}

interface Series {
  namespace: string;
  name: string;
  count: number;
  firstSeen: number;
}

const NOTE_LIMIT = 1024;

export class KubeEventRecorder implements EventRecorder {
  private readonly series = new Map<string, Series>();
  private readonly pending = new Set<Promise<void>>();

  constructor(private readonly options: EventRecorderOptions) {}

  record(regarding: KubernetesObject, event: EventInput): void {
    const work = this.send(regarding, event).catch((err: unknown) => {
      if (isNamespaceTerminating(err)) {
        // The object goes with its namespace: nobody will read the Event.
        this.options.logger.debug('event dropped: its namespace is being deleted', { reason: event.reason });
        return;
      }
      this.options.logger.warn('could not record event', {
        error: describeError(err),
        reason: event.reason,
        object: `${regarding.kind ?? ''} ${regarding.metadata?.namespace ?? ''}/${regarding.metadata?.name ?? ''}`,
      });
    });
    this.pending.add(work);
    void work.finally(() => this.pending.delete(work));
  }

  /** Waits for events in flight (shutdown, tests). */
  async flush(): Promise<void> {
    await Promise.all([...this.pending]);
  }

  private async send(regarding: KubernetesObject, event: EventInput): Promise<void> {
    const meta = regarding.metadata ?? {};
    const namespace = meta.namespace ?? this.options.clusterScopedNamespace;
    const now = this.options.clock.now();
    const note = event.note.length > NOTE_LIMIT ? `${event.note.slice(0, NOTE_LIMIT - 1)}…` : event.note;
    const id = [meta.uid ?? `${meta.namespace ?? ''}/${meta.name ?? ''}`, event.type, event.reason, event.action, note];
    const seriesKey = id.join('\u0000');
    const known = this.series.get(seriesKey);
    if (known && now - known.firstSeen < (this.options.seriesWindowMs ?? 10 * 60_000)) {
      known.count += 1;
      try {
        await this.options.sink.patch(known.namespace, known.name, {
          series: { count: known.count, lastObservedTime: microTime(now) },
        });
        return;
      } catch (err: unknown) {
        // The Event expired or was deleted: start a new one (which replaces this series).
        if (!isNotFound(err)) throw err;
      }
    }
    const name = `${meta.name ?? 'object'}.${randomBytes(8).toString('hex')}`;
    await this.options.sink.create(namespace, {
      apiVersion: 'events.k8s.io/v1',
      kind: 'Event',
      metadata: { name, namespace },
      eventTime: microTime(now),
      reportingController: REPORTING_CONTROLLER,
      reportingInstance: this.options.instance,
      action: event.action,
      reason: event.reason,
      note,
      type: event.type,
      regarding: {
        apiVersion: regarding.apiVersion,
        kind: regarding.kind,
        name: meta.name,
        namespace: meta.namespace,
        uid: meta.uid,
        resourceVersion: meta.resourceVersion,
      },
    });
    this.remember(seriesKey, { namespace, name, count: 1, firstSeen: now });
  }

  private remember(key: string, series: Series): void {
    this.series.delete(key);
    this.series.set(key, series);
    const max = this.options.maxSeries ?? 1000;
    while (this.series.size > max) {
      const oldest = this.series.keys().next().value;
      if (oldest === undefined) break;
      this.series.delete(oldest);
    }
  }
}

/** Posts Events to events.k8s.io/v1. */
export function kubeEventSink(transport: KubeTransport): EventSink {
  return {
    async create(namespace, event) {
      await transport.request({
        method: 'POST',
        path: `/apis/events.k8s.io/v1/namespaces/${encodeURIComponent(namespace)}/events`,
        body: event,
      });
    },
    async patch(namespace, name, patch) {
      await transport.request({
        method: 'PATCH',
        path: `/apis/events.k8s.io/v1/namespaces/${encodeURIComponent(namespace)}/events/${encodeURIComponent(name)}`,
        body: patch,
        contentType: 'application/merge-patch+json',
      });
    },
  };
}
