// The Tunnel / ClusterTunnel controllers.
export { TUNNEL_BACKOFF, tunnelControllers } from './register.js';
export { TunnelReconciler, type GatewaySource, type TunnelReconcilerDeps } from './reconciler.js';
export { TunnelMetrics, type TunnelObserver } from './tunnel-metrics.js';
