// `npm run bench`: starts a local cluster and, per scenario, the Cloudflare emulator (rate limit on) and the built
// operator under the chart's ServiceAccount; measures; writes bench/RESULTS.md; exits 1 when a target is missed
// (never with --quick, which only checks that the harness works). See bench/README.md.
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { parseBenchArgs, UsageError } from './args.js';
import { startBenchCluster, type BenchCluster } from './cluster.js';
import { Results, writeResults } from './results.js';

const root = resolve(import.meta.dirname, '..');

function log(message: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

async function main(): Promise<number> {
  const args = parseBenchArgs(process.argv.slice(2));
  const startedAt = new Date();
  const loadAtStart = loadavg();
  const began = performance.now();
  log(`starting the local cluster (${args.quick ? 'quick run' : 'full run'}: ${args.only.join(', ')})`);
  if (args.operatorNodeOptions) process.env.BENCH_OPERATOR_NODE_OPTIONS = args.operatorNodeOptions;
  if (args.operatorLogs) process.env.BENCH_OPERATOR_LOGS = resolve(args.operatorLogs);
  const cluster: BenchCluster = await startBenchCluster();
  log(`cluster up in ${cluster.startedInMs} ms: ${cluster.state.server}`);
  const results = new Results();
  let finishing: Promise<void> | undefined;
  // Writes what was measured so far and stops the cluster; once (also on Ctrl-C).
  const finish = (): Promise<void> =>
    (finishing ??= (async () => {
      const out = resolve(root, args.out);
      await writeResults(out, results, {
        command: `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim(),
        quick: args.quick,
        repeats: args.repeats,
        startedAt,
        durationMs: performance.now() - began,
        loadAtStart,
        clusterStartMs: cluster.startedInMs,
      });
      log(`results in ${out}`);
      await cluster.stop();
    })());
  process.once('SIGINT', () => {
    results.note('interrupted (SIGINT): the run is incomplete');
    void finish().finally(() => process.exit(130));
  });
  let failures = 0;
  try {
    // Imported once the cluster is up: e2e/tunnel/support.ts makes its client at import time.
    const { SCENARIOS } = await import('./scenarios/index.js');
    for (const scenario of SCENARIOS.filter((s) => args.only.includes(s.name))) {
      for (let repeat = 0; repeat < args.repeats; repeat++) {
        log(`${scenario.name} (${repeat + 1}/${args.repeats}): ${scenario.description}`);
        const t0 = performance.now();
        try {
          await scenario.run({ cluster, results, quick: args.quick, repeat, log });
        } catch (error) {
          failures++;
          const message = error instanceof Error ? error.message : String(error);
          results.note(`${scenario.name} (repeat ${repeat + 1}) FAILED: ${message}`);
          log(`${scenario.name} failed: ${error instanceof Error ? (error.stack ?? message) : message}`);
        }
        log(`${scenario.name} took ${Math.round((performance.now() - t0) / 1000)} s`);
      }
    }
  } finally {
    await finish();
  }
  const missed = results.missed();
  for (const m of missed) log(`target missed: ${m.scenario}: ${m.name}`);
  if (failures > 0) return 2;
  return !args.quick && missed.length > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof UsageError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(2);
  },
);
