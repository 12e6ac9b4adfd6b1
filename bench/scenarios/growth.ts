// Growth: the same burst at 10, 100, 500 and 1000 Services (over 2 tunnels, one per config mode): Cloudflare calls
// and time to publish. Batching should keep calls close to flat; time should grow linearly at worst.
import { waitFor } from '../../e2e/cluster/wait.js';
import { describeRoutes, openWindow } from '../calls.js';
import { allRoutes, converged, createServices, deleteServices, plans, recordNames } from '../published.js';
import { atMost } from '../results.js';
import type { Scenario } from '../scenario.js';
import { Stage } from '../stage.js';
import { pause } from '../stats.js';
import { BATCH_LIMIT, forcedSplits } from '../batches.js';

export const growth: Scenario = {
  name: 'growth',
  description: 'calls and time for 10, 100, 500, 1000 Services',
  async run(ctx) {
    const sizes = ctx.quick ? [10, 50, 100] : [10, 100, 500, 1000];
    const names = ['g-local', 'g-remote'];
    const stage = await Stage.open(ctx.cluster, 'growth', {
      tunnels: [
        { name: 'g-local', mode: 'local' },
        { name: 'g-remote', mode: 'cloudflare' },
      ],
    });
    const r = ctx.results;
    const calls: number[] = [];
    const splits: number[] = [];
    const times: number[] = [];
    try {
      const ids = await stage.tunnelIds();
      for (const size of sizes) {
        const want = plans(`n${size}-`, size, names);
        const window = await openWindow(stage);
        const start = performance.now();
        await createServices(stage.namespace, want);
        const createdMs = performance.now() - start;
        await waitFor(async () => converged(recordNames(stage), await allRoutes(stage, ids), want) || undefined, {
          intervalMs: 50,
          timeoutMs: 300_000,
          description: `${size} Services published`,
          giveUpIf: stage.op.gone,
        });
        const ms = performance.now() - start;
        await stage.settled(300_000);
        await pause(1500);
        const seen = await window.close();
        calls.push(seen.calls.total);
        splits.push(forcedSplits(want));
        times.push(ms);
        r.add('growth', `${size} Services: Cloudflare calls`, seen.calls.total, 'calls');
        r.add('growth', `${size} Services: time to publish`, ms / 1000, 's');
        r.add('growth', `${size} Services: of which the bench took to create them`, createdMs / 1000, 's');
        r.note(`growth ${size} (repeat ${ctx.repeat + 1}): ${describeRoutes(seen.byRoute)}`);
        ctx.log(`growth ${size}: ${seen.calls.total} calls, ${(ms / 1000).toFixed(1)} s`);
        // Back to empty before the next size.
        await deleteServices(stage.namespace);
        await waitFor(async () => converged(recordNames(stage), await allRoutes(stage, ids), [], want) || undefined, {
          intervalMs: 100,
          timeoutMs: 300_000,
          description: `${size} Services removed`,
          giveUpIf: stage.op.gone,
        });
        await stage.settled(300_000);
        await pause(1000);
      }
      const smallest = sizes[0]!;
      const largest = sizes[sizes.length - 1]!;
      const last = calls.length - 1;
      r.add('growth', `calls at ${largest} ÷ calls at ${smallest} (flat = 1)`, calls[last]! / calls[0]!, '×');
      r.add(
        'growth',
        `the same, less the batches the zone's plan forces (${BATCH_LIMIT} records a request)`,
        (calls[last]! - splits[last]!) / (calls[0]! - splits[0]!),
        '×',
        atMost(2),
      );
      const timeRatio = times[times.length - 1]! / times[0]!;
      r.add(
        'growth',
        `time at ${largest} ÷ time at ${smallest} (linear = ${largest / smallest})`,
        timeRatio,
        '×',
        atMost(largest / smallest),
      );
      r.detail('growth', { sizes, calls, splits, times });
    } finally {
      await stage.close();
    }
  },
};
