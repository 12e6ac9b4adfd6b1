import { CTX, sampleClusterTunnel, sampleTunnel } from './testing/fixtures.js';
import { podDisruptionBudget, wantsPodDisruptionBudget } from './pod-disruption-budget.js';

describe('podDisruptionBudget', () => {
  it.each([
    [0, false],
    [1, false],
    [2, true],
    [5, true],
  ])('with %i replicas, wanted: %s', (replicas, wanted) => {
    expect(wantsPodDisruptionBudget(sampleTunnel({ cloudflared: { replicas } }))).toBe(wanted);
  });

  it('is wanted with the default replicas', () => {
    expect(wantsPodDisruptionBudget(sampleTunnel())).toBe(true);
  });

  it('allows one pod down at a time, selecting the cloudflared pods', () => {
    const budget = podDisruptionBudget(sampleTunnel(), CTX);
    expect(budget).toMatchObject({
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: { name: 'web-cloudflared', namespace: 'shop' },
    });
    expect(budget.spec).toEqual({
      maxUnavailable: 1,
      selector: { matchLabels: { 'app.kubernetes.io/name': 'cloudflared', 'cloudflare-operator.io/tunnel': 'web' } },
      unhealthyPodEvictionPolicy: 'AlwaysAllow',
    });
  });

  it('for a ClusterTunnel, lives beside its cloudflared in the operator namespace', () => {
    expect(podDisruptionBudget(sampleClusterTunnel(), CTX).metadata).toMatchObject({
      name: 'cluster-shared-cloudflared',
      namespace: 'cloudflare-operator',
      ownerReferences: [{ kind: 'ClusterTunnel', name: 'shared' }],
    });
  });
});
