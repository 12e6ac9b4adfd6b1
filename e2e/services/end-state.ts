// The exact end state of a set of tunnels and their routes, compared with what Cloudflare (the emulator) and the
// cluster hold: every difference named by its kind, so a failed run says what went wrong, not just that it did.
import type { V1ConfigMap } from '@kubernetes/client-node';
import { parse } from 'yaml';
import type { TunnelLike } from '../../src/api/types.js';
import { CONFIG_MAP } from '../../src/controllers/shared/resources.js';
import { objectNames, targetNamespace } from '../../src/render/names.js';
import type { ResourceType } from '../../src/runtime/kube-client.js';
import type { RunningEmulator, StateSnapshot } from '../../test/cloudflare-emulator/index.js';
import { getOptional } from '../tunnel/support.js';

/** One tunnel as the test wants it in the end: these hostnames routed, and nothing else. */
export interface ExpectedTunnel {
  type: ResourceType;
  /** The Tunnel's namespace; none for a ClusterTunnel. */
  namespace?: string;
  name: string;
  configSource: 'cloudflare' | 'local';
  hostnames: readonly string[];
}

const ingressHosts = (config: unknown): string[] =>
  ((config as { ingress?: { hostname?: string }[] } | null)?.ingress ?? []).flatMap((r) =>
    r.hostname ? [r.hostname] : [],
  );

/** The hostnames of the tunnel's ingress rules: pushed to Cloudflare, or in its ConfigMap. */
async function ruleHosts(
  tunnel: TunnelLike,
  configSource: ExpectedTunnel['configSource'],
  state: StateSnapshot,
  operatorNamespace: string,
): Promise<string[]> {
  if (configSource === 'cloudflare') {
    return ingressHosts(state.tunnels.find((t) => t.id === tunnel.status?.tunnelId)?.config.config);
  }
  const namespace = targetNamespace(tunnel, { operatorNamespace });
  const configMap = await getOptional<V1ConfigMap>(CONFIG_MAP, namespace, objectNames(tunnel).configMap);
  return ingressHosts(parse(configMap?.data?.['config.yaml'] ?? '{}'));
}

/** `what` and how many, with the first few shown; nothing when there are none. */
function listed(what: string, xs: readonly string[]): string[] {
  if (xs.length === 0) return [];
  return [`${xs.length} ${what}: ${xs.slice(0, 3).join(', ')}${xs.length > 3 ? ', …' : ''}`];
}

/** What `have` lacks of `want` (`missing`) and holds beyond it (`extra`), counting duplicates. */
function compare(want: readonly string[], have: readonly string[], missing: string, extra: string): string[] {
  const left = [...have];
  const lacking = want.filter((x) => {
    const at = left.indexOf(x);
    if (at === -1) return true;
    left.splice(at, 1);
    return false;
  });
  return [...listed(missing, lacking), ...listed(extra, left)];
}

/**
 * Every way the emulator and the cluster differ from `expected`: per tunnel, its Active routes and its ingress
 * rules (missing or stale); over the zone, missing records, records pointing at the wrong tunnel, duplicate and
 * orphan records; in the account, orphan or duplicate tunnels. Empty when the end state is exact.
 */
export async function endStateDifferences(
  emulator: RunningEmulator,
  expected: readonly ExpectedTunnel[],
  operatorNamespace: string,
): Promise<string[]> {
  const state = await emulator.control.state();
  const problems: string[] = [];
  const wantedTarget = new Map<string, string>();
  const ids = new Set<string>();
  for (const want of expected) {
    const tunnel = await getOptional<TunnelLike>(want.type, want.namespace, want.name);
    problems.push(...(await tunnelDifferences(want, tunnel, state, operatorNamespace)));
    const id = tunnel?.status?.tunnelId;
    if (!id) continue;
    ids.add(id);
    for (const host of want.hostnames) wantedTarget.set(host, `${id}.cfargotunnel.com`);
  }
  return [...problems, ...recordDifferences(wantedTarget, state), ...accountDifferences(ids, state)];
}

/** The tunnel's Active routes and its ingress rules against its wanted hostnames. */
async function tunnelDifferences(
  want: ExpectedTunnel,
  tunnel: TunnelLike | undefined,
  state: StateSnapshot,
  operatorNamespace: string,
): Promise<string[]> {
  const label = `${want.type.kind} ${want.namespace ? `${want.namespace}/` : ''}${want.name}`;
  if (!tunnel?.status?.tunnelId) return [`${label}: no tunnel ID in its status`];
  const active = (tunnel.status.routes ?? []).filter((r) => r.state === 'Active').map((r) => r.hostname);
  const rules = await ruleHosts(tunnel, want.configSource, state, operatorNamespace);
  return [
    ...compare(want.hostnames, active, `${label}: routes not Active`, `${label}: Active routes extra`),
    ...compare(want.hostnames, rules, `${label}: rules missing`, `${label}: stale rules`),
  ];
}

/** The zone's records against the wanted hostname → CNAME target. */
function recordDifferences(wantedTarget: ReadonlyMap<string, string>, state: StateSnapshot): string[] {
  const byName = new Map<string, string[]>();
  for (const r of state.records) byName.set(r.name, [...(byName.get(r.name) ?? []), `${r.type} ${r.content}`]);
  const missing: string[] = [];
  const wrongTunnel: string[] = [];
  const duplicated: string[] = [];
  for (const [host, target] of wantedTarget) {
    const records = byName.get(host) ?? [];
    if (records.length === 0) missing.push(host);
    else if (records.length > 1) duplicated.push(`${host} (${records.length})`);
    else if (records[0] !== `CNAME ${target}`) wrongTunnel.push(`${host} → ${records[0] ?? ''}`);
  }
  return [
    ...listed('records missing', missing),
    ...listed('records of the wrong tunnel', wrongTunnel),
    ...listed('duplicate records', duplicated),
    ...listed(
      'orphan records',
      [...byName.keys()].filter((name) => !wantedTarget.has(name)),
    ),
  ];
}

/** Live tunnels in the account that no expected tunnel holds, and names held twice. */
function accountDifferences(ids: ReadonlySet<string>, state: StateSnapshot): string[] {
  const live = state.tunnels.filter((t) => !t.deletedAt);
  const names = live.map((t) => t.name);
  return [
    ...listed(
      'orphan tunnels',
      live.filter((t) => !ids.has(t.id)).map((t) => `${t.name} ${t.id}`),
    ),
    ...listed(
      'duplicate tunnel names',
      names.filter((n, i) => names.indexOf(n) !== i),
    ),
  ];
}
