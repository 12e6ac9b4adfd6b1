// Fixtures for runtime tests: resource types (a custom kind of an example group — the runtime knows nothing of
// ours —, its cluster-scoped twin, a built-in kind) and a kubeconfig that reaches nothing.
import { KubeConfig } from '@kubernetes/client-node';
import type { ResourceType } from '../kube-client.js';

export const EXAMPLE_TUNNEL: ResourceType = {
  group: 'example.io',
  version: 'v1',
  plural: 'tunnels',
  kind: 'Tunnel',
  namespaced: true,
};
export const EXAMPLE_CLUSTER_TUNNEL: ResourceType = {
  ...EXAMPLE_TUNNEL,
  plural: 'clustertunnels',
  kind: 'ClusterTunnel',
  namespaced: false,
};
export const EXAMPLE_SERVICE: ResourceType = {
  group: '',
  version: 'v1',
  plural: 'services',
  kind: 'Service',
  namespaced: true,
};

/** A kubeconfig for a server nobody listens on: for wiring tests whose sources are fakes. */
export function unreachableKubeConfig(): KubeConfig {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromOptions({
    clusters: [{ name: 'c', server: 'https://127.0.0.1:1' }],
    users: [{ name: 'u' }],
    contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
    currentContext: 'x',
  });
  return kubeConfig;
}
