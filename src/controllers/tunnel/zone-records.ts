// The DNS records of each zone, shared by every tunnel's DNS step: listed at most once per verify period (the
// resync period) and kept current with what our own batches wrote, so the tunnels of one zone, and the passes of a
// burst, do not each list the zone again. What makes the copy doubtful drops it, and the next pass lists afresh:
// a write that failed or lost its answer, a plan with a conflict (another tunnel or a person may have changed the
// zone since). A list that overlapped one of our writes is used but not kept: it may predate the write.
import type { BatchResult, CloudflareGateway, DnsRecord } from '../../cloudflare/index.js';
import type { Clock } from '../../runtime/clock.js';

interface ZoneEntry {
  /** The zone's records by ID, while a copy is kept. */
  records?: Map<string, DnsRecord>;
  listedAt: number;
  /** Counts our writes (and drops): a list started before the latest one is not kept. */
  writes: number;
  loading?: { writes: number; records: Promise<DnsRecord[]> };
}

export class ZoneRecordCache {
  private readonly zones = new Map<string, ZoneEntry>();

  constructor(
    private readonly clock: Clock,
    private readonly ttlMs: number,
  ) {}

  /** The zone's records: the kept copy while fresh, else one list shared by concurrent callers. */
  async list(key: string, load: () => Promise<DnsRecord[]>): Promise<DnsRecord[]> {
    const entry = this.entry(key);
    if (entry.records && this.clock.now() - entry.listedAt < this.ttlMs) return [...entry.records.values()];
    // Joining a list in flight is safe only if none of our writes happened since it started.
    if (entry.loading?.writes === entry.writes) return entry.loading.records;
    const loading = { writes: entry.writes, records: load() };
    entry.loading = loading;
    try {
      const records = await loading.records;
      if (entry.writes === loading.writes) {
        entry.records = new Map(records.map((r) => [r.id, r]));
        entry.listedAt = this.clock.now();
      }
      return records;
    } finally {
      if (entry.loading === loading) entry.loading = undefined;
    }
  }

  /** Records what a batch that fully succeeded wrote and removed. */
  applied(key: string, result: Pick<BatchResult, 'written' | 'removed'>): void {
    const entry = this.entry(key);
    entry.writes++;
    for (const id of result.removed) entry.records?.delete(id);
    for (const record of result.written) entry.records?.set(record.id, record);
  }

  /** Drops the zone's copy: the next list reads Cloudflare. */
  forget(key: string): void {
    const entry = this.entry(key);
    entry.writes++;
    entry.records = undefined;
  }

  private entry(key: string): ZoneEntry {
    let entry = this.zones.get(key);
    if (!entry) {
      entry = { listedAt: 0, writes: 0 };
      this.zones.set(key, entry);
    }
    return entry;
  }
}

export interface CachedZoneRecords {
  /** The gateway with zone-wide record lists answered from the cache and its batches recorded in it. */
  gateway: CloudflareGateway;
  /** The zone may hold changes beyond ours (a conflict someone else may resolve): the next list reads it. */
  zoneInDoubt: (zoneId: string) => void;
}

/**
 * The cache's view for one credential. Filtered lists (a name, a comment prefix) always read Cloudflare: they are
 * for checks that must see the live zone.
 */
export function cachedZoneRecords(
  gateway: CloudflareGateway,
  cache: ZoneRecordCache,
  credentialKey: string,
): CachedZoneRecords {
  const keyOf = (zoneId: string): string => `${credentialKey} ${zoneId}`;
  return {
    zoneInDoubt: (zoneId) => cache.forget(keyOf(zoneId)),
    gateway: {
      ...gateway,
      listDnsRecords: (zoneId, filter) =>
        filter && Object.values(filter).some((v) => v !== undefined)
          ? gateway.listDnsRecords(zoneId, filter)
          : cache.list(keyOf(zoneId), () => gateway.listDnsRecords(zoneId)),
      applyDnsBatch: async (zone, batch) => {
        let result: BatchResult;
        try {
          result = await gateway.applyDnsBatch(zone, batch);
        } catch (err) {
          cache.forget(keyOf(zone.id)); // the batch may have been committed with its answer lost
          throw err;
        }
        // An answer without every record written (refused ones, or fewer than sent) cannot keep the copy exact.
        const sent = batch.patches.length + batch.puts.length + batch.posts.length;
        if (result.failures.length > 0 || result.written.length < sent) cache.forget(keyOf(zone.id));
        else cache.applied(keyOf(zone.id), result);
        return result;
      },
    },
  };
}
