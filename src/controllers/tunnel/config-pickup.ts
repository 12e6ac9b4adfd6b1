// `cloudflare` mode: a route is Active only once cloudflared runs a configuration that carries it. Cloudflare's
// connections list says which remote configuration version each connector runs; the lowest of them must reach the
// version the operator pushed. Also: when what Cloudflare reports is still expected to move, and how soon to look
// again. Pure.
import type { ConfigSource, ConnectorsStatus } from '../../api/types.js';
import type { TunnelConnectors } from '../../cloudflare/index.js';
import type { Liveness } from './objects-step.js';

/** The first look again while connectors are expected to move; it doubles up to the maximum. */
export const CONNECTORS_RECHECK_MIN_MS = 1000;
export const CONNECTORS_RECHECK_MAX_MS = 60_000;

export interface PickupInput {
  /** The rules (ruleKey) of the configuration pushed. */
  rules: readonly string[];
  /** The rules the last status reported Active: an older version the connectors run carries them. */
  previouslyLive: ReadonlySet<string>;
  /** The version Cloudflare holds our configuration under; undefined when not known. */
  pushedVersion: number | undefined;
  connectors: TunnelConnectors;
  /** spec.cloudflared.replicas. */
  wantedReplicas: number;
}

/**
 * Rules cloudflared does not serve yet: every rule while no connector is connected; the new ones (not Active
 * before) while the connectors run an older version than the one pushed. A connector list without configuration
 * versions cannot tell: the rules count as served.
 */
export function remoteLiveness(input: PickupInput): Liveness {
  const { connectors, pushedVersion } = input;
  if (connectors.count === 0) {
    const why = input.wantedReplicas === 0 ? ' (spec.cloudflared.replicas is 0)' : ' yet';
    return {
      notLive: new Set(input.rules),
      notLiveMessage: `no cloudflared connector is connected to the tunnel${why}`,
    };
  }
  const late = lag(connectors, pushedVersion);
  if (!late) return { notLive: new Set(), notLiveMessage: '' };
  return {
    notLive: new Set(input.rules.filter((rule) => !input.previouslyLive.has(rule))),
    notLiveMessage:
      `cloudflared has not picked up configuration version ${late.pushed} yet ` +
      `(its connectors report version ${late.running})`,
  };
}

/**
 * The versions when the connectors run an older configuration than the one pushed; undefined when they do not,
 * or it cannot be told (none pushed, or none reported: a connector list without versions has no connector).
 */
function lag(
  connectors: TunnelConnectors,
  pushed: number | undefined,
): { running: number; pushed: number } | undefined {
  const running = connectors.configVersion;
  return pushed !== undefined && running !== undefined && running < pushed ? { running, pushed } : undefined;
}

/**
 * Whether what Cloudflare reports is expected to move soon: connectors not matching the ready pods (cloudflared is
 * ready once connected, and gone once its pod is), or behind the pushed version.
 */
export function connectorsSettling(
  connectors: TunnelConnectors,
  readyReplicas: number,
  pushedVersion: number | undefined,
): boolean {
  return connectors.count !== readyReplicas || lag(connectors, pushedVersion) !== undefined;
}

/** How soon to look again while connectors settle: 1 s, doubling up to 60 s. */
export function nextRecheckMs(previousMs: number | undefined): number {
  return previousMs === undefined ? CONNECTORS_RECHECK_MIN_MS : Math.min(previousMs * 2, CONNECTORS_RECHECK_MAX_MS);
}

/** The status block; the configuration version only in `cloudflare` mode (local configurations have none). */
export function connectorsStatus(connectors: TunnelConnectors, mode: ConfigSource): ConnectorsStatus {
  const status: ConnectorsStatus = {
    count: connectors.count,
    colos: [...connectors.colos],
    versions: [...connectors.versions],
  };
  if (mode === 'cloudflare' && connectors.configVersion !== undefined) status.configVersion = connectors.configVersion;
  return status;
}
