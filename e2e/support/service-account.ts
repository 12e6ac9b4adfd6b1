// A kubeconfig that authenticates as a ServiceAccount (a TokenRequest token), for running the operator with
// exactly the permissions the chart grants.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { adminKubeConfig, clusterState } from './cluster.js';

/** Writes `<dir>/operator.kubeconfig` for ServiceAccount `name` in `namespace`; returns its path. */
export async function serviceAccountKubeconfig(namespace: string, name: string, dir: string): Promise<string> {
  const admin = adminKubeConfig();
  const request = await admin.makeApiClient(CoreV1Api).createNamespacedServiceAccountToken({
    name,
    namespace,
    body: { spec: { audiences: [], expirationSeconds: 3600 } },
  });
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'local', server: clusterState().server, caData: admin.getCurrentCluster()?.caData }],
    users: [{ name, token: request.status?.token }],
    contexts: [{ name: 'operator', cluster: 'local', user: name, namespace }],
    currentContext: 'operator',
  });
  const path = join(dir, 'operator.kubeconfig');
  await writeFile(path, kc.exportConfig(), { mode: 0o600 });
  return path;
}
