// Route claims: what a source (today a Service; later Gateway API routes) asks a tunnel to serve. Claims
// from the whole cluster are resolved (claims.ts) before they become the tunnel's ingress rules.
import type { OriginRequestOptions } from '../api/types.js';
import type { RouteBackend } from '../render/network-policy.js';
import { keyOf } from '../runtime/keys.js';

export type TunnelKind = 'Tunnel' | 'ClusterTunnel';

export interface TunnelRef {
  kind: TunnelKind;
  /** Only for a Tunnel: a ClusterTunnel is cluster-scoped. */
  namespace?: string;
  name: string;
}

/** The object a claim comes from. Other kinds (Gateway API routes) will join 'Service'. */
export type RouteSourceKind = 'Service';

export interface RouteSource {
  kind: RouteSourceKind;
  namespace: string;
  name: string;
  uid: string;
  /** The source's creationTimestamp (RFC 3339): the older claim wins a conflict. */
  createdAt: string;
}

/**
 * One hostname (+ optional path) a source wants served by a tunnel. Per-route options (Cloudflare Access)
 * will be further optional fields.
 */
export interface RouteClaim {
  tunnel: TunnelRef;
  /** Normalised: lower case, ASCII (punycode), no trailing dot; `*.` for a wildcard. */
  hostname: string;
  /** The tunnel's zone the hostname is in. */
  zone: string;
  /** A regular expression the request path must match; none: every path. */
  path?: string;
  /** Origin URL, e.g. `http://web.shop.svc.cluster.local:80`. */
  service: string;
  originRequest?: OriginRequestOptions;
  /** False: serve the route, manage no DNS record. */
  dns: boolean;
  source: RouteSource;
  /** The pods and port the origin's connections reach: what the cloudflared NetworkPolicy allows. */
  backend: RouteBackend;
}

/** The work-queue key of the tunnel: `namespace/name` for a Tunnel, `name` for a ClusterTunnel. */
export function tunnelRefKey(ref: TunnelRef): string {
  return keyOf({ namespace: ref.kind === 'Tunnel' ? ref.namespace : undefined, name: ref.name });
}

export function sameTunnel(a: TunnelRef, b: TunnelRef): boolean {
  return a.kind === b.kind && tunnelRefKey(a) === tunnelRefKey(b);
}

/** `Service <namespace>/<name>`: how messages and rendered routes name a source. */
export function sourceRef(source: Pick<RouteSource, 'kind' | 'namespace' | 'name'>): string {
  return `${source.kind} ${source.namespace}/${source.name}`;
}

const SOURCE_KINDS: readonly string[] = ['Service'] satisfies RouteSourceKind[];

/** The source a `sourceRef` names (as a route status records it); undefined for anything else. */
export function parseSourceRef(ref: string): Pick<RouteSource, 'kind' | 'namespace' | 'name'> | undefined {
  const match = /^(\S+) ([^/\s]+)\/([^/\s]+)$/.exec(ref);
  if (!match || !SOURCE_KINDS.includes(match[1]!)) return undefined;
  return { kind: match[1] as RouteSourceKind, namespace: match[2]!, name: match[3]! };
}
