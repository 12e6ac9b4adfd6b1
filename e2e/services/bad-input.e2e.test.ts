// The bad-input catalogue (test/bad-input/, docs/bad-input.md) on a real cluster, against one operator process:
// Service annotations it refuses (a Warning naming the annotation, the route Invalid, no Cloudflare write),
// Services the API server refuses, odd inputs it accepts (Unicode, the apex, 200 hostnames, ports named like
// numbers), hostnames claimed across namespaces and kinds, a configuration too large for its ConfigMap, credentials
// swapped to another account, a namespace deleted with live routes, and a zone holding 10,000 records.
import { jest } from '@jest/globals';
import {
  CoreV1Api,
  type V1ConfigMap,
  type V1Secret,
  type V1Service,
  type V1ServicePort,
} from '@kubernetes/client-node';
import { CREDENTIALS_FINALIZER } from '../../src/api/constants.js';
import type { TunnelLike } from '../../src/api/types.js';
import { CLUSTER_TUNNEL, CONFIG_MAP, SECRET, SERVICE, TUNNEL } from '../../src/controllers/shared/resources.js';
import { apiStatusCode, describeError } from '../../src/runtime/errors.js';
import { scenarios } from '../../test/bad-input/scenarios.js';
import { refusedAnnotations, refusedServices, type AnnotationCase } from '../../test/bad-input/service-cases.js';
import { adminKubeConfig, createTestNamespace, waitFor, type TestNamespace } from '../support/cluster.js';
import {
  ACCOUNT,
  API_TOKEN,
  apiSecret,
  create,
  getOptional,
  mergePatch,
  remove,
  startTunnelEnvironment,
  tunnelObject,
  waitForCondition,
  waitGone,
  type TunnelEnvironment,
} from '../tunnel/support.js';
import {
  cloudflaredRule,
  eventsOf,
  recordsNamed,
  remoteConfigYaml,
  serviceObject,
  waitForNoRecord,
  waitForNoRoute,
  waitForRecord,
  waitForRoute,
  waitForServiceEvent,
  writeCalls,
} from './support.js';

jest.setTimeout(180_000);

const EXAMPLE_ORG = 'f0000000000000000000000000000002';
const DNS_BATCH = 'POST /zones/:zone_id/dns_records/batch';
const DNS_LIST = 'GET /zones/:zone_id/dns_records';

let env: TunnelEnvironment;
let ns: string;
let ns2: TestNamespace;
let edge: string;
const ids: Record<string, string> = {};
const cloudflare = { accountId: ACCOUNT, credentialsSecretRef: { name: 'cf' }, zones: ['example.com'] };
const target = (tunnel: string) => `${ids[tunnel] ?? '?'}.cfargotunnel.com`;
const core = adminKubeConfig().makeApiClient(CoreV1Api);

/** The tunnels every block shares, as [type, namespace, name, key in `ids`]. */
const shared = () =>
  [
    [TUNNEL, ns, 'remote', 'remote'],
    [TUNNEL, ns, 'local', 'local'],
    [CLUSTER_TUNNEL, undefined, edge, 'edge'],
    [TUNNEL, ns2.name, 'other', 'other'],
  ] as const;

beforeAll(async () => {
  env = await startTunnelEnvironment('bad');
  ns = env.ns.name;
  edge = `edge-${ns}`;
  ns2 = await createTestNamespace('bad2');
  await create(SECRET, apiSecret(env.opNs.name, 'cf', API_TOKEN));
  await create(SECRET, apiSecret(ns2.name, 'cf', API_TOKEN));
  await create(TUNNEL, tunnelObject('Tunnel', 'remote', ns, { cloudflare, configSource: 'cloudflare' }));
  await create(TUNNEL, tunnelObject('Tunnel', 'local', ns, { cloudflare, configSource: 'local' }));
  await create(TUNNEL, tunnelObject('Tunnel', 'other', ns2.name, { cloudflare, configSource: 'cloudflare' }));
  const twoZones = { ...cloudflare, zones: ['example.com', 'example.org'] };
  await create(CLUSTER_TUNNEL, tunnelObject('ClusterTunnel', edge, undefined, { cloudflare: twoZones }));
  for (const [type, namespace, name, key] of shared()) {
    const tunnel = await waitForCondition(type, namespace, name, { type: 'Ready', status: 'True', op: env.op });
    ids[key] = tunnel.status?.tunnelId ?? '';
  }
});

// Tunnels go while the operator still runs: a namespace deleted with a finalized Tunnel in it needs the operator.
afterAll(async () => {
  const tunnels = env ? shared() : [];
  await Promise.all(tunnels.map(([type, namespace, name]) => remove(type, namespace, name).catch(() => undefined)));
  await Promise.all(tunnels.map(([type, namespace, name]) => waitGone(type, namespace, name).catch(() => undefined)));
  await ns2?.delete();
  await env?.close();
});

/** A Service in the test namespace (or `options.namespace`), through the Tunnel `remote` unless the annotations say. */
function exposed(
  name: string,
  annotations: Record<string, string>,
  options: { namespace?: string; ports?: V1ServicePort[]; spec?: V1Service['spec'] } = {},
): V1Service {
  const routed: Record<string, string> =
    'tunnel' in annotations || 'cluster-tunnel' in annotations ? {} : { tunnel: 'remote' };
  return serviceObject(options.namespace ?? ns, name, { ...routed, ...annotations }, options.ports, options.spec);
}

function annotationService(c: AnnotationCase): V1Service {
  const via: Record<string, string> = c.viaClusterTunnel ? { 'cluster-tunnel': edge } : {};
  return exposed(c.service, { ...via, ...c.annotations }, { ports: c.ports, spec: c.spec });
}

/** Writes to DNS records the emulator received since the last clearCalls. */
async function dnsWrites(): Promise<string[]> {
  return (await writeCalls(env.emulator)).filter((route) => route.includes('dns_records'));
}

describe('Service annotations the operator refuses', () => {
  beforeAll(async () => {
    await env.emulator.control.clearCalls();
    await Promise.all(refusedAnnotations.map((c) => create(SERVICE, annotationService(c))));
  });
  afterAll(() => Promise.all(refusedAnnotations.map((c) => remove(SERVICE, ns, c.service).catch(() => undefined))));

  it.each(refusedAnnotations.map((c) => [c.name, c] as const))(
    '%s: a Warning naming the annotation and the route Invalid',
    async (_name, c) => {
      const annotation = `cloudflare-operator.io/${c.annotation}`;
      const [type, namespace, name] = c.viaClusterTunnel ? [CLUSTER_TUNNEL, undefined, edge] : [TUNNEL, ns, 'remote'];
      const source = `Service ${ns}/${c.service}`;
      const route = await waitForRoute(type, namespace, name, { source, state: 'Invalid' }, env.op);
      expect(route.message).toContain(annotation);
      const warning = await waitForServiceEvent(ns, c.service, 'InvalidAnnotations', env.op);
      expect(warning.type).toBe('Warning');
      expect(warning.note).toContain(annotation);
    },
  );

  it('none of them made the operator write to Cloudflare, and the other routes still serve', async () => {
    expect(await writeCalls(env.emulator)).toEqual([]);
    expect(env.op.gone()).toBeUndefined();
    const remote = await getOptional<TunnelLike>(TUNNEL, ns, 'remote');
    expect(remote?.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
  });
});

describe('Services the API server refuses', () => {
  it.each(refusedServices.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const service = { ...c.service, metadata: { ...c.service.metadata, namespace: ns } };
    const error = await create(SERVICE, service).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(apiStatusCode(error)).toBe(422);
    expect(describeError(error)).toContain(c.refusedWith);
  });
});

describe('hostnames accepted as written, or converted', () => {
  it(scenarios.unicodeHostname.name, async () => {
    await create(SERVICE, exposed('idn', { hostnames: 'Bücher.example.com' }));
    const route = await waitForRoute(TUNNEL, ns, 'remote', { source: `Service ${ns}/idn`, state: 'Active' }, env.op);
    expect(route.hostname).toBe('xn--bcher-kva.example.com');
    await waitForRecord(env.emulator, 'xn--bcher-kva.example.com', (r) => r.content === target('remote'), env.op);
    const yaml = await remoteConfigYaml(env.emulator, ids.remote ?? '');
    expect(await cloudflaredRule(yaml, 'https://xn--bcher-kva.example.com/')).toBe(
      `http://idn.${ns}.svc.cluster.local:80`,
    );
  });

  it(scenarios.punycodeTwin.name, async () => {
    const before = await recordsNamed(env.emulator, 'xn--bcher-kva.example.com');
    await create(SERVICE, exposed('idn2', { tunnel: 'local', hostnames: 'xn--bcher-kva.example.com' }));
    const source = `Service ${ns}/idn2`;
    const lost = await waitForRoute(TUNNEL, ns, 'local', { source, state: 'Conflict' }, env.op);
    expect(lost.message).toContain(`Service ${ns}/idn`);
    const warning = await waitForServiceEvent(ns, 'idn2', 'HostnameConflict', env.op);
    expect(warning.type).toBe('Warning');
    expect(await recordsNamed(env.emulator, 'xn--bcher-kva.example.com')).toEqual(before);
    await remove(SERVICE, ns, 'idn2');
    await remove(SERVICE, ns, 'idn');
    await waitForNoRecord(env.emulator, 'xn--bcher-kva.example.com', env.op);
  });

  it(scenarios.apex.name, async () => {
    await create(SERVICE, exposed('apex', { hostnames: 'example.com' }));
    const record = await waitForRecord(env.emulator, 'example.com', () => true, env.op);
    expect(record).toMatchObject({ type: 'CNAME', content: target('remote'), proxied: true });
    await remove(SERVICE, ns, 'apex');
    await waitForNoRecord(env.emulator, 'example.com', env.op);
  });

  it(scenarios.apexTaken.name, async () => {
    await env.emulator.control.seed({
      records: [{ zoneId: EXAMPLE_ORG, name: 'example.org', type: 'A', content: '192.0.2.1', proxied: true }],
    });
    const before = await recordsNamed(env.emulator, 'example.org');
    await create(SERVICE, exposed('apexorg', { 'cluster-tunnel': edge, hostnames: 'example.org' }));
    const route = await waitForRoute(
      CLUSTER_TUNNEL,
      undefined,
      edge,
      { hostname: 'example.org', state: 'Conflict' },
      env.op,
    );
    expect(route.message).toContain('A record example.org');
    await waitForCondition(CLUSTER_TUNNEL, undefined, edge, {
      type: 'DNSReady',
      status: 'False',
      reason: 'RecordConflict',
      op: env.op,
    });
    expect(await recordsNamed(env.emulator, 'example.org')).toEqual(before);
    await remove(SERVICE, ns, 'apexorg');
    await waitForCondition(CLUSTER_TUNNEL, undefined, edge, { type: 'DNSReady', status: 'True', op: env.op });
    expect(await recordsNamed(env.emulator, 'example.org')).toEqual(before);
  });

  it(scenarios.manyHostnames.name, async () => {
    const hostnames = Array.from({ length: 200 }, (_, i) => `h${i}.example.com`);
    await env.emulator.control.clearCalls();
    await create(SERVICE, exposed('many', { hostnames: hostnames.join(',') }));
    await waitFor(
      async () => {
        const state = await env.emulator.control.state();
        const ours = state.records.filter((r) => /^h\d+\.example\.com$/.test(r.name) && r.content === target('remote'));
        return ours.length === 200 || undefined;
      },
      { description: '200 records', giveUpIf: env.op.gone, timeoutMs: 60_000 },
    );
    const writes = await dnsWrites();
    expect(writes.every((w) => w === DNS_BATCH)).toBe(true);
    expect(writes.length).toBeLessThanOrEqual(2);
    // The records land before the status that lists the routes is written: wait for that write.
    const routes = await waitFor(
      async () => {
        const tunnel = await getOptional<TunnelLike>(TUNNEL, ns, 'remote');
        const mine = tunnel?.status?.routes?.filter((r) => r.source === `Service ${ns}/many`) ?? [];
        return mine.length === 200 ? mine : undefined;
      },
      { description: "the tunnel's status listing the 200 routes", giveUpIf: env.op.gone, timeoutMs: 30_000 },
    );
    expect(routes.map((r) => r.hostname).sort()).toEqual([...hostnames].sort());
    await remove(SERVICE, ns, 'many');
    await waitFor(
      async () => !(await env.emulator.control.state()).records.some((r) => /^h\d+\.example\.com$/.test(r.name)),
      { description: 'the 200 records gone', giveUpIf: env.op.gone, timeoutMs: 60_000 },
    );
  });
});

describe('ports and Service types', () => {
  const origin = async (name: string) =>
    (await waitForRoute(TUNNEL, ns, 'remote', { source: `Service ${ns}/${name}`, state: 'Active' }, env.op)).service;

  it(scenarios.numericPortName.name, async () => {
    const ports = [
      { name: '8080', port: 80, targetPort: 9000 },
      { name: 'admin', port: 9443 },
    ];
    await create(SERVICE, exposed('numname', { port: '8080' }, { ports }));
    expect(await origin('numname')).toBe(`http://numname.${ns}.svc.cluster.local:80`);
  });

  it(scenarios.externalName.name, async () => {
    const spec = { type: 'ExternalName', externalName: 'db.internal.example.net' };
    await create(SERVICE, exposed('ext', { port: '5432', protocol: 'tcp' }, { ports: [], spec }));
    expect(await origin('ext')).toBe('tcp://db.internal.example.net:5432');
  });

  it(scenarios.headless.name, async () => {
    const ports = [{ name: 'web', port: 80, targetPort: 8080 }];
    await create(SERVICE, exposed('hl', {}, { ports, spec: { clusterIP: 'None' } }));
    expect(await origin('hl')).toBe(`http://hl.${ns}.svc.cluster.local:8080`);
    await Promise.all(['numname', 'ext', 'hl'].map((name) => remove(SERVICE, ns, name)));
  });
});

describe('one hostname claimed twice', () => {
  beforeAll(async () => {
    await create(SERVICE, exposed('first', { hostnames: 'claimed.example.com' }));
    await waitForRecord(env.emulator, 'claimed.example.com', (r) => r.content === target('remote'), env.op);
  });
  afterAll(async () => {
    await Promise.all([
      remove(SERVICE, ns2.name, 'second').catch(() => undefined),
      remove(SERVICE, ns, 'viaedge').catch(() => undefined),
    ]);
    // The losers leave first, so that no other claim takes the hostname over when the winner goes.
    await waitForNoRoute(TUNNEL, ns2.name, 'other', 'claimed.example.com', env.op);
    await waitForNoRoute(CLUSTER_TUNNEL, undefined, edge, 'claimed.example.com', env.op);
    await remove(SERVICE, ns, 'first');
    await waitForNoRecord(env.emulator, 'claimed.example.com', env.op); // no write left over for the next test
  });

  it(scenarios.acrossNamespaces.name, async () => {
    const service = exposed('second', { tunnel: 'other', hostnames: 'claimed.example.com' }, { namespace: ns2.name });
    await create(SERVICE, service);
    const lost = await waitForRoute(
      TUNNEL,
      ns2.name,
      'other',
      { hostname: 'claimed.example.com', state: 'Conflict' },
      env.op,
    );
    expect(lost.message).toContain(`Service ${ns}/first`);
    const warning = await waitForServiceEvent(ns2.name, 'second', 'HostnameConflict', env.op);
    expect(warning.note).toContain(`Service ${ns}/first`);
    const [record] = await recordsNamed(env.emulator, 'claimed.example.com');
    expect(record?.content).toBe(target('remote'));
  });

  it(scenarios.acrossKinds.name, async () => {
    await create(SERVICE, exposed('viaedge', { 'cluster-tunnel': edge, hostnames: 'claimed.example.com' }));
    const lost = await waitForRoute(
      CLUSTER_TUNNEL,
      undefined,
      edge,
      { hostname: 'claimed.example.com', state: 'Conflict' },
      env.op,
    );
    expect(lost.message).toContain(`Service ${ns}/first`);
    await waitForServiceEvent(ns, 'viaedge', 'HostnameConflict', env.op);
    expect(await recordsNamed(env.emulator, 'claimed.example.com')).toEqual([
      expect.objectContaining({ content: target('remote') }),
    ]);
  });
});

/** Three Services whose 780 rules, with long hostnames, paths and origin options, take about 1.5 MB of YAML. */
function hugeServices(): V1Service[] {
  const longHost = (service: number, i: number) =>
    `${'a'.repeat(50)}-${service}-${i}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(50)}.example.com`;
  const origin = JSON.stringify({ httpHostHeader: 'h'.repeat(253), originServerName: 's'.repeat(253) });
  return [0, 1, 2].map((service) =>
    exposed(`huge${service}`, {
      tunnel: 'local',
      hostnames: Array.from({ length: 260 }, (_, i) => longHost(service, i)).join(','),
      path: `^/${'p'.repeat(1020)}`,
      'origin-request': origin,
    }),
  );
}

describe('a configuration too large for its ConfigMap', () => {
  it(scenarios.configTooLarge.name, async () => {
    const before = await getOptional<V1ConfigMap>(CONFIG_MAP, ns, 'local-cloudflared');
    await env.emulator.control.clearCalls();
    const services = hugeServices();
    for (const service of services)
      expect(service.metadata?.annotations?.['cloudflare-operator.io/hostnames']?.length).toBeLessThan(65536);
    await Promise.all(services.map((service) => create(SERVICE, service)));
    const tunnel = await waitForCondition(TUNNEL, ns, 'local', {
      type: 'ConfigReady',
      status: 'False',
      reason: 'ConfigTooLarge',
      op: env.op,
    });
    const ready = tunnel.status?.conditions?.find((c) => c.type === 'Ready');
    expect(ready).toMatchObject({ status: 'False', reason: 'NotReady' });
    expect(ready?.message).toContain('a ConfigMap can hold');
    const warning = await waitFor(
      async () => (await eventsOf(ns, 'Tunnel', 'local')).find((e) => e.reason === 'ConfigTooLarge'),
      { description: 'a ConfigTooLarge Event', giveUpIf: env.op.gone },
    );
    expect(warning.type).toBe('Warning');
    const after = await getOptional<V1ConfigMap>(CONFIG_MAP, ns, 'local-cloudflared');
    expect(after?.metadata?.resourceVersion).toBe(before?.metadata?.resourceVersion);
    expect(await dnsWrites()).toEqual([]);
    expect(env.op.gone()).toBeUndefined();

    await Promise.all(services.map((service) => remove(SERVICE, ns, service.metadata?.name ?? '')));
    await waitForCondition(TUNNEL, ns, 'local', { type: 'Ready', status: 'True', op: env.op });
  });
});

describe('credentials Secrets', () => {
  const OTHER_ACCOUNT = 'fedcba9876543210fedcba9876543210';
  const OTHER_TOKEN = 'other-account-token';

  afterAll(async () => {
    for (const name of ['swap', 'nokey', 'spaced']) await remove(TUNNEL, ns, name).catch(() => undefined);
    for (const name of ['swap', 'nokey', 'spaced']) await waitGone(TUNNEL, ns, name, env.op);
  });

  it(scenarios.swappedAccount.name, async () => {
    // The other account has a zone of the same name: a lookup by name alone would find it.
    await env.emulator.control.seed({
      accounts: [{ id: OTHER_ACCOUNT, name: 'Other Account' }],
      zones: [{ id: 'f00000000000000000000000000000a1', name: 'example.com', accountId: OTHER_ACCOUNT }],
      tokens: [{ token: OTHER_TOKEN, accounts: [OTHER_ACCOUNT], user: 'other@example.com' }],
    });
    await create(SECRET, apiSecret(ns, 'cf-swap', API_TOKEN));
    const spec = {
      cloudflare: { ...cloudflare, credentialsSecretRef: { name: 'cf-swap' } },
      configSource: 'cloudflare' as const,
    };
    await create(TUNNEL, tunnelObject('Tunnel', 'swap', ns, spec));
    await create(SERVICE, exposed('swapped', { tunnel: 'swap', hostnames: 'swap.example.com' }));
    await waitForRoute(TUNNEL, ns, 'swap', { hostname: 'swap.example.com', state: 'Active' }, env.op);
    await waitForRecord(env.emulator, 'swap.example.com', () => true, env.op);
    const before = await env.emulator.control.state();
    await env.emulator.control.clearCalls();

    await mergePatch(SECRET, ns, 'cf-swap', { stringData: { apiToken: OTHER_TOKEN } });
    const tunnel = await waitForCondition(TUNNEL, ns, 'swap', {
      type: 'CredentialsValid',
      status: 'False',
      reason: 'PermissionDenied',
      op: env.op,
    });
    expect(tunnel.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('False');
    await waitFor(async () => (await eventsOf(ns, 'Tunnel', 'swap')).find((e) => e.reason === 'PermissionDenied'), {
      description: 'a PermissionDenied Event',
      giveUpIf: env.op.gone,
    });
    const after = await env.emulator.control.state();
    expect(await writeCalls(env.emulator)).toEqual([]);
    expect(after.records).toEqual(before.records);
    expect(after.tunnels).toEqual(before.tunnels);
    expect(after.tunnels.filter((t) => t.accountId === OTHER_ACCOUNT)).toEqual([]);

    await mergePatch(SECRET, ns, 'cf-swap', { stringData: { apiToken: API_TOKEN } });
    await waitForCondition(TUNNEL, ns, 'swap', { type: 'Ready', status: 'True', op: env.op });
    expect(await recordsNamed(env.emulator, 'swap.example.com')).toHaveLength(1);
    await remove(SERVICE, ns, 'swapped');
    await waitForNoRecord(env.emulator, 'swap.example.com', env.op);
  });

  it(scenarios.secretDeletedInUse.name, async () => {
    const tunnelId = (await getOptional<TunnelLike>(TUNNEL, ns, 'swap'))?.status?.tunnelId ?? '';
    await waitFor(
      async () =>
        (await getOptional<V1Secret>(SECRET, ns, 'cf-swap'))?.metadata?.finalizers?.includes(CREDENTIALS_FINALIZER),
      { description: 'the credentials Secret protected', giveUpIf: env.op.gone },
    );
    await remove(SECRET, ns, 'cf-swap');
    const held = await getOptional<V1Secret>(SECRET, ns, 'cf-swap');
    expect(held?.metadata?.deletionTimestamp).toBeDefined();
    await waitForCondition(TUNNEL, ns, 'swap', { type: 'Ready', status: 'True', op: env.op });
    await remove(TUNNEL, ns, 'swap');
    await waitGone(TUNNEL, ns, 'swap', env.op);
    await waitGone(SECRET, ns, 'cf-swap', env.op);
    const left = (await env.emulator.control.state()).tunnels.find((t) => t.id === tunnelId);
    expect(left?.deletedAt).toBeDefined();
  });

  it(scenarios.keyMissing.name, async () => {
    const secret = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'cf-nokey', namespace: ns },
      stringData: { token: API_TOKEN },
    };
    await create(SECRET, secret);
    await env.emulator.control.clearCalls();
    const spec = { cloudflare: { ...cloudflare, credentialsSecretRef: { name: 'cf-nokey' } } };
    await create(TUNNEL, tunnelObject('Tunnel', 'nokey', ns, spec));
    const tunnel = await waitForCondition(TUNNEL, ns, 'nokey', {
      type: 'CredentialsValid',
      status: 'False',
      reason: 'SecretKeyMissing',
      op: env.op,
    });
    expect(tunnel.status?.conditions?.find((c) => c.type === 'CredentialsValid')?.message).toContain('"apiToken"');
    await waitFor(async () => (await eventsOf(ns, 'Tunnel', 'nokey')).find((e) => e.reason === 'SecretKeyMissing'), {
      description: 'a SecretKeyMissing Event',
      giveUpIf: env.op.gone,
    });
    expect(await writeCalls(env.emulator)).toEqual([]);
  });

  it(scenarios.tokenWithSpace.name, async () => {
    await create(SECRET, apiSecret(ns, 'cf-spaced', `${API_TOKEN} x`));
    await env.emulator.control.clearCalls();
    const spec = { cloudflare: { ...cloudflare, credentialsSecretRef: { name: 'cf-spaced' } } };
    await create(TUNNEL, tunnelObject('Tunnel', 'spaced', ns, spec));
    const tunnel = await waitForCondition(TUNNEL, ns, 'spaced', {
      type: 'CredentialsValid',
      status: 'False',
      reason: 'InvalidCredentials',
      op: env.op,
    });
    const message = tunnel.status?.conditions?.find((c) => c.type === 'CredentialsValid')?.message ?? '';
    expect(message).toContain('whitespace');
    expect(message).not.toContain(API_TOKEN);
    expect(await writeCalls(env.emulator)).toEqual([]);
  });
});

describe('a namespace deleted with live routes', () => {
  it(scenarios.namespaceDeleted.name, async () => {
    const doomed = await createTestNamespace('doomed');
    await create(SECRET, apiSecret(doomed.name, 'cf', API_TOKEN));
    // local mode: Active once cloudflared has rolled out (no simulated connectors serve this namespace).
    await create(TUNNEL, tunnelObject('Tunnel', 'doomed', doomed.name, { cloudflare, configSource: 'local' }));
    await create(
      SERVICE,
      exposed('app', { tunnel: 'doomed', hostnames: 'doomed.example.com' }, { namespace: doomed.name }),
    );
    await waitForRoute(TUNNEL, doomed.name, 'doomed', { hostname: 'doomed.example.com', state: 'Active' }, env.op);
    const tunnel = await getOptional<TunnelLike>(TUNNEL, doomed.name, 'doomed');
    const tunnelId = tunnel?.status?.tunnelId ?? '';
    await waitForRecord(
      env.emulator,
      'doomed.example.com',
      (r) => r.content === `${tunnelId}.cfargotunnel.com`,
      env.op,
    );

    await doomed.delete();
    await waitFor(
      () =>
        core.readNamespace({ name: doomed.name }).then(
          () => false,
          (e: unknown) => apiStatusCode(e) === 404,
        ),
      { description: `namespace ${doomed.name} gone`, giveUpIf: env.op.gone, timeoutMs: 90_000 },
    );
    expect(await recordsNamed(env.emulator, 'doomed.example.com')).toEqual([]);
    const left = (await env.emulator.control.state()).tunnels.find((t) => t.id === tunnelId);
    expect(left?.deletedAt).toBeDefined();
  });
});

describe('a crowded zone', () => {
  const ZONE = 'f0000000000000000000000000000003';

  /** 10,000 records nobody here owns: A records, other installations' CNAMEs and TXT records. */
  function crowd() {
    return Array.from({ length: 10_000 }, (_, i) => {
      const name = `r${i}.example.net`;
      if (i % 20 === 0) {
        const comment = `cloudflare-operator owner=elsewhere tunnel=Tunnel/x/t${i}`;
        return { zoneId: ZONE, name, type: 'CNAME', content: `t${i}.cfargotunnel.com`, proxied: true, comment };
      }
      if (i % 20 === 1) return { zoneId: ZONE, name, type: 'TXT', content: `"v=spf1 -all ${i}"` };
      return { zoneId: ZONE, name, type: 'A', content: `198.51.100.${i % 250}`, comment: 'by hand' };
    });
  }

  afterAll(async () => {
    await remove(TUNNEL, ns, 'bulk').catch(() => undefined);
    await waitGone(TUNNEL, ns, 'bulk', env.op);
  });

  it(scenarios.crowdedZone.name, async () => {
    await env.emulator.control.seed({ zones: [{ id: ZONE, name: 'example.net', accountId: ACCOUNT }] });
    const { records: seeded } = await env.emulator.control.seed({ records: crowd() });
    await env.emulator.control.clearCalls();
    const spec = { cloudflare: { ...cloudflare, zones: ['example.net'] }, configSource: 'cloudflare' as const };
    await create(TUNNEL, tunnelObject('Tunnel', 'bulk', ns, spec));
    await create(SERVICE, exposed('bulkapp', { tunnel: 'bulk', hostnames: 'app.example.net' }));
    await waitForRoute(TUNNEL, ns, 'bulk', { hostname: 'app.example.net', state: 'Active' }, env.op);
    await waitForRecord(env.emulator, 'app.example.net', () => true, env.op);
    await remove(SERVICE, ns, 'bulkapp');
    await waitForNoRecord(env.emulator, 'app.example.net', env.op);

    const calls = await env.emulator.control.calls();
    const lists = calls.recent.filter((c) => c.route === DNS_LIST && c.path.includes(ZONE));
    // Each full list is 10 pages of 1,000; a few passes may list again, never one call per record.
    expect(lists.length).toBeGreaterThanOrEqual(10);
    expect(lists.length).toBeLessThanOrEqual(40);
    const dnsWritesToZone = calls.recent.filter((c) => c.method !== 'GET' && c.path.includes(ZONE));
    expect(dnsWritesToZone.map((c) => c.route)).toEqual([DNS_BATCH, DNS_BATCH]);
    const now = (await env.emulator.control.state()).records.filter((r) => r.zoneId === ZONE);
    expect(now).toEqual(seeded);
  });
});
