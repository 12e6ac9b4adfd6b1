// `helm template` of the chart for every switch of its values, and `helm lint`: what each value renders, and the
// values its schema refuses. Runs the real helm binary (no cluster needed).
import { refusedValues } from '../../test/bad-input/chart-cases.js';
import { helm } from '../support/tools.js';
import { grantedPermissions, roleRules } from './permissions.js';
import { CHART, ofKind, renderChart, type Rendered } from './support.js';

const ACCOUNT = '0123456789abcdef0123456789abcdef';

async function refused(...sets: string[]): Promise<string> {
  const args = ['template', 'r', CHART, '--set', 'ownerId=c1'];
  for (const set of sets) args.push('--set', set);
  const result = await helm(args);
  expect(result.code).not.toBe(0);
  return result.stderr;
}

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
    const result = await helm(['lint', CHART, '--set', 'ownerId=c1']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('0 chart(s) failed');
  });
});

describe('helm template', () => {
  it('defaults: cluster-wide RBAC, no Secret, no ClusterTunnel, the operator configured from values', async () => {
    const docs = await renderChart();
    expect(names(docs, 'ClusterRole')).toEqual(['-/r-cloudflare-operator']);
    expect(names(docs, 'Role')).toEqual(['ops/r-cloudflare-operator-leader-election']);
    expect(resources(ofKind(docs, 'ClusterRole')[0])).toEqual([
      'clustertunnels',
      'clustertunnels/finalizers',
      'clustertunnels/status',
      'configmaps',
      'deployments',
      'events',
      'networkpolicies',
      'poddisruptionbudgets',
      'secrets',
      'services',
      'tunnels',
      'tunnels/finalizers',
      'tunnels/status',
    ]);
    expect(ofKind(docs, 'Secret')).toEqual([]);
    expect(ofKind(docs, 'ClusterTunnel')).toEqual([]);
    expect(env(docs)).toMatchObject({
      OWNER_ID: 'c1',
      CLUSTER_DOMAIN: 'cluster.local',
      COALESCE_WINDOW: '25ms',
      CLOUDFLARE_TIMEOUT: '30s',
    });
  });

  it('NetworkPolicies: no update verb, as the operator only applies, reads, watches and deletes them', async () => {
    const rules = (ofKind(await renderChart(), 'ClusterRole')[0]?.rules ?? []) as {
      resources: string[];
      verbs: string[];
    }[];
    expect(rules.find((r) => r.resources.includes('networkpolicies'))?.verbs).toEqual([
      'get',
      'list',
      'watch',
      'create',
      'patch',
      'delete',
    ]);
  });

  it('Services are only listed and watched', async () => {
    const rules = (ofKind(await renderChart(), 'ClusterRole')[0]?.rules ?? []) as {
      resources: string[];
      verbs: string[];
    }[];
    expect(rules.find((r) => r.resources.includes('services'))?.verbs).toEqual(['list', 'watch']);
  });

  it('cloudflare.apiToken creates the credentials Secret', async () => {
    const [secret] = ofKind(await renderChart('cloudflare.apiToken=tok'), 'Secret');
    expect(secret).toMatchObject({
      metadata: { name: 'r-cloudflare-operator-cloudflare', namespace: 'ops' },
      stringData: { apiToken: 'tok' },
    });
  });

  it('cloudflare.apiKey + email create a global-key Secret', async () => {
    const [secret] = ofKind(await renderChart('cloudflare.apiKey=key', 'cloudflare.email=ops@example.com'), 'Secret');
    expect(secret?.stringData).toEqual({ apiKey: 'key', email: 'ops@example.com' });
  });

  it('clusterTunnel.enabled makes a ClusterTunnel on those credentials, kept on uninstall', async () => {
    const docs = await renderChart(
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
      await renderChart(
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
      await renderChart(
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
    const docs = await renderChart('watchNamespaces={shop,blog}');
    expect(names(docs, 'Role').sort()).toEqual([
      'blog/r-cloudflare-operator',
      'default/r-cloudflare-operator-cluster-events',
      'ops/r-cloudflare-operator',
      'ops/r-cloudflare-operator-leader-election',
      'shop/r-cloudflare-operator',
    ]);
    expect(names(docs, 'RoleBinding')).toHaveLength(5);
    // Events about ClusterTunnels, which the API server takes only in `default`.
    expect(ofKind(docs, 'Role').find((r) => r.metadata.namespace === 'default')?.rules).toEqual([
      { apiGroups: ['events.k8s.io'], resources: ['events'], verbs: ['create', 'patch'] },
    ]);
    expect(resources(ofKind(docs, 'ClusterRole')[0])).toEqual([
      'clustertunnels',
      'clustertunnels/finalizers',
      'clustertunnels/status',
    ]);
    expect(resources(ofKind(docs, 'Role').find((r) => r.metadata.namespace === 'shop'))).toContain('services');
    // A ClusterTunnel's NetworkPolicy lives in the release namespace.
    const release = ofKind(docs, 'Role').find(
      (r) => r.metadata.name === 'r-cloudflare-operator' && r.metadata.namespace === 'ops',
    );
    expect(resources(release)).toContain('networkpolicies');
    expect(env(docs).WATCH_NAMESPACES).toBe('shop,blog');
  });

  it('watchNamespaces grants the very permissions of the cluster-wide default (which the chart e2e test checks)', async () => {
    const permissionsOf = (docs: Rendered[]) => [...grantedPermissions(roleRules(docs))].sort();
    expect(permissionsOf(await renderChart('watchNamespaces={shop}'))).toEqual(permissionsOf(await renderChart()));
  });

  it('watchNamespaces including default: the Role there already grants Events, no second one', async () => {
    const docs = await renderChart('watchNamespaces={default}');
    expect(names(docs, 'Role').filter((n) => n.startsWith('default/'))).toEqual(['default/r-cloudflare-operator']);
  });

  it('rbac.create=false renders no RBAC at all', async () => {
    const docs = await renderChart('rbac.create=false');
    expect(docs.filter((d) => ['ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding'].includes(d.kind))).toEqual(
      [],
    );
  });

  it('clusterDomain, coalesceWindow, cloudflare.timeout and heapLimit reach the operator', async () => {
    const rendered = await renderChart(
      'clusterDomain=corp.internal',
      'coalesceWindow=0',
      'cloudflare.timeout=5s',
      'heapLimit=200',
    );
    expect(env(rendered)).toMatchObject({
      CLUSTER_DOMAIN: 'corp.internal',
      COALESCE_WINDOW: '0',
      CLOUDFLARE_TIMEOUT: '5s',
      NODE_OPTIONS: '--max-old-space-size=200',
    });
    expect(env(await renderChart()).NODE_OPTIONS).toBe('--max-old-space-size=128');
  });
});

describe('the values schema refuses', () => {
  it.each(refusedValues.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    expect(await refused(...c.sets)).toContain(c.refusedWith);
  });
});
