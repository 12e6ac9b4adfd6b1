// Per-tunnel gauges, so that alerts and dashboards see what `kubectl get tunnels` shows: Ready, cloudflared
// replicas wanted and ready, routes by state. Set after each status write; removed when the tunnel goes.
import { Gauge, type Registry } from 'prom-client';
import type { RouteState, TunnelLike, TunnelStatus } from '../../api/types.js';

const ROUTE_STATES: readonly RouteState[] = ['Active', 'Pending', 'Conflict', 'Invalid'];

export interface TunnelObserver {
  observe(tunnel: TunnelLike, status: TunnelStatus): void;
  forget(kind: string, namespace: string | undefined, name: string): void;
}

export class TunnelMetrics implements TunnelObserver {
  private readonly ready: Gauge<'kind' | 'namespace' | 'name'>;
  private readonly replicas: Gauge<'kind' | 'namespace' | 'name' | 'state'>;
  private readonly routes: Gauge<'kind' | 'namespace' | 'name' | 'state'>;

  constructor(registry: Registry) {
    const registers = [registry];
    this.ready = new Gauge({
      name: 'cloudflare_operator_tunnel_ready',
      help: '1 when the Tunnel or ClusterTunnel has Ready=True, else 0.',
      labelNames: ['kind', 'namespace', 'name'],
      registers,
    });
    this.replicas = new Gauge({
      name: 'cloudflare_operator_tunnel_cloudflared_replicas',
      help: 'cloudflared replicas of the tunnel: state="desired" or "ready".',
      labelNames: ['kind', 'namespace', 'name', 'state'],
      registers,
    });
    this.routes = new Gauge({
      name: 'cloudflare_operator_tunnel_routes',
      help: 'Routes of the tunnel by state (Active, Pending, Conflict, Invalid).',
      labelNames: ['kind', 'namespace', 'name', 'state'],
      registers,
    });
  }

  observe(tunnel: TunnelLike, status: TunnelStatus): void {
    const id = { kind: tunnel.kind, namespace: tunnel.metadata.namespace ?? '', name: tunnel.metadata.name ?? '' };
    const ready = status.conditions?.find((c) => c.type === 'Ready')?.status === 'True';
    this.ready.set(id, ready ? 1 : 0);
    this.replicas.set({ ...id, state: 'desired' }, status.replicas ?? 0);
    this.replicas.set({ ...id, state: 'ready' }, status.readyReplicas ?? 0);
    for (const state of ROUTE_STATES) {
      this.routes.set({ ...id, state }, (status.routes ?? []).filter((r) => r.state === state).length);
    }
  }

  forget(kind: string, namespace: string | undefined, name: string): void {
    const id = { kind, namespace: namespace ?? '', name };
    this.ready.remove(id);
    for (const state of ['desired', 'ready']) this.replicas.remove({ ...id, state });
    for (const state of ROUTE_STATES) this.routes.remove({ ...id, state });
  }
}
