// The Helm chart: rendered by `helm template`; in the local cluster, installed, with a kubeconfig for its
// ServiceAccount under which the operator runs as a process on this machine (the chart e2e tests and the benchmarks).
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { serviceAccountKubeconfig } from '../support/service-account.js';
import { helm, type ToolResult } from '../support/tools.js';

export const CHART = resolve(dirname(fileURLToPath(import.meta.url)), '../../charts/cloudflare-operator');
export const RELEASE = 'cfo';
export const FULLNAME = 'cfo-cloudflare-operator';

/** The user name the chart's ServiceAccount authenticates as (in audit records). */
export const chartUser = (namespace: string): string => `system:serviceaccount:${namespace}:${FULLNAME}`;

/** `helm install --wait` of the chart as release RELEASE; `values` are `--set` pairs. */
export function installChart(namespace: string, values: Record<string, string>): Promise<ToolResult> {
  const sets = Object.entries(values).flatMap(([key, value]) => ['--set', `${key}=${value}`]);
  return helm(['install', RELEASE, CHART, '--namespace', namespace, ...sets, '--wait', '--timeout', '2m']);
}

/** Writes `<dir>/operator.kubeconfig`, authenticated with a TokenRequest token of the chart's ServiceAccount. */
export function chartKubeconfig(namespace: string, dir: string): Promise<string> {
  return serviceAccountKubeconfig(namespace, FULLNAME, dir);
}

/** One object of a rendered manifest. */
export interface Rendered {
  kind: string;
  metadata: { name: string; namespace?: string; annotations?: Record<string, string> };
  [field: string]: unknown;
}

/** The objects of a manifest (`helm template`, `helm get manifest`). */
export function manifestObjects(manifest: string): Rendered[] {
  return parseAllDocuments(manifest)
    .map((doc) => doc.toJS() as Rendered | null)
    .filter((doc): doc is Rendered => doc !== null);
}

/** `helm template` of the chart as release `r` in namespace `ops`, with ownerId=c1 and these `--set` values. */
export async function renderChart(...sets: string[]): Promise<Rendered[]> {
  const args = ['template', 'r', CHART, '--namespace', 'ops', '--set', 'ownerId=c1'];
  for (const set of sets) args.push('--set', set);
  const result = await helm(args);
  if (result.code !== 0) throw new Error(`helm template failed: ${result.stderr}`);
  return manifestObjects(result.stdout);
}

export const ofKind = (docs: Rendered[], kind: string): Rendered[] => docs.filter((d) => d.kind === kind);
