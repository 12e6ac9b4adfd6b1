// Burst: 500 annotated Services over 5 Tunnels created at once, in each config mode: time to converge, Cloudflare
// calls by endpoint, configuration changes and cloudflared rollouts per tunnel, 429s.
import type { ConfigSource, TunnelLike } from '../../src/api/types.js';
import { TUNNEL } from '../../src/controllers/shared/resources.js';
import { waitFor } from '../../e2e/cluster/wait.js';
import { client } from '../../e2e/tunnel/support.js';
import { configPutsByTunnel, describeCounts, describeRoutes, openWindow } from '../calls.js';
import { allRoutes, converged, createServices, plans, recordNames, type ServicePlan } from '../published.js';
import { atMost, exactly } from '../results.js';
import type { Scenario, ScenarioContext } from '../scenario.js';
import { Stage } from '../stage.js';
import { pause } from '../stats.js';

const TUNNELS = 5;

async function allActive(stage: Stage, perTunnel: Map<string, number>): Promise<boolean> {
  const { items } = await client.list<TunnelLike & { metadata: { name?: string } }>(TUNNEL, {
    namespace: stage.namespace,
  });
  return items.every(
    (t) =>
      (t.status?.routes ?? []).filter((r) => r.state === 'Active').length ===
      (perTunnel.get(t.metadata.name ?? '') ?? 0),
  );
}

async function burst(ctx: ScenarioContext, mode: ConfigSource, services: number): Promise<void> {
  const names = Array.from({ length: TUNNELS }, (_, i) => `t${i}`);
  const stage = await Stage.open(ctx.cluster, `burst-${mode}`, { tunnels: names.map((name) => ({ name, mode })) });
  try {
    const ids = await stage.tunnelIds();
    const revisionsBefore = await stage.revisions();
    const want = plans('b', services, names);
    const perTunnel = new Map(names.map((n) => [n, want.filter((p) => p.tunnel === n).length]));
    const reconcilesBefore = await stage.op.metric('cloudflare_operator_reconcile_total', 'controller="tunnel"');
    const window = await openWindow(stage);
    const start = performance.now();
    await createServices(stage.namespace, want);
    const createdMs = performance.now() - start;
    let publishedMs = Number.NaN;
    try {
      await waitFor(
        async () => {
          if (Number.isNaN(publishedMs)) {
            if (!converged(recordNames(stage), await allRoutes(stage, ids), want)) return undefined;
            publishedMs = performance.now() - start;
          }
          return (await allActive(stage, perTunnel)) || undefined;
        },
        {
          intervalMs: 100,
          timeoutMs: ctx.quick ? 90_000 : 180_000,
          description: `${services} Services published`,
          giveUpIf: stage.op.gone,
        },
      );
    } catch (error) {
      throw new Error(`${String(error)}; ${await missing(stage, ids, want)}`, { cause: error });
    }
    await stage.settled(180_000);
    const settledMs = performance.now() - start;
    await pause(2000); // anything trailing
    const seen = await window.close();
    const reconciles =
      (await stage.op.metric('cloudflare_operator_reconcile_total', 'controller="tunnel"')) - reconcilesBefore;
    const revisionsAfter = await stage.revisions();
    const rollouts = names.map((n) => (revisionsAfter.get(n) ?? 0) - (revisionsBefore.get(n) ?? 0));
    const configWrites = names.map((n) =>
      mode === 'cloudflare'
        ? (configPutsByTunnel(seen.calls).get(ids.get(n) ?? '') ?? 0)
        : (seen.kube.writesByObject[`configmaps ${n}-cloudflared`] ?? 0),
    );
    const r = ctx.results;
    const s = `burst-${mode}`;
    r.add(s, `${services} Services: all records + routes in place`, publishedMs / 1000, 's');
    r.add(s, `${services} Services: converged (statuses Active, rollouts done)`, settledMs / 1000, 's', atMost(30));
    r.add(s, 'of which the bench took to create the Services', createdMs / 1000, 's');
    r.add(s, 'Tunnel reconciles (all 5 tunnels)', reconciles, 'reconciles');
    r.add(s, 'Cloudflare calls in all', seen.calls.total, 'calls', atMost(25));
    r.add(s, '429 received', seen.status429, 'calls', exactly(0));
    r.add(s, 'configuration changes per tunnel (max)', Math.max(...configWrites), 'changes');
    if (mode === 'local') r.add(s, 'rollouts per tunnel (max)', Math.max(...rollouts), 'rollouts', atMost(2));
    else r.add(s, 'rollouts per tunnel (max)', Math.max(...rollouts), 'rollouts', exactly(0));
    r.add(s, 'Kubernetes writes', seen.kubeWrites, 'requests');
    r.note(`${s} (repeat ${ctx.repeat + 1}): Cloudflare calls ${describeRoutes(seen.byRoute)}`);
    r.note(`${s} (repeat ${ctx.repeat + 1}): Kubernetes writes ${describeCounts(seen.kube.writes)}`);
    r.note(
      `${s} (repeat ${ctx.repeat + 1}): rollouts per tunnel ${rollouts.join(', ')}; configuration changes per tunnel ${configWrites.join(', ')}`,
    );
    r.detail(s, {
      services,
      publishedMs,
      settledMs,
      createdMs,
      calls: seen.byRoute,
      kube: seen.kube,
      rollouts,
      configWrites,
    });
    ctx.log(
      `${s}: published ${(publishedMs / 1000).toFixed(1)} s, converged ${(settledMs / 1000).toFixed(1)} s, ${seen.calls.total} calls, rollouts ${rollouts.join(',')}`,
    );
  } finally {
    await stage.close();
  }
}

/** What is not in place yet: for a timeout's message. */
async function missing(stage: Stage, ids: Map<string, string>, want: ServicePlan[]): Promise<string> {
  const records = recordNames(stage);
  const routes = await allRoutes(stage, ids);
  const { items } = await client.list<TunnelLike>(TUNNEL, { namespace: stage.namespace });
  const states = new Map<string, number>();
  for (const route of items.flatMap((t) => t.status?.routes ?? [])) {
    states.set(route.state, (states.get(route.state) ?? 0) + 1);
  }
  const noRecord = want.filter((p) => !records.has(p.hostname)).length;
  const noRoute = want.filter((p) => !routes.get(p.tunnel)?.has(p.hostname)).length;
  const conditions = items.map(
    (t) =>
      `${t.metadata.name}: ${
        (t.status?.conditions ?? [])
          .filter((c) => c.status !== 'True')
          .map((c) => `${c.type}=${c.status} ${c.reason}`)
          .join(', ') || 'all True'
      }`,
  );
  return `${await stage.describeRollouts()}; missing: ${noRecord} records, ${noRoute} routes; status routes ${JSON.stringify([...states])}; ${conditions.join('; ')}`;
}

export const burst500: Scenario = {
  name: 'burst',
  description: '500 annotated Services over 5 Tunnels at once, in each config mode',
  async run(ctx) {
    const services = ctx.quick ? 100 : 500;
    await burst(ctx, 'local', services);
    await burst(ctx, 'cloudflare', services);
  },
};
