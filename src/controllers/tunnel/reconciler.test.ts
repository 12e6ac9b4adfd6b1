// The reconcile flow against fakes: Kubernetes (FakeKube, also serving as the watch cache) and Cloudflare
// (FakeCloudflare). Ordering is asserted where it matters: what is written before what.
import type { V1Service } from '@kubernetes/client-node';
import { ServiceAnnotation } from '../../api/annotations.js';
import { ConditionType, Reason } from '../../api/conditions.js';
import { FINALIZER } from '../../api/constants.js';
import type { Tunnel, TunnelLike, TunnelStatus } from '../../api/types.js';
import { ownerComment } from '../../cloudflare/index.js';
import { apiError, FakeCloudflare, GATEWAY_METHODS } from '../../cloudflare/testing/fake-cloudflare.js';
import type { CacheReader } from '../../operator/types.js';
import { objectNames } from '../../render/index.js';
import { ACCOUNT_ID, sampleClusterTunnel, sampleTunnel } from '../../render/testing/fixtures.js';
import type { EventInput } from '../../runtime/events.js';
import { TerminalError } from '../../runtime/errors.js';
import { ResourceClient, resourcePath, type KubeRequest, type ResourceType } from '../../runtime/kube-client.js';
import { nullLogger } from '../../runtime/logger.js';
import { FakeClock } from '../../runtime/testing/fake-clock.js';
import { FakeKube } from '../../runtime/testing/fake-kube.js';
import { CLUSTER_TUNNEL, DEPLOYMENT, SECRET, SERVICE, TUNNEL } from '../shared/resources.js';
import { recordOwner } from './dns-step.js';
import { TunnelReconciler } from './reconciler.js';
import { readStoredTunnel, type StoredTunnel } from './stored-tunnel.js';

const OWNER_ID = 'unit';
const NEW_SECRET = Buffer.alloc(32, 5).toString('base64');
const TUNNEL_PATH = resourcePath(TUNNEL, 'shop', 'web');
const SECRET_PATH = resourcePath(SECRET, 'shop', objectNames(sampleTunnel()).secret);
const HOUR = 3_600_000;

type Obj = Record<string, unknown>;

/** A Service of shop routed to the Tunnel shop/web under `hostname`. */
function service(name: string, hostname: string): V1Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name,
      namespace: 'shop',
      uid: `uid-${name}`,
      annotations: { [ServiceAnnotation.tunnel]: 'web', [ServiceAnnotation.hostnames]: hostname },
    },
    spec: { ports: [{ name: 'http', port: 80 }] },
  };
}

function world(options: { tunnel?: TunnelLike; type?: ResourceType } = {}) {
  const kube = new FakeKube();
  const cloudflare = new FakeCloudflare();
  cloudflare.accounts.push({ id: ACCOUNT_ID, name: 'Shop' });
  cloudflare.addZone({ id: 'z1', name: 'example.com', accountId: ACCOUNT_ID });
  const clock = new FakeClock();
  const type = options.type ?? TUNNEL;
  const subject = options.tunnel ?? sampleTunnel();
  const path = resourcePath(type, subject.metadata.namespace, subject.metadata.name);
  /** Every Kubernetes write and Cloudflare call, in order. */
  const timeline: string[] = [];
  const events: { regarding: string; event: EventInput }[] = [];
  const metrics: string[] = [];
  const transport = {
    request: (req: KubeRequest): Promise<unknown> => {
      if (req.method !== 'GET') timeline.push(`kube ${req.method} ${req.path.split('/').slice(-2).join('/')}`);
      return kube.request(req);
    },
  };
  const cache: CacheReader = {
    get: (resource: ResourceType, key: string) => {
      const [namespace, name] = key.includes('/') ? key.split('/') : [undefined, key];
      return kube.get(resourcePath(resource, namespace, name));
    },
    list: (resource: ResourceType) => [...kube.objects.values()].filter((o) => o.kind === resource.kind),
  };
  for (const method of GATEWAY_METHODS) cloudflare.onCall(method, () => timeline.push(`cloudflare ${method}`));
  const reconciler = new TunnelReconciler(
    {
      client: new ResourceClient(transport),
      gateways: { get: () => cloudflare },
      events: {
        record: (regarding, event) =>
          events.push({ regarding: `${regarding.kind}/${regarding.metadata?.name}`, event }),
      },
      clock,
      ownerId: OWNER_ID,
      operatorNamespace: 'cloudflare-operator',
      cache,
      clusterDomain: 'cluster.local',
      verifyPeriodMs: HOUR,
      newSecret: () => NEW_SECRET,
      metrics: {
        observe: (t, status) => metrics.push(`observe ${t.metadata.name} ${status.conditions?.[0]?.status ?? ''}`),
        forget: (kind, namespace, name) => metrics.push(`forget ${kind} ${namespace ?? ''} ${name}`),
      },
    },
    type,
  );
  const credentialsNamespace = type === CLUSTER_TUNNEL ? 'cloudflare-operator' : 'shop';
  kube.put(resourcePath(SECRET, credentialsNamespace, 'cf-credentials'), {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'cf-credentials', namespace: credentialsNamespace },
    data: { apiToken: Buffer.from('a-valid-token').toString('base64') },
  });
  kube.put(path, subject as unknown as Obj);

  const tunnel = (): TunnelLike => kube.get(path) as unknown as TunnelLike;
  const key = subject.metadata.namespace
    ? `${subject.metadata.namespace}/${subject.metadata.name}`
    : subject.metadata.name!;
  const reconcile = (signal = new AbortController().signal) =>
    reconciler.reconcile({ key, reconcileId: 'r', signal, log: nullLogger });
  return {
    kube,
    cloudflare,
    clock,
    timeline,
    events,
    metrics,
    tunnel,
    reconcile,
    status: (): TunnelStatus | undefined => tunnel().status,
    condition: (conditionType: string) => tunnel().status?.conditions?.find((c) => c.type === conditionType),
    stored: (): StoredTunnel => readStoredTunnel(kube.get(SECRET_PATH)),
    markDeleted: () => {
      const next = tunnel();
      next.metadata.deletionTimestamp = new Date();
      kube.put(path, next as unknown as Obj);
    },
    addService: (svc: V1Service) => kube.put(resourcePath(SERVICE, 'shop', svc.metadata!.name), svc as unknown as Obj),
  };
}

type World = ReturnType<typeof world>;

/** Reconciles until nothing changes and returns what the last pass returned. */
async function settle(w: World): Promise<unknown> {
  let result: unknown;
  for (let i = 0; i < 3; i++) result = await w.reconcile();
  return result;
}

describe('TunnelReconciler: a new Tunnel', () => {
  it('adds its finalizer first, stores the pending secret before the create and the ID right after', async () => {
    const w = world();
    const storedAtCreate: StoredTunnel[] = [];
    w.cloudflare.onCall('createTunnel', () => storedAtCreate.push(w.stored()));
    await w.reconcile();
    const writes = w.timeline.filter((t) => t.startsWith('kube') || t === 'cloudflare createTunnel');
    expect(writes.slice(0, 4)).toEqual([
      'kube PATCH tunnels/web',
      `kube PATCH secrets/${objectNames(w.tunnel()).secret}`,
      'cloudflare createTunnel',
      `kube PATCH secrets/${objectNames(w.tunnel()).secret}`,
    ]);
    expect(w.tunnel().metadata.finalizers).toEqual([FINALIZER]);
    expect(storedAtCreate).toEqual([
      { state: 'pending', pending: { name: 'shop-web', accountTag: ACCOUNT_ID, secret: NEW_SECRET } },
    ]);
    const made = w.cloudflare.liveTunnels();
    expect(made).toHaveLength(1);
    expect(w.stored()).toEqual({
      state: 'ready',
      credentials: { accountTag: ACCOUNT_ID, tunnelId: made[0]!.id, tunnelSecret: NEW_SECRET },
      created: true,
    });
  });

  it('writes the status once, with what the pass found, and tells the Tunnel in Events', async () => {
    const w = world();
    await w.reconcile();
    const made = w.cloudflare.liveTunnels()[0]!;
    expect(w.status()).toMatchObject({
      accountId: ACCOUNT_ID,
      tunnelId: made.id,
      tunnelName: 'shop-web',
      created: true,
      zones: [{ name: 'example.com', id: 'z1' }],
      routeCount: 0,
    });
    expect(w.condition(ConditionType.CredentialsValid)).toMatchObject({
      status: 'True',
      message: `account ${ACCOUNT_ID}`,
    });
    expect(w.condition(ConditionType.TunnelReady)).toMatchObject({ status: 'True', reason: Reason.TunnelCreated });
    expect(w.timeline.filter((t) => t.endsWith('web/status'))).toHaveLength(1);
    expect(w.events.filter((e) => e.regarding === 'Tunnel/web').map((e) => e.event.reason)).toContain(
      Reason.TunnelCreated,
    );
    expect(w.metrics).toEqual([`observe web False`]);
  });

  it('a pass with nothing changed calls Cloudflare not at all and writes nothing', async () => {
    const w = world();
    await settle(w);
    w.timeline.length = 0;
    w.events.length = 0;
    await expect(w.reconcile()).resolves.toBeUndefined();
    expect(w.timeline).toEqual([]);
    expect(w.events).toEqual([]);
  });

  it('local mode: a route not Active yet stays Pending on later passes while the rollout that carries it is not finished', async () => {
    const w = world({ tunnel: sampleTunnel({ configSource: 'local', cloudflared: { replicas: 1 } }) });
    w.addService(service('shop', 'shop.example.com'));
    await w.reconcile();
    // An older cloudflared is connected; the Deployment that carries the route never becomes ready.
    w.cloudflare.connectors.set(w.cloudflare.liveTunnels()[0]!.id, {
      count: 1,
      colos: ['fra'],
      versions: ['2026.8.2'],
      configVersion: undefined,
    });
    await w.clock.advance(HOUR);
    await settle(w);
    expect(w.status()?.routes).toEqual([
      expect.objectContaining({
        hostname: 'shop.example.com',
        state: 'Pending',
        message: expect.stringContaining('rollout') as string,
      }),
    ]);
    expect(w.status()?.routeCount).toBe(0);
  });

  it('cloudflare mode: a route added later is pushed in a new configuration version', async () => {
    const w = world({ tunnel: sampleTunnel({ configSource: 'cloudflare', cloudflared: { replicas: 1 } }) });
    w.addService(service('shop', 'shop.example.com'));
    await settle(w);
    const made = w.cloudflare.liveTunnels()[0]!;
    const before = w.cloudflare.configurations.get(made.id)!.version;
    w.addService(service('blog', 'blog.example.com'));
    await w.reconcile();
    const after = w.cloudflare.configurations.get(made.id)!;
    expect(after.version).toBeGreaterThan(before);
    expect(JSON.stringify(after)).toContain('blog.example.com');
  });

  it('once the verify period has passed, checks the tunnel and the records again (without rewriting)', async () => {
    const w = world();
    await settle(w);
    w.timeline.length = 0;
    await w.clock.advance(HOUR);
    await w.reconcile();
    expect(w.timeline).toEqual(
      expect.arrayContaining(['cloudflare resolveAccount', 'cloudflare getTunnel', 'cloudflare listDnsRecords']),
    );
    expect(w.timeline.filter((t) => t.startsWith('kube') || t.includes('create') || t.includes('put'))).toEqual([]);
  });

  it('tells the Tunnel about DNS records only when some changed, with what changed', async () => {
    const w = world();
    w.addService(service('shop', 'shop.example.com'));
    await settle(w);
    const dnsEvents = () => w.events.filter((e) => e.event.reason === 'DNSRecordsChanged').map((e) => e.event.note);
    expect(dnsEvents()).toEqual(['DNS records: 1 created, 0 updated, 0 deleted']);
    // The records are checked again after the verify period: nothing changed, nothing told.
    await w.clock.advance(HOUR);
    await w.reconcile();
    expect(w.timeline).toContain('cloudflare listDnsRecords');
    expect(dnsEvents()).toHaveLength(1);
    w.kube.objects.delete(resourcePath(SERVICE, 'shop', 'shop'));
    w.addService(service('blog', 'blog.example.com'));
    await settle(w);
    expect(dnsEvents()).toEqual([
      'DNS records: 1 created, 0 updated, 0 deleted',
      'DNS records: 1 created, 0 updated, 1 deleted',
    ]);
  });

  it('a route with the dns annotation "false" gets its rule but no record', async () => {
    const w = world({ tunnel: sampleTunnel({ configSource: 'cloudflare' }) });
    const quiet = service('internal', 'internal.example.com');
    quiet.metadata!.annotations![ServiceAnnotation.dns] = 'false';
    w.addService(quiet);
    w.addService(service('shop', 'shop.example.com'));
    await settle(w);
    expect((w.cloudflare.records.get('z1') ?? []).map((r) => r.name)).toEqual(['shop.example.com']);
    const made = w.cloudflare.liveTunnels()[0]!;
    expect(JSON.stringify(w.cloudflare.configurations.get(made.id))).toContain('internal.example.com');
    expect(w.status()).toMatchObject({
      configSource: 'cloudflare',
      configHash: expect.stringMatching(/^[0-9a-f]{64}$/) as unknown,
    });
  });

  it('publishes a Service routed to it: a DNS record, its route Active once cloudflared runs it, an Event on the Service', async () => {
    const w = world({ tunnel: sampleTunnel({ configSource: 'cloudflare', cloudflared: { replicas: 1 } }) });
    w.addService(service('shop', 'shop.example.com'));
    await settle(w);
    const made = w.cloudflare.liveTunnels()[0]!;
    const comment = ownerComment(recordOwner(OWNER_ID, sampleTunnel()));
    expect(w.cloudflare.records.get('z1')).toEqual([
      expect.objectContaining({ name: 'shop.example.com', content: `${made.id}.cfargotunnel.com`, comment }),
    ]);
    expect(w.status()?.routes).toEqual([
      expect.objectContaining({ hostname: 'shop.example.com', source: 'Service shop/shop', state: 'Pending' }),
    ]);
    // cloudflared comes up and runs the pushed configuration.
    const deploymentPath = resourcePath(DEPLOYMENT, 'shop', objectNames(sampleTunnel()).deployment);
    const deployment = w.kube.get(deploymentPath)!;
    w.kube.put(deploymentPath, { ...deployment, status: { readyReplicas: 1, replicas: 1, updatedReplicas: 1 } });
    const version = w.cloudflare.configurations.get(made.id)!.version;
    w.cloudflare.connectors.set(made.id, { count: 1, colos: ['fra'], versions: ['2026.8.2'], configVersion: version });
    await w.clock.advance(HOUR);
    const result = await w.reconcile(); // the pods changed: the connectors are read a moment later …
    expect(result).toEqual({ requeueAfterMs: 1000 });
    await w.clock.advance(1000);
    await w.reconcile(); // … and now they run the pushed version
    expect(w.status()?.routes).toEqual([expect.objectContaining({ hostname: 'shop.example.com', state: 'Active' })]);
    expect(w.status()?.routeCount).toBe(1);
    expect(w.events.map((e) => `${e.regarding} ${e.event.reason}`)).toEqual(
      expect.arrayContaining(['Tunnel/web DNSRecordsChanged', 'Service/shop Published']),
    );
  });
});

describe('TunnelReconciler: failures', () => {
  it('missing API credentials: CredentialsValid False with a Warning, no Cloudflare call, retried with backoff', async () => {
    const w = world();
    w.kube.objects.delete(resourcePath(SECRET, 'shop', 'cf-credentials'));
    await expect(w.reconcile()).rejects.toMatchObject({ name: 'StepFailure', retry: 'backoff' });
    expect(w.cloudflare.calls).toEqual([]);
    expect(w.condition(ConditionType.CredentialsValid)).toMatchObject({ status: 'False', reason: 'SecretNotFound' });
    expect(w.events.map((e) => [e.event.type, e.event.reason, e.event.action])).toEqual([
      ['Warning', 'SecretNotFound', 'ReadCredentials'],
    ]);
  });

  it('a terminal failure (the spec asks for another account) is not retried until the object changes', async () => {
    const w = world();
    await settle(w);
    const edited = w.tunnel() as Tunnel;
    edited.spec.cloudflare.accountId = 'fedcba9876543210fedcba9876543210';
    w.kube.put(TUNNEL_PATH, edited as unknown as Obj);
    w.cloudflare.accounts.push({ id: 'fedcba9876543210fedcba9876543210', name: 'Other' });
    await expect(w.reconcile()).rejects.toBeInstanceOf(TerminalError);
    expect(w.condition(ConditionType.TunnelReady)).toMatchObject({
      status: 'False',
      reason: Reason.TunnelIdentityChanged,
    });
  });

  it('a failure forgets what the passes confirmed: the next pass asks Cloudflare again', async () => {
    const w = world();
    await settle(w);
    w.cloudflare.fail('listDnsRecords', apiError('transient'));
    await w.clock.advance(HOUR);
    await expect(w.reconcile()).rejects.toMatchObject({ kind: 'transient' });
    expect(w.tunnel().status?.conditions?.find((c) => c.type === 'Ready')).toMatchObject({
      status: 'False',
      reason: Reason.CloudflareUnavailable,
    });
    w.timeline.length = 0;
    await w.reconcile();
    expect(w.timeline).toContain('cloudflare getTunnel');
  });

  it('writes nothing more once its signal is aborted (leadership lost)', async () => {
    const w = world();
    const controller = new AbortController();
    w.cloudflare.onCall('createTunnel', () => controller.abort(new Error('leadership lost')));
    await expect(w.reconcile(controller.signal)).rejects.toThrow('leadership lost');
    expect(w.timeline.filter((t) => t.includes('status'))).toEqual([]);
  });

  it('while another tunnel of ours holds a hostname it now wins, comes back soon', async () => {
    const w = world();
    w.addService(service('shop', 'shop.example.com'));
    const sibling = ownerComment(recordOwner(OWNER_ID, sampleClusterTunnel()));
    w.cloudflare.addRecord('z1', { name: 'shop.example.com', content: 'x.cfargotunnel.com', comment: sibling });
    const result = await w.reconcile();
    expect(result).toEqual({ requeueAfterMs: expect.any(Number) as number });
  });
});

describe('TunnelReconciler: an object that is not there', () => {
  it('forgets its gauges and tells the Services waiting for it, once', async () => {
    const w = world();
    w.kube.objects.delete(TUNNEL_PATH);
    w.addService(service('shop', 'shop.example.com'));
    await w.reconcile();
    await w.reconcile();
    expect(w.metrics).toEqual(['forget Tunnel shop web', 'forget Tunnel shop web']);
    expect(w.events).toEqual([
      expect.objectContaining({
        regarding: 'Service/shop',
        event: expect.objectContaining({ reason: 'TunnelNotFound' }) as EventInput,
      }),
    ]);
    expect(w.timeline).toEqual([]);
  });

  it('once it existed in between, tells the Services again when it is gone again', async () => {
    const w = world();
    const object = w.tunnel();
    w.kube.objects.delete(TUNNEL_PATH);
    w.addService(service('shop', 'shop.example.com'));
    await w.reconcile();
    w.kube.put(TUNNEL_PATH, object as unknown as Obj);
    await w.reconcile();
    w.kube.objects.delete(TUNNEL_PATH);
    await w.reconcile();
    expect(w.events.filter((e) => e.event.reason === 'TunnelNotFound')).toHaveLength(2);
  });
});

describe('TunnelReconciler: the account and zones', () => {
  it('a zone missing from the account is looked up again in the next pass', async () => {
    const w = world({
      tunnel: sampleTunnel({ cloudflare: { ...sampleTunnel().spec.cloudflare, zones: ['new.org'] } }),
    });
    await w.reconcile();
    expect(w.condition(ConditionType.DNSReady)).toMatchObject({ status: 'False', reason: Reason.ZoneNotFound });
    w.cloudflare.addZone({ id: 'z2', name: 'new.org', accountId: ACCOUNT_ID });
    await w.reconcile();
    expect(w.status()?.zones).toEqual([{ name: 'new.org', id: 'z2' }]);
  });

  it('a zone added to the spec is looked up in the next pass', async () => {
    const w = world();
    await settle(w);
    w.cloudflare.addZone({ id: 'z2', name: 'new.org', accountId: ACCOUNT_ID });
    const next = w.tunnel();
    next.spec.cloudflare.zones = ['example.com', 'new.org'];
    w.kube.put(TUNNEL_PATH, next as unknown as Obj);
    await w.reconcile();
    expect(w.status()?.zones).toEqual([
      { name: 'example.com', id: 'z1' },
      { name: 'new.org', id: 'z2' },
    ]);
  });
});

describe('TunnelReconciler: deletion', () => {
  it('removes the records and the tunnel it created, reads Cloudflare back, and only then the finalizer', async () => {
    const w = world();
    w.addService(service('shop', 'shop.example.com'));
    await settle(w);
    w.markDeleted();
    w.timeline.length = 0;
    w.metrics.length = 0;
    await expect(w.reconcile()).resolves.toBeUndefined();
    const steps = w.timeline.filter((t) => /deleteTunnel|applyDnsBatch|getTunnel|tunnels\/web|deployments/.test(t));
    expect(steps).toEqual([
      'kube DELETE deployments/web-cloudflared',
      'cloudflare applyDnsBatch',
      'cloudflare deleteTunnel',
      'cloudflare getTunnel',
      'kube PATCH tunnels/web',
    ]);
    expect(w.cloudflare.liveTunnels()).toEqual([]);
    expect(w.cloudflare.records.get('z1')).toEqual([]);
    expect(w.tunnel().metadata.finalizers ?? []).toEqual([]);
    expect(w.timeline.filter((t) => t.includes('status'))).toEqual([]); // released: no status to write
    expect(w.metrics).toEqual(['forget Tunnel shop web']);
  });

  it('an object that never reached Cloudflare is released without credentials', async () => {
    const w = world();
    await w.kube.request({
      method: 'PATCH',
      path: TUNNEL_PATH,
      body: [{ op: 'add', path: '/metadata/finalizers', value: [FINALIZER] }],
      contentType: 'application/json-patch+json',
    });
    w.markDeleted();
    w.kube.objects.delete(resourcePath(SECRET, 'shop', 'cf-credentials'));
    await w.reconcile();
    expect(w.cloudflare.calls).toEqual([]);
    expect(w.timeline).toContain('kube DELETE deployments/web-cloudflared');
    expect(w.tunnel().metadata.finalizers ?? []).toEqual([]);
  });

  it('with a tunnel on record but no credentials: blocked, the finalizer kept', async () => {
    const w = world();
    await settle(w);
    w.markDeleted();
    w.kube.objects.delete(resourcePath(SECRET, 'shop', 'cf-credentials'));
    await expect(w.reconcile()).rejects.toMatchObject({ retry: 'backoff' });
    expect(w.tunnel().metadata.finalizers).toEqual([FINALIZER]);
    expect(w.tunnel().status?.conditions?.find((c) => c.type === 'Ready')).toMatchObject({
      status: 'False',
      reason: Reason.DeletionBlocked,
      message: expect.stringContaining("cannot remove the tunnel's Cloudflare objects") as string,
    });
    expect(w.cloudflare.liveTunnels()).toHaveLength(1);
  });

  it('an object whose finalizer is already gone is left alone', async () => {
    const w = world();
    w.markDeleted();
    await w.reconcile();
    expect(w.timeline).toEqual([]);
  });
});

describe('TunnelReconciler: a ClusterTunnel', () => {
  it('reads its credentials in the operator namespace and runs cloudflared there', async () => {
    const w = world({ tunnel: sampleClusterTunnel(), type: CLUSTER_TUNNEL });
    await w.reconcile();
    expect(w.condition(ConditionType.CredentialsValid)).toMatchObject({ status: 'True' });
    expect(
      w.kube.get(resourcePath(SECRET, 'cloudflare-operator', objectNames(sampleClusterTunnel()).secret)),
    ).toBeDefined();
  });
});
