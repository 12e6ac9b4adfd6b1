import type { KubernetesObject } from '@kubernetes/client-node';
import { ApiException } from '@kubernetes/client-node';
import { KubeEventRecorder, type EventSink } from './events.js';
import { nullLogger, type Logger } from './logger.js';
import { RecordingLogger } from './testing/recording-logger.js';
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

function setup(logger: Logger = nullLogger, options: { maxSeries?: number } = {}) {
  const clock = new FakeClock();
  const sink = new FakeSink();
  const recorder = new KubeEventRecorder({
    sink,
    clock,
    logger,
    instance: 'op-0_ab',
    clusterScopedNamespace: 'ops',
    ...options,
  });
  return { clock, sink, recorder };
}

/** The reasons of the Events created, in order. */
const createdReasons = (sink: FakeSink) => sink.created.map((c) => c.event.reason);

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
        kind: 'Event',
        metadata: { name: expect.stringMatching(/^t\.[0-9a-f]{16}$/) as unknown, namespace: 'ns' },
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

  it('never throws into the caller; failures are logged with the event and the object', async () => {
    const logger = new RecordingLogger();
    const { sink, recorder } = setup(logger);
    sink.fail = new ApiException(403, 'forbidden', {}, {});
    expect(() => recorder.record(tunnel, warning)).not.toThrow();
    await recorder.flush();
    expect(logger.lines).toEqual([
      {
        level: 'warn',
        message: 'could not record event',
        meta: { error: expect.stringContaining('403') as string, reason: 'HostnameConflict', object: 'Tunnel ns/t' },
      },
    ]);
  });

  it('drops an Event for a namespace being deleted quietly (at debug level), whatever form the Status body has', async () => {
    const logger = new RecordingLogger();
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
    const dropped = {
      level: 'debug',
      message: 'event dropped: its namespace is being deleted',
      meta: { reason: 'HostnameConflict' },
    };
    expect(logger.lines.filter((l) => l.level === 'debug')).toEqual([dropped, dropped]);
    expect(logger.summary().filter((l) => !l.startsWith('debug'))).toEqual(['warn could not record event']);
  });

  it('truncates notes beyond the API limit (1,024 characters), marking the cut', async () => {
    const { sink, recorder } = setup();
    recorder.record(tunnel, { ...warning, note: 'x'.repeat(1024) });
    recorder.record(tunnel, { ...warning, note: 'y'.repeat(1025) });
    await recorder.flush();
    expect(sink.created.map((c) => c.event.note)).toEqual(['x'.repeat(1024), `${'y'.repeat(1023)}…`]);
  });

  it('a series lasts less than its window: a repeat at exactly 10 minutes starts a new Event', async () => {
    const { sink, recorder, clock } = setup();
    recorder.record(tunnel, warning);
    await recorder.flush();
    await clock.advance(10 * 60_000);
    recorder.record(tunnel, warning);
    await recorder.flush();
    expect(sink.created).toHaveLength(2);
    expect(sink.patched).toEqual([]);
  });

  it('a repeat whose series cannot be updated (other than gone) is logged, not made a new Event', async () => {
    const logger = new RecordingLogger();
    const { sink, recorder } = setup(logger);
    recorder.record(tunnel, warning);
    await recorder.flush();
    sink.patch = () => Promise.reject(new ApiException(500, 'boom', {}, {}));
    recorder.record(tunnel, warning);
    await recorder.flush();
    expect(sink.created).toHaveLength(1);
    expect(logger.summary()).toEqual(['warn could not record event']);
  });

  it('tells objects apart by UID (a recreated object gets its own Event) and events by every field', async () => {
    const { sink, recorder } = setup();
    const inTurn = [
      () => recorder.record(tunnel, warning),
      () => recorder.record({ ...tunnel, metadata: { ...tunnel.metadata, uid: 'u-recreated' } }, warning),
      // Fields whose concatenations are equal: still two different events.
      () => recorder.record(tunnel, { ...warning, reason: 'AB', action: 'C' }),
      () => recorder.record(tunnel, { ...warning, reason: 'A', action: 'BC' }),
    ];
    for (const record of inTurn) {
      record();
      await recorder.flush();
    }
    expect(createdReasons(sink)).toEqual(['HostnameConflict', 'HostnameConflict', 'AB', 'A']);
    expect(sink.patched).toEqual([]);
  });

  it('keeps at most maxSeries series, forgetting the one created longest ago', async () => {
    const { sink, recorder, clock } = setup(nullLogger, { maxSeries: 2 });
    const event = (reason: string) => ({ ...warning, reason });
    recorder.record(tunnel, event('A'));
    recorder.record(tunnel, event('B'));
    await recorder.flush();
    await clock.advance(10 * 60_000);
    recorder.record(tunnel, event('A')); // a new series for A: now the newest
    recorder.record(tunnel, event('C')); // B goes
    await recorder.flush();
    recorder.record(tunnel, event('A'));
    recorder.record(tunnel, event('B'));
    await recorder.flush();
    expect(createdReasons(sink)).toEqual(['A', 'B', 'A', 'C', 'B']);
    expect(sink.patched).toHaveLength(1);
  });

  it('flush waits for the Events still being sent', async () => {
    const { sink, recorder } = setup();
    let release!: () => void;
    sink.create = () => new Promise<void>((resolve) => (release = resolve));
    recorder.record(tunnel, warning);
    let flushed = false;
    const flushing = recorder.flush().then(() => (flushed = true));
    await Promise.resolve();
    await Promise.resolve();
    expect(flushed).toBe(false);
    release();
    await flushing;
    expect(flushed).toBe(true);
  });
});
