// The cloudflared NetworkPolicy: the tunnel's cloudflared pods may open connections to the pods and ports its
// routes lead to, to cluster DNS and to Cloudflare's edge, and nowhere else. Only egress is restricted: what
// connects to cloudflared (the kubelet's probes, a metrics scraper) is left alone.
import type { V1NetworkPolicy, V1NetworkPolicyEgressRule, V1NetworkPolicyPort } from '@kubernetes/client-node';
import { withDefaults } from '../api/defaults.js';
import type { TunnelLike } from '../api/types.js';
import { objectMeta, objectNames, selectorLabels, type RenderContext } from './names.js';
import { compareStrings } from './routes.js';

export type PortProtocol = 'TCP' | 'UDP' | 'SCTP';

/** Where a route's traffic goes, as a NetworkPolicy can name it. */
export type RouteBackend = SelectableBackend | UnselectableBackend;

/** Pods of one namespace, chosen by a Service's selector, on one port. */
export interface SelectableBackend {
  kind: 'pods';
  namespace: string;
  selector: Record<string, string>;
  /** The port on the pods: a number, or a container port name (NetworkPolicy ports accept both). */
  port: number | string;
  protocol: PortProtocol;
}

/** A destination no pod selector names: an ExternalName Service, a Service without a selector, a URL. */
export interface UnselectableBackend {
  kind: 'unselectable';
  /** What asks for it: `Service <namespace>/<name>`, or `spec.fallbackService`. */
  source: string;
  reason: string;
}

/** The label the API server puts on every namespace, with its name (Kubernetes 1.21 and later). */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';
/** Cluster DNS as kubeadm, k3s and the managed offerings deploy it (CoreDNS under its kube-dns label). */
export const CLUSTER_DNS = { namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' }, port: 53 } as const;
/** cloudflared's connections to Cloudflare's edge: TCP for http2, UDP for quic; any address, as edge IPs change. */
export const EDGE_PORT = 7844;
const ANY_ADDRESS = ['0.0.0.0/0', '::/0'];
/** A fallbackService that makes cloudflared connect somewhere (not `http_status:`, not a unix socket). */
const NETWORK_URL = /^(https?|tcp):\/\//;

export function wantsNetworkPolicy(tunnel: TunnelLike): boolean {
  return withDefaults(tunnel.spec).cloudflared.networkPolicy.enabled;
}

/** The policy for the routes' backends; unselectable ones get no rule (see policyGaps). */
export function networkPolicy(
  tunnel: TunnelLike,
  backends: readonly RouteBackend[],
  ctx: RenderContext,
): V1NetworkPolicy {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: objectMeta(tunnel, ctx, objectNames(tunnel).networkPolicy),
    spec: {
      podSelector: { matchLabels: selectorLabels(tunnel) },
      policyTypes: ['Egress'],
      egress: [dnsRule(), edgeRule(), ...podRules(backends)],
    },
  };
}

/** What cloudflared is asked to reach that the policy cannot allow, one entry per source, sorted. */
export function policyGaps(tunnel: TunnelLike, backends: readonly RouteBackend[]): UnselectableBackend[] {
  const gaps = new Map<string, UnselectableBackend>();
  const fallback = withDefaults(tunnel.spec).fallbackService;
  if (NETWORK_URL.test(fallback)) {
    const source = 'spec.fallbackService';
    gaps.set(source, { kind: 'unselectable', source, reason: `${fallback} is a URL, not pods a policy can select` });
  }
  for (const backend of backends) {
    if (backend.kind === 'unselectable' && !gaps.has(backend.source)) gaps.set(backend.source, backend);
  }
  return [...gaps.values()].sort((a, b) => compareStrings(a.source, b.source));
}

function dnsRule(): V1NetworkPolicyEgressRule {
  return {
    to: [
      {
        namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: CLUSTER_DNS.namespace } },
        podSelector: { matchLabels: { ...CLUSTER_DNS.labels } },
      },
    ],
    ports: [
      { protocol: 'UDP', port: CLUSTER_DNS.port },
      { protocol: 'TCP', port: CLUSTER_DNS.port },
    ],
  };
}

function edgeRule(): V1NetworkPolicyEgressRule {
  return {
    to: ANY_ADDRESS.map((cidr) => ({ ipBlock: { cidr } })),
    ports: [
      { protocol: 'TCP', port: EDGE_PORT },
      { protocol: 'UDP', port: EDGE_PORT },
    ],
  };
}

/**
 * One rule per set of pods (namespace + selector) with the union of its ports. Never two sets in one rule: a rule
 * allows each of its peers on each of its ports, which would open one Service's ports on the other's pods.
 */
function podRules(backends: readonly RouteBackend[]): V1NetworkPolicyEgressRule[] {
  const groups = new Map<string, { namespace: string; selector: Record<string, string>; ports: Map<string, Port> }>();
  for (const backend of backends) {
    if (backend.kind !== 'pods') continue;
    const selector = sortedLabels(backend.selector);
    const key = JSON.stringify([backend.namespace, selector]);
    const group = groups.get(key) ?? { namespace: backend.namespace, selector, ports: new Map<string, Port>() };
    groups.set(key, group);
    const port = { protocol: backend.protocol, port: backend.port };
    group.ports.set(portKey(port), port);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => compareStrings(a, b))
    .map(([, group]) => ({
      to: [
        {
          namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: group.namespace } },
          podSelector: { matchLabels: group.selector },
        },
      ],
      ports: [...group.ports.entries()].sort(([a], [b]) => compareStrings(a, b)).map(([, port]) => port),
    }));
}

type Port = Required<Pick<V1NetworkPolicyPort, 'protocol' | 'port'>>;

/** Sorts numbers by value before names, then by protocol. */
function portKey(port: Port): string {
  const value = typeof port.port === 'number' ? `0${String(port.port).padStart(5, '0')}` : `1${port.port}`;
  return `${value}/${port.protocol}`;
}

function sortedLabels(labels: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(labels).sort(([a], [b]) => compareStrings(a, b)));
}
