// What a tunnel's published state looks like at one moment (its records, the configurations cloudflared gets, the
// objects rendered for it), so that a scenario can say what a restart changed when it should have changed nothing.
import type { KubernetesObject } from '@kubernetes/client-node';
import { CONFIG_MAP, DEPLOYMENT, NETWORK_POLICY } from '../src/controllers/shared/resources.js';
import { client } from '../e2e/tunnel/support.js';
import type { Stage } from './stage.js';

/** Published thing (`record h.example.com`, `configmap x0-cloudflared`, …) → its content, as text. */
export type Snapshot = Map<string, string>;

export async function snapshot(stage: Stage): Promise<Snapshot> {
  const state = await stage.emulator.control.state();
  const out: Snapshot = new Map();
  for (const r of state.records) {
    out.set(`record ${r.name}`, JSON.stringify([r.type, r.content, r.proxied, r.comment ?? '']));
  }
  for (const t of state.tunnels) if (!t.deletedAt) out.set(`pushed config ${t.name}`, JSON.stringify(t.config));
  const kinds = [
    [CONFIG_MAP, (o: KubernetesObject & { data?: unknown }) => o.data],
    [DEPLOYMENT, (o: KubernetesObject & { spec?: unknown }) => o.spec],
    [NETWORK_POLICY, (o: KubernetesObject & { spec?: unknown }) => o.spec],
  ] as const;
  for (const [type, content] of kinds) {
    const list = await client.list(type, { namespace: stage.namespace });
    for (const o of list.items) out.set(`${type.kind} ${o.metadata?.name ?? ''}`, JSON.stringify(content(o)));
  }
  return out;
}

/** What differs between two snapshots: each thing added, removed or changed, with the text around the change. */
export function snapshotChanges(before: Snapshot, after: Snapshot): string[] {
  const changes: string[] = [];
  for (const key of new Set([...before.keys(), ...after.keys()])) {
    const [was, is] = [before.get(key), after.get(key)];
    if (was === is) continue;
    if (was === undefined) changes.push(`${key} added`);
    else if (is === undefined) changes.push(`${key} removed`);
    else changes.push(`${key} changed: ${around(was, is)}`);
  }
  return changes;
}

/** The two texts from a little before their first difference. */
function around(was: string, is: string): string {
  let at = 0;
  while (at < was.length && was[at] === is[at]) at++;
  const from = Math.max(0, at - 40);
  return `…${was.slice(from, at + 80)} → …${is.slice(from, at + 80)}`;
}
