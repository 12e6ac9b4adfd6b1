import { RuntimeMetrics } from './metrics.js';

describe('RuntimeMetrics', () => {
  it('starts every known label set at 0', async () => {
    const metrics = new RuntimeMetrics({ processMetrics: false });
    metrics.controller('tunnel');
    metrics.watch('tunnels.example.io/v1');
    metrics.cloudflare.initialise(['dns.batch'], [200, 429]);
    const text = await metrics.registry.metrics();
    for (const line of [
      'cloudflare_operator_reconcile_total{controller="tunnel",result="success"} 0',
      'cloudflare_operator_reconcile_total{controller="tunnel",result="error"} 0',
      'cloudflare_operator_reconcile_total{controller="tunnel",result="terminal_error"} 0',
      'cloudflare_operator_reconcile_errors_total{controller="tunnel"} 0',
      'cloudflare_operator_reconcile_duration_seconds_count{controller="tunnel"} 0',
      'cloudflare_operator_workqueue_depth{name="tunnel"} 0',
      'cloudflare_operator_workqueue_retries_total{name="tunnel"} 0',
      'cloudflare_operator_watch_failures_total{resource="tunnels.example.io/v1"} 0',
      'cloudflare_operator_leader 0',
      'cloudflare_api_calls_total{operation="dns.batch",status="200"} 0',
      'cloudflare_api_calls_total{operation="dns.batch",status="429"} 0',
      'cloudflare_api_call_duration_seconds_count{operation="dns.batch"} 0',
    ]) {
      expect(text).toContain(line);
    }
  });

  it('counts reconciles, errors and durations per controller', async () => {
    const metrics = new RuntimeMetrics({ processMetrics: false });
    const observer = metrics.controller('tunnel');
    observer.reconciled('success', 0.02);
    observer.reconciled('error', 0.5);
    observer.reconciled('terminal_error', 0.1);
    observer.retried();
    observer.depth(3);
    const text = await metrics.registry.metrics();
    expect(text).toContain('cloudflare_operator_reconcile_total{controller="tunnel",result="success"} 1');
    expect(text).toContain('cloudflare_operator_reconcile_errors_total{controller="tunnel"} 2');
    expect(text).toContain('cloudflare_operator_reconcile_duration_seconds_count{controller="tunnel"} 3');
    expect(text).toContain('cloudflare_operator_workqueue_retries_total{name="tunnel"} 1');
    expect(text).toContain('cloudflare_operator_workqueue_depth{name="tunnel"} 3');
  });

  it('the Cloudflare hook can be passed around as a bare function', async () => {
    const metrics = new RuntimeMetrics({ processMetrics: false });
    const hook = metrics.cloudflare.onCloudflareCall;
    hook('tunnels.create', 201, 120);
    const text = await metrics.registry.metrics();
    expect(text).toContain('cloudflare_api_calls_total{operation="tunnels.create",status="201"} 1');
    expect(text).toContain('cloudflare_api_call_duration_seconds_sum{operation="tunnels.create"} 0.12');
  });

  it('has process metrics by default, on its own registry', async () => {
    const a = new RuntimeMetrics();
    const b = new RuntimeMetrics();
    expect(await a.registry.metrics()).toContain('process_cpu_user_seconds_total');
    expect(await b.registry.metrics()).toContain('nodejs_heap_size_total_bytes');
  });
});
