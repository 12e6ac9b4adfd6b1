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
import { PICKUP_GRACE_MS } from './connectors-step.js';
import { SIBLING_RECHECK_MS } from './routes-step.js';
import { readStoredTunnel, type StoredTunnel } from './stored-tunnel.js';

const OWNER_ID = 'unit';
const NEW_SECRET = Buffer.alloc(32, 5).toString('base64');
const TUNNEL_PATH = resourcePath(TUNNEL, 'shop', 'web');
const SECRET_PATH = resourcePath(SECRET, 'shop', objectNames(sampleTunnel()).secret);
const HOUR = 3_600_000;

type Obj = Record<string, unknown>;

/** A Service of shop routed to the Tunnel shop/`tunnel` (web by default) under `hostname`. */
function service(name: string, hostname: string, tunnel = 'web'): V1Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name,
      namespace: 'shop',
      uid: `uid-${name}`,
      annotations: { [ServiceAnnotation.tunnel]: tunnel, [ServiceAnnotation.hostnames]: hostname },
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
  /** Called at every Kubernetes write, after it is on the timeline (a test can abort the pass there). */
  const kubeWriteHooks: ((entry: string) => void)[] = [];
  const transport = {
    request: (req: KubeRequest): Promise<unknown> => {
      if (req.method !== 'GET') {
        const entry = `kube ${req.method} ${req.path.split('/').slice(-2).join('/')}`;
        timeline.push(entry);
        for (const hook of kubeWriteHooks) hook(entry);
      }
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
  const reconcileKey = (objectKey: string, signal = new AbortController().signal) =>
    reconciler.reconcile({ key: objectKey, reconcileId: 'r', signal, log: nullLogger });
  const reconcile = (signal?: AbortSignal) => reconcileKey(key, signal);
  return {
    kube,
    cloudflare,
    clock,
    timeline,
    events,
    metrics,
    tunnel,
    reconcile,
    reconcileKey,
    onKubeWrite: (hook: (entry: string) => void) => kubeWriteHooks.push(hook),
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

/** Another Tunnel of shop in the same world (same API credentials); reconcile it with `w.reconcileKey(key)`. */
function addTunnel(w: World, name: string, overrides: Parameters<typeof sampleTunnel>[0] = {}): string {
  const other = sampleTunnel(overrides);
  other.metadata = { ...other.metadata, name, uid: `uid-tunnel-${name}` };
  w.kube.put(resourcePath(TUNNEL, 'shop', name), other as unknown as Obj);
  return `shop/${name}`;
}

/** What came after the first `entry` on the timeline. */
function after(timeline: readonly string[], entry: string): string[] {
  const at = timeline.indexOf(entry);
  if (at < 0) throw new Error(`${entry} is not on the timeline: ${timeline.join(', ')}`);
  return timeline.slice(at + 1);
}

/** The names of the records in a zone of the fake Cloudflare, in order. */
function recordNames(w: World, zoneId = 'z1'): string[] {
  return (w.cloudflare.records.get(zoneId) ?? []).map((r) => r.name);
}

/** Marks the tunnel's cloudflared Deployment as rolled out: every wanted replica updated and ready. */
function finishRollout(w: World): void {
  const path = resourcePath(DEPLOYMENT, 'shop', objectNames(sampleTunnel()).deployment);
  const deployment = w.kube.get(path) as { metadata: { generation?: number }; spec: { replicas?: number } };
  const replicas = deployment.spec.replicas ?? 1;
  w.kube.put(path, {
    ...deployment,
    status: {
      observedGeneration: deployment.metadata.generation ?? 0,
      replicas,
      updatedReplicas: replicas,
      readyReplicas: replicas,
    },
  });
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

  it("local mode: a new route's record waits with its rule while a rollout is in progress", async () => {
    const w = world({ tunnel: sampleTunnel({ configSource: 'local', cloudflared: { replicas: 1 } }) });
    w.addService(service('shop', 'shop.example.com'));
    await w.reconcile(); // creates the Deployment: its rollout is in progress
    w.addService(service('blog', 'blog.example.com'));
    await w.reconcile();
    expect(recordNames(w)).toEqual(['shop.example.com']);
    finishRollout(w);
    await w.reconcile(); // the rollout that carries blog starts, and its record goes with it
    expect(recordNames(w).sort()).toEqual(['blog.example.com', 'shop.example.com']);
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
    expect(w.events.find((e) => e.event.reason === 'DNSRecordsChanged')?.event).toMatchObject({
      type: 'Normal',
      action: 'SyncDNS',
    });
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
    // A record of ours pointing elsewhere (seen at the next verify period) is updated, in the same pass as a new
    // one is created.
    const ours = ownerComment(recordOwner(OWNER_ID, sampleTunnel()));
    w.cloudflare.addRecord('z1', { name: 'docs.example.com', content: 'old.cfargotunnel.com', comment: ours });
    w.addService(service('docs', 'docs.example.com'));
    w.addService(service('shop', 'shop.example.com'));
    await w.clock.advance(HOUR);
    await settle(w);
    expect(dnsEvents().at(-1)).toBe('DNS records: 1 created, 1 updated, 0 deleted');
  });

  it('a route with the dns annotation "false" gets its rule but no record', async () => {
    const w = world({ tunnel: sampleTunnel({ configSource: 'cloudflare' }) });
    const quiet = service('internal', 'internal.example.com');
    quiet.metadata!.annotations![ServiceAnnotation.dns] = 'false';
    w.addService(quiet);
    w.addService(service('shop', 'shop.example.com'));
    await settle(w);
    expect(recordNames(w)).toEqual(['shop.example.com']);
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
    finishRollout(w);
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

  // Leadership lost in the middle of a pass: the step under way finishes, the next one does not start.
  it.each([
    // Obtaining the tunnel ends by storing its ID (else a restart would look for it by name).
    ['cloudflare createTunnel', ['kube PATCH secrets/web-cloudflared-credentials']],
    ['kube PATCH deployments/web-cloudflared', []],
    ['cloudflare applyDnsBatch', []],
    ['cloudflare getConnectors', []],
  ])('aborted at %s (leadership lost): nothing more is called or written', async (point, expected) => {
    const w = world({ tunnel: sampleTunnel({ configSource: 'local', cloudflared: { replicas: 1 } }) });
    w.addService(service('shop', 'shop.example.com'));
    const controller = new AbortController();
    const abortAt = (entry: string) => {
      if (entry === point) controller.abort(new Error('leadership lost'));
    };
    w.onKubeWrite(abortAt);
    for (const method of GATEWAY_METHODS) w.cloudflare.onCall(method, () => abortAt(`cloudflare ${method}`));
    await expect(w.reconcile(controller.signal)).rejects.toThrow('leadership lost');
    expect(after(w.timeline, point)).toEqual(expected);
  });

  it('while another tunnel of ours holds a hostname it now wins, comes back soon', async () => {
    const w = world();
    w.addService(service('shop', 'shop.example.com'));
    const sibling = ownerComment(recordOwner(OWNER_ID, sampleClusterTunnel()));
    w.cloudflare.addRecord('z1', { name: 'shop.example.com', content: 'x.cfargotunnel.com', comment: sibling });
    expect(await w.reconcile()).toEqual({ requeueAfterMs: SIBLING_RECHECK_MS });
    // The pods came up: the connectors are read a moment later, sooner than the sibling is looked at again.
    finishRollout(w);
    expect(await w.reconcile()).toEqual({ requeueAfterMs: PICKUP_GRACE_MS });
    expect(PICKUP_GRACE_MS).toBeLessThan(SIBLING_RECHECK_MS);
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

describe('TunnelReconciler: zones and records', () => {
  const twoZones = (zones: string[]) => sampleTunnel({ cloudflare: { ...sampleTunnel().spec.cloudflare, zones } });

  it('with a zone missing, the records in the zones found still follow the routes (DNSReady says what is missing)', async () => {
    const w = world({ tunnel: twoZones(['example.com', 'missing.org']) });
    w.addService(service('shop', 'shop.example.com'));
    await settle(w);
    expect(recordNames(w)).toEqual(['shop.example.com']);
    w.kube.objects.delete(resourcePath(SERVICE, 'shop', 'shop'));
    await settle(w);
    expect(recordNames(w)).toEqual([]);
    expect(w.condition(ConditionType.DNSReady)).toMatchObject({ status: 'False', reason: Reason.ZoneNotFound });
  });

  it('a zone put in the spec is planned at once: records of this tunnel there that no route wants go', async () => {
    const w = world({ tunnel: twoZones(['example.com', 'example.net']) });
    w.cloudflare.addZone({ id: 'z3', name: 'example.net', accountId: ACCOUNT_ID });
    w.addService(service('shop', 'shop.example.com'));
    await settle(w);
    // example.org takes example.net's place: the same number of zones, the same hostnames.
    w.cloudflare.addZone({ id: 'z2', name: 'example.org', accountId: ACCOUNT_ID });
    const ours = ownerComment(recordOwner(OWNER_ID, sampleTunnel()));
    w.cloudflare.addRecord('z2', { name: 'old.example.org', content: 'x.cfargotunnel.com', comment: ours });
    w.kube.put(TUNNEL_PATH, { ...w.tunnel(), spec: twoZones(['example.com', 'example.org']).spec });
    await w.reconcile();
    expect(recordNames(w, 'z2')).toEqual([]);
  });

  it('a hostname held by a record of someone else is published as soon as that record goes', async () => {
    const w = world();
    w.addService(service('shop', 'shop.example.com'));
    const foreign = w.cloudflare.addRecord('z1', { name: 'shop.example.com', content: '192.0.2.1', type: 'A' });
    await w.reconcile();
    expect(w.status()?.routes?.[0]).toMatchObject({ hostname: 'shop.example.com', state: 'Conflict' });
    w.cloudflare.records.set(
      'z1',
      (w.cloudflare.records.get('z1') ?? []).filter((r) => r.id !== foreign.id),
    );
    await w.reconcile(); // no wait for the verify period
    expect((w.cloudflare.records.get('z1') ?? []).map((r) => r.content)).toEqual([
      `${w.cloudflare.liveTunnels()[0]!.id}.cfargotunnel.com`,
    ]);
  });
});

describe('TunnelReconciler: what the passes remember, per tunnel', () => {
  it("a pass that changes nothing lists no zone again, even once another tunnel's conflict made the zone's copy doubtful", async () => {
    const w = world();
    w.addService(service('shop', 'shop.example.com'));
    const api = addTunnel(w, 'api');
    w.addService(service('clash', 'clash.example.com', 'api'));
    w.cloudflare.addRecord('z1', { name: 'clash.example.com', content: '192.0.2.1', type: 'A' });
    await settle(w);
    await w.reconcileKey(api); // plans a conflict: the zone's copy is dropped
    w.timeline.length = 0;
    await w.reconcile();
    expect(w.timeline).toEqual([]);
  });

  it('tunnels with the same credentials, account and zones look the account up once; other zones, apart', async () => {
    const w = world();
    w.cloudflare.addZone({ id: 'z2', name: 'example.org', accountId: ACCOUNT_ID });
    const twin = addTunnel(w, 'twin');
    const wide = addTunnel(w, 'wide', {
      cloudflare: { ...sampleTunnel().spec.cloudflare, zones: ['example.com', 'example.org'] },
    });
    await settle(w);
    w.timeline.length = 0;
    await w.reconcileKey(twin);
    expect(w.timeline.filter((t) => t.includes('resolveAccount') || t.includes('findZoneByName'))).toEqual([]);
    await w.reconcileKey(wide);
    expect(w.timeline.filter((t) => t.includes('resolveAccount'))).toHaveLength(1);
    w.timeline.length = 0;
    await w.reconcile(); // its account entry is still there
    expect(w.timeline).toEqual([]);
  });

  it('two tunnels in cloudflare mode each keep their own pushed configuration: nothing pushed again', async () => {
    const w = world({ tunnel: sampleTunnel({ configSource: 'cloudflare' }) });
    const api = addTunnel(w, 'api', { configSource: 'cloudflare' });
    w.addService(service('shop', 'shop.example.com'));
    w.addService(service('docs', 'docs.example.com', 'api'));
    await settle(w);
    for (let i = 0; i < 3; i++) await w.reconcileKey(api);
    await w.clock.advance(HOUR);
    w.timeline.length = 0;
    await w.reconcile();
    await w.reconcileKey(api);
    expect(w.timeline.filter((t) => t.includes('putTunnelConfiguration'))).toEqual([]);
  });

  it('new API credentials are checked against Cloudflare at once', async () => {
    const w = world();
    await settle(w);
    const secretPath = resourcePath(SECRET, 'shop', 'cf-credentials');
    const secret = w.kube.get(secretPath)!;
    w.kube.put(secretPath, { ...secret, data: { apiToken: Buffer.from('a-new-token').toString('base64') } });
    w.timeline.length = 0;
    await w.reconcile();
    expect(w.timeline).toEqual(expect.arrayContaining(['cloudflare resolveAccount', 'cloudflare getTunnel']));
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
