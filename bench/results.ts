// Measured values, their targets, and bench/RESULTS.md: machine, versions, date, and a table of target vs
// measured (min/median/max over the repeats). A target is judged on the median of the repeats.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, release, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { operatorNodeOptions } from './node-flags.js';
import { spread } from './stats.js';
import * as prettier from 'prettier';

const root = resolve(import.meta.dirname, '..');

export interface Target {
  op: '<=' | '==';
  value: number;
}

export interface Metric {
  scenario: string;
  name: string;
  unit: string;
  target?: Target;
  /** One value per repeat. */
  values: number[];
}

export const atMost = (value: number): Target => ({ op: '<=', value });
export const exactly = (value: number): Target => ({ op: '==', value });

export class Results {
  readonly metrics: Metric[] = [];
  readonly notes: string[] = [];
  readonly raw: Record<string, unknown[]> = {};

  /** Records one repeat's value of a metric. */
  add(scenario: string, name: string, value: number, unit: string, target?: Target): void {
    let metric = this.metrics.find((m) => m.scenario === scenario && m.name === name);
    if (!metric) {
      metric = { scenario, name, unit, values: [], ...(target ? { target } : {}) };
      this.metrics.push(metric);
    }
    metric.values.push(value);
  }

  /** Keeps a scenario run's details for the raw JSON (not the table). */
  detail(scenario: string, value: unknown): void {
    (this.raw[scenario] ??= []).push(value);
  }

  note(text: string): void {
    this.notes.push(text);
  }

  missed(): Metric[] {
    return this.metrics.filter((m) => m.target && !meets(m.target, spread(m.values).median));
  }
}

export function meets(target: Target, value: number): boolean {
  if (Number.isNaN(value)) return false;
  return target.op === '<=' ? value <= target.value : value === target.value;
}

function format(value: number): string {
  if (Number.isNaN(value)) return '–';
  if (Number.isInteger(value)) return String(value);
  return value >= 100 ? value.toFixed(0) : value.toFixed(value >= 10 ? 1 : 2);
}

function versions(): Record<string, string> {
  const env = readFileSync(join(root, 'e2e/cluster/versions.env'), 'utf8');
  const pinned = Object.fromEntries(
    [...env.matchAll(/^(\w+)_VERSION=(\S+)$/gm)].map((m) => [m[1]!.toLowerCase(), m[2]!] as const),
  );
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
  let commit = 'unknown';
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'src'], { cwd: root, encoding: 'utf8' });
    if (dirty.trim()) commit += ' (src/ modified)';
  } catch {
    // not a git checkout
  }
  return {
    'cloudflare-operator': `${pkg.version} @ ${commit}`,
    node: process.version,
    kubernetes: pinned.kubernetes ?? '?',
    etcd: pinned.etcd ?? '?',
    kwok: pinned.kwok ?? '?',
    helm: pinned.helm ?? '?',
  };
}

export interface RunInfo {
  command: string;
  quick: boolean;
  repeats: number;
  startedAt: Date;
  durationMs: number;
  loadAtStart: number[];
  clusterStartMs: number;
}

export function renderMarkdown(results: Results, run: RunInfo): string {
  const cpu = cpus();
  const lines: string[] = [
    '# Benchmark results',
    '',
    run.quick
      ? '> `--quick` run: reduced sizes, a check that the harness works. Targets are shown but not enforced, and the numbers are only indicative.'
      : '> Full run. A target is judged on the median over the repeats.',
    '',
    `- Command: \`${run.command}\``,
    `- Date: ${run.startedAt.toISOString()} (took ${Math.round(run.durationMs / 1000)} s; local cluster up in ${Math.round(run.clusterStartMs / 1000)} s)`,
    `- Machine: ${cpu.length} × ${cpu[0]?.model ?? '?'}, ${Math.round(totalmem() / 2 ** 30)} GiB RAM, Linux ${release()}; load average at start ${run.loadAtStart.map((l) => l.toFixed(2)).join(' / ')}`,
    `- Versions: ${Object.entries(versions())
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`,
    `- Repeats per scenario: ${run.repeats}; operator NODE_OPTIONS=${operatorNodeOptions()}`,
    '',
    '| scenario | metric | target | min | median | max | runs | |',
    '| --- | --- | --- | ---: | ---: | ---: | ---: | --- |',
  ];
  for (const m of results.metrics) {
    const s = spread(m.values);
    const target = m.target ? `${m.target.op === '<=' ? '≤' : '='} ${format(m.target.value)} ${m.unit}` : '';
    const verdict = m.target ? (meets(m.target, s.median) ? 'ok' : '**missed**') : '';
    lines.push(
      `| ${m.scenario} | ${m.name} | ${target} | ${format(s.min)} | ${format(s.median)} | ${format(s.max)} | ${m.values.length} | ${verdict} |`,
    );
  }
  lines.push('', '## How it measures', '', ...METHOD, '');
  if (results.notes.length > 0) lines.push('## Notes from this run', '', ...results.notes.map((n) => `- ${n}`), '');
  return lines.join('\n');
}

const METHOD = [
  "- A local cluster (etcd, kube-apiserver, controller manager, scheduler, kwok nodes) and the Cloudflare API emulator enforcing Cloudflare's limit (1,200 requests per 5 minutes per user, 429 with Retry-After beyond). Each scenario gets a fresh emulator, namespace and operator process.",
  "- The operator runs as a user runs it: `node <the image ENTRYPOINT flags> dist/main.js` with the image's `ENV` (built by `npm run build`; flags and environment are read from the Dockerfile), with a kubeconfig holding a token of the Helm chart's ServiceAccount (the chart is installed with `replicas=0`), leader election on, `COALESCE_WINDOW` and `CONCURRENCY` at their defaults, `LOG_LEVEL=info`.",
  "- Single Service: a Service without annotations exists; the clock starts when the PATCH that adds the annotations returns, and a loop polls every 5 ms until the DNS record is in the emulator (read in process) and the hostname is in the configuration cloudflared gets (the ConfigMap's config.yaml through the API server in `local` mode, the remote configuration in the emulator in `cloudflare` mode). Removal: the PATCH that removes the annotations, until both are gone. Between runs the cloudflared rollout a `local` change starts is allowed to finish, and consecutive changes are 1 s apart (closer changes of one tunnel are one burst by the coalescing policy, docs/runtime.md). The resolution is the 5 ms poll plus one GET.",
  "- Burst, churn, growth: convergence is polled (every 50–100 ms) on the same two places for every hostname; burst also waits for every status route to be Active and for the rollouts to finish. Calls are the emulator's call log; configuration changes are the operator's ConfigMap writes (local) or configuration PUTs (cloudflare); rollouts are the increase of the Deployment's `deployment.kubernetes.io/revision`.",
  "- Kubernetes requests are counted from kube-apiserver's audit log, with a policy that logs only the operator's ServiceAccount. Lease renewals (leader election) are reported apart and not counted as writes.",
  '- RSS and CPU time come from /proc/<pid>/status and /proc/<pid>/stat of the operator process (RSS sampled every 200 ms; the peak is reported).',
  '- Timings are measurements, never test assertions: the machine may be busy; see the load average above.',
];

export async function writeResults(file: string, results: Results, run: RunInfo): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  // Formatted as the repository's prettier would (the file is committed, and `npm run lint` checks it).
  const options = (await prettier.resolveConfig(file)) ?? {};
  await writeFile(file, await prettier.format(renderMarkdown(results, run), { ...options, filepath: file }));
  const rawDir = join(root, 'bench/results/raw');
  await mkdir(rawDir, { recursive: true });
  const stamp = run.startedAt.toISOString().replace(/[:.]/g, '-');
  await writeFile(
    join(rawDir, `${stamp}${run.quick ? '-quick' : ''}.json`),
    JSON.stringify({ run, metrics: results.metrics, details: results.raw }, null, 2),
  );
}
