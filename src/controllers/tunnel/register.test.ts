import type { KubernetesObject } from '@kubernetes/client-node';
import type { CacheReader } from '../../operator/types.js';
import { CLUSTER_TUNNEL_LABEL, MANAGED_BY, MANAGED_BY_LABEL, TUNNEL_LABEL } from '../../api/constants.js';
import { CTX, sampleClusterTunnel, sampleTunnel } from '../../render/testing/fixtures.js';
import { systemClock } from '../../runtime/clock.js';
import { CLUSTER_TUNNEL, SECRET, TUNNEL } from '../shared/resources.js';
import type { TunnelReconcilerDeps } from './reconciler.js';
import { tunnelControllers } from './register.js';

const cache: CacheReader = {
  get: () => undefined,
  list: (type) => (type === TUNNEL ? [sampleTunnel()] : type === CLUSTER_TUNNEL ? [sampleClusterTunnel()] : []),
};

/** The keys every Secret watch of a registration queues for this Secret. */
function queuedFor(name: string, secret: KubernetesObject): string[] {
  const deps = { operatorNamespace: CTX.operatorNamespace, clock: systemClock, verifyPeriodMs: 1 };
  const registration = tunnelControllers(deps as unknown as TunnelReconcilerDeps).find((r) => r.name === name)!;
  const secretWatches = (registration.watches ?? []).filter((w) => w.type === SECRET);
  return secretWatches.flatMap((w) => [...w.map(secret, cache)]);
}

describe('tunnel controller registration', () => {
  it('a change to the API credentials Secret a Tunnel names reconciles that Tunnel at once', () => {
    const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'cf-credentials', namespace: 'shop' } };
    expect(queuedFor('tunnel', secret)).toEqual(['shop/web']);
  });

  it('a change to a ClusterTunnel’s credentials Secret (in the operator namespace) reconciles the ClusterTunnel', () => {
    const secret = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'cf-credentials', namespace: CTX.operatorNamespace },
    };
    expect(queuedFor('cluster-tunnel', secret)).toEqual(['shared']);
  });

  it('owns its objects, found by the managed-by label and its own label', () => {
    const deps = { operatorNamespace: CTX.operatorNamespace, clock: systemClock, verifyPeriodMs: 1 };
    const [tunnel, cluster] = tunnelControllers(deps as unknown as TunnelReconcilerDeps);
    const owns = (r: typeof tunnel) => (r?.owns ?? []).map((o) => `${o.type.kind} ${o.labelSelector} ${o.namespaces}`);
    const kinds = ['Deployment', 'ConfigMap', 'Secret', 'PodDisruptionBudget', 'NetworkPolicy'];
    expect(owns(tunnel)).toEqual(kinds.map((k) => `${k} ${MANAGED_BY_LABEL}=${MANAGED_BY},${TUNNEL_LABEL} watched`));
    expect(owns(cluster)).toEqual(
      kinds.map((k) => `${k} ${MANAGED_BY_LABEL}=${MANAGED_BY},${CLUSTER_TUNNEL_LABEL} operator`),
    );
  });

  it('watches Services (in full, coalesced) and tunnels of both kinds for routes', () => {
    const deps = { operatorNamespace: CTX.operatorNamespace, clock: systemClock, verifyPeriodMs: 1 };
    const registrations = tunnelControllers(deps as unknown as TunnelReconcilerDeps);
    for (const registration of registrations.filter((r) => r.name !== 'credentials-protection')) {
      const watches = (registration.watches ?? []).map((w) => ({
        kind: w.type.kind,
        cache: w.cache,
        coalesce: w.coalesce ?? false,
      }));
      expect(watches).toEqual([
        { kind: 'Secret', cache: undefined, coalesce: false },
        { kind: 'Service', cache: 'full', coalesce: true },
        { kind: 'Tunnel', cache: 'full', coalesce: false },
        { kind: 'ClusterTunnel', cache: 'full', coalesce: false },
      ]);
    }
  });
});
