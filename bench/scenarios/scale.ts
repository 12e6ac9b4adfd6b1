// Scale: 1000 Services over 20 Tunnels. Operator RSS and CPU; start → first reconcile; restart with everything in
// place → every tunnel verified, with zero writes.
import { waitFor } from '../../e2e/cluster/wait.js';
import { describeCounts, describeRoutes, openWindow } from '../calls.js';
import { allRoutes, converged, createServices, plans, recordNames } from '../published.js';
import { atMost, exactly } from '../results.js';
import type { Scenario } from '../scenario.js';
import { snapshot, snapshotChanges } from '../snapshot.js';
import { Stage } from '../stage.js';
import { pause } from '../stats.js';

const MB = 2 ** 20;

export const scale: Scenario = {
  name: 'scale',
  description: '1000 Services / 20 Tunnels: memory, CPU, start and restart',
  async run(ctx) {
    const tunnels = ctx.quick ? 10 : 20;
    const services = ctx.quick ? 200 : 1000;
    const names = Array.from({ length: tunnels }, (_, i) => `x${i}`);
    const stage = await Stage.open(ctx.cluster, 'scale', {
      tunnels: names.map((name, i) => ({ name, mode: i % 2 === 0 ? 'local' : 'cloudflare' })),
    });
    const r = ctx.results;
    const s = `scale ${services}/${tunnels}`;
    try {
      const ids = await stage.tunnelIds();
      const want = plans('x', services, names);
      const cpuBefore = stage.op.cpuSeconds();
      const start = performance.now();
      await createServices(stage.namespace, want);
      await waitFor(async () => converged(recordNames(stage), await allRoutes(stage, ids), want) || undefined, {
        intervalMs: 200,
        timeoutMs: 300_000,
        description: `${services} Services published`,
        giveUpIf: stage.op.gone,
      });
      await stage.settled(300_000);
      r.add(s, `${services} Services published and rolled out`, (performance.now() - start) / 1000, 's');
      r.add(s, 'operator CPU to publish them', stage.op.cpuSeconds() - cpuBefore, 'CPU s');
      await pause(3000);
      r.add(s, 'operator peak RSS', stage.op.peakRssBytes() / MB, 'MB', atMost(120));
      r.add(s, 'operator RSS at rest', stage.op.rssBytes() / MB, 'MB');
      const heap = await stage.op.heap();
      r.add(s, 'operator V8 heap used at rest', heap.used / MB, 'MB');
      r.add(s, 'operator V8 heap total at rest', heap.total / MB, 'MB');
      r.add(s, 'operator external memory at rest', heap.external / MB, 'MB');

      // Restart with everything in place.
      const before = await snapshot(stage);
      await stage.op.stop();
      const window = await openWindow(stage);
      await stage.restartOperator();
      const op = stage.op;
      const firstMs = await op.firstReconcileMs();
      const verifiedMs = await op.allReconciledMs(tunnels);
      await pause(3000);
      const seen = await window.close();
      const changed = snapshotChanges(before, await snapshot(stage));
      r.add(s, 'start → first reconcile', firstMs / 1000, 's', atMost(2));
      r.add(s, 'start → "starting" log (modules loaded, HTTP up)', op.logMs('starting') / 1000, 's');
      r.add(s, 'start → "watches synced"', op.logMs('watches synced') / 1000, 's');
      r.add(s, 'start → "became leader"', op.logMs('became leader') / 1000, 's');
      r.add(s, 'restart → every tunnel verified', verifiedMs / 1000, 's');
      r.add(s, 'restart: Cloudflare writes', seen.cloudflareWrites, 'calls', exactly(0));
      r.add(s, 'restart: Cloudflare reads', seen.cloudflareReads, 'calls');
      r.add(s, 'restart: Kubernetes writes (Leases apart)', seen.kubeWrites, 'requests', exactly(0));
      r.add(s, 'restart: operator peak RSS', op.peakRssBytes() / MB, 'MB', atMost(120));
      r.add(s, 'restart: operator CPU until verified + 3 s', op.cpuSeconds(), 'CPU s');
      r.note(`${s} (repeat ${ctx.repeat + 1}) restart: Cloudflare calls ${describeRoutes(seen.byRoute)}`);
      r.note(`${s} (repeat ${ctx.repeat + 1}) restart: Kubernetes writes ${describeCounts(seen.kube.writes)}`);
      r.note(
        `${s} (repeat ${ctx.repeat + 1}) restart: ${changed.length} published things changed` +
          (changed.length > 0 ? `, e.g. ${changed.slice(0, 3).join('; ')}` : ''),
      );
      r.detail('scale', { tunnels, services, firstMs, verifiedMs, calls: seen.byRoute, kube: seen.kube });
      ctx.log(
        `${s}: first reconcile ${firstMs} ms, verified ${verifiedMs} ms, ${seen.cloudflareWrites} CF writes, ${seen.kubeWrites} kube writes`,
      );
    } finally {
      await stage.close();
    }
  },
};
