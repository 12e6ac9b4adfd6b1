// Simulated cloudflared connectors: connecting and disconnecting replicas, and the remote configuration version
// each reports (`config_version` in the connections list), which follows a PUT after the tunnel's pickup delay
// unless the tunnel's connectors are told to stay behind.
import type { ConnectorState, EmulatorState, TunnelState } from './state.js';

const COLOS = ['ams01', 'fra02', 'ams08', 'fra09'];
export const SIMULATED_CLOUDFLARED_VERSION = '2025.1.0';

/**
 * Brings the tunnel to `replicas` connected cloudflared processes (4 connections each, like cloudflared): the
 * connected ones stay, new ones join with the current configuration, the last to join leave first.
 */
export function connect(state: EmulatorState, tunnel: TunnelState, replicas: number): void {
  const now = state.timestamp();
  const kept = tunnel.connectors.slice(0, replicas);
  const joining = Array.from({ length: replicas - kept.length }, (): ConnectorState => {
    return {
      id: state.rng.uuid(),
      version: SIMULATED_CLOUDFLARED_VERSION,
      arch: 'linux_amd64',
      runAt: now,
      conns: COLOS.map((colo) => ({ id: state.rng.uuid(), colo, openedAt: now, originIp: '192.0.2.10' })),
      connectedAtVersion: tunnel.config.version,
    };
  });
  const before = tunnel.connectors.length;
  tunnel.connectors = [...kept, ...joining];
  if (replicas > 0 && joining.length > 0) tunnel.connsActiveAt = now;
  if (replicas === 0 && before > 0) tunnel.connsInactiveAt = now;
}

/**
 * The configuration version a connector reports at `now` (ms): the newest PUT at least `delayMs` old, or the one
 * it connected with if newer, never above `holdAt`.
 */
export function reportedConfigVersion(tunnel: TunnelState, connector: ConnectorState, now: number): number {
  const { delayMs, holdAt } = tunnel.pickup;
  const reached = tunnel.configHistory
    .filter((put) => put.at + delayMs <= now)
    .reduce((version, put) => Math.max(version, put.version), connector.connectedAtVersion);
  return holdAt === undefined ? reached : Math.min(reached, holdAt);
}
