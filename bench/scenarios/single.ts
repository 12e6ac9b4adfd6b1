// Single Service: annotate one Service → its DNS record in the emulator and its route in the configuration
// cloudflared gets; then remove the annotations → both gone. p50/p90/p99 per config mode.
import { SERVICE } from '../../src/controllers/shared/resources.js';
import { A } from '../../e2e/services/support.js';
import { create, mergePatch } from '../../e2e/tunnel/support.js';
import { localRoutes, recordNames, remoteRoutes } from '../published.js';
import { atMost } from '../results.js';
import type { Scenario, ScenarioContext } from '../scenario.js';
import { Stage } from '../stage.js';
import { percentile, pause } from '../stats.js';

/**
 * Each measured change is a single change: the operator treats changes of one tunnel that come within a third of
 * 40 × the coalescing window (~333 ms at the default 25 ms) of each other as one burst (docs/runtime.md).
 */
const LONE_CHANGE_GAP_MS = 1000;

const POLL_MS = 5;
const TIMEOUT_MS = 30_000;

interface Timing {
  dnsMs: number;
  configMs: number;
  /** Both in place (the later of the two). */
  ms: number;
}

/** Polls every 5 ms from `start` until `dns()` and `config()` hold; NaN for a side that timed out. */
async function timeUntil(start: number, dns: () => boolean, config: () => Promise<boolean>): Promise<Timing> {
  let dnsMs = Number.NaN;
  let configMs = Number.NaN;
  while (performance.now() - start < TIMEOUT_MS) {
    if (Number.isNaN(dnsMs) && dns()) dnsMs = performance.now() - start;
    if (Number.isNaN(configMs) && (await config())) configMs = performance.now() - start;
    if (!Number.isNaN(dnsMs) && !Number.isNaN(configMs)) break;
    await pause(POLL_MS);
  }
  return { dnsMs, configMs, ms: Math.max(dnsMs, configMs) };
}

async function measureMode(ctx: ScenarioContext, stage: Stage, tunnel: string, runs: number): Promise<void> {
  const mode = stage.tunnels.find((t) => t.name === tunnel)!.mode;
  const tunnelId = (await stage.tunnelIds()).get(tunnel) ?? '';
  const routes = (): Promise<Set<string>> =>
    mode === 'local' ? localRoutes(stage, tunnel) : Promise.resolve(remoteRoutes(stage, tunnelId));
  const add: Timing[] = [];
  const remove: Timing[] = [];
  for (let i = 0; i < runs; i++) {
    const name = `${mode}-${i}`;
    const hostname = `${name}.example.com`;
    await create(SERVICE, {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name, namespace: stage.namespace },
      spec: { selector: { app: name }, ports: [{ name: 'http', port: 80, targetPort: 8080 }] },
    } as never);
    await pause(LONE_CHANGE_GAP_MS); // the Service's own ADDED event is not part of the measure
    await mergePatch(SERVICE, stage.namespace, name, {
      metadata: { annotations: { [`${A}tunnel`]: tunnel, [`${A}hostnames`]: hostname } },
    });
    let start = performance.now();
    add.push(
      await timeUntil(
        start,
        () => recordNames(stage).has(hostname),
        async () => (await routes()).has(hostname),
      ),
    );
    await stage.settled();
    await pause(LONE_CHANGE_GAP_MS);
    await mergePatch(SERVICE, stage.namespace, name, {
      metadata: { annotations: { [`${A}tunnel`]: null, [`${A}hostnames`]: null } },
    });
    start = performance.now();
    remove.push(
      await timeUntil(
        start,
        () => !recordNames(stage).has(hostname),
        async () => !(await routes()).has(hostname),
      ),
    );
    await stage.settled();
    await pause(LONE_CHANGE_GAP_MS);
  }
  report(ctx, mode, 'annotate', add);
  report(ctx, mode, 'remove', remove);
}

function report(ctx: ScenarioContext, mode: string, what: string, timings: Timing[]): void {
  const ms = timings.map((t) => (Number.isNaN(t.ms) ? TIMEOUT_MS : t.ms));
  const r = ctx.results;
  r.add('single', `${mode}: ${what} → record + route, p50`, percentile(ms, 50), 'ms', atMost(100));
  r.add('single', `${mode}: ${what} → record + route, p90`, percentile(ms, 90), 'ms');
  r.add('single', `${mode}: ${what} → record + route, p99`, percentile(ms, 99), 'ms', atMost(500));
  r.add(
    'single',
    `${mode}: ${what} → DNS record only, p50`,
    percentile(
      timings.map((t) => t.dnsMs),
      50,
    ),
    'ms',
  );
  r.add(
    'single',
    `${mode}: ${what} → route only, p50`,
    percentile(
      timings.map((t) => t.configMs),
      50,
    ),
    'ms',
  );
  const timeouts = timings.filter((t) => Number.isNaN(t.ms)).length;
  if (timeouts > 0)
    r.note(`single ${mode} ${what}: ${timeouts} of ${timings.length} runs timed out (${TIMEOUT_MS} ms)`);
  r.detail('single', { mode, what, timings });
  ctx.log(`single ${mode} ${what}: p50 ${percentile(ms, 50).toFixed(1)} ms, p99 ${percentile(ms, 99).toFixed(1)} ms`);
}

export const single: Scenario = {
  name: 'single',
  description: 'one Service annotated, then its annotations removed; latency to DNS record + route',
  async run(ctx) {
    const runs = ctx.quick ? 10 : 50;
    const stage = await Stage.open(ctx.cluster, 'single', {
      tunnels: [
        { name: 'local', mode: 'local' },
        { name: 'remote', mode: 'cloudflare' },
      ],
    });
    try {
      await measureMode(ctx, stage, 'local', runs);
      await measureMode(ctx, stage, 'remote', runs);
      const calls = await stage.emulator.control.calls();
      ctx.results.add('single', '429 received', calls.byStatus['429'] ?? 0, 'calls', atMost(0));
    } finally {
      await stage.close();
    }
  },
};
