// Steady state: everything published, then nothing changes for a window of several resync periods. Cloudflare
// writes (target 0), reads per zone per resync period (target ≤ 1), Kubernetes writes (target 0).
import { waitFor } from '../../e2e/cluster/wait.js';
import { describeCounts, describeRoutes, openWindow } from '../calls.js';
import { allRoutes, converged, createServices, plans, recordNames } from '../published.js';
import { atMost, exactly } from '../results.js';
import type { Scenario } from '../scenario.js';
import { Stage } from '../stage.js';
import { pause } from '../stats.js';

const RESYNC_S = 10; // the shortest resync period the operator accepts

export const steady: Scenario = {
  name: 'steady',
  description: 'nothing changes for a window of several resync periods',
  async run(ctx) {
    const windowS = ctx.quick ? 2 * RESYNC_S : 6 * RESYNC_S;
    const names = ['s0', 's1', 's2', 's3', 's4'];
    const stage = await Stage.open(ctx.cluster, 'steady', {
      tunnels: names.map((name, i) => ({ name, mode: i % 2 === 0 ? 'local' : 'cloudflare' })),
      operatorEnv: { RESYNC_PERIOD: `${RESYNC_S}s` },
    });
    try {
      const ids = await stage.tunnelIds();
      const want = plans('q', ctx.quick ? 50 : 200, names);
      await createServices(stage.namespace, want);
      await waitFor(async () => converged(recordNames(stage), await allRoutes(stage, ids), want) || undefined, {
        intervalMs: 100,
        timeoutMs: 180_000,
        description: 'Services published',
        giveUpIf: stage.op.gone,
      });
      await stage.settled();
      await pause(3000); // statuses and Events of the last pass
      const window = await openWindow(stage);
      await pause(windowS * 1000);
      const seen = await window.close();
      const zoneReads = new Map<string, number>();
      for (const call of seen.calls.recent) {
        const zone = /^\/zones\/([^/]+)/.exec(call.path)?.[1];
        if (zone && call.method === 'GET') zoneReads.set(zone, (zoneReads.get(zone) ?? 0) + 1);
      }
      const periods = windowS / RESYNC_S;
      const perZone = Math.max(0, ...zoneReads.values()) / periods;
      const r = ctx.results;
      r.add('steady', 'Cloudflare writes', seen.cloudflareWrites, 'calls', exactly(0));
      r.add('steady', 'Cloudflare reads per zone per resync period (max zone)', perZone, 'reads', atMost(1));
      r.add('steady', 'Cloudflare calls per resync period, all endpoints', seen.calls.total / periods, 'calls');
      r.add('steady', 'Kubernetes writes (Leases apart)', seen.kubeWrites, 'requests', exactly(0));
      r.add(
        'steady',
        'Kubernetes reads (GET/LIST) per resync period',
        sumValues(seen.kube.reads) / periods,
        'requests',
      );
      r.note(
        `steady (repeat ${ctx.repeat + 1}): window ${windowS} s, resync ${RESYNC_S} s, 5 tunnels, one zone; Cloudflare calls ${describeRoutes(seen.byRoute)}`,
      );
      r.note(
        `steady (repeat ${ctx.repeat + 1}): Kubernetes writes ${describeCounts(seen.kube.writes)}; reads ${describeCounts(seen.kube.reads)}; Lease writes ${seen.kube.leaseWrites}`,
      );
      r.detail('steady', { windowS, calls: seen.byRoute, kube: seen.kube, zoneReads: [...zoneReads] });
      ctx.log(
        `steady: ${seen.cloudflareWrites} CF writes, ${perZone.toFixed(1)} zone reads/period, ${seen.kubeWrites} kube writes`,
      );
    } finally {
      await stage.close();
    }
  },
};

const sumValues = (counts: Record<string, number>): number => Object.values(counts).reduce((a, b) => a + b, 0);
