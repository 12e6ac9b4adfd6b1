import type { KubernetesObject } from '@kubernetes/client-node';
import type { ReconcileContext } from '../runtime/controller.js';
import { keyOf } from '../runtime/keys.js';
import { ResourceClient, resourceId, type ResourceType } from '../runtime/kube-client.js';
import { nullLogger } from '../runtime/logger.js';
import { RuntimeMetrics } from '../runtime/metrics.js';
import { FakeClock, flushPromises } from '../runtime/testing/fake-clock.js';
import { FakeKube } from '../runtime/testing/fake-kube.js';
import { FakeSource } from '../runtime/testing/fake-source.js';
import { ControllerOperator } from './controller-operator.js';
import type { ControllerRegistration } from './types.js';
import {
  EXAMPLE_TUNNEL as TUNNEL,
  EXAMPLE_CLUSTER_TUNNEL as CLUSTER_TUNNEL,
  EXAMPLE_SERVICE as SERVICE,
  unreachableKubeConfig,
} from '../runtime/testing/resource-types.js';

const DEPLOYMENT: ResourceType = {
  group: 'apps',
  version: 'v1',
  plural: 'deployments',
  kind: 'Deployment',
  namespaced: true,
};

function object(type: ResourceType, namespace: string | undefined, name: string, extra: Record<string, unknown> = {}) {
  const metadata = { name, ...(namespace ? { namespace } : {}), resourceVersion: '1', ...extra };
  return { apiVersion: type.group ? `${type.group}/${type.version}` : type.version, kind: type.kind, metadata };
}

/** `failingList`: watches whose id starts with it fail to list; `heldList`: their list takes 5 s. */
function setup(watchNamespaces: string[] = [], failingList?: string, heldList?: string) {
  const clock = new FakeClock();
  const sources = new Map<string, FakeSource>();
  const kubeConfig = unreachableKubeConfig();
  const operator = new ControllerOperator({
    kubeConfig,
    client: new ResourceClient(new FakeKube()),
    logger: nullLogger,
    metrics: new RuntimeMetrics({ processMetrics: false }),
    watchNamespaces,
    operatorNamespace: 'ops',
    concurrency: 2,
    resyncPeriodMs: 0,
    coalesce: { quietMs: 50, maxQuietMs: 50, maxWaitMs: 1000 },
    clock,
    sourceFactory: (type, namespace, labelSelector) => {
      const id = `${resourceId(type)}|${namespace ?? '*'}|${labelSelector ?? ''}`;
      const source = new FakeSource(clock);
      source.listResults = id.startsWith(failingList ?? '\u0000')
        ? [new Error('tunnels.example.io is forbidden')]
        : [{ items: [], resourceVersion: '1' }];
      if (heldList && id.startsWith(heldList)) source.listDelayMs = 5000;
      sources.set(id, source);
      return source;
    },
  });
  const reconciled: string[] = [];
  const reconcile = (ctx: ReconcileContext): Promise<void> => {
    reconciled.push(ctx.key);
    return Promise.resolve();
  };
  const source = (type: ResourceType, namespace?: string, selector = ''): FakeSource => {
    const found = sources.get(`${resourceId(type)}|${namespace ?? '*'}|${selector}`);
    if (!found)
      throw new Error(`no watch on ${resourceId(type)} in ${namespace ?? '*'} (${[...sources.keys()].join(', ')})`);
    return found;
  };
  return { operator, sources, source, reconciled, reconcile, clock };
}

const tunnelRegistration = (reconcile: ControllerRegistration['reconcile']): ControllerRegistration => ({
  name: 'tunnel',
  primary: { type: TUNNEL },
  owns: [{ type: DEPLOYMENT, labelSelector: 'app.kubernetes.io/managed-by=cloudflare-operator' }],
  watches: [
    {
      type: SERVICE,
      map: (o: KubernetesObject) => {
        const tunnel = o.metadata?.annotations?.['example.io/tunnel'];
        return tunnel ? [keyOf({ namespace: o.metadata?.namespace, name: tunnel })] : [];
      },
    },
  ],
  reconcile,
});

describe('ControllerOperator', () => {
  it('turns primary, owned and related events into primary keys only', async () => {
    const { operator, source, reconciled, reconcile } = setup();
    operator.register(tunnelRegistration(reconcile));
    await operator.start();
    operator.startControllers();
    await flushPromises();
    expect(operator.hasSynced()).toBe(true);

    source(TUNNEL).current.emit('ADDED', object(TUNNEL, 'ns', 't'));
    await flushPromises();
    const ownerRef = { apiVersion: 'example.io/v1', kind: 'Tunnel', name: 't', uid: 'u', controller: true };
    const selector = 'app.kubernetes.io/managed-by=cloudflare-operator';
    source(DEPLOYMENT, undefined, selector).current.emit(
      'MODIFIED',
      object(DEPLOYMENT, 'ns', 't-cloudflared', { ownerReferences: [ownerRef] }),
    );
    await flushPromises();
    source(SERVICE).current.emit('ADDED', object(SERVICE, 'ns', 'web', { annotations: { 'example.io/tunnel': 't' } }));
    source(SERVICE).current.emit('ADDED', object(SERVICE, 'ns', 'unrelated'));
    await flushPromises();
    expect(reconciled).toEqual(['ns/t', 'ns/t', 'ns/t']);
    await operator.stopControllers(0);
    await operator.stopWatches();
  });

  it.each([
    ['moved from Tunnel a to b', { 'example.io/tunnel': 'b' }, ['ns/a', 'ns/b']],
    ['no longer annotated', {}, ['ns/a']],
  ])('a Service %s re-queues the Tunnels of its old and its new version', async (_, annotations, expected) => {
    const { operator, source, reconciled, reconcile } = setup();
    operator.register(tunnelRegistration(reconcile));
    await operator.start();
    operator.startControllers();
    source(SERVICE).current.emit('ADDED', object(SERVICE, 'ns', 'web', { annotations: { 'example.io/tunnel': 'a' } }));
    await flushPromises();
    reconciled.length = 0;
    source(SERVICE).current.emit('MODIFIED', object(SERVICE, 'ns', 'web', { resourceVersion: '2', annotations }));
    await flushPromises();
    expect(reconciled.sort()).toEqual(expected);
    await operator.stopControllers(0);
    await operator.stopWatches();
  });

  it('events of a coalescing watch are queued after the burst; other events at once', async () => {
    const { operator, source, reconciled, reconcile, clock } = setup();
    const registration = tunnelRegistration(reconcile);
    operator.register({ ...registration, watches: registration.watches!.map((w) => ({ ...w, coalesce: true })) });
    await operator.start();
    operator.startControllers();
    const annotations = { 'example.io/tunnel': 't' };
    for (let i = 0; i < 20; i++) {
      source(SERVICE).current.emit('ADDED', object(SERVICE, 'ns', `web-${i}`, { annotations }));
      await clock.advance(10);
    }
    expect(reconciled).toEqual([]);
    source(TUNNEL).current.emit('MODIFIED', object(TUNNEL, 'ns', 'other'));
    await flushPromises();
    expect(reconciled).toEqual(['ns/other']);
    await clock.advance(40);
    expect(reconciled).toEqual(['ns/other', 'ns/t']);
    await clock.advance(5000);
    expect(reconciled).toEqual(['ns/other', 'ns/t']);
    await operator.stopControllers(0);
    await operator.stopWatches();
  });

  it('watches each configured namespace, and cluster-scoped kinds once', async () => {
    const { operator, sources, reconcile } = setup(['a', 'b']);
    operator.register(tunnelRegistration(reconcile));
    operator.register({
      name: 'cluster-tunnel',
      primary: { type: CLUSTER_TUNNEL },
      owns: [{ type: DEPLOYMENT, namespaces: 'operator' }],
      reconcile,
    });
    await operator.start();
    expect([...sources.keys()].sort()).toEqual([
      'clustertunnels.example.io/v1|*|',
      'deployments.apps/v1|a|app.kubernetes.io/managed-by=cloudflare-operator',
      'deployments.apps/v1|b|app.kubernetes.io/managed-by=cloudflare-operator',
      'deployments.apps/v1|ops|',
      'services/v1|a|',
      'services/v1|b|',
      'tunnels.example.io/v1|a|',
      'tunnels.example.io/v1|b|',
    ]);
    await operator.stopWatches();
  });

  it('shares one watch and cache among controllers, caching in full if any needs it', async () => {
    const { operator, sources, source, reconcile } = setup();
    operator.register({
      name: 'one',
      primary: { type: TUNNEL },
      watches: [{ type: SERVICE, map: () => ['x'] }],
      reconcile,
    });
    operator.register({ name: 'two', primary: { type: SERVICE }, reconcile });
    await operator.start();
    expect([...sources.keys()].filter((k) => k.startsWith('services'))).toEqual(['services/v1|*|']);
    source(SERVICE).current.emit('ADDED', { ...object(SERVICE, 'ns', 'web'), spec: { ports: [{ port: 80 }] } });
    expect(operator.watches.get(SERVICE, 'ns/web')).toMatchObject({ spec: { ports: [{ port: 80 }] } });
    await operator.stopWatches();
  });

  it('gives a new leader every known key at once', async () => {
    const { operator, source, reconciled, reconcile } = setup();
    operator.register(tunnelRegistration(reconcile));
    await operator.start();
    source(TUNNEL).current.emit('ADDED', object(TUNNEL, 'ns', 'a'));
    source(TUNNEL).current.emit('ADDED', object(TUNNEL, 'ns', 'b'));
    await flushPromises();
    expect(reconciled).toEqual([]); // not leading yet
    operator.startControllers();
    await flushPromises();
    expect(reconciled.sort()).toEqual(['ns/a', 'ns/b']);
    await operator.stopControllers(0);
    await operator.stopWatches();
  });

  it('waitForSync resolves only once every watch has completed its first list', async () => {
    const { operator, reconcile, clock } = setup([], undefined, 'services');
    operator.register(tunnelRegistration(reconcile));
    await operator.start();
    let synced = false;
    void operator.waitForSync().then(() => (synced = true));
    await clock.advance(4999);
    expect(operator.unsynced()).toEqual(['services/v1']);
    expect(synced).toBe(false);
    await clock.advance(1);
    expect(synced).toBe(true);
    await operator.stopWatches();
  });

  it('a failing watch is reported as not synced, retried, and never throws', async () => {
    const { operator, source, reconcile, clock } = setup([], 'tunnels');
    operator.register(tunnelRegistration(reconcile));
    await operator.start();
    await flushPromises();
    expect(operator.hasSynced()).toBe(false);
    expect(operator.unsynced()).toEqual(['tunnels.example.io/v1']);
    expect(source(TUNNEL).lists).toBe(1);
    await clock.advance(1000 + 2000);
    expect(source(TUNNEL).lists).toBe(3);
    await operator.stopWatches();
  });

  it('refuses the framework’s error-swallowing helpers', async () => {
    const { operator } = setup();
    const helpers = operator as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
    for (const name of [
      'setResourceStatus',
      'patchResourceStatus',
      'handleResourceFinalizer',
      'setResourceFinalizers',
    ]) {
      await expect(helpers[name]!.call(operator, {}, {})).rejects.toThrow(/disabled/);
    }
  });

  it('rejects late or duplicate registrations', async () => {
    const { operator, reconcile } = setup();
    operator.register(tunnelRegistration(reconcile));
    expect(() => operator.register(tunnelRegistration(reconcile))).toThrow(/twice/);
    await operator.start();
    expect(() => operator.register({ ...tunnelRegistration(reconcile), name: 'late' })).toThrow(/after start/);
    await operator.stopWatches();
  });
});
