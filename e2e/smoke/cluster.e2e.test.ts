// Proves the local cluster is a real one: schema and CEL enforced at admission, pods Running and Ready on
// kwok nodes, a rollout, ServiceAccount tokens, helm, and the real cloudflared.
import {
  ApiextensionsV1Api,
  AppsV1Api,
  AuthenticationV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  VersionApi,
  type ApiException,
} from '@kubernetes/client-node';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateIngress } from '../cluster/cloudflared.js';
import { adminKubeConfig, clusterState, createTestNamespace, waitFor, type TestNamespace } from '../support/cluster.js';
import { helm, kubectl } from '../support/tools.js';
import { WIDGET_GROUP, sampleDeployment, widgetCrd, writeTinyChart } from './fixtures.js';

const kc = adminKubeConfig();
const core = kc.makeApiClient(CoreV1Api);
const apps = kc.makeApiClient(AppsV1Api);

function statusOf(error: unknown): number | undefined {
  return (error as ApiException<unknown>).code;
}

async function rolledOut(namespace: string, name: string, replicas: number): Promise<boolean> {
  const d = await apps.readNamespacedDeployment({ name, namespace });
  const s = d.status ?? {};
  return (
    s.observedGeneration === d.metadata?.generation &&
    s.updatedReplicas === replicas &&
    s.readyReplicas === replicas &&
    (s.replicas ?? 0) === replicas
  );
}

describe('local cluster', () => {
  let ns: TestNamespace;
  let tmp: string;

  beforeAll(async () => {
    ns = await createTestNamespace('smoke');
    tmp = await mkdtemp(join(tmpdir(), 'smoke-'));
  });
  afterAll(async () => {
    await ns.delete();
    await rm(tmp, { recursive: true, force: true });
  });

  it('reports the pinned Kubernetes version', async () => {
    const version = await kc.makeApiClient(VersionApi).getCode();
    expect(version.gitVersion).toBe('v1.37.2');
  });

  it('serves a CRD with its OpenAPI schema and refuses objects that break the schema or a CEL rule', async () => {
    const ext = kc.makeApiClient(ApiextensionsV1Api);
    await ext.createCustomResourceDefinition({ body: widgetCrd });
    await waitFor(
      async () => {
        const crd = await ext.readCustomResourceDefinition({ name: widgetCrd.metadata!.name! });
        return crd.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True');
      },
      { description: 'Widget CRD Established' },
    );
    const custom = kc.makeApiClient(CustomObjectsApi);
    const create = (name: string, spec: object): Promise<object> =>
      custom.createNamespacedCustomObject({
        group: WIDGET_GROUP,
        version: 'v1',
        namespace: ns.name,
        plural: 'widgets',
        body: { apiVersion: `${WIDGET_GROUP}/v1`, kind: 'Widget', metadata: { name }, spec },
      }) as Promise<object>;

    await expect(create('good', { size: 1, max: 3 })).resolves.toBeDefined();
    const schemaError = await create('negative', { size: -1, max: 3 }).catch((e: unknown) => e);
    expect(statusOf(schemaError)).toBe(422);
    expect(String((schemaError as ApiException<string>).body)).toContain('spec.size');
    const celError = await create('too-big', { size: 5, max: 3 }).catch((e: unknown) => e);
    expect(statusOf(celError)).toBe(422);
    expect(String((celError as ApiException<string>).body)).toContain('size must not exceed max');

    const openapi = await kubectl(['get', '--raw', `/openapi/v3/apis/${WIDGET_GROUP}/v1`]);
    expect(openapi.stdout).toContain('size must not exceed max');
  });

  it('runs a Deployment whose pods go Running and Ready on a kwok node, and rolls out an image change', async () => {
    await apps.createNamespacedDeployment({
      namespace: ns.name,
      body: sampleDeployment('web', 'registry.example/web:1', 2),
    });
    await waitFor(() => rolledOut(ns.name, 'web', 2), { description: 'web 2/2 ready', timeoutMs: 60_000 });
    const pods = await core.listNamespacedPod({ namespace: ns.name, labelSelector: 'app=web' });
    expect(pods.items).toHaveLength(2);
    for (const pod of pods.items) {
      expect(pod.status?.phase).toBe('Running');
      expect(pod.spec?.nodeName).toMatch(/^kwok-node-/);
    }

    await apps.patchNamespacedDeployment({
      name: 'web',
      namespace: ns.name,
      body: [{ op: 'replace', path: '/spec/template/spec/containers/0/image', value: 'registry.example/web:2' }],
    });
    await waitFor(() => rolledOut(ns.name, 'web', 2), { description: 'web rolled out to :2', timeoutMs: 60_000 });
    const sets = await apps.listNamespacedReplicaSet({ namespace: ns.name, labelSelector: 'app=web' });
    const byImage = new Map(
      sets.items.map((rs) => [rs.spec?.template?.spec?.containers[0]?.image, rs.status?.replicas]),
    );
    expect(byImage.get('registry.example/web:2')).toBe(2);
    expect(byImage.get('registry.example/web:1')).toBe(0);
  });

  it('issues ServiceAccount tokens that authenticate, and RBAC limits them', async () => {
    await core.createNamespacedServiceAccount({ namespace: ns.name, body: { metadata: { name: 'robot' } } });
    const request = await core.createNamespacedServiceAccountToken({
      name: 'robot',
      namespace: ns.name,
      body: { spec: { audiences: [], expirationSeconds: 600 } },
    });
    const token = request.status?.token;
    expect(token).toBeTruthy();

    const robot = new KubeConfig();
    robot.loadFromOptions({
      clusters: [{ name: 'local', server: clusterState().server, caData: kc.getCurrentCluster()?.caData }],
      users: [{ name: 'robot', token }],
      contexts: [{ name: 'robot', cluster: 'local', user: 'robot' }],
      currentContext: 'robot',
    });
    const review = await robot.makeApiClient(AuthenticationV1Api).createSelfSubjectReview({ body: {} });
    expect(review.status?.userInfo?.username).toBe(`system:serviceaccount:${ns.name}:robot`);
    const forbidden = await robot
      .makeApiClient(CoreV1Api)
      .listNamespacedSecret({ namespace: ns.name })
      .catch((e: unknown) => e);
    expect(statusOf(forbidden)).toBe(403);
  });

  it('installs a chart with helm --wait and uninstalls it', async () => {
    const chart = await writeTinyChart(tmp);
    const install = await helm(['install', 'tiny', chart, '--namespace', ns.name, '--wait', '--timeout', '2m']);
    expect(install.stderr + install.stdout).not.toMatch(/Error/);
    expect(install.code).toBe(0);
    expect(await rolledOut(ns.name, 'tiny-tiny', 2)).toBe(true);

    const uninstall = await helm(['uninstall', 'tiny', '--namespace', ns.name, '--wait']);
    expect(uninstall.code).toBe(0);
    const gone = await apps
      .readNamespacedDeployment({ name: 'tiny-tiny', namespace: ns.name })
      .catch((e: unknown) => e);
    expect(statusOf(gone)).toBe(404);
  });

  it('validates cloudflared ingress configs with the real binary', async () => {
    const good = join(tmp, 'good.yaml');
    const bad = join(tmp, 'bad.yaml');
    const header = 'tunnel: 6ff42ae2-765d-4adf-8112-31c55c1551ef\ncredentials-file: /tmp/none.json\ningress:\n';
    await writeFile(
      good,
      `${header}  - hostname: a.example.com\n    service: http://web:80\n  - service: http_status:404\n`,
    );
    // The last rule must match every request: cloudflared refuses a config whose final rule has a hostname.
    await writeFile(bad, `${header}  - hostname: a.example.com\n    service: http://web:80\n`);
    expect((await validateIngress(good)).ok).toBe(true);
    const refused = await validateIngress(bad);
    expect(refused.ok).toBe(false);
    expect(refused.output).toMatch(/last ingress rule/i);
  });
});
