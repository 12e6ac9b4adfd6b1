// `helm template` of the chart for every switch of its values, and `helm lint`: what each value renders, and the
// values its schema refuses. Runs the real helm binary (no cluster needed).
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { TunnelMetrics } from '../../src/controllers/tunnel/index.js';
import { RuntimeMetrics } from '../../src/runtime/metrics.js';
import { refusedValues } from '../../test/bad-input/chart-cases.js';
import { helm } from '../support/tools.js';

const chart = resolve(dirname(fileURLToPath(import.meta.url)), '../../charts/cloudflare-operator');
const ACCOUNT = '0123456789abcdef0123456789abcdef';

interface Rendered {
  kind: string;
  metadata: { name: string; namespace?: string; annotations?: Record<string, string> };
  [field: string]: unknown;
}

async function render(...sets: string[]): Promise<Rendered[]> {
  const args = ['template', 'r', chart, '--namespace', 'ops', '--set', 'ownerId=c1'];
  for (const set of sets) args.push('--set', set);
  const result = await helm(args);
  if (result.code !== 0) throw new Error(`helm template failed: ${result.stderr}`);
  return parseAllDocuments(result.stdout)
    .map((doc) => doc.toJS() as Rendered | null)
    .filter((doc): doc is Rendered => doc !== null);
}

async function refused(...sets: string[]): Promise<string> {
  const args = ['template', 'r', chart, '--set', 'ownerId=c1'];
  for (const set of sets) args.push('--set', set);
  const result = await helm(args);
  expect(result.code).not.toBe(0);
  return result.stderr;
}

const ofKind = (docs: Rendered[], kind: string) => docs.filter((d) => d.kind === kind);
const names = (docs: Rendered[], kind: string) =>
  ofKind(docs, kind).map((d) => `${d.metadata.namespace ?? '-'}/${d.metadata.name}`);
const env = (docs: Rendered[]) => {
  const deployment = ofKind(docs, 'Deployment')[0] as unknown as {
    spec: { template: { spec: { containers: { env: { name: string; value?: string }[] }[] } } };
  };
  return Object.fromEntries(deployment.spec.template.spec.containers[0]!.env.map((e) => [e.name, e.value]));
};
const resources = (role: Rendered | undefined) =>
  ((role?.rules as { resources: string[] }[] | undefined) ?? []).flatMap((r) => r.resources).sort();

describe('helm lint', () => {
  it('is clean', async () => {
    const result = await helm(['lint', chart, '--set', 'ownerId=c1']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('0 chart(s) failed');
  });
});

describe('helm template', () => {
  it('defaults: cluster-wide RBAC, no Secret, no ClusterTunnel, the operator configured from values', async () => {
    const docs = await render();
    expect(names(docs, 'ClusterRole')).toEqual(['-/r-cloudflare-operator']);
    expect(names(docs, 'Role')).toEqual(['ops/r-cloudflare-operator-leader-election']);
    expect(resources(ofKind(docs, 'ClusterRole')[0])).toEqual([
      'clustertunnels',
      'clustertunnels/finalizers',
      'clustertunnels/status',
      'configmaps',
      'deployments',
      'events',
      'poddisruptionbudgets',
      'secrets',
      'services',
      'tunnels',
      'tunnels/finalizers',
      'tunnels/status',
    ]);
    expect(ofKind(docs, 'Secret')).toEqual([]);
    expect(ofKind(docs, 'ClusterTunnel')).toEqual([]);
    expect(env(docs)).toMatchObject({ OWNER_ID: 'c1', CLUSTER_DOMAIN: 'cluster.local', COALESCE_WINDOW: '25ms' });
  });

  it('Services are only listed and watched', async () => {
    const rules = (ofKind(await render(), 'ClusterRole')[0]?.rules ?? []) as { resources: string[]; verbs: string[] }[];
    expect(rules.find((r) => r.resources.includes('services'))?.verbs).toEqual(['list', 'watch']);
  });

  it('cloudflare.apiToken creates the credentials Secret', async () => {
    const [secret] = ofKind(await render('cloudflare.apiToken=tok'), 'Secret');
    expect(secret).toMatchObject({
      metadata: { name: 'r-cloudflare-operator-cloudflare', namespace: 'ops' },
      stringData: { apiToken: 'tok' },
    });
  });

  it('cloudflare.apiKey + email create a global-key Secret', async () => {
    const [secret] = ofKind(await render('cloudflare.apiKey=key', 'cloudflare.email=ops@example.com'), 'Secret');
    expect(secret?.stringData).toEqual({ apiKey: 'key', email: 'ops@example.com' });
  });

  it('clusterTunnel.enabled makes a ClusterTunnel on those credentials, kept on uninstall', async () => {
    const docs = await render(
      'cloudflare.apiToken=tok',
      'clusterTunnel.enabled=true',
      `clusterTunnel.accountId=${ACCOUNT}`,
      'clusterTunnel.zones={example.com,example.org}',
      'clusterTunnel.replicas=3',
      'clusterTunnel.name=edge',
    );
    const tunnels = ofKind(docs, 'ClusterTunnel');
    expect(tunnels).toHaveLength(1);
    expect(tunnels[0]?.metadata).toMatchObject({ name: 'edge', annotations: { 'helm.sh/resource-policy': 'keep' } });
    expect(tunnels[0]).toMatchObject({
      spec: {
        cloudflare: {
          accountId: ACCOUNT,
          credentialsSecretRef: { name: 'r-cloudflare-operator-cloudflare' },
          zones: ['example.com', 'example.org'],
        },
        cloudflared: { replicas: 3 },
      },
    });
  });

  it('a ClusterTunnel by account name, on an existing Secret; or on a global key', async () => {
    const [byName] = ofKind(
      await render(
        'cloudflare.existingSecret=mine',
        'clusterTunnel.enabled=true',
        'clusterTunnel.accountName=Shop Inc',
      ),
      'ClusterTunnel',
    );
    expect(byName?.spec).toMatchObject({
      cloudflare: { accountName: 'Shop Inc', credentialsSecretRef: { name: 'mine' } },
    });
    const [byKey] = ofKind(
      await render(
        'cloudflare.apiKey=k',
        'cloudflare.email=a@b.c',
        'clusterTunnel.enabled=true',
        `clusterTunnel.accountId=${ACCOUNT}`,
      ),
      'ClusterTunnel',
    );
    expect(byKey?.spec).toMatchObject({
      cloudflare: {
        credentialsSecretRef: { name: 'r-cloudflare-operator-cloudflare', apiKeyKey: 'apiKey', emailKey: 'email' },
      },
    });
  });

  it('watchNamespaces: Roles in those namespaces and the release namespace; ClusterTunnels stay cluster-wide', async () => {
    const docs = await render('watchNamespaces={shop,blog}');
    expect(names(docs, 'Role').sort()).toEqual([
      'blog/r-cloudflare-operator',
      'ops/r-cloudflare-operator',
      'ops/r-cloudflare-operator-leader-election',
      'shop/r-cloudflare-operator',
    ]);
    expect(names(docs, 'RoleBinding')).toHaveLength(4);
    expect(resources(ofKind(docs, 'ClusterRole')[0])).toEqual([
      'clustertunnels',
      'clustertunnels/finalizers',
      'clustertunnels/status',
    ]);
    expect(resources(ofKind(docs, 'Role').find((r) => r.metadata.namespace === 'shop'))).toContain('services');
    expect(env(docs).WATCH_NAMESPACES).toBe('shop,blog');
  });

  it('rbac.create=false renders no RBAC at all', async () => {
    const docs = await render('rbac.create=false');
    expect(docs.filter((d) => ['ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding'].includes(d.kind))).toEqual(
      [],
    );
  });

  it('clusterDomain and coalesceWindow reach the operator', async () => {
    expect(env(await render('clusterDomain=corp.internal', 'coalesceWindow=0'))).toMatchObject({
      CLUSTER_DOMAIN: 'corp.internal',
      COALESCE_WINDOW: '0',
    });
  });
});

describe('monitoring', () => {
  it('is off by default; each switch renders its object', async () => {
    const kinds = (docs: Rendered[]) =>
      docs.map((d) => d.kind).filter((k) => ['ServiceMonitor', 'PrometheusRule'].includes(k));
    expect(kinds(await render())).toEqual([]);
    const docs = await render(
      'metrics.serviceMonitor.enabled=true',
      'metrics.prometheusRule.enabled=true',
      'metrics.dashboard.enabled=true',
    );
    expect(kinds(docs).sort()).toEqual(['PrometheusRule', 'ServiceMonitor']);
    const dashboard = ofKind(docs, 'ConfigMap').find((c) => c.metadata.name === 'r-cloudflare-operator-dashboard');
    expect(dashboard?.metadata).toMatchObject({ labels: { grafana_dashboard: '1' } });
    const json = (dashboard?.data as Record<string, string> | undefined)?.['cloudflare-operator.json'] ?? '';
    expect((JSON.parse(json) as { panels: unknown[] }).panels.length).toBeGreaterThan(3);
  });

  it('every metric an alert or the dashboard names is one the operator exports', async () => {
    const docs = await render('metrics.prometheusRule.enabled=true', 'metrics.dashboard.enabled=true');
    const rules = (
      ofKind(docs, 'PrometheusRule')[0]?.spec as { groups: { rules: { alert: string; expr: string }[] }[] }
    ).groups.flatMap((g) => g.rules);
    expect(rules.map((r) => r.alert)).toEqual([
      'CloudflareOperatorDown',
      'CloudflareOperatorReconcileErrors',
      'CloudflareAPIErrors',
      'CloudflareAPIRateLimited',
      'CloudflareTunnelNotReady',
      'CloudflaredReplicasUnavailable',
    ]);
    const dashboard = JSON.stringify(ofKind(docs, 'ConfigMap').map((c) => c.data));
    const named = new Set(
      [...rules.map((r) => r.expr), dashboard].flatMap((text) =>
        [...text.matchAll(/\b(cloudflare_[a-z_]+)/g)].map((m) => m[1]),
      ),
    );
    const registry = new RuntimeMetrics({ processMetrics: false }).registry;
    new TunnelMetrics(registry);
    const exported = new Set((await registry.getMetricsAsJSON()).map((m) => m.name));
    expect([...named].filter((name) => !exported.has(name ?? ''))).toEqual([]);
    expect(named.size).toBeGreaterThanOrEqual(5);
  });
});

describe('the values schema refuses', () => {
  it.each(refusedValues.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    expect(await refused(...c.sets)).toContain(c.refusedWith);
  });
});
