// The Helm chart in the local cluster: install it, and a kubeconfig for its ServiceAccount, under which the
// operator runs as a process on this machine (the chart e2e test and the benchmarks).
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { adminKubeConfig, clusterState } from '../support/cluster.js';
import { helm, type ToolResult } from '../support/tools.js';

export const CHART = resolve(dirname(fileURLToPath(import.meta.url)), '../../charts/cloudflare-operator');
export const RELEASE = 'cfo';
export const FULLNAME = 'cfo-cloudflare-operator';

/** `helm install --wait` of the chart as release RELEASE; `values` are `--set` pairs. */
export function installChart(namespace: string, values: Record<string, string>): Promise<ToolResult> {
  const sets = Object.entries(values).flatMap(([key, value]) => ['--set', `${key}=${value}`]);
  return helm(['install', RELEASE, CHART, '--namespace', namespace, ...sets, '--wait', '--timeout', '2m']);
}

/** Writes `<dir>/operator.kubeconfig`, authenticated with a TokenRequest token of the chart's ServiceAccount. */
export async function serviceAccountKubeconfig(namespace: string, dir: string): Promise<string> {
  const admin = adminKubeConfig();
  const request = await admin.makeApiClient(CoreV1Api).createNamespacedServiceAccountToken({
    name: FULLNAME,
    namespace,
    body: { spec: { audiences: [], expirationSeconds: 3600 } },
  });
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'local', server: clusterState().server, caData: admin.getCurrentCluster()?.caData }],
    users: [{ name: FULLNAME, token: request.status?.token }],
    contexts: [{ name: 'operator', cluster: 'local', user: FULLNAME, namespace }],
    currentContext: 'operator',
  });
  const path = join(dir, 'operator.kubeconfig');
  await writeFile(path, kc.exportConfig(), { mode: 0o600 });
  return path;
}
