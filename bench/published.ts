// What the operator has published, read from where it takes effect: DNS records in the emulator, and each
// tunnel's ingress rules in the configuration cloudflared gets (the ConfigMap's config.yaml in `local` mode, the
// remotely-managed configuration in the emulator in `cloudflare` mode). The emulator is read in process.
import type { V1ConfigMap, V1Service } from '@kubernetes/client-node';
import { parse } from 'yaml';
import { CONFIG_MAP, SERVICE } from '../src/controllers/shared/resources.js';
import { CONFIG_FILE } from '../src/render/paths.js';
import { client, create, getOptional } from '../e2e/tunnel/support.js';
import { serviceObject } from '../e2e/services/support.js';
import type { Stage } from './stage.js';

export const BENCH_LABEL = 'cloudflare-operator.io/bench';

interface IngressRule {
  hostname?: string;
}

function hostnamesOf(ingress: unknown): Set<string> {
  const rules = Array.isArray(ingress) ? (ingress as IngressRule[]) : [];
  return new Set(rules.flatMap((r) => (r.hostname ? [r.hostname] : [])));
}

/** Names of every DNS record in the emulator (all zones). */
export function recordNames(stage: Stage): Set<string> {
  const names = new Set<string>();
  for (const records of stage.emulator.emulator.state.records.values()) for (const r of records) names.add(r.name);
  return names;
}

/** Hostnames in a `cloudflare`-mode tunnel's remote configuration (by Cloudflare tunnel ID). */
export function remoteRoutes(stage: Stage, tunnelId: string): Set<string> {
  const config = stage.emulator.emulator.state.tunnels.get(tunnelId)?.config.config as { ingress?: unknown } | null;
  return hostnamesOf(config?.ingress);
}

export function configMapRoutes(configMap: V1ConfigMap | undefined): Set<string> {
  const text = configMap?.data?.[CONFIG_FILE];
  if (!text) return new Set();
  return hostnamesOf((parse(text) as { ingress?: unknown } | null)?.ingress);
}

/** Hostnames in a `local`-mode tunnel's ConfigMap (one GET). */
export async function localRoutes(stage: Stage, tunnel: string): Promise<Set<string>> {
  return configMapRoutes(await getOptional<V1ConfigMap>(CONFIG_MAP, stage.namespace, `${tunnel}-cloudflared`));
}

/** Routes of every tunnel of the stage, by tunnel name (one LIST of ConfigMaps when a tunnel is local). */
export async function allRoutes(stage: Stage, ids: Map<string, string>): Promise<Map<string, Set<string>>> {
  const routes = new Map<string, Set<string>>();
  const local = stage.tunnels.filter((t) => t.mode === 'local');
  if (local.length > 0) {
    const { items } = await client.list<V1ConfigMap>(CONFIG_MAP, { namespace: stage.namespace });
    for (const t of local) {
      routes.set(t.name, configMapRoutes(items.find((c) => c.metadata?.name === `${t.name}-cloudflared`)));
    }
  }
  for (const t of stage.tunnels.filter((t) => t.mode === 'cloudflare')) {
    routes.set(t.name, remoteRoutes(stage, ids.get(t.name) ?? ''));
  }
  return routes;
}

export interface ServicePlan {
  name: string;
  tunnel: string;
  hostname: string;
}

export function annotatedService(namespace: string, plan: ServicePlan): V1Service {
  const service = serviceObject(namespace, plan.name, { tunnel: plan.tunnel, hostnames: plan.hostname });
  service.metadata = { ...service.metadata, labels: { [BENCH_LABEL]: 'true' } };
  return service;
}

/** Creates the Services, `parallel` requests at a time. */
export async function createServices(namespace: string, plans: readonly ServicePlan[], parallel = 16): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < plans.length) {
      const plan = plans[next++]!;
      await create(SERVICE, annotatedService(namespace, plan));
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, plans.length) }, worker));
}

/** Deletes every bench Service of the namespace in one call. */
export async function deleteServices(namespace: string): Promise<void> {
  await client.transport.request({
    method: 'DELETE',
    path: `/api/v1/namespaces/${namespace}/services`,
    query: { labelSelector: BENCH_LABEL },
  });
}

/** Whether every plan is published (record and route) and, when `gone`, those hostnames are absent. */
export function converged(
  records: Set<string>,
  routes: Map<string, Set<string>>,
  want: readonly ServicePlan[],
  gone: readonly ServicePlan[] = [],
): boolean {
  const present = (p: ServicePlan): boolean =>
    records.has(p.hostname) && (routes.get(p.tunnel)?.has(p.hostname) ?? false);
  const absent = (p: ServicePlan): boolean =>
    !records.has(p.hostname) && !(routes.get(p.tunnel)?.has(p.hostname) ?? false);
  return want.every(present) && gone.every(absent);
}

export function plans(prefix: string, count: number, tunnels: readonly string[]): ServicePlan[] {
  return Array.from({ length: count }, (_, i) => ({
    name: `${prefix}${i}`,
    tunnel: tunnels[i % tunnels.length]!,
    hostname: `${prefix}${i}.example.com`,
  }));
}
