// The chart's monitoring: the ServiceMonitor, the Grafana dashboard and the PrometheusRule as `helm template` renders
// them. The alerting rules go through the real promtool: `check rules`, then `test rules` with a small series per
// alert (prometheus-rule-tests.yaml); every metric those series and the expressions name is one the operator exports.
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';
import type { TunnelLike } from '../../src/api/types.js';
import { TunnelMetrics } from '../../src/controllers/tunnel/index.js';
import { RuntimeMetrics } from '../../src/runtime/metrics.js';
import { promtool } from '../support/tools.js';
import { ofKind, renderChart, type Rendered } from './support.js';

const RULE_TESTS = join(dirname(fileURLToPath(import.meta.url)), 'prometheus-rule-tests.yaml');

interface AlertingRule {
  alert: string;
  expr: string;
}

const ruleGroupsOf = (docs: Rendered[]) =>
  (ofKind(docs, 'PrometheusRule')[0]?.spec as { groups: { name: string; rules: AlertingRule[] }[] }).groups;

/**
 * What the operator exports: its metric names (a histogram's with and without _bucket/_sum/_count), and its series
 * as `name{label,label}` (label names sorted, values left out), with a value for every metric the alerts read: a
 * failed reconcile, a Cloudflare call, a tunnel observed.
 */
async function exported(): Promise<{ names: Set<string>; series: Set<string> }> {
  const metrics = new RuntimeMetrics({ processMetrics: false });
  metrics.controller('tunnel').reconciled('error', 0.1);
  metrics.cloudflare.onCloudflareCall('dns.batch', 503, 5);
  const tunnel = {
    apiVersion: 'cloudflare-operator.io/v1alpha1',
    kind: 'Tunnel',
    metadata: { name: 'web', namespace: 'shop' },
    spec: { cloudflare: { credentialsSecretRef: { name: 'cf' } } },
  } as TunnelLike;
  new TunnelMetrics(metrics.registry).observe(tunnel, { replicas: 2, readyReplicas: 1 });
  const names = new Set<string>();
  const series = new Set<string>();
  for (const metric of await metrics.registry.getMetricsAsJSON()) {
    names.add(metric.name);
    for (const value of metric.values as { metricName?: string; labels: Record<string, unknown> }[]) {
      names.add(value.metricName ?? metric.name);
      series.add(`${value.metricName ?? metric.name}{${Object.keys(value.labels).sort().join(',')}}`);
    }
  }
  return { names, series };
}

/** Labels Prometheus adds to every scraped series. */
const TARGET_LABELS = new Set(['job', 'instance']);

/** A series selector of the rule tests (`name{label="value", ...}`) in the form exported() gives series. */
function seriesShape(selector: string): string {
  const [, name = '', labels = ''] = /^(\w+)\{(.*)\}$/.exec(selector) ?? [];
  const names = [...labels.matchAll(/(\w+)\s*=/g)].map((m) => m[1] ?? '').filter((l) => !TARGET_LABELS.has(l));
  return `${name}{${names.sort().join(',')}}`;
}

describe('monitoring', () => {
  it('is off by default; each switch renders its object', async () => {
    const kinds = (docs: Rendered[]) =>
      docs.map((d) => d.kind).filter((k) => ['ServiceMonitor', 'PrometheusRule'].includes(k));
    expect(kinds(await renderChart())).toEqual([]);
    const docs = await renderChart(
      'metrics.serviceMonitor.enabled=true',
      'metrics.prometheusRule.enabled=true',
      'metrics.dashboard.enabled=true',
    );
    expect(kinds(docs).sort()).toEqual(['PrometheusRule', 'ServiceMonitor']);
    const dashboard = ofKind(docs, 'ConfigMap').find((c) => c.metadata.name === 'r-cloudflare-operator-dashboard');
    expect(dashboard?.metadata).toMatchObject({ labels: { grafana_dashboard: '1' } });
    const json = (dashboard?.data as Record<string, string> | undefined)?.['cloudflare-operator.json'] ?? '';
    expect((JSON.parse(json) as { panels: unknown[] }).panels.length).toBeGreaterThan(3);
  });

  it("the ServiceMonitor keeps the operator's own namespace label (the tunnel's), not the scrape target's", async () => {
    const [monitor] = ofKind(await renderChart('metrics.serviceMonitor.enabled=true'), 'ServiceMonitor');
    expect(monitor?.spec).toMatchObject({ endpoints: [{ port: 'http-metrics', honorLabels: true }] });
  });

  it('every metric an alert or the dashboard names is one the operator exports', async () => {
    const docs = await renderChart('metrics.prometheusRule.enabled=true', 'metrics.dashboard.enabled=true');
    const rules = ruleGroupsOf(docs).flatMap((g) => g.rules);
    expect(rules.map((r) => r.alert)).toEqual([
      'CloudflareOperatorDown',
      'CloudflareOperatorReconcileErrors',
      'CloudflareAPIErrors',
      'CloudflareAPIRateLimited',
      'CloudflareTunnelNotReady',
      'CloudflaredReplicasUnavailable',
    ]);
    const dashboard = JSON.stringify(ofKind(docs, 'ConfigMap').map((c) => c.data));
    const named = new Set(
      [...rules.map((r) => r.expr), dashboard].flatMap((text) =>
        [...text.matchAll(/\b(cloudflare_[a-z_]+)/g)].map((m) => m[1]),
      ),
    );
    const { names } = await exported();
    expect([...named].filter((name) => !names.has(name ?? ''))).toEqual([]);
    expect(named.size).toBeGreaterThanOrEqual(5);
  });
});

describe('the alerting rules, through promtool', () => {
  let dir: string;
  let alerts: string[];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rules-'));
    const groups = ruleGroupsOf(await renderChart('metrics.prometheusRule.enabled=true'));
    alerts = groups.flatMap((g) => g.rules.map((r) => r.alert));
    // A Prometheus rule file is the PrometheusRule's spec; the tests name it rules.yaml, beside them.
    await writeFile(join(dir, 'rules.yaml'), stringify({ groups }));
    await copyFile(RULE_TESTS, join(dir, 'tests.yaml'));
  });

  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('promtool check rules: every expression parses and every rule is well formed', async () => {
    const checked = await promtool(['check', 'rules', join(dir, 'rules.yaml')]);
    expect(checked.stderr).toBe('');
    expect(checked.stdout).toContain(`SUCCESS: ${alerts.length} rules found`);
    expect(checked.code).toBe(0);
  });

  it('promtool test rules: each alert fires on its series, with its labels and summary, and not on healthy ones', async () => {
    const tested = await promtool(['test', 'rules', join(dir, 'tests.yaml')]);
    expect(`${tested.stdout}${tested.stderr}`).not.toContain('FAILED');
    expect(tested.code).toBe(0);
  });

  it('the rule tests cover every alert, each with a case where it fires', async () => {
    const file = parse(await readFile(RULE_TESTS, 'utf8')) as {
      tests: { alert_rule_test: { alertname: string; exp_alerts: unknown[] }[] }[];
    };
    const firing = new Set(
      file.tests.flatMap((t) => t.alert_rule_test.filter((c) => c.exp_alerts.length > 0).map((c) => c.alertname)),
    );
    expect([...firing].sort()).toEqual([...alerts].sort());
  });

  it("every series the rule tests feed is one the operator exports, with the operator's label names", async () => {
    const file = parse(await readFile(RULE_TESTS, 'utf8')) as { tests: { input_series: { series: string }[] }[] };
    const fed = new Set(file.tests.flatMap((t) => t.input_series.map((s) => seriesShape(s.series))));
    const { series } = await exported();
    // `up` is Prometheus's own series for each scrape target, not the operator's.
    expect([...fed].filter((shape) => !series.has(shape) && shape !== 'up{}')).toEqual([]);
    expect(fed.size).toBeGreaterThanOrEqual(5);
  });
});
