import { Registry } from 'prom-client';
import type { TunnelLike, TunnelStatus } from '../../api/types.js';
import { TunnelMetrics } from './tunnel-metrics.js';

const tunnel = {
  apiVersion: 'cloudflare-operator.io/v1alpha1',
  kind: 'Tunnel',
  metadata: { name: 'web', namespace: 'shop' },
  spec: { cloudflare: { credentialsSecretRef: { name: 'cf' } } },
} as TunnelLike;

async function samples(registry: Registry): Promise<string[]> {
  const text = await registry.metrics();
  return text.split('\n').filter((line) => line.startsWith('cloudflare_operator_tunnel_'));
}

describe('TunnelMetrics', () => {
  it('exports Ready, replicas and routes by state, and forgets a tunnel that goes', async () => {
    const registry = new Registry();
    const metrics = new TunnelMetrics(registry);
    const status: TunnelStatus = {
      replicas: 2,
      readyReplicas: 1,
      conditions: [{ type: 'Ready', status: 'False', reason: 'NotReady', message: '', lastTransitionTime: '' }],
      routes: [
        { hostname: 'a', service: 's', source: 'x', state: 'Active' },
        { hostname: 'b', service: 's', source: 'x', state: 'Active' },
        { hostname: '', service: '', source: 'y', state: 'Invalid' },
      ],
    };
    metrics.observe(tunnel, status);
    const id = 'kind="Tunnel",namespace="shop",name="web"';
    expect(await samples(registry)).toEqual([
      `cloudflare_operator_tunnel_ready{${id}} 0`,
      `cloudflare_operator_tunnel_cloudflared_replicas{${id},state="desired"} 2`,
      `cloudflare_operator_tunnel_cloudflared_replicas{${id},state="ready"} 1`,
      `cloudflare_operator_tunnel_routes{${id},state="Active"} 2`,
      `cloudflare_operator_tunnel_routes{${id},state="Pending"} 0`,
      `cloudflare_operator_tunnel_routes{${id},state="Conflict"} 0`,
      `cloudflare_operator_tunnel_routes{${id},state="Invalid"} 1`,
    ]);
    metrics.observe(tunnel, { ...status, conditions: [{ ...status.conditions![0]!, status: 'True' }] });
    expect(await samples(registry)).toContain(`cloudflare_operator_tunnel_ready{${id}} 1`);
    metrics.forget('Tunnel', 'shop', 'web');
    expect(await samples(registry)).toEqual([]);
  });

  it('reads Ready from the Ready condition wherever it is in the list', async () => {
    const registry = new Registry();
    const metrics = new TunnelMetrics(registry);
    const condition = (type: string, status: 'True' | 'False') => ({
      type,
      status,
      reason: 'R',
      message: '',
      lastTransitionTime: '',
    });
    metrics.observe(tunnel, { conditions: [condition('TunnelReady', 'True'), condition('Ready', 'False')] });
    expect(await samples(registry)).toContain(
      'cloudflare_operator_tunnel_ready{kind="Tunnel",namespace="shop",name="web"} 0',
    );
  });
});
