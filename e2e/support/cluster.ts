// What e2e tests use to reach the run's cluster: clients for its admin kubeconfig, a namespace per test,
// and control over the cluster itself (restart the API server).
import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { CoreV1Api, KubeConfig, type V1Namespace } from '@kubernetes/client-node';
import type { ClusterState } from '../cluster/daemon.js';
import { waitFor } from '../cluster/wait.js';

export { waitFor } from '../cluster/wait.js';

export function clusterState(): ClusterState {
  const file = process.env.E2E_CLUSTER_STATE;
  if (!file) throw new Error('E2E_CLUSTER_STATE is not set: run e2e tests through `npm run test:e2e`');
  return JSON.parse(readFileSync(file, 'utf8')) as ClusterState;
}

/** A KubeConfig for the cluster's admin (system:masters). */
export function adminKubeConfig(): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromFile(clusterState().kubeconfig);
  return kc;
}

/** Restarts kube-apiserver (same port, same etcd) and resolves once it is ready again. */
export async function restartApiServer(): Promise<void> {
  const response = await fetch(`${clusterState().control}/restart/kube-apiserver`, { method: 'POST' });
  if (!response.ok) throw new Error(`restart kube-apiserver: HTTP ${response.status} ${await response.text()}`);
}

export interface TestNamespace {
  name: string;
  delete(): Promise<void>;
}

/**
 * Creates a uniquely named namespace that enforces the PodSecurity "restricted" profile and resolves once
 * its default ServiceAccount exists (pods cannot be created before that).
 */
export async function createTestNamespace(prefix = 'e2e', labels: Record<string, string> = {}): Promise<TestNamespace> {
  const core = adminKubeConfig().makeApiClient(CoreV1Api);
  const name = `${prefix}-${randomBytes(3).toString('hex')}`;
  const body: V1Namespace = {
    metadata: { name, labels: { 'pod-security.kubernetes.io/enforce': 'restricted', ...labels } },
  };
  await core.createNamespace({ body });
  await waitFor(() => core.readNamespacedServiceAccount({ name: 'default', namespace: name }).then(() => true), {
    description: `default ServiceAccount in ${name}`,
  });
  return {
    name,
    delete: async () => {
      await core.deleteNamespace({ name });
    },
  };
}
