import type { KubernetesObject } from '@kubernetes/client-node';
import { ApiException } from '@kubernetes/client-node';
import { KubeEventRecorder, type EventSink } from './events.js';
import { nullLogger, type Logger } from './logger.js';
import { FakeClock } from './testing/fake-clock.js';

const tunnel: KubernetesObject = {
  apiVersion: 'example.io/v1',
  kind: 'Tunnel',
  metadata: { name: 't', namespace: 'ns', uid: 'u-1', resourceVersion: '9' },
};
const clusterTunnel: KubernetesObject = {
  apiVersion: 'example.io/v1',
  kind: 'ClusterTunnel',
  metadata: { name: 'c', uid: 'u-2' },
};
const warning = {
  type: 'Warning' as const,
  reason: 'HostnameConflict',
  action: 'Reconcile',
  note: 'a.example.com is claimed twice',
};

class FakeSink implements EventSink {
  created: { namespace: string; event: Record<string, unknown> }[] = [];
  patched: { namespace: string; name: string; patch: Record<string, unknown> }[] = [];
  fail: ApiException<unknown> | undefined;
  create(namespace: string, event: Record<string, unknown>): Promise<void> {
    if (this.fail) return Promise.reject(this.fail);
    this.created.push({ namespace, event });
    return Promise.resolve();
  }
  patch(namespace: string, name: string, patch: Record<string, unknown>): Promise<void> {
    if (this.fail) return Promise.reject(this.fail);
    this.patched.push({ namespace, name, patch });
    return Promise.resolve();
  }
}

function setup(logger: Logger = nullLogger) {
  const clock = new FakeClock();
  const sink = new FakeSink();
  const recorder = new KubeEventRecorder({ sink, clock, logger, instance: 'op-0_ab', clusterScopedNamespace: 'ops' });
  return { clock, sink, recorder };
}

describe('KubeEventRecorder', () => {
  it('creates an events.k8s.io/v1 Event reported by cloudflare-operator', async () => {
    const { sink, recorder } = setup();
    recorder.record(tunnel, warning);
    await recorder.flush();
    expect(sink.created).toHaveLength(1);
    expect(sink.created[0]).toMatchObject({
      namespace: 'ns',
      event: {
        apiVersion: 'events.k8s.io/v1',
        reportingController: 'cloudflare-operator',
        reportingInstance: 'op-0_ab',
        type: 'Warning',
        reason: 'HostnameConflict',
        action: 'Reconcile',
        note: 'a.example.com is claimed twice',
        eventTime: '2026-01-01T00:00:00.000000Z',
        regarding: { kind: 'Tunnel', name: 't', namespace: 'ns', uid: 'u-1' },
      },
    });
  });

  it('bumps the series count of a repeat instead of creating another Event', async () => {
    const { sink, recorder, clock } = setup();
    recorder.record(tunnel, warning);
    await recorder.flush();
    await clock.advance(30_000);
    recorder.record(tunnel, warning);
    await recorder.flush();
    recorder.record(tunnel, { ...warning, note: 'something else' });
    await recorder.flush();
    expect(sink.created).toHaveLength(2);
    const name = (sink.created[0]!.event.metadata as { name: string }).name;
    expect(sink.patched).toEqual([
      { namespace: 'ns', name, patch: { series: { count: 2, lastObservedTime: '2026-01-01T00:00:30.000000Z' } } },
    ]);
  });

  it('starts a new Event after the series window, or when the old one is gone', async () => {
    const { sink, recorder, clock } = setup();
    recorder.record(tunnel, warning);
    await recorder.flush();
    await clock.advance(11 * 60_000);
    recorder.record(tunnel, warning);
    await recorder.flush();
    expect(sink.created).toHaveLength(2);
    sink.patch = () => Promise.reject(new ApiException(404, 'gone', {}, {}));
    recorder.record(tunnel, warning);
    await recorder.flush();
    expect(sink.created).toHaveLength(3);
  });

  it('puts Events about cluster-scoped objects in the operator namespace', async () => {
    const { sink, recorder } = setup();
    recorder.record(clusterTunnel, { ...warning, type: 'Normal', reason: 'Ready' });
    await recorder.flush();
    expect(sink.created[0]!.namespace).toBe('ops');
  });

  it('never throws into the caller; failures are logged', async () => {
    const warnings: string[] = [];
    const logger: Logger = { ...nullLogger, warn: (m) => warnings.push(m), child: () => logger };
    const { sink, recorder } = setup(logger);
    sink.fail = new ApiException(403, 'forbidden', {}, {});
    expect(() => recorder.record(tunnel, warning)).not.toThrow();
    await recorder.flush();
    expect(warnings).toEqual(['could not record event']);
  });

  it('drops an Event for a namespace being deleted quietly, whatever form the Status body has', async () => {
    const warnings: string[] = [];
    const logger: Logger = { ...nullLogger, warn: (m) => warnings.push(m), child: () => logger };
    const { sink, recorder } = setup(logger);
    const status = {
      kind: 'Status',
      reason: 'Forbidden',
      details: { causes: [{ reason: 'NamespaceTerminating', field: 'metadata.namespace' }] },
    };
    for (const body of [status, JSON.stringify(status)]) {
      sink.fail = new ApiException(403, 'forbidden', body, {});
      recorder.record(tunnel, warning);
    }
    sink.fail = new ApiException(404, 'not found', status, {});
    recorder.record(tunnel, warning);
    await recorder.flush();
    expect(warnings).toEqual(['could not record event']);
  });

  it('truncates long notes to the API limit', async () => {
    const { sink, recorder } = setup();
    recorder.record(tunnel, { ...warning, note: 'x'.repeat(5000) });
    await recorder.flush();
    expect((sink.created[0]!.event.note as string).length).toBe(1024);
  });
});
