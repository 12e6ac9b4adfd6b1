// Churn: Services created, edited (new hostname) and deleted at 10 changes/s for 5 minutes (30 s with --quick).
// Convergence lag of each change (until the emulator's DNS and cloudflared's configuration show it) and
// Cloudflare calls per change.
import { SERVICE } from '../../src/controllers/shared/resources.js';
import { waitFor } from '../../e2e/cluster/wait.js';
import { A } from '../../e2e/services/support.js';
import { create, mergePatch, remove } from '../../e2e/tunnel/support.js';
import { describeRoutes, openWindow } from '../calls.js';
import {
  allRoutes,
  annotatedService,
  converged,
  createServices,
  plans,
  recordNames,
  type ServicePlan,
} from '../published.js';
import { atMost, exactly } from '../results.js';
import type { Scenario } from '../scenario.js';
import { Stage } from '../stage.js';
import { percentile, pause } from '../stats.js';

const RATE = 10; // changes per second
const POOL = 60; // Services alive at the start

interface Change {
  kind: 'create' | 'edit' | 'delete';
  want: ServicePlan[];
  gone: ServicePlan[];
  /** performance.now() when the API call returned. */
  at: number;
  lagMs?: number;
}

export const churn: Scenario = {
  name: 'churn',
  description: 'Services created, edited and deleted at 10 changes/s',
  async run(ctx) {
    const durationS = ctx.quick ? 30 : 300;
    const names = ['c0', 'c1', 'c2', 'c3', 'c4'];
    const stage = await Stage.open(ctx.cluster, 'churn', {
      tunnels: names.map((name, i) => ({ name, mode: i < 2 ? 'local' : 'cloudflare' })),
    });
    try {
      const ids = await stage.tunnelIds();
      const alive = new Map(plans('c', POOL, names).map((p) => [p.name, p]));
      await createServices(stage.namespace, [...alive.values()]);
      await waitFor(
        async () => converged(recordNames(stage), await allRoutes(stage, ids), [...alive.values()]) || undefined,
        {
          intervalMs: 100,
          timeoutMs: 120_000,
          description: 'initial Services published',
          giveUpIf: stage.op.gone,
        },
      );
      await stage.settled();
      const window = await openWindow(stage);
      const before = await reconcileStats(stage);
      const changes: Change[] = [];
      const busy = new Set<string>(); // Services with a change not yet converged: left alone
      let serial = POOL;
      let stop = false;
      let stopAt = 0;
      const watcher = (async () => {
        while (!stop || changes.some((c) => c.lagMs === undefined)) {
          const records = recordNames(stage);
          const routes = await allRoutes(stage, ids);
          const now = performance.now();
          for (const c of changes) {
            if (c.lagMs !== undefined || !converged(records, routes, c.want, c.gone)) continue;
            c.lagMs = now - c.at;
            for (const p of [...c.want, ...c.gone]) busy.delete(p.name);
          }
          if (stop && performance.now() - stopAt > 120_000) break;
          await pause(50);
        }
      })();
      const start = performance.now();
      for (let i = 0; performance.now() - start < durationS * 1000; i++) {
        const due = start + (i * 1000) / RATE;
        if (due > performance.now()) await pause(due - performance.now());
        const change = await churnOnce({ stage, alive, busy, nextSerial: () => serial++, tunnels: names }, i);
        if (change) changes.push(change);
      }
      stop = true;
      stopAt = performance.now();
      await watcher;
      await pause(1000);
      const seen = await window.close();
      const after = await reconcileStats(stage);
      const reconciles = after.count - before.count;
      const modeOf = new Map(stage.tunnels.map((t) => [t.name, t.mode]));
      const lagsOf = (list: Change[]): number[] => list.flatMap((c) => (c.lagMs === undefined ? [] : [c.lagMs]));
      const lags = lagsOf(changes);
      const byMode = (mode: string): number[] =>
        lagsOf(changes.filter((c) => [...c.want, ...c.gone].some((p) => modeOf.get(p.tunnel) === mode)));
      const lost = changes.length - lags.length;
      const s = 'churn';
      const r = ctx.results;
      r.add(s, `changes made (${durationS} s at ${RATE}/s)`, changes.length, 'changes');
      r.add(s, 'convergence lag p50', percentile(lags, 50), 'ms');
      r.add(s, 'convergence lag p99', percentile(lags, 99), 'ms');
      for (const mode of ['local', 'cloudflare']) {
        r.add(s, `convergence lag p50, ${mode}-mode tunnels`, percentile(byMode(mode), 50), 'ms');
        r.add(s, `convergence lag p99, ${mode}-mode tunnels`, percentile(byMode(mode), 99), 'ms');
      }
      r.add(s, 'changes not converged within 2 min of the end', lost, 'changes', exactly(0));
      r.add(s, 'Cloudflare calls per change', seen.calls.total / Math.max(1, changes.length), 'calls');
      r.add(s, 'Tunnel reconciles per change', reconciles / Math.max(1, changes.length), 'reconciles');
      r.add(s, 'mean reconcile duration', ((after.seconds - before.seconds) / Math.max(1, reconciles)) * 1000, 'ms');
      const apiMs = ((after.apiSeconds - before.apiSeconds) / Math.max(1, after.apiCount - before.apiCount)) * 1000;
      r.add(s, 'mean Cloudflare call duration (after the client-side rate limiter)', apiMs, 'ms');
      r.add(
        s,
        'operator CPU per wall-clock second',
        (after.cpu - before.cpu) / ((after.at - before.at) / 1000),
        'CPU s/s',
      );
      r.add(s, '429 received', seen.status429, 'calls', atMost(0));
      r.note(
        `churn (repeat ${ctx.repeat + 1}): ${changes.length} changes (${count(changes, 'create')} creates, ${count(changes, 'edit')} edits, ${count(changes, 'delete')} deletes) over 2 local + 3 cloudflare tunnels; Cloudflare calls ${describeRoutes(seen.byRoute)}`,
      );
      if (lost > 0) {
        const open = changes.filter((c) => c.lagMs === undefined);
        const what = open.map((c) => `${c.kind}@${modeOf.get([...c.want, ...c.gone][0]?.tunnel ?? '') ?? '?'}`);
        const tally = [...new Set(what)].map((w) => `${what.filter((x) => x === w).length}× ${w}`).join(', ');
        r.note(`churn (repeat ${ctx.repeat + 1}): not converged: ${tally}; ${await stage.describeRollouts()}`);
      }
      r.detail('churn', { durationS, changes: changes.length, lags, calls: seen.byRoute, kube: seen.kube });
      ctx.log(
        `churn: ${changes.length} changes, lag p50 ${percentile(lags, 50).toFixed(0)} ms p99 ${percentile(lags, 99).toFixed(0)} ms, ${seen.calls.total} calls, ${seen.status429} × 429`,
      );
    } finally {
      await stage.close();
    }
  },
};

async function reconcileStats(stage: Stage): Promise<{
  count: number;
  seconds: number;
  apiCount: number;
  apiSeconds: number;
  cpu: number;
  at: number;
}> {
  return {
    count: await stage.op.metric('cloudflare_operator_reconcile_duration_seconds_count', 'controller="tunnel"'),
    seconds: await stage.op.metric('cloudflare_operator_reconcile_duration_seconds_sum', 'controller="tunnel"'),
    apiCount: await stage.op.metric('cloudflare_api_call_duration_seconds_count'),
    apiSeconds: await stage.op.metric('cloudflare_api_call_duration_seconds_sum'),
    cpu: stage.op.cpuSeconds(),
    at: performance.now(),
  };
}

const count = (changes: Change[], kind: Change['kind']): number => changes.filter((c) => c.kind === kind).length;

/** One change: create when the pool is small, else edit or delete a Service with no change in flight. */
interface Pool {
  stage: Stage;
  alive: Map<string, ServicePlan>;
  /** Services with a change not yet converged: left alone. */
  busy: Set<string>;
  nextSerial: () => number;
  tunnels: string[];
}

async function churnOnce({ stage, alive, busy, nextSerial, tunnels }: Pool, i: number): Promise<Change | undefined> {
  const idle = [...alive.values()].filter((p) => !busy.has(p.name));
  const roll = i % 3;
  if (roll === 0 || idle.length < POOL / 3) {
    const n = nextSerial();
    const plan = { name: `c${n}`, tunnel: tunnels[n % tunnels.length]!, hostname: `c${n}.example.com` };
    await create(SERVICE, annotatedService(stage.namespace, plan));
    alive.set(plan.name, plan);
    busy.add(plan.name);
    return { kind: 'create', want: [plan], gone: [], at: performance.now() };
  }
  const target = idle[(i * 7) % idle.length]!;
  busy.add(target.name);
  if (roll === 1) {
    const edited = { ...target, hostname: `${target.name}-e${i}.example.com` };
    await mergePatch(SERVICE, stage.namespace, target.name, {
      metadata: { annotations: { [`${A}hostnames`]: edited.hostname } },
    });
    alive.set(target.name, edited);
    return { kind: 'edit', want: [edited], gone: [target], at: performance.now() };
  }
  await remove(SERVICE, stage.namespace, target.name);
  alive.delete(target.name);
  return { kind: 'delete', want: [], gone: [target], at: performance.now() };
}
