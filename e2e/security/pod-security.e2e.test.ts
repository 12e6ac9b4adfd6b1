// The pods this project makes pass the API server's `restricted` Pod Security admission, for real: the local
// cluster's kube-apiserver enforces Pod Security (on by default) and every test namespace is labelled
// `pod-security.kubernetes.io/enforce=restricted` (createTestNamespace). First proof that the check bites (a pod
// outside the profile is refused, and its ReplicaSet reports FailedCreate), then cloudflared in both config modes
// as the operator renders it, then the operator's own Deployment as the chart renders it.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppsV1Api, CoreV1Api, type V1Deployment, type V1PodTemplateSpec } from '@kubernetes/client-node';
import { parseAllDocuments } from 'yaml';
import type { TunnelLike } from '../../src/api/types.js';
import { TUNNEL } from '../../src/controllers/shared/resources.js';
import { CHART } from '../chart/support.js';
import { adminKubeConfig, createTestNamespace, waitFor, type TestNamespace } from '../support/cluster.js';
import { helm, kubectl } from '../support/tools.js';
import {
  ACCOUNT,
  create,
  remove,
  startTunnelEnvironment,
  tunnelObject,
  waitForCondition,
  waitGone,
  type TunnelEnvironment,
} from '../tunnel/support.js';

const TEST_TIMEOUT_MS = 180_000;
const kc = adminKubeConfig();
const core = kc.makeApiClient(CoreV1Api);
const apps = kc.makeApiClient(AppsV1Api);

/** What admission says of a pod with this template, without creating it (a server-side dry run). */
async function admissionOf(namespace: string, template: V1PodTemplateSpec | undefined): Promise<string> {
  try {
    await core.createNamespacedPod({
      namespace,
      dryRun: 'All',
      body: { metadata: { generateName: 'psa-check-' }, spec: template?.spec ?? { containers: [] } },
    });
    return 'admitted';
  } catch (err: unknown) {
    const body = String((err as { body?: unknown }).body ?? err);
    try {
      return (JSON.parse(body) as { message?: string }).message ?? body;
    } catch {
      return body;
    }
  }
}

/** FailedCreate Events of the namespace's ReplicaSets: a pod the ReplicaSet could not create (e.g. refused). */
async function failedCreates(namespace: string): Promise<string[]> {
  const events = await core.listNamespacedEvent({ namespace, fieldSelector: 'reason=FailedCreate' });
  return events.items.filter((e) => e.involvedObject.kind === 'ReplicaSet').map((e) => e.message ?? '');
}

/** The Deployment's pods exist, as many as it asks for, and none was refused on the way. */
async function expectPodsAdmitted(namespace: string, name: string): Promise<void> {
  const deployment = await apps.readNamespacedDeployment({ namespace, name });
  const replicas = deployment.spec?.replicas ?? 1;
  expect(replicas).toBeGreaterThan(0);
  const selector = Object.entries(deployment.spec?.selector.matchLabels ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
  const pods = await waitFor(
    async () => {
      const list = await core.listNamespacedPod({ namespace, labelSelector: selector });
      return list.items.length === replicas ? list.items : undefined;
    },
    { description: `${replicas} pods of ${namespace}/${name}`, timeoutMs: 60_000 },
  );
  expect(await failedCreates(namespace)).toEqual([]);
  // Beyond the profile: nothing in the image can be changed at run time.
  const containers = pods.flatMap((p) => p.spec?.containers ?? []);
  expect(containers.map((c) => c.securityContext?.readOnlyRootFilesystem)).toEqual(containers.map(() => true));
  expect(await admissionOf(namespace, deployment.spec?.template)).toBe('admitted');
}

/** A Deployment whose pod runs as root with privilege escalation allowed: outside `restricted`. */
function unrestrictedDeployment(name: string): V1Deployment {
  const labels = { app: name };
  return {
    metadata: { name },
    spec: {
      replicas: 1,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: { containers: [{ name: 'app', image: 'registry.example/app:1' }] },
      },
    },
  };
}

describe('the restricted Pod Security profile', () => {
  let ns: TestNamespace;

  beforeAll(async () => {
    ns = await createTestNamespace('psa');
  });
  afterAll(async () => {
    await ns?.delete();
  });

  it(
    'is enforced: a pod outside it is refused, and its ReplicaSet reports FailedCreate',
    async () => {
      const bad = unrestrictedDeployment('unrestricted');
      expect(await admissionOf(ns.name, bad.spec?.template)).toMatch(/violates PodSecurity "restricted/);
      await apps.createNamespacedDeployment({ namespace: ns.name, body: bad });
      const refusals = await waitFor(
        async () => ((await failedCreates(ns.name)).length > 0 ? failedCreates(ns.name) : undefined),
        {
          description: 'a FailedCreate Event',
          timeoutMs: 60_000,
        },
      );
      expect(refusals[0]).toMatch(/violates PodSecurity "restricted/);
      expect((await core.listNamespacedPod({ namespace: ns.name })).items).toEqual([]);
    },
    TEST_TIMEOUT_MS,
  );
});

describe('cloudflared as the operator renders it', () => {
  let env: TunnelEnvironment;
  const cloudflare = { accountId: ACCOUNT, credentialsSecretRef: { name: 'cf' }, zones: ['example.com'] };

  beforeAll(async () => {
    env = await startTunnelEnvironment('psa-tunnel');
  }, TEST_TIMEOUT_MS);
  afterAll(async () => {
    for (const name of ['local', 'remote']) await remove(TUNNEL, env.ns.name, name).catch(() => undefined);
    for (const name of ['local', 'remote']) await waitGone(TUNNEL, env.ns.name, name).catch(() => undefined);
    await env?.close();
  }, TEST_TIMEOUT_MS);

  it.each([
    ['local', 'local'],
    ['remote', 'cloudflare'],
  ] as const)(
    'runs in a restricted namespace: %s (configSource %s)',
    async (name, configSource) => {
      const { ns, op } = env;
      await create(TUNNEL, tunnelObject('Tunnel', name, ns.name, { cloudflare, configSource }));
      const tunnel: TunnelLike = await waitForCondition(TUNNEL, ns.name, name, { type: 'Ready', status: 'True', op });
      expect(tunnel.status?.readyReplicas).toBeGreaterThan(0);
      await expectPodsAdmitted(ns.name, `${name}-cloudflared`);
    },
    TEST_TIMEOUT_MS,
  );
});

describe("the operator's Deployment as the chart renders it", () => {
  const RELEASE = 'psa';
  let ns: TestNamespace;
  let tmp: string;

  beforeAll(async () => {
    ns = await createTestNamespace('psa-chart');
    tmp = await mkdtemp(join(tmpdir(), 'psa-chart-'));
  });
  afterAll(async () => {
    await ns?.delete();
    await rm(tmp, { recursive: true, force: true });
  });

  it(
    'runs in a restricted namespace, every replica admitted',
    async () => {
      const rendered = await helm(['template', RELEASE, CHART, '--namespace', ns.name, '--set', 'ownerId=e2e-psa']);
      expect(rendered.code).toBe(0);
      // The namespaced objects the pods need; the cluster-wide RBAC is the rbac test's (one release owns it).
      const docs = parseAllDocuments(rendered.stdout)
        .map((d) => d.toJS() as { kind?: string } | null)
        .filter((d) => d?.kind === 'ServiceAccount' || d?.kind === 'Deployment');
      expect(docs.map((d) => d?.kind).sort()).toEqual(['Deployment', 'ServiceAccount']);
      const file = join(tmp, 'operator.yaml');
      await writeFile(file, docs.map((d) => JSON.stringify(d)).join('\n---\n'));
      const applied = await kubectl(['apply', '-n', ns.name, '-f', file]);
      expect(applied.stderr).toBe('');
      await expectPodsAdmitted(ns.name, `${RELEASE}-cloudflare-operator`);
    },
    TEST_TIMEOUT_MS,
  );
});
