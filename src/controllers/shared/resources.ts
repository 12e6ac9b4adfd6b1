// The Kubernetes resource types the controllers read and write.
import {
  CLUSTER_TUNNEL_KIND,
  CLUSTER_TUNNEL_PLURAL,
  GROUP,
  TUNNEL_KIND,
  TUNNEL_PLURAL,
  VERSION,
} from '../../api/constants.js';
import type { ResourceType } from '../../runtime/kube-client.js';

export const TUNNEL: ResourceType = {
  group: GROUP,
  version: VERSION,
  plural: TUNNEL_PLURAL,
  kind: TUNNEL_KIND,
  namespaced: true,
};

export const CLUSTER_TUNNEL: ResourceType = {
  group: GROUP,
  version: VERSION,
  plural: CLUSTER_TUNNEL_PLURAL,
  kind: CLUSTER_TUNNEL_KIND,
  namespaced: false,
};

export const SECRET: ResourceType = { group: '', version: 'v1', plural: 'secrets', kind: 'Secret', namespaced: true };
export const CONFIG_MAP: ResourceType = {
  group: '',
  version: 'v1',
  plural: 'configmaps',
  kind: 'ConfigMap',
  namespaced: true,
};
export const DEPLOYMENT: ResourceType = {
  group: 'apps',
  version: 'v1',
  plural: 'deployments',
  kind: 'Deployment',
  namespaced: true,
};
export const POD_DISRUPTION_BUDGET: ResourceType = {
  group: 'policy',
  version: 'v1',
  plural: 'poddisruptionbudgets',
  kind: 'PodDisruptionBudget',
  namespaced: true,
};
export const NETWORK_POLICY: ResourceType = {
  group: 'networking.k8s.io',
  version: 'v1',
  plural: 'networkpolicies',
  kind: 'NetworkPolicy',
  namespaced: true,
};
export const SERVICE: ResourceType = {
  group: '',
  version: 'v1',
  plural: 'services',
  kind: 'Service',
  namespaced: true,
};
