// What the zone's plan forces on any operator: how many batch requests a number of records takes at least.
import { batchLimit } from '../src/cloudflare/zones.js';

/** The bench's hostnames are in example.com, a Free zone in the emulator's seed: 200 record operations a batch. */
export const BATCH_LIMIT = batchLimit('free');

/**
 * Batch requests the zone's plan forces beyond one per tunnel (each tunnel publishes its own records): no
 * operator can send 500 records to a Free zone in fewer than 3 requests.
 */
export function forcedSplits(want: readonly { tunnel: string }[]): number {
  const perTunnel = new Map<string, number>();
  for (const { tunnel } of want) perTunnel.set(tunnel, (perTunnel.get(tunnel) ?? 0) + 1);
  return [...perTunnel.values()].reduce((sum, records) => sum + Math.ceil(records / BATCH_LIMIT) - 1, 0);
}
