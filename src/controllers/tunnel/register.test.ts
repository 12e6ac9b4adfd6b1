import type { KubernetesObject } from '@kubernetes/client-node';
import type { CacheReader } from '../../operator/types.js';
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
});
