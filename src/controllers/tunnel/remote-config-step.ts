// The remotely-managed configuration (`cloudflare` mode): PUT only when Cloudflare does not hold what we want.
// Cloudflare stores the configuration in its own form (it may add empty `originRequest`s, write durations
// differently), so "the same" is decided from what this operator last pushed: the hash of the configuration it
// sent and the version Cloudflare answered. An unchanged version means nobody wrote since; a changed one (or no
// record, e.g. after a restart) falls back to comparing the fields.
import type { CloudflareGateway, TunnelConfiguration, VersionedTunnelConfiguration } from '../../cloudflare/index.js';
import { hash } from '../../render/index.js';
import { isSubset } from '../shared/subset.js';

/** What this operator last pushed to one tunnel. */
export interface PushedConfig {
  hash: string;
  version: number;
}

/** Where the last push is remembered (in memory: a restart costs at most one PUT). */
export interface PushedConfigs {
  get(key: string): PushedConfig | undefined;
  set(key: string, pushed: PushedConfig): void;
}

/** Whether Cloudflare's configuration is the one we want. Pure. */
export function remoteConfigUpToDate(
  wanted: TunnelConfiguration,
  wantedHash: string,
  current: VersionedTunnelConfiguration,
  pushed: PushedConfig | undefined,
): boolean {
  if (pushed && pushed.hash === wantedHash && pushed.version === current.version) return true;
  return current.config !== undefined && isSubset(wanted, current.config);
}

export interface RemoteConfigInput {
  gateway: CloudflareGateway;
  accountId: string;
  tunnelId: string;
  wanted: TunnelConfiguration;
  pushes: PushedConfigs;
  /** Identifies the credential and the tunnel in `pushes`. */
  key: string;
}

/**
 * PUTs ours if Cloudflare's differs; the new version, or undefined when nothing was written. When what we want
 * changed since our last push, it is PUT at once (reading first would cost a call and change nothing); otherwise
 * the configuration is read to check nobody else wrote it.
 */
export async function syncRemoteConfig(input: RemoteConfigInput): Promise<number | undefined> {
  const { gateway, accountId, tunnelId, wanted, pushes, key } = input;
  const wantedHash = hash(wanted);
  const pushed = pushes.get(key);
  if (!pushed || pushed.hash === wantedHash) {
    const current = await gateway.getTunnelConfiguration(accountId, tunnelId);
    if (remoteConfigUpToDate(wanted, wantedHash, current, pushed)) {
      pushes.set(key, { hash: wantedHash, version: current.version });
      return undefined;
    }
  }
  const written = await gateway.putTunnelConfiguration(accountId, tunnelId, wanted);
  pushes.set(key, { hash: wantedHash, version: written.version });
  return written.version;
}

/** A plain map as PushedConfigs. */
export function pushedConfigs(): PushedConfigs {
  const map = new Map<string, PushedConfig>();
  return { get: (key) => map.get(key), set: (key, pushed) => void map.set(key, pushed) };
}
