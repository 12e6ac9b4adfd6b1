import type { BatchResult, CloudflareGateway, DnsRecord } from '../../cloudflare/index.js';
import { CloudflareApiError } from '../../cloudflare/errors.js';
import { FakeClock } from '../../runtime/testing/fake-clock.js';
import { cachedZoneRecords, ZoneRecordCache } from './zone-records.js';

const TTL = 10_000;
const record = (id: string, name = `${id}.example.com`): DnsRecord => ({
  id,
  name,
  type: 'CNAME',
  content: 't.cfargotunnel.com',
  proxied: true,
  ttl: 1,
  comment: undefined,
});
const ids = (records: DnsRecord[]): string[] => records.map((r) => r.id).sort();

/** A load that counts its calls and answers what `zone` holds when it is called. */
function zoneLoader(zone: DnsRecord[]): { load: () => Promise<DnsRecord[]>; calls: () => number } {
  let calls = 0;
  return {
    load: () => {
      calls++;
      return Promise.resolve([...zone]);
    },
    calls: () => calls,
  };
}

/** A load the test answers by hand, to interleave it with writes. */
function heldLoad(): { load: () => Promise<DnsRecord[]>; answer: (records: DnsRecord[]) => void; calls: () => number } {
  let calls = 0;
  let answer: (records: DnsRecord[]) => void = () => undefined;
  return {
    load: () => {
      calls++;
      return new Promise<DnsRecord[]>((resolve) => (answer = resolve));
    },
    answer: (records) => answer(records),
    calls: () => calls,
  };
}

describe('ZoneRecordCache', () => {
  it('lists a zone once per period and again when the period is over', async () => {
    const clock = new FakeClock();
    const cache = new ZoneRecordCache(clock, TTL);
    const zone = zoneLoader([record('a')]);
    expect(ids(await cache.list('z', zone.load))).toEqual(['a']);
    await clock.advance(TTL - 1);
    expect(ids(await cache.list('z', zone.load))).toEqual(['a']);
    expect(zone.calls()).toBe(1);
    await clock.advance(1);
    await cache.list('z', zone.load);
    expect(zone.calls()).toBe(2);
  });

  it('keeps zones apart', async () => {
    const cache = new ZoneRecordCache(new FakeClock(), TTL);
    await cache.list('z1', zoneLoader([record('a')]).load);
    expect(ids(await cache.list('z2', zoneLoader([record('b')]).load))).toEqual(['b']);
  });

  it('keeps the copy current with what our batches wrote and removed', async () => {
    const cache = new ZoneRecordCache(new FakeClock(), TTL);
    const zone = zoneLoader([record('a'), record('b')]);
    await cache.list('z', zone.load);
    cache.applied('z', { written: [record('c'), { ...record('a'), content: 'other' }], removed: ['b'] });
    const now = await cache.list('z', zone.load);
    expect(zone.calls()).toBe(1);
    expect(ids(now)).toEqual(['a', 'c']);
    expect(now.find((r) => r.id === 'a')?.content).toBe('other');
  });

  it('lists again after the zone is forgotten', async () => {
    const cache = new ZoneRecordCache(new FakeClock(), TTL);
    const zone = zoneLoader([record('a')]);
    await cache.list('z', zone.load);
    cache.forget('z');
    await cache.list('z', zone.load);
    expect(zone.calls()).toBe(2);
  });

  it('shares one list among concurrent callers', async () => {
    const cache = new ZoneRecordCache(new FakeClock(), TTL);
    const held = heldLoad();
    const first = cache.list('z', held.load);
    const second = cache.list('z', held.load);
    held.answer([record('a')]);
    expect(ids(await first)).toEqual(['a']);
    expect(ids(await second)).toEqual(['a']);
    expect(held.calls()).toBe(1);
  });

  it('does not keep a list that overlapped one of our writes, nor hand it to a caller after the write', async () => {
    const cache = new ZoneRecordCache(new FakeClock(), TTL);
    const held = heldLoad();
    const before = cache.list('z', held.load);
    cache.applied('z', { written: [record('mine')], removed: [] });
    const after = cache.list('z', held.load); // must not join the list that started before the write
    expect(held.calls()).toBe(2);
    held.answer([record('mine')]); // the second list sees the write
    expect(ids(await after)).toEqual(['mine']);
    const zone = zoneLoader([record('mine'), record('x')]);
    expect(ids(await cache.list('z', zone.load))).toEqual(['mine']); // kept: the second list is newer than the write
    expect(zone.calls()).toBe(0);
    void before;
  });

  it('drops a list whose write happened while it was in flight', async () => {
    const cache = new ZoneRecordCache(new FakeClock(), TTL);
    const held = heldLoad();
    const listing = cache.list('z', held.load);
    cache.applied('z', { written: [record('mine')], removed: [] });
    held.answer([]); // predates the write
    expect(await listing).toEqual([]);
    const zone = zoneLoader([record('mine')]);
    expect(ids(await cache.list('z', zone.load))).toEqual(['mine']);
    expect(zone.calls()).toBe(1);
  });

  it('passes a failed list to every caller and keeps nothing', async () => {
    const cache = new ZoneRecordCache(new FakeClock(), TTL);
    await expect(cache.list('z', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    const zone = zoneLoader([record('a')]);
    expect(ids(await cache.list('z', zone.load))).toEqual(['a']);
    expect(zone.calls()).toBe(1);
  });
});

describe('ZoneRecordCache: lists and writes that overlap', () => {
  it('a caller after an older list ends still joins the newer list in flight', async () => {
    const cache = new ZoneRecordCache(new FakeClock(), TTL);
    const older = heldLoad();
    const first = cache.list('z', older.load);
    cache.applied('z', { written: [], removed: [] }); // a write: the next caller cannot join the older list
    const newer = heldLoad();
    const second = cache.list('z', newer.load);
    older.answer([record('a')]);
    await first;
    const third = cache.list('z', newer.load); // joins the newer list, which is still in flight
    newer.answer([record('b')]);
    expect(ids(await second)).toEqual(['b']);
    expect(ids(await third)).toEqual(['b']);
    expect(newer.calls()).toBe(1);
  });

  it('a write and a forget while a list is in flight both count: the list is not kept', async () => {
    const cache = new ZoneRecordCache(new FakeClock(), TTL);
    const held = heldLoad();
    const listing = cache.list('z', held.load);
    cache.applied('z', { written: [], removed: [] });
    cache.forget('z');
    held.answer([record('a')]);
    await listing;
    const again = zoneLoader([record('b')]);
    expect(ids(await cache.list('z', again.load))).toEqual(['b']);
    expect(again.calls()).toBe(1);
  });
});

describe('cachedZoneRecords', () => {
  const ZONE = { id: 'z', plan: 'free' as const };
  const ok = (written: DnsRecord[], removed: string[] = []): BatchResult => ({
    applied: written.length + removed.length,
    written,
    removed,
    failures: [],
    batches: 1,
    fallbacks: 0,
  });

  function setup(batch: () => Promise<BatchResult>) {
    const zone = [record('a')];
    const calls: string[] = [];
    const gateway = {
      listDnsRecords: (zoneId: string, filter?: object) => {
        calls.push(`list ${zoneId}${filter ? ` ${JSON.stringify(filter)}` : ''}`);
        return Promise.resolve([...zone]);
      },
      applyDnsBatch: () => {
        calls.push('batch');
        return batch();
      },
    } as unknown as CloudflareGateway;
    const cache = new ZoneRecordCache(new FakeClock(), TTL);
    return { zone, calls, view: cachedZoneRecords(gateway, cache, 'cred') };
  }
  const empty = { deletes: [], patches: [], puts: [], posts: [] };

  it('answers zone-wide lists from the cache and records a batch that succeeded', async () => {
    const { calls, view } = setup(() => Promise.resolve(ok([record('b')], ['a'])));
    await view.gateway.listDnsRecords('z');
    await view.gateway.applyDnsBatch(ZONE, empty);
    expect(ids(await view.gateway.listDnsRecords('z'))).toEqual(['b']);
    expect(calls).toEqual(['list z', 'batch']);
  });

  it('always reads Cloudflare for a filtered list', async () => {
    const { calls, view } = setup(() => Promise.resolve(ok([])));
    await view.gateway.listDnsRecords('z');
    await view.gateway.listDnsRecords('z', { name: 'a.example.com' });
    await view.gateway.listDnsRecords('z', {});
    expect(calls).toEqual(['list z', 'list z {"name":"a.example.com"}']);
  });

  it('forgets the zone when a batch throws (it may have been committed) and rethrows', async () => {
    const error = new CloudflareApiError({
      kind: 'transient',
      operation: 'dns.batch',
      status: 500,
      codes: [],
      retryAfterMs: undefined,
      cause: undefined,
    });
    const { calls, view } = setup(() => Promise.reject(error));
    await view.gateway.listDnsRecords('z');
    await expect(view.gateway.applyDnsBatch(ZONE, empty)).rejects.toBe(error);
    await view.gateway.listDnsRecords('z');
    expect(calls).toEqual(['list z', 'batch', 'list z']);
  });

  it('forgets the zone when an operation of the batch was refused', async () => {
    const refused = { ...ok([]), failures: [{ operation: { kind: 'delete' as const, id: 'a' }, error: {} as never }] };
    const { calls, view } = setup(() => Promise.resolve(refused));
    await view.gateway.listDnsRecords('z');
    await view.gateway.applyDnsBatch(ZONE, empty);
    await view.gateway.listDnsRecords('z');
    expect(calls).toEqual(['list z', 'batch', 'list z']);
  });

  it('forgets the zone when the answer holds fewer records than the batch wrote', async () => {
    const { calls, view } = setup(() => Promise.resolve(ok([])));
    await view.gateway.listDnsRecords('z');
    await view.gateway.applyDnsBatch(ZONE, { ...empty, posts: [{ ...record('n'), type: 'CNAME', comment: 'c' }] });
    await view.gateway.listDnsRecords('z');
    expect(calls).toEqual(['list z', 'batch', 'list z']);
  });

  it('forgets the zone it is told is in doubt, for this credential only', async () => {
    const { calls, view } = setup(() => Promise.resolve(ok([])));
    await view.gateway.listDnsRecords('z');
    view.zoneInDoubt('z');
    await view.gateway.listDnsRecords('z');
    expect(calls).toEqual(['list z', 'list z']);
  });

  it('keeps each zone of a credential apart', async () => {
    const { calls, view } = setup(() => Promise.resolve(ok([])));
    await view.gateway.listDnsRecords('z');
    await view.gateway.listDnsRecords('y');
    await view.gateway.listDnsRecords('z');
    expect(calls).toEqual(['list z', 'list y']);
  });

  it('a filter with every field unset is a zone-wide list, answered from the cache', async () => {
    const { calls, view } = setup(() => Promise.resolve(ok([])));
    await view.gateway.listDnsRecords('z');
    await view.gateway.listDnsRecords('z', { name: undefined, commentStartsWith: undefined });
    expect(calls).toEqual(['list z']);
  });

  it('keeps the copy when the answer holds every record the batch wrote', async () => {
    const written = [record('n'), record('p'), record('q')];
    const { calls, view } = setup(() => Promise.resolve(ok(written)));
    await view.gateway.listDnsRecords('z');
    const input = { ...record('n'), type: 'CNAME' as const, comment: 'c' };
    await view.gateway.applyDnsBatch(ZONE, {
      ...empty,
      patches: [{ id: 'n' }],
      puts: [{ ...input, id: 'p' }],
      posts: [input],
    });
    expect(ids(await view.gateway.listDnsRecords('z'))).toEqual(['a', 'n', 'p', 'q']);
    expect(calls).toEqual(['list z', 'batch']);
  });

  it('forgets the zone when fewer records come back than were patched, put and posted', async () => {
    const { calls, view } = setup(() => Promise.resolve(ok([record('n')])));
    await view.gateway.listDnsRecords('z');
    const input = { ...record('n'), type: 'CNAME' as const, comment: 'c' };
    await view.gateway.applyDnsBatch(ZONE, {
      ...empty,
      patches: [{ id: 'n' }, { id: 'm' }],
      puts: [{ ...input, id: 'p' }],
    });
    await view.gateway.listDnsRecords('z');
    expect(calls).toEqual(['list z', 'batch', 'list z']);
  });
});
