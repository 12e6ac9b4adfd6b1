// The cloudflared NetworkPolicy on a real API server: derived from the routes (each exposed Service's pods on its
// target port, cluster DNS, Cloudflare's edge), following every route change, repaired when edited or deleted,
// deleted when switched off and with its tunnel. The local cluster does not enforce policies: what is checked
// here is the object the API server accepted and holds; what it allows is tested as data in
// src/render/network-policy.test.ts.
import { jest } from '@jest/globals';
import type { V1NetworkPolicy } from '@kubernetes/client-node';
import type { TunnelLike } from '../../src/api/types.js';
import { CLUSTER_TUNNEL, NETWORK_POLICY, SECRET, TUNNEL } from '../../src/controllers/shared/resources.js';
import { createTestNamespace, waitFor, type TestNamespace } from '../support/cluster.js';
import {
  ACCOUNT,
  API_TOKEN,
  apiSecret,
  condition,
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
import { SERVICE, eventsOf, serviceObject, waitForRoute } from './support.js';
import { DNS_RULE, EDGE_RULE } from '../../src/render/testing/network-policy-rules.js';

jest.setTimeout(180_000);

let env: TunnelEnvironment;
let ns: string;
let other: TestNamespace;
let edge: string;
const cloudflare = { accountId: ACCOUNT, credentialsSecretRef: { name: 'cf' }, zones: ['example.com'] };

/** The rules after DNS and the edge, one line each: `<namespace> <selector>: <protocol>/<port> ...`. */
function podRules(policy: V1NetworkPolicy | undefined): string[] {
  return (policy?.spec?.egress ?? []).slice(2).map((rule) => {
    const peers = (rule.to ?? []).map((peer) => {
      const namespace = peer.namespaceSelector?.matchLabels?.['kubernetes.io/metadata.name'] ?? '?';
      const labels = Object.entries(peer.podSelector?.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
      return `${namespace} ${labels.join(',')}`;
    });
    const ports = (rule.ports ?? []).map((p) => `${p.protocol ?? ''}/${String(p.port)}`);
    return `${peers.join(' + ')}: ${ports.join(' ')}`;
  });
}

function waitForPodRules(namespace: string, name: string, rules: string[]): Promise<V1NetworkPolicy> {
  let seen: string[] | undefined;
  return waitFor(
    async () => {
      const policy = await getOptional<V1NetworkPolicy>(NETWORK_POLICY, namespace, name);
      seen = policy && podRules(policy);
      return policy && JSON.stringify(seen) === JSON.stringify(rules) ? policy : undefined;
    },
    {
      description: `NetworkPolicy ${namespace}/${name} with ${JSON.stringify(rules)}`,
      giveUpIf: env.op.gone,
      detail: async () => {
        const tunnels = [
          await getOptional<TunnelLike>(TUNNEL, ns, 'web'),
          await getOptional<TunnelLike>(CLUSTER_TUNNEL, undefined, edge),
        ];
        const statuses = tunnels.map(
          (t) => `${t?.kind ?? '?'} ${t?.metadata?.name ?? '?'}: ${JSON.stringify(t?.status)}`,
        );
        return [`rules seen: ${JSON.stringify(seen)}`, ...statuses, env.op.problems()].join('\n');
      },
    },
  );
}

/** Touches the Tunnel and waits for the reconcile that follows. */
async function reconcileAgain(poke: string): Promise<void> {
  const key = `${ns}/web`;
  const reconciled = env.op.reconciles(key);
  await mergePatch(TUNNEL, ns, 'web', { metadata: { labels: { poke } } });
  await waitFor(() => Promise.resolve(env.op.reconciles(key) > reconciled), {
    description: 'a reconcile',
    giveUpIf: env.op.gone,
  });
}

beforeAll(async () => {
  env = await startTunnelEnvironment('netpol');
  ns = env.ns.name;
  edge = `edge-${ns}`;
  other = await createTestNamespace('netpol-b');
  await create(SECRET, apiSecret(env.opNs.name, 'cf', API_TOKEN));
  await create(TUNNEL, tunnelObject('Tunnel', 'web', ns, { cloudflare, configSource: 'cloudflare' }));
  await create(
    CLUSTER_TUNNEL,
    tunnelObject('ClusterTunnel', edge, undefined, { cloudflare, configSource: 'cloudflare' }),
  );
  await waitForCondition(TUNNEL, ns, 'web', { type: 'Ready', status: 'True', op: env.op });
  await waitForCondition(CLUSTER_TUNNEL, undefined, edge, { type: 'Ready', status: 'True', op: env.op });
});

// Tunnels go while the operator still runs: a namespace deleted with a finalized Tunnel in it would hang.
afterAll(async () => {
  await remove(TUNNEL, ns, 'web').catch(() => undefined);
  await remove(CLUSTER_TUNNEL, undefined, edge).catch(() => undefined);
  await waitGone(TUNNEL, ns, 'web').catch(() => undefined);
  await waitGone(CLUSTER_TUNNEL, undefined, edge).catch(() => undefined);
  await env?.close();
  await other?.delete();
});

describe('the cloudflared NetworkPolicy', () => {
  it('with no routes: the API server holds a policy allowing only cluster DNS and the edge, and it stays put', async () => {
    const policy = await waitForPodRules(ns, 'web-cloudflared', []);
    expect(policy.metadata?.ownerReferences?.[0]).toMatchObject({ kind: 'Tunnel', name: 'web', controller: true });
    expect(policy.spec).toEqual({
      podSelector: {
        matchLabels: { 'app.kubernetes.io/name': 'cloudflared', 'cloudflare-operator.io/tunnel': 'web' },
      },
      policyTypes: ['Egress'],
      egress: [DNS_RULE, EDGE_RULE],
    });
    const tunnel = await waitForCondition(TUNNEL, ns, 'web', {
      type: 'NetworkPolicyReady',
      status: 'True',
      reason: 'NetworkPolicyApplied',
      op: env.op,
    });
    expect(condition(tunnel, 'Ready')?.status).toBe('True');

    await reconcileAgain('1');
    const after = await getOptional<V1NetworkPolicy>(NETWORK_POLICY, ns, 'web-cloudflared');
    expect(after?.metadata?.resourceVersion).toBe(policy.metadata?.resourceVersion);
  });

  it("follows the routes: each exposed Service's pods on its target port, named or numbered; a removed route's rule goes", async () => {
    await create(
      SERVICE,
      serviceObject(ns, 'shop', { tunnel: 'web', hostnames: 'shop.example.com' }, [
        { name: 'http', port: 80, targetPort: 'web' },
      ]),
    );
    await create(
      SERVICE,
      serviceObject(ns, 'api', { tunnel: 'web', hostnames: 'api.example.com' }, [
        { name: 'https', port: 8443, targetPort: 9443 },
      ]),
    );
    await waitForPodRules(ns, 'web-cloudflared', [`${ns} app=api: TCP/9443`, `${ns} app=shop: TCP/web`]);

    await mergePatch(SERVICE, ns, 'shop', { spec: { ports: [{ name: 'http', port: 80, targetPort: 8081 }] } });
    await waitForPodRules(ns, 'web-cloudflared', [`${ns} app=api: TCP/9443`, `${ns} app=shop: TCP/8081`]);

    await remove(SERVICE, ns, 'api');
    await waitForPodRules(ns, 'web-cloudflared', [`${ns} app=shop: TCP/8081`]);
    await waitForRoute(TUNNEL, ns, 'web', { hostname: 'shop.example.com', state: 'Active' }, env.op);
  });

  it('a ClusterTunnel: its policy in the operator namespace, one rule per namespace its routes reach', async () => {
    await create(SERVICE, serviceObject(ns, 'blog', { 'cluster-tunnel': edge, hostnames: 'blog.example.com' }));
    await create(
      SERVICE,
      serviceObject(other.name, 'docs', { 'cluster-tunnel': edge, hostnames: 'docs.example.com' }, [
        { name: 'http', port: 80, targetPort: 3000 },
        { name: 'metrics', port: 9090 },
      ]),
    );
    const name = `cluster-${edge}-cloudflared`;
    // One rule per namespace, in namespace order (the names are random: sorted here too).
    const policy = await waitForPodRules(
      env.opNs.name,
      name,
      [`${ns} app=blog: TCP/8080`, `${other.name} app=docs: TCP/3000`].sort(),
    );
    expect(policy.spec?.podSelector?.matchLabels).toEqual({
      'app.kubernetes.io/name': 'cloudflared',
      'cloudflare-operator.io/cluster-tunnel': edge,
    });
    // The Tunnel's policy is untouched by the ClusterTunnel's routes.
    expect(podRules(await getOptional(NETWORK_POLICY, ns, 'web-cloudflared'))).toEqual([`${ns} app=shop: TCP/8081`]);
    // Events about a cluster-scoped object: the API server takes them in `default` only.
    await waitFor(
      async () => (await eventsOf('default', 'ClusterTunnel', edge)).find((e) => e.reason === 'DNSRecordsChanged'),
      { description: `a DNSRecordsChanged Event on ClusterTunnel ${edge} in default`, giveUpIf: env.op.gone },
    );
  });

  it('an ExternalName Service: no rule, NetworkPolicyReady False naming it, one Warning Event; Ready stays True', async () => {
    await create(
      SERVICE,
      serviceObject(ns, 'ext', { tunnel: 'web', hostnames: 'ext.example.com' }, [{ port: 5432 }], {
        type: 'ExternalName',
        externalName: 'db.example.net',
        selector: undefined,
      }),
    );
    await waitForRoute(TUNNEL, ns, 'web', { hostname: 'ext.example.com', state: 'Active' }, env.op);
    const tunnel = await waitForCondition(TUNNEL, ns, 'web', {
      type: 'NetworkPolicyReady',
      status: 'False',
      reason: 'OriginNotSelectable',
      op: env.op,
    });
    expect(condition(tunnel, 'NetworkPolicyReady')?.message).toContain(`Service ${ns}/ext (an ExternalName Service`);
    expect(condition(tunnel, 'Ready')?.status).toBe('True');
    expect(podRules(await getOptional(NETWORK_POLICY, ns, 'web-cloudflared'))).toEqual([`${ns} app=shop: TCP/8081`]);
    const warnings = await waitFor(
      async () => {
        const found = (await eventsOf(ns, 'Tunnel', 'web')).filter((e) => e.reason === 'OriginNotSelectable');
        return found.length > 0 ? found : undefined;
      },
      { description: 'an OriginNotSelectable Warning on the Tunnel', giveUpIf: env.op.gone },
    );
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.type).toBe('Warning');
    // Later passes with the same gap repeat nothing (a repeat would bump the Event's series).
    await reconcileAgain('2');
    const later = (await eventsOf(ns, 'Tunnel', 'web')).filter((e) => e.reason === 'OriginNotSelectable');
    expect(later.map((e) => (e as { series?: unknown }).series)).toEqual([undefined]);

    await remove(SERVICE, ns, 'ext');
    await waitForCondition(TUNNEL, ns, 'web', { type: 'NetworkPolicyReady', status: 'True', op: env.op });
  });

  it('drift: a deleted policy comes back, an edited one is repaired', async () => {
    const old = await getOptional<V1NetworkPolicy>(NETWORK_POLICY, ns, 'web-cloudflared');
    await remove(NETWORK_POLICY, ns, 'web-cloudflared');
    await waitFor(
      async () => {
        const policy = await getOptional<V1NetworkPolicy>(NETWORK_POLICY, ns, 'web-cloudflared');
        return policy && policy.metadata?.uid !== old?.metadata?.uid;
      },
      { description: 'NetworkPolicy recreated', giveUpIf: env.op.gone },
    );
    await mergePatch(NETWORK_POLICY, ns, 'web-cloudflared', { spec: { egress: [{}] } });
    const repaired = await waitForPodRules(ns, 'web-cloudflared', [`${ns} app=shop: TCP/8081`]);
    expect(repaired.spec?.egress?.slice(0, 2)).toEqual([DNS_RULE, EDGE_RULE]);
  });

  it('switched off, the policy is deleted; switched on again, it is back', async () => {
    await mergePatch(TUNNEL, ns, 'web', { spec: { cloudflared: { networkPolicy: { enabled: false } } } });
    await waitGone(NETWORK_POLICY, ns, 'web-cloudflared', env.op);
    const off = await waitForCondition(TUNNEL, ns, 'web', {
      type: 'NetworkPolicyReady',
      status: 'True',
      reason: 'NetworkPolicyDisabled',
      op: env.op,
    });
    expect(condition(off, 'Ready')?.status).toBe('True');

    await mergePatch(TUNNEL, ns, 'web', { spec: { cloudflared: { networkPolicy: { enabled: true } } } });
    await waitForPodRules(ns, 'web-cloudflared', [`${ns} app=shop: TCP/8081`]);
  });

  it('goes with its tunnel', async () => {
    await remove(TUNNEL, ns, 'web');
    await waitGone(TUNNEL, ns, 'web', env.op);
    await waitGone(NETWORK_POLICY, ns, 'web-cloudflared');
  });
});
