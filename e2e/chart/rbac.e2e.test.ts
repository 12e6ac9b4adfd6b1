// The Helm chart for real: `helm install --wait` into the local cluster, then the operator runs as a process
// authenticated with the chart's ServiceAccount token (not the admin), with leader election on, and takes a
// Tunnel through its whole life. A missing RBAC rule fails this test.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { V1Deployment, V1Secret } from '@kubernetes/client-node';
import { CREDENTIALS_FINALIZER } from '../../src/api/constants.js';
import { DEPLOYMENT, SECRET, TUNNEL } from '../../src/controllers/shared/resources.js';
import type { ResourceType } from '../../src/runtime/kube-client.js';
import { startEmulator, type RunningEmulator } from '../../test/cloudflare-emulator/index.js';
import { createTestNamespace, waitFor, type TestNamespace } from '../support/cluster.js';
import { helm } from '../support/tools.js';
import { SERVICE, serviceObject, waitForRoute, waitForServiceEvent } from '../services/support.js';
import {
  ACCOUNT,
  API_TOKEN,
  OperatorProcess,
  apiSecret,
  create,
  getOptional,
  remove,
  tunnelObject,
  waitForCondition,
  waitGone,
} from '../tunnel/support.js';
import { CHART, FULLNAME, RELEASE, chartKubeconfig, installChart } from './support.js';

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

  it("gives the operator, under its ServiceAccount's token, every permission a Tunnel's life needs", async () => {
    const kubeconfig = await chartKubeconfig(opNs.name, tmp);
    op = new OperatorProcess(opNs.name, emulator.apiBaseUrl, {
      KUBECONFIG: kubeconfig,
      OWNER_ID: 'e2e-chart',
      LEADER_ELECT: 'true',
      LEASE_NAME: `${FULLNAME}-leader`,
    });
    await create(SECRET, apiSecret(appNs.name, 'cf', API_TOKEN));
    await create(
      TUNNEL,
      tunnelObject('Tunnel', 'web', appNs.name, {
        cloudflare: { accountId: ACCOUNT, credentialsSecretRef: { name: 'cf' }, zones: ['example.com'] },
        configSource: 'local', // local mode writes a ConfigMap too: the RBAC under test must allow it
      }),
    );
    const tunnel = await waitForCondition(TUNNEL, appNs.name, 'web', { type: 'Ready', status: 'True', op });
    expect(tunnel.status?.readyReplicas).toBe(2);
    await waitForCredentialsFinalizer(appNs.name, true, op); // the Secret is held while the Tunnel uses it
    // The main job under the same token: an annotated Service is read, published, and told so by an Event.
    await create(SERVICE, serviceObject(appNs.name, 'site', { tunnel: 'web', hostnames: 'site.example.com' }));
    await waitForRoute(TUNNEL, appNs.name, 'web', { hostname: 'site.example.com', state: 'Active' }, op);
    await waitForServiceEvent(appNs.name, 'site', 'Published', op);
    expect((await emulator.control.state()).records.map((r) => r.name)).toContain('site.example.com');

    await remove(TUNNEL, appNs.name, 'web');
    await waitGone(TUNNEL, appNs.name, 'web', op);
    await waitFor(async () => (await emulator.control.state()).tunnels.every((t) => t.deletedAt), {
      description: 'the tunnel deleted in the emulator',
    });
    expect((await emulator.control.state()).records).toEqual([]);
    await waitForCredentialsFinalizer(appNs.name, false, op);
    const forbidden = op.logs.filter((line) => JSON.stringify(line).includes('forbidden'));
    expect(forbidden).toEqual([]);
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
