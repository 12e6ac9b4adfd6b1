// The Helm chart for real: `helm install --wait` into the local cluster, then the operator runs as a process
// authenticated with the chart's ServiceAccount token (not the admin), with leader election on, and takes tunnels
// of both kinds and both modes through their whole life. Least privilege both ways: a missing RBAC rule fails the
// life (the API server refuses a request), and a granted verb that no request used (kube-apiserver's audit log
// says which) fails the check after it.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { V1Deployment, V1Secret } from '@kubernetes/client-node';
import { CREDENTIALS_FINALIZER } from '../../src/api/constants.js';
import type { TunnelSpec } from '../../src/api/types.js';
import { objectNames } from '../../src/render/index.js';
import {
  CLUSTER_TUNNEL,
  CONFIG_MAP,
  DEPLOYMENT,
  NETWORK_POLICY,
  POD_DISRUPTION_BUDGET,
  SECRET,
  TUNNEL,
} from '../../src/controllers/shared/resources.js';
import type { ResourceType } from '../../src/runtime/kube-client.js';
import { startEmulator, type RunningEmulator } from '../../test/cloudflare-emulator/index.js';
import { auditEventsOf } from '../cluster/audit.js';
import { clusterState, createTestNamespace, waitFor, type TestNamespace } from '../support/cluster.js';
import { helm } from '../support/tools.js';
import {
  A,
  SERVICE,
  eventsOf,
  serviceObject,
  waitForNoRoute,
  waitForRoute,
  waitForServiceEvent,
} from '../services/support.js';
import {
  ACCOUNT,
  API_TOKEN,
  OperatorProcess,
  apiSecret,
  create,
  getOptional,
  mergePatch,
  remove,
  tunnelObject,
  waitForCondition,
  waitGone,
} from '../tunnel/support.js';
import { grantedPermissions, refusedRequests, roleRules, usedPermissions } from './permissions.js';
import { CHART, FULLNAME, RELEASE, chartKubeconfig, chartUser, installChart, manifestObjects } from './support.js';

const CLUSTER_ROLE: ResourceType = {
  group: 'rbac.authorization.k8s.io',
  version: 'v1',
  plural: 'clusterroles',
  kind: 'ClusterRole',
  namespaced: false,
};
const CRD: ResourceType = {
  group: 'apiextensions.k8s.io',
  version: 'v1',
  plural: 'customresourcedefinitions',
  kind: 'CustomResourceDefinition',
  namespaced: false,
};

/**
 * Granted, but never the verb of a request: the OwnerReferencesPermissionEnforcement admission plugin (on in the
 * e2e cluster, as on hardened clusters) checks them inside the server-side applies of the objects a tunnel owns,
 * whose ownerReference sets blockOwnerDeletion; without them the life above is refused.
 */
const AUTHORIZED_BY_ADMISSION: Record<string, string> = {
  'cloudflare-operator.io/tunnels/finalizers update': 'blockOwnerDeletion in the ownerReference to a Tunnel',
  'cloudflare-operator.io/clustertunnels/finalizers update':
    'blockOwnerDeletion in the ownerReference to a ClusterTunnel',
};

const cloudflareOf = (secret: string): TunnelSpec['cloudflare'] => ({
  accountId: ACCOUNT,
  credentialsSecretRef: { name: secret },
  zones: ['example.com'],
});

function auditLog(): string {
  const log = clusterState().auditLog;
  if (!log) throw new Error('the e2e cluster runs without an audit log (e2e/support/lifecycle.ts)');
  return log;
}

/** Waits until the credentials Secret `cf` of `namespace` holds (or no longer holds) the in-use finalizer. */
function waitForCredentialsFinalizer(namespace: string, held: boolean, op: OperatorProcess): Promise<true> {
  return waitFor(
    async () => {
      const secret = await getOptional<V1Secret>(SECRET, namespace, 'cf');
      return (secret?.metadata?.finalizers ?? []).includes(CREDENTIALS_FINALIZER) === held || undefined;
    },
    { description: `credentials finalizer ${held ? 'on' : 'off'} Secret ${namespace}/cf`, giveUpIf: op.gone },
  );
}

let emulator: RunningEmulator;
let opNs: TestNamespace;
let appNs: TestNamespace;
let tmp: string;
let op: OperatorProcess | undefined;

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'chart-e2e-'));
  emulator = await startEmulator();
  opNs = await createTestNamespace('cfo');
  appNs = await createTestNamespace('app');
});

afterAll(async () => {
  await op?.stop();
  await helm(['uninstall', RELEASE, '--namespace', opNs.name, '--wait']);
  await emulator?.close();
  await appNs?.delete();
  await opNs?.delete();
  await rm(tmp, { recursive: true, force: true });
});

describe('the Helm chart', () => {
  it('installs with --wait into a namespace that enforces the restricted PodSecurity profile', async () => {
    const install = await installChart(opNs.name, {
      ownerId: 'e2e-chart',
      'cloudflare.apiBaseUrl': emulator.apiBaseUrl,
    });
    expect(install.stderr).not.toMatch(/error/i);
    expect(install.code).toBe(0);
  });

  it('refuses values that break its schema', async () => {
    // 33 characters: one more than the ownership code's limit (src/api/patterns.ts).
    const refused = await helm(['template', RELEASE, CHART, '--set', `ownerId=${'a'.repeat(33)}`]);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('ownerId');
  });

  it("under its ServiceAccount's token, takes tunnels of both kinds and both modes through their whole life", async () => {
    const kubeconfig = await chartKubeconfig(opNs.name, tmp);
    op = new OperatorProcess(opNs.name, emulator.apiBaseUrl, {
      KUBECONFIG: kubeconfig,
      OWNER_ID: 'e2e-chart',
      LEADER_ELECT: 'true',
      LEASE_NAME: `${FULLNAME}-leader`,
    });
    // No credentials Secret yet: the same Warning again and again, which bumps one Event's series (a patch).
    await create(
      TUNNEL,
      tunnelObject('Tunnel', 'web', appNs.name, {
        cloudflare: cloudflareOf('cf'),
        configSource: 'local', // local mode writes a ConfigMap too: the RBAC under test must allow it
      }),
    );
    await waitFor(async () => (await eventsOf(appNs.name, 'Tunnel', 'web')).some((e) => (e.series?.count ?? 0) >= 2), {
      description: 'a repeated Warning on the Tunnel',
      giveUpIf: op.gone,
    });
    await create(SECRET, apiSecret(appNs.name, 'cf', API_TOKEN)); // the restored Secret takes effect at once
    const tunnel = await waitForCondition(TUNNEL, appNs.name, 'web', { type: 'Ready', status: 'True', op });
    expect(tunnel.status?.readyReplicas).toBe(2);
    const names = objectNames(tunnel);
    expect(await getOptional(POD_DISRUPTION_BUDGET, appNs.name, names.podDisruptionBudget)).toBeDefined();

    await waitForCredentialsFinalizer(appNs.name, true, op); // the Secret is held while the Tunnel uses it

    // The main job under the same token: an annotated Service is read, published, and told so by an Event; then
    // edited (the ConfigMap and the Deployment follow) and removed.
    await create(SERVICE, serviceObject(appNs.name, 'site', { tunnel: 'web', hostnames: 'site.example.com' }));
    await waitForRoute(TUNNEL, appNs.name, 'web', { hostname: 'site.example.com', state: 'Active' }, op);
    await waitForServiceEvent(appNs.name, 'site', 'Published', op);
    expect((await emulator.control.state()).records.map((r) => r.name)).toContain('site.example.com');
    // The cloudflared NetworkPolicy: applied and watched under the same token, deleted once switched off.
    await waitFor(() => getOptional(NETWORK_POLICY, appNs.name, 'web-cloudflared'), {
      description: 'the NetworkPolicy',
      giveUpIf: op.gone,
    });
    await mergePatch(TUNNEL, appNs.name, 'web', { spec: { cloudflared: { networkPolicy: { enabled: false } } } });
    await waitGone(NETWORK_POLICY, appNs.name, 'web-cloudflared', op);

    await mergePatch(SERVICE, appNs.name, 'site', {
      metadata: { annotations: { [`${A}hostnames`]: 'www.example.com' } },
    });
    await waitForRoute(TUNNEL, appNs.name, 'web', { hostname: 'www.example.com', state: 'Active' }, op);
    await remove(SERVICE, appNs.name, 'site');
    await waitForNoRoute(TUNNEL, appNs.name, 'web', 'www.example.com', op);

    // To cloudflare mode on one replica: the ConfigMap and the PodDisruptionBudget go.
    await mergePatch(TUNNEL, appNs.name, 'web', { spec: { configSource: 'cloudflare', cloudflared: { replicas: 1 } } });
    await waitForCondition(TUNNEL, appNs.name, 'web', { type: 'Ready', status: 'True', op });
    await waitGone(CONFIG_MAP, appNs.name, names.configMap, op);
    await waitGone(POD_DISRUPTION_BUDGET, appNs.name, names.podDisruptionBudget, op);

    // A ClusterTunnel, on credentials in the operator's namespace, from creation to deletion.
    await create(SECRET, apiSecret(opNs.name, 'cf', API_TOKEN));
    await create(CLUSTER_TUNNEL, tunnelObject('ClusterTunnel', 'edge', undefined, { cloudflare: cloudflareOf('cf') }));
    await waitForCondition(CLUSTER_TUNNEL, undefined, 'edge', { type: 'Ready', status: 'True', op });
    await remove(CLUSTER_TUNNEL, undefined, 'edge');
    await waitGone(CLUSTER_TUNNEL, undefined, 'edge', op);

    await remove(TUNNEL, appNs.name, 'web');
    await waitGone(TUNNEL, appNs.name, 'web', op);
    await waitFor(async () => (await emulator.control.state()).tunnels.every((t) => t.deletedAt), {
      description: 'the tunnels deleted in the emulator',
    });
    expect((await emulator.control.state()).records).toEqual([]);
    await waitForCredentialsFinalizer(appNs.name, false, op);
    const forbidden = op.logs.filter((line) => JSON.stringify(line).includes('forbidden'));
    expect(forbidden).toEqual([]);
  });

  it('was granted exactly what it used: every permission of the chart served a request, none was refused', async () => {
    await op?.stop(); // releases the Lease
    const events = await auditEventsOf(auditLog(), chartUser(opNs.name));
    expect(refusedRequests(events)).toEqual([]);
    const manifest = await helm(['get', 'manifest', RELEASE, '--namespace', opNs.name]);
    expect(manifest.code).toBe(0);
    const granted = grantedPermissions(roleRules(manifestObjects(manifest.stdout)));
    expect(granted).toContain('core/services watch');
    const used = usedPermissions(events);
    expect([...granted].filter((p) => !used.has(p) && !(p in AUTHORIZED_BY_ADMISSION)).sort()).toEqual([]);
    // The exceptions stay true: each is granted, and no request of its own ever used it.
    expect(Object.keys(AUTHORIZED_BY_ADMISSION).filter((p) => !granted.has(p) || used.has(p))).toEqual([]);
  });

  it('helm upgrade with changed values rolls the operator; helm uninstall leaves the CRDs and removes the rest', async () => {
    await op?.stop();
    const upgrade = await helm([
      'upgrade',
      RELEASE,
      CHART,
      '-n',
      opNs.name,
      '--reuse-values',
      '--set',
      'logLevel=debug',
      '--wait',
      '--timeout',
      '2m',
    ]);
    expect(upgrade.code).toBe(0);
    const deployment = await getOptional<V1Deployment>(DEPLOYMENT, opNs.name, FULLNAME);
    const env = deployment?.spec?.template.spec?.containers[0]?.env ?? [];
    expect(env.find((e) => e.name === 'LOG_LEVEL')?.value).toBe('debug');
    expect(env.find((e) => e.name === 'OWNER_ID')?.value).toBe('e2e-chart');

    const uninstall = await helm(['uninstall', RELEASE, '-n', opNs.name, '--wait']);
    expect(uninstall.code).toBe(0);
    expect(await getOptional(DEPLOYMENT, opNs.name, FULLNAME)).toBeUndefined();
    expect(await getOptional(CLUSTER_ROLE, undefined, FULLNAME)).toBeUndefined();
    expect(await getOptional(CRD, undefined, 'tunnels.cloudflare-operator.io')).toBeDefined();
    expect(await getOptional(CRD, undefined, 'clustertunnels.cloudflare-operator.io')).toBeDefined();
  });
});
