// Which tunnels must look again when a Service changes (the mapper runs for the old and the new object, so a
// Service moved from Tunnel A to B, or stripped of its annotation, re-queues both A and B):
// - the tunnels its annotations name;
// - the tunnels whose status lists a route of this Service, or a route for one of its hostnames: a Service that
//   releases a hostname lets the next-oldest claim on another tunnel take over at once.
import type { KubernetesObject, V1Service } from '@kubernetes/client-node';
import { ServiceAnnotation } from '../../api/annotations.js';
import { normalizeHostname } from '../../cloudflare/index.js';
import type { TunnelLike } from '../../api/types.js';
import type { CacheReader, KeyMapper } from '../../operator/types.js';
import type { ResourceType } from '../../runtime/kube-client.js';
import { objectKey } from '../../runtime/keys.js';
import { serviceTargets } from '../../routes/route-table.js';
import { sourceOf } from '../../routes/service-routes.js';
import { sourceRef, tunnelRefKey } from '../../routes/types.js';
import { CLUSTER_TUNNEL, TUNNEL } from '../shared/resources.js';

function explicitHostnames(service: KubernetesObject): string[] {
  const raw = service.metadata?.annotations?.[ServiceAnnotation.hostnames] ?? '';
  return raw
    .split(',')
    .map(normalizeHostname)
    .filter((h) => h !== '');
}

function allTunnels(cache: CacheReader): TunnelLike[] {
  return [...cache.list(TUNNEL), ...cache.list(CLUSTER_TUNNEL)] as TunnelLike[];
}

/** Maps a Service to the keys of `primary` tunnels that must be reconciled. */
export function tunnelsForService(primary: ResourceType): KeyMapper {
  return (service: KubernetesObject, cache: CacheReader): string[] => {
    const source = sourceRef(sourceOf(service));
    const hostnames = new Set(explicitHostnames(service));
    const tunnels = allTunnels(cache);
    // Its own routes' hostnames (an invalid route's is ''), so every tunnel that lists one of its routes matches.
    for (const tunnel of tunnels) {
      for (const route of tunnel.status?.routes ?? []) if (route.source === source) hostnames.add(route.hostname);
    }
    const keys = new Set(
      serviceTargets(service as V1Service)
        .filter((ref) => ref.kind === primary.kind)
        .map(tunnelRefKey),
    );
    for (const tunnel of tunnels) {
      if (tunnel.kind !== primary.kind) continue;
      const routes = tunnel.status?.routes ?? [];
      if (routes.some((r) => hostnames.has(r.hostname))) keys.add(objectKey(tunnel));
    }
    return [...keys].sort();
  };
}

/**
 * Maps a tunnel (of either kind) to the `primary` tunnels that share a hostname with it: when it goes, changes its
 * zones or its routes, their conflicting routes are resolved again.
 */
export function tunnelsSharingHostnames(primary: ResourceType): KeyMapper {
  return (changed: KubernetesObject, cache: CacheReader): string[] => {
    const mine = new Set(((changed as TunnelLike).status?.routes ?? []).map((r) => r.hostname).filter((h) => h));
    const self = `${changed.kind ?? ''} ${objectKey(changed)}`;
    return allTunnels(cache)
      .filter((t) => t.kind === primary.kind && `${t.kind} ${objectKey(t)}` !== self)
      .filter((t) => (t.status?.routes ?? []).some((r) => mine.has(r.hostname)))
      .map(objectKey)
      .sort();
  };
}
