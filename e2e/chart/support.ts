// The Helm chart in the local cluster: install it, and a kubeconfig for its ServiceAccount, under which the
// operator runs as a process on this machine (the chart e2e test and the benchmarks).
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serviceAccountKubeconfig } from '../support/service-account.js';
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
export function chartKubeconfig(namespace: string, dir: string): Promise<string> {
  return serviceAccountKubeconfig(namespace, FULLNAME, dir);
}
