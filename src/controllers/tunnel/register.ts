// The Tunnel and ClusterTunnel controllers as the operator registers them: the primary kind, the objects they
// own (mapped back to the owner through ownerReferences, so a deleted or edited Deployment/ConfigMap comes back),
// the API credentials Secrets they name (a restored Secret takes effect at once), and a backoff tuned for Cloudflare (fast first retries, capped at a minute while credentials are missing).
import { CLUSTER_TUNNEL_LABEL, MANAGED_BY, MANAGED_BY_LABEL, TUNNEL_LABEL } from '../../api/constants.js';
import type { BackoffOptions } from '../../runtime/backoff.js';
import type { ControllerRegistration, NamespaceScope } from '../../operator/types.js';
import { CLUSTER_TUNNEL, CONFIG_MAP, DEPLOYMENT, POD_DISRUPTION_BUDGET, SECRET, TUNNEL } from '../shared/resources.js';
import { TunnelReconciler, type TunnelReconcilerDeps } from './reconciler.js';
import { tunnelsUsingSecret } from './secret-watch.js';

export const TUNNEL_BACKOFF: BackoffOptions = { baseMs: 500, maxMs: 60_000, jitter: 0.2 };

function owned(ownerLabel: string, namespaces: NamespaceScope): ControllerRegistration['owns'] {
  const labelSelector = `${MANAGED_BY_LABEL}=${MANAGED_BY},${ownerLabel}`;
  return [DEPLOYMENT, CONFIG_MAP, SECRET, POD_DISRUPTION_BUDGET].map((type) => ({ type, labelSelector, namespaces }));
}

export function tunnelControllers(deps: TunnelReconcilerDeps): ControllerRegistration[] {
  return [
    {
      name: 'tunnel',
      primary: { type: TUNNEL },
      owns: owned(TUNNEL_LABEL, 'watched'),
      watches: [{ type: SECRET, namespaces: 'watched', map: tunnelsUsingSecret(TUNNEL, deps.operatorNamespace) }],
      reconcile: new TunnelReconciler(deps, TUNNEL).reconcile,
      backoff: TUNNEL_BACKOFF,
    },
    {
      name: 'cluster-tunnel',
      primary: { type: CLUSTER_TUNNEL },
      owns: owned(CLUSTER_TUNNEL_LABEL, 'operator'),
      watches: [
        { type: SECRET, namespaces: 'operator', map: tunnelsUsingSecret(CLUSTER_TUNNEL, deps.operatorNamespace) },
      ],
      reconcile: new TunnelReconciler(deps, CLUSTER_TUNNEL).reconcile,
      backoff: TUNNEL_BACKOFF,
    },
  ];
}
