// The Tunnel and ClusterTunnel controllers as the operator registers them: the primary kind, the objects they
// own (mapped back to the owner through ownerReferences, so a deleted or edited Deployment, ConfigMap or
// NetworkPolicy comes back), the API credentials Secrets they name (a restored Secret takes effect at once), the
// Services that route through them, and a backoff tuned for Cloudflare (fast first retries, capped at a minute
// while credentials are missing); and the finalizer that keeps a Tunnel's credentials Secret while the Tunnel may
// need it (credentials-protection.ts).
import { CLUSTER_TUNNEL_LABEL, MANAGED_BY, MANAGED_BY_LABEL, TUNNEL_LABEL } from '../../api/constants.js';
import type { BackoffOptions } from '../../runtime/backoff.js';
import type { ControllerRegistration, NamespaceScope } from '../../operator/types.js';
import type { ResourceType } from '../../runtime/kube-client.js';
import {
  CLUSTER_TUNNEL,
  CONFIG_MAP,
  DEPLOYMENT,
  NETWORK_POLICY,
  POD_DISRUPTION_BUDGET,
  SECRET,
  SERVICE,
  TUNNEL,
} from '../shared/resources.js';
import { credentialsProtection } from './credentials-protection.js';
import { cloudflareKnowledge, TunnelReconciler, type TunnelReconcilerDeps } from './reconciler.js';
import { tunnelsUsingSecret } from './secret-watch.js';
import { tunnelsForService, tunnelsSharingHostnames } from './service-watch.js';

export const TUNNEL_BACKOFF: BackoffOptions = { baseMs: 500, maxMs: 60_000, jitter: 0.2 };

function owned(ownerLabel: string, namespaces: NamespaceScope): ControllerRegistration['owns'] {
  const labelSelector = `${MANAGED_BY_LABEL}=${MANAGED_BY},${ownerLabel}`;
  return [DEPLOYMENT, CONFIG_MAP, SECRET, POD_DISRUPTION_BUDGET, NETWORK_POLICY].map((type) => ({
    type,
    labelSelector,
    namespaces,
  }));
}

/**
 * Services (cached in full: their annotations, ports and type make the routes) and the tunnels of both kinds
 * (a tunnel that goes or changes releases hostnames another tunnel may now win). Service changes coalesce: a
 * burst of them is one reconcile of each tunnel concerned.
 */
function routeWatches(primary: ResourceType): NonNullable<ControllerRegistration['watches']> {
  return [
    { type: SERVICE, namespaces: 'watched', cache: 'full', coalesce: true, map: tunnelsForService(primary) },
    { type: TUNNEL, cache: 'full', map: tunnelsSharingHostnames(primary) },
    { type: CLUSTER_TUNNEL, cache: 'full', map: tunnelsSharingHostnames(primary) },
  ];
}

export function tunnelControllers(deps: TunnelReconcilerDeps): ControllerRegistration[] {
  const knowledge = cloudflareKnowledge(deps); // tunnels of both kinds share what they learn about Cloudflare
  return [
    {
      name: 'tunnel',
      primary: { type: TUNNEL },
      owns: owned(TUNNEL_LABEL, 'watched'),
      watches: [
        { type: SECRET, namespaces: 'watched', map: tunnelsUsingSecret(TUNNEL, deps.operatorNamespace) },
        ...routeWatches(TUNNEL),
      ],
      reconcile: new TunnelReconciler(deps, TUNNEL, knowledge).reconcile,
      backoff: TUNNEL_BACKOFF,
    },
    {
      name: 'cluster-tunnel',
      primary: { type: CLUSTER_TUNNEL },
      owns: owned(CLUSTER_TUNNEL_LABEL, 'operator'),
      watches: [
        { type: SECRET, namespaces: 'operator', map: tunnelsUsingSecret(CLUSTER_TUNNEL, deps.operatorNamespace) },
        ...routeWatches(CLUSTER_TUNNEL),
      ],
      reconcile: new TunnelReconciler(deps, CLUSTER_TUNNEL, knowledge).reconcile,
      backoff: TUNNEL_BACKOFF,
    },
    credentialsProtection(deps.client, deps.cache),
  ];
}
