import type { V1NetworkPolicy, V1NetworkPolicyPeer } from '@kubernetes/client-node';
import { seededRandom } from '../runtime/testing/fake-clock.js';
import { CTX, sampleClusterTunnel, sampleTunnel } from './testing/fixtures.js';
import {
  networkPolicy,
  policyGaps,
  wantsNetworkPolicy,
  type PortProtocol,
  type RouteBackend,
  type SelectableBackend,
} from './network-policy.js';
import { DNS_RULE, EDGE_RULE } from './testing/network-policy-rules.js';

const pods = (
  namespace: string,
  selector: Record<string, string>,
  port: number | string,
  protocol: PortProtocol = 'TCP',
): SelectableBackend => ({ kind: 'pods', namespace, selector, port, protocol });

/**
 * Every (namespace, selector, port, protocol) the policy's pod rules allow: each peer of a rule with each of its
 * ports, as NetworkPolicy reads a rule. The DNS and edge rules (the first two) are left out.
 */
function allowedBackends(policy: V1NetworkPolicy): string[] {
  const out = new Set<string>();
  for (const rule of (policy.spec?.egress ?? []).slice(2)) {
    for (const peer of rule.to ?? []) {
      for (const port of rule.ports ?? []) {
        const namespace = peer.namespaceSelector?.matchLabels?.['kubernetes.io/metadata.name'] ?? '?';
        const selector = peer.podSelector?.matchLabels ?? {};
        out.add(backendKey(pods(namespace, selector, port.port ?? '?', port.protocol as PortProtocol)));
      }
    }
  }
  return [...out].sort();
}

function backendKey(b: SelectableBackend): string {
  const selector = Object.entries(b.selector).sort(([x], [y]) => (x < y ? -1 : 1));
  return JSON.stringify([b.namespace, selector, b.port, b.protocol]);
}

const selectable = (backends: readonly RouteBackend[]) =>
  backends.filter((b): b is SelectableBackend => b.kind === 'pods');

describe('networkPolicy', () => {
  it('with no routes: only cluster DNS and the edge, for the tunnel’s cloudflared pods, egress only', () => {
    const policy = networkPolicy(sampleTunnel(), [], CTX);
    expect(policy).toMatchObject({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: {
        name: 'web-cloudflared',
        namespace: 'shop',
        labels: { 'app.kubernetes.io/managed-by': 'cloudflare-operator', 'cloudflare-operator.io/tunnel': 'web' },
        ownerReferences: [{ kind: 'Tunnel', name: 'web', controller: true }],
      },
    });
    expect(policy.spec).toEqual({
      podSelector: {
        matchLabels: { 'app.kubernetes.io/name': 'cloudflared', 'cloudflare-operator.io/tunnel': 'web' },
      },
      policyTypes: ['Egress'],
      egress: [DNS_RULE, EDGE_RULE],
    });
  });

  it('for a ClusterTunnel: in the operator namespace, selecting its pods', () => {
    const policy = networkPolicy(sampleClusterTunnel(), [], CTX);
    expect(policy.metadata).toMatchObject({
      name: 'cluster-shared-cloudflared',
      namespace: 'cloudflare-operator',
      ownerReferences: [{ kind: 'ClusterTunnel', name: 'shared' }],
    });
    expect(policy.spec?.podSelector?.matchLabels).toEqual({
      'app.kubernetes.io/name': 'cloudflared',
      'cloudflare-operator.io/cluster-tunnel': 'shared',
    });
  });

  it('allows each route’s pods on its port, in their own namespace, and nothing else', () => {
    const backends = [
      pods('shop', { app: 'web' }, 8080),
      pods('shop', { app: 'db' }, 5432),
      pods('blog', { app: 'blog', tier: 'front' }, 'http'),
      pods('dns', { app: 'resolver' }, 5353, 'UDP'),
    ];
    const policy = networkPolicy(sampleClusterTunnel(), backends, CTX);
    expect(policy.spec?.egress?.slice(2)).toEqual([
      {
        to: [
          {
            namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'blog' } },
            podSelector: { matchLabels: { app: 'blog', tier: 'front' } },
          },
        ],
        ports: [{ protocol: 'TCP', port: 'http' }],
      },
      {
        to: [
          {
            namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'dns' } },
            podSelector: { matchLabels: { app: 'resolver' } },
          },
        ],
        ports: [{ protocol: 'UDP', port: 5353 }],
      },
      {
        to: [
          {
            namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'shop' } },
            podSelector: { matchLabels: { app: 'db' } },
          },
        ],
        ports: [{ protocol: 'TCP', port: 5432 }],
      },
      {
        to: [
          {
            namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'shop' } },
            podSelector: { matchLabels: { app: 'web' } },
          },
        ],
        ports: [{ protocol: 'TCP', port: 8080 }],
      },
    ]);
    expect(allowedBackends(policy)).toEqual(backends.map(backendKey).sort());
  });

  it('gathers the ports of one set of pods into one rule, each once, numbers before names', () => {
    const policy = networkPolicy(
      sampleTunnel(),
      [
        pods('shop', { app: 'web' }, 'metrics'),
        pods('shop', { tier: 'x', app: 'web' }, 80),
        pods('shop', { app: 'web', tier: 'x' }, 9090),
        pods('shop', { app: 'web' }, 8080),
        pods('shop', { app: 'web' }, 8080),
        pods('shop', { app: 'web' }, 443),
        pods('shop', { app: 'web' }, 443, 'UDP'),
      ],
      CTX,
    );
    const rules = policy.spec?.egress?.slice(2) ?? [];
    expect(rules.map((r) => [r.to?.[0]?.podSelector?.matchLabels, r.ports])).toEqual([
      [
        { app: 'web', tier: 'x' },
        [
          { protocol: 'TCP', port: 80 },
          { protocol: 'TCP', port: 9090 },
        ],
      ],
      [
        { app: 'web' },
        [
          { protocol: 'TCP', port: 443 },
          { protocol: 'UDP', port: 443 },
          { protocol: 'TCP', port: 8080 },
          { protocol: 'TCP', port: 'metrics' },
        ],
      ],
    ]);
  });

  it('the same pods in two namespaces are two sets', () => {
    const backends = [pods('a', { app: 'web' }, 80), pods('b', { app: 'web' }, 81)];
    const policy = networkPolicy(sampleClusterTunnel(), backends, CTX);
    expect(policy.spec?.egress).toHaveLength(4);
    expect(allowedBackends(policy)).toEqual(backends.map(backendKey).sort());
  });

  it('gives an unselectable origin no rule', () => {
    const backends: RouteBackend[] = [
      { kind: 'unselectable', source: 'Service shop/db', reason: 'ExternalName' },
      pods('shop', { app: 'web' }, 80),
    ];
    expect(networkPolicy(sampleTunnel(), backends, CTX).spec?.egress).toHaveLength(3);
  });

  it('does not depend on the order of the routes', () => {
    const backends = [
      pods('shop', { app: 'web' }, 80),
      pods('blog', { app: 'blog' }, 'http'),
      pods('shop', { app: 'web' }, 'metrics'),
      pods('shop', { app: 'api' }, 8080),
    ];
    const first = networkPolicy(sampleTunnel(), backends, CTX);
    expect(networkPolicy(sampleTunnel(), [...backends].reverse(), CTX)).toEqual(first);
    expect(networkPolicy(sampleTunnel(), [backends[2]!, backends[0]!, backends[3]!, backends[1]!], CTX)).toEqual(first);
  });

  it('copies the selectors, so editing the policy leaves the routes alone', () => {
    const backend = pods('shop', { app: 'web' }, 80);
    const policy = networkPolicy(sampleTunnel(), [backend], CTX);
    policy.spec!.egress![2]!.to![0]!.podSelector!.matchLabels!.app = 'changed';
    expect(backend.selector).toEqual({ app: 'web' });
  });
});

describe('networkPolicy on random route sets', () => {
  const NAMESPACES = ['shop', 'blog', 'kube-system'];
  const LABELS: Record<string, string[]> = { app: ['web', 'api', 'db'], tier: ['front', 'back'] };
  const PORTS: (number | string)[] = [53, 80, 443, 5432, 7844, 8080, 'http', 'metrics'];
  const PROTOCOLS: PortProtocol[] = ['TCP', 'UDP'];

  const pick = <T>(random: () => number, items: readonly T[]): T => items[Math.floor(random() * items.length)]!;

  /** A selector of one or two labels from LABELS. */
  function randomSelector(random: () => number): Record<string, string> {
    const keys = random() < 0.5 ? ['app'] : random() < 0.5 ? ['tier'] : ['app', 'tier'];
    return Object.fromEntries(keys.map((key) => [key, pick(random, LABELS[key]!)]));
  }

  function randomBackend(random: () => number): RouteBackend {
    if (random() < 0.1) return { kind: 'unselectable', source: `Service x/${random()}`, reason: 'no selector' };
    return pods(pick(random, NAMESPACES), randomSelector(random), pick(random, PORTS), pick(random, PROTOCOLS));
  }

  interface Probe {
    namespace: string;
    labels: Record<string, string>;
    port: number | string;
    protocol: PortProtocol;
  }

  /** A connection to a pod with every label of LABELS set (and sometimes kube-dns's). */
  function randomProbe(random: () => number): Probe {
    const labels = Object.fromEntries(Object.entries(LABELS).map(([key, values]) => [key, pick(random, values)]));
    if (random() < 0.3) labels['k8s-app'] = 'kube-dns';
    return {
      namespace: pick(random, NAMESPACES),
      labels,
      port: pick(random, PORTS),
      protocol: pick(random, PROTOCOLS),
    };
  }

  const within = (wanted: Record<string, string> | undefined, labels: Record<string, string>) =>
    Object.entries(wanted ?? {}).every(([key, value]) => labels[key] === value);

  /** NetworkPolicy egress as the specification reads it; an ipBlock is taken to match any address, pods too. */
  function policyAllows(policy: V1NetworkPolicy, probe: Probe): boolean {
    const peerMatches = (peer: V1NetworkPolicyPeer) =>
      peer.ipBlock !== undefined ||
      (within(peer.namespaceSelector?.matchLabels, { 'kubernetes.io/metadata.name': probe.namespace }) &&
        within(peer.podSelector?.matchLabels, probe.labels));
    return (policy.spec?.egress ?? []).some(
      (rule) =>
        (rule.to ?? []).some(peerMatches) &&
        (rule.ports ?? []).some((p) => p.port === probe.port && p.protocol === probe.protocol),
    );
  }

  /** What ought to be allowed: a route's pods on its port, cluster DNS, the edge port. */
  function expected(backends: readonly RouteBackend[], probe: Probe): boolean {
    const route = selectable(backends).some(
      (b) =>
        b.namespace === probe.namespace &&
        within(b.selector, probe.labels) &&
        b.port === probe.port &&
        b.protocol === probe.protocol,
    );
    const dns = probe.namespace === 'kube-system' && probe.labels['k8s-app'] === 'kube-dns' && probe.port === 53;
    return route || dns || probe.port === 7844;
  }

  it('allows exactly the union of the backends, for 50 seeded route sets and 200 connections each', () => {
    for (let seed = 1; seed <= 50; seed++) {
      const random = seededRandom(seed);
      const backends = Array.from({ length: Math.floor(random() * 12) }, () => randomBackend(random));
      const policy = networkPolicy(sampleClusterTunnel(), backends, CTX);
      const union = [...new Set(selectable(backends).map(backendKey))].sort();
      expect({ seed, allowed: allowedBackends(policy) }).toEqual({ seed, allowed: union });
      for (let i = 0; i < 200; i++) {
        const probe = randomProbe(random);
        expect({ seed, probe, allowed: policyAllows(policy, probe) }).toEqual({
          seed,
          probe,
          allowed: expected(backends, probe),
        });
      }
    }
  });
});

describe('policyGaps', () => {
  it('lists each unselectable source once, sorted', () => {
    const backends: RouteBackend[] = [
      { kind: 'unselectable', source: 'Service shop/mail', reason: 'no selector' },
      pods('shop', { app: 'web' }, 80),
      { kind: 'unselectable', source: 'Service shop/db', reason: 'ExternalName' },
      { kind: 'unselectable', source: 'Service shop/mail', reason: 'no selector' },
    ];
    expect(policyGaps(sampleTunnel(), backends).map((g) => g.source)).toEqual(['Service shop/db', 'Service shop/mail']);
  });

  it('is empty when every origin is a set of pods and the fallback is a status', () => {
    expect(policyGaps(sampleTunnel(), [pods('shop', { app: 'web' }, 80)])).toEqual([]);
  });

  it.each([
    ['http://web.shop.svc.cluster.local:80', true],
    ['https://example.net', true],
    ['tcp://db.shop.svc:5432', true],
    ['http_status:503', false],
    ['unix:/run/app.sock', false],
    ['unix+tls:/run/app.sock', false],
  ])('fallbackService %s is a gap: %s', (fallbackService, gap) => {
    const gaps = policyGaps(sampleTunnel({ fallbackService }), []);
    expect(gaps.map((g) => g.source)).toEqual(gap ? ['spec.fallbackService'] : []);
  });
});

describe('wantsNetworkPolicy', () => {
  it.each<[string, boolean | undefined, boolean]>([
    ['by default', undefined, true],
    ['when enabled', true, true],
    ['not when switched off', false, false],
  ])('%s', (_name, enabled, wanted) => {
    const networkPolicy = enabled === undefined ? {} : { enabled };
    expect(wantsNetworkPolicy(sampleTunnel({ cloudflared: { networkPolicy } }))).toBe(wanted);
  });
});
