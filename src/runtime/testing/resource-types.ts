// Resource types for runtime tests: a custom kind of an example group (the runtime knows nothing of ours), its
// cluster-scoped twin, and two built-in kinds.
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
