// Every route of the cluster, resolved at once: which Service claims which hostname on which tunnel, which claim
// wins a hostname, and which Services cannot be routed. Pure: the inputs are the cached Services and tunnels, so
// every tunnel's reconcile reaches the same verdicts. Services are the only source today; Gateway API routes
// would add their claims to the same resolution.
import type { V1Service } from '@kubernetes/client-node';
import { ServiceAnnotation } from '../api/annotations.js';
import type { AnnotationProblem } from '../api/service-annotations.js';
import type { TunnelLike } from '../api/types.js';
import { resolveClaims } from './claims.js';
import { serviceRoutes, sourceOf, type ServiceRouteOptions } from './service-routes.js';
import { tunnelRefKey, type RouteClaim, type RouteSource, type TunnelRef } from './types.js';

export interface RouteTableInput {
  services: readonly V1Service[];
  /** Tunnels and ClusterTunnels; those being deleted serve nothing. */
  tunnels: readonly TunnelLike[];
  options: ServiceRouteOptions;
}

/** One line of a tunnel's route list. */
export type TunnelRouteEntry =
  | { kind: 'served'; claim: RouteClaim }
  | { kind: 'lost'; claim: RouteClaim; winner: RouteSource; winnerTunnel: TunnelRef }
  | { kind: 'invalid'; source: RouteSource; problems: AnnotationProblem[] };

/** Tunnel key (tunnelRefKey) → its entries. Tunnels without any entry are absent. */
export type RouteTable = Map<string, TunnelRouteEntry[]>;

/** The tunnels a Service's annotations point at, valid or not (both when both annotations are set). */
export function serviceTargets(service: V1Service): TunnelRef[] {
  const annotations = service.metadata?.annotations ?? {};
  const targets: TunnelRef[] = [];
  const tunnel = annotations[ServiceAnnotation.tunnel]?.trim();
  const clusterTunnel = annotations[ServiceAnnotation.clusterTunnel]?.trim();
  if (tunnel) targets.push({ kind: 'Tunnel', namespace: service.metadata?.namespace ?? '', name: tunnel });
  if (clusterTunnel) targets.push({ kind: 'ClusterTunnel', name: clusterTunnel });
  return targets;
}

export function tunnelRefOf(tunnel: TunnelLike): TunnelRef {
  const name = tunnel.metadata.name ?? '';
  return tunnel.kind === 'Tunnel'
    ? { kind: 'Tunnel', namespace: tunnel.metadata.namespace ?? '', name }
    : { kind: 'ClusterTunnel', name };
}

export function routeTable(input: RouteTableInput): RouteTable {
  const live = new Map<string, TunnelLike>();
  for (const tunnel of input.tunnels) {
    if (!tunnel.metadata.deletionTimestamp) live.set(tunnelRefKey(tunnelRefOf(tunnel)), tunnel);
  }
  const table: RouteTable = new Map();
  const add = (ref: TunnelRef, entry: TunnelRouteEntry): void => {
    const key = tunnelRefKey(ref);
    const entries = table.get(key);
    if (entries) entries.push(entry);
    else table.set(key, [entry]);
  };
  const claims: RouteClaim[] = [];
  for (const service of input.services) {
    for (const ref of serviceTargets(service)) {
      const tunnel = live.get(tunnelRefKey(ref));
      if (!tunnel) continue;
      const routes = serviceRoutes(service, { ref, zones: tunnel.spec.cloudflare?.zones ?? [] }, input.options);
      if (routes.ok) claims.push(...routes.claims);
      else add(ref, { kind: 'invalid', source: sourceOf(service), problems: routes.problems });
    }
  }
  for (const resolved of resolveClaims(claims)) {
    if (resolved.verdict === 'won') add(resolved.claim.tunnel, { kind: 'served', claim: resolved.claim });
    else {
      const { claim, winner, winnerTunnel } = resolved;
      add(claim.tunnel, { kind: 'lost', claim, winner, winnerTunnel });
    }
  }
  return table;
}
