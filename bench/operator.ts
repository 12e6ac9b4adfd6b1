// The operator as a user runs it: the built dist/main.js in its own process, under the chart's ServiceAccount,
// leader election on, default coalescing window, info logs. On top of e2e's OperatorProcess: its /metrics
// (reconciles, queue), and its RSS and CPU time from /proc.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { freePort } from '../e2e/cluster/cluster.js';
import { waitFor } from '../e2e/cluster/wait.js';
import { OperatorProcess } from '../e2e/tunnel/support.js';
import { metricSum } from '../src/runtime/testing/metrics-text.js';
import { OPERATOR_NAMESPACE } from './audit.js';
import { imageEnv, imageNodeFlags, operatorNodeOptions } from './node-flags.js';
import { LEASE_NAME, OWNER_ID } from './cluster.js';

const root = resolve(import.meta.dirname, '..');
export const DIST_MAIN = join(root, 'dist', 'main.js');

const CLOCK_TICKS = 100; // USER_HZ on Linux

export interface BenchOperatorOptions {
  kubeconfig: string;
  apiBaseUrl: string;
  /** Extra environment (e.g. RESYNC_PERIOD). */
  env?: NodeJS.ProcessEnv;
}

export class BenchOperator {
  private peakRss = 0;
  private sampler: NodeJS.Timeout | undefined;

  private constructor(
    readonly process: OperatorProcess,
    readonly metricsUrl: string,
    /** performance.now() when the process was spawned. */
    readonly spawnedAt: number,
    /** Date.now() when the process was spawned (log lines carry wall-clock timestamps). */
    readonly spawnedEpoch: number,
  ) {}

  static async start(options: BenchOperatorOptions): Promise<BenchOperator> {
    if (!existsSync(DIST_MAIN)) throw new Error(`${DIST_MAIN} is missing: run \`npm run build\` first`);
    const port = await freePort();
    const env: NodeJS.ProcessEnv = {
      ...imageEnv(),
      KUBECONFIG: options.kubeconfig,
      OWNER_ID,
      OPERATOR_NAMESPACE,
      CLOUDFLARE_API_BASE_URL: options.apiBaseUrl,
      LEADER_ELECT: 'true',
      LEASE_NAME,
      HTTP_HOST: '127.0.0.1',
      HTTP_PORT: String(port),
      RESYNC_PERIOD: '10m',
      LOG_LEVEL: globalThis.process.env.BENCH_OPERATOR_LOGS ? 'debug' : 'info',
      SHUTDOWN_TIMEOUT: '25s',
      NODE_OPTIONS: operatorNodeOptions(),
      ...options.env,
    };
    const spawnedAt = performance.now();
    const spawnedEpoch = Date.now();
    const process = new OperatorProcess(OPERATOR_NAMESPACE, options.apiBaseUrl, env, [...imageNodeFlags(), DIST_MAIN]);
    const operator = new BenchOperator(process, `http://127.0.0.1:${port}/metrics`, spawnedAt, spawnedEpoch);
    operator.sampler = setInterval(() => operator.sample(), 200);
    return operator;
  }

  get gone(): () => string | undefined {
    return this.process.gone;
  }

  /** Resident set size now, in bytes (0 once the process is gone). */
  rssBytes(): number {
    const status = this.proc('status');
    const kb = /VmRSS:\s+(\d+)\s+kB/.exec(status ?? '')?.[1];
    return kb ? Number(kb) * 1024 : 0;
  }

  /** User + system CPU seconds the process used so far. */
  cpuSeconds(): number {
    const stat = this.proc('stat');
    if (!stat) return Number.NaN;
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS; // utime, stime (fields 14 and 15)
  }

  /** The highest RSS seen (sampled every 200 ms) since start or the last reset. */
  peakRssBytes(): number {
    this.sample();
    return this.peakRss;
  }

  resetPeakRss(): void {
    this.peakRss = 0;
  }

  /** Samples of /metrics, summed over label sets: `name` or `name{label="value"}` fragments. */
  async metric(name: string, labelFragment = ''): Promise<number> {
    return metricSum(await (await fetch(this.metricsUrl)).text(), name, labelFragment);
  }

  /** Milliseconds from spawn to the first completed reconcile (polls /metrics every 10 ms). */
  async firstReconcileMs(timeoutMs = 60_000): Promise<number> {
    await waitFor(
      async () => (await this.metric('cloudflare_operator_reconcile_total', 'controller="tunnel"')) > 0 || undefined,
      { intervalMs: 10, timeoutMs, description: 'the first reconcile', giveUpIf: this.gone },
    );
    return Math.round(performance.now() - this.spawnedAt);
  }

  /** Waits until `count` tunnel reconciles succeeded and nothing waits or runs; ms since spawn. */
  async allReconciledMs(count: number, timeoutMs = 120_000): Promise<number> {
    await waitFor(
      async () => {
        const done =
          (await this.metric('cloudflare_operator_reconcile_total', 'result="success"')) +
          (await this.metric('cloudflare_operator_reconcile_total', 'result="requeue_after"'));
        const waiting = await this.metric('cloudflare_operator_workqueue_depth');
        const active = await this.metric('cloudflare_operator_active_workers');
        return (done >= count && waiting === 0 && active === 0) || undefined;
      },
      { intervalMs: 20, timeoutMs, description: `${count} tunnels reconciled`, giveUpIf: this.gone },
    );
    return Math.round(performance.now() - this.spawnedAt);
  }

  /** Milliseconds from spawn to the first log line with this message (NaN if none yet). */
  logMs(message: string): number {
    const line = this.process.logs.find((l) => l.message === message);
    const at = typeof line?.timestamp === 'string' ? Date.parse(line.timestamp) : Number.NaN;
    return at - this.spawnedEpoch;
  }

  /** V8 heap used and total, and memory outside the heap, in bytes, from the operator's /metrics. */
  async heap(): Promise<{ used: number; total: number; external: number }> {
    return {
      used: await this.metric('nodejs_heap_size_used_bytes'),
      total: await this.metric('nodejs_heap_size_total_bytes'),
      external: await this.metric('nodejs_external_memory_bytes'),
    };
  }

  async stop(): Promise<void> {
    clearInterval(this.sampler);
    await this.process.stop();
    this.saveLogs();
  }

  /** `--operator-logs DIR`: the process's log lines as JSON lines, one file per process. */
  private saveLogs(): void {
    const dir = globalThis.process.env.BENCH_OPERATOR_LOGS;
    if (!dir) return;
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `operator-${this.spawnedEpoch}-${this.process.pid ?? 0}.jsonl`);
    writeFileSync(file, this.process.logs.map((line) => JSON.stringify(line)).join('\n') + '\n');
  }

  private sample(): void {
    this.peakRss = Math.max(this.peakRss, this.rssBytes());
  }

  private proc(file: string): string | undefined {
    const pid = this.process.pid;
    try {
      return pid ? readFileSync(`/proc/${pid}/${file}`, 'utf8') : undefined;
    } catch {
      return undefined;
    }
  }
}
