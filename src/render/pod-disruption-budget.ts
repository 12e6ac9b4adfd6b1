// The PodDisruptionBudget of the cloudflared pods: voluntary disruptions (drains, evictions) take at most
// one pod at a time. maxUnavailable rather than minAvailable, so scaling never requires updating it.
import type { V1PodDisruptionBudget } from '@kubernetes/client-node';
import { withDefaults } from '../api/defaults.js';
import type { TunnelLike } from '../api/types.js';
import { objectMeta, objectNames, selectorLabels, type RenderContext } from './names.js';

/** A PodDisruptionBudget is wanted when there is more than one replica to keep (with one, it would block drains). */
export function wantsPodDisruptionBudget(tunnel: TunnelLike): boolean {
  return withDefaults(tunnel.spec).cloudflared.replicas >= 2;
}

/** At most one cloudflared pod voluntarily disrupted at a time. Only meaningful when wantsPodDisruptionBudget. */
export function podDisruptionBudget(tunnel: TunnelLike, ctx: RenderContext): V1PodDisruptionBudget {
  return {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: objectMeta(tunnel, ctx, objectNames(tunnel).podDisruptionBudget),
    spec: {
      maxUnavailable: 1,
      selector: { matchLabels: selectorLabels(tunnel) },
      unhealthyPodEvictionPolicy: 'AlwaysAllow',
    },
  };
}
