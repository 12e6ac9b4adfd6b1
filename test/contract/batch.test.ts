import { CloudflareApiError } from '../../src/cloudflare/errors.js';
import { ownerComment } from '../../src/cloudflare/ownership.js';
import { planDns, planToBatch } from '../../src/cloudflare/plan.js';
import { tunnelCname } from '../../src/cloudflare/records.js';
import type { DnsBatch } from '../../src/cloudflare/types.js';
import { callsTo, FREE_ZONE, harness, PAID_ZONE, useEmulator } from './support.js';

const BATCH = 'POST /zones/:zone_id/dns_records/batch';
const owner = (n: string | number) => ({ ownerId: 'c1', tunnel: { kind: 'Tunnel', namespace: 'ns', name: `t${n}` } });
const comment = (n: string | number) => ownerComment(owner(n));
const cname = (host: string, n: string | number = host) => tunnelCname(host, 't1', comment(n));
const posts = (zone: string, count: number): DnsBatch => ({
  deletes: [],
  patches: [],
  puts: [],
  posts: Array.from({ length: count }, (_, i) => cname(`h${i}.${zone}`, i)),
});

describe('DNS batch', () => {
  const emulator = useEmulator();

  it('rolls back the whole batch when one record is bad', async () => {
    const { gateway } = harness(emulator());
    const batch: DnsBatch = {
      deletes: [],
      patches: [],
      puts: [],
      posts: [cname('a.example.com'), { ...cname('b.example.com'), comment: 'x'.repeat(101) }, cname('c.example.com')],
    };
    const err = await gateway.batchDnsRecords(FREE_ZONE.id, batch).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CloudflareApiError);
    expect(err).toMatchObject({ kind: 'invalid', status: 400 });
    expect((err as CloudflareApiError).hasCode(9313)).toBe(true);
    expect((await emulator().control.state()).records).toEqual([]);
  });

  it('falls back to single records for a refused chunk, so the good ones land', async () => {
    const { gateway } = harness(emulator());
    const batch: DnsBatch = {
      deletes: [{ id: 'feedfeedfeedfeedfeedfeedfeedfeed' }], // already gone: counts as done
      patches: [],
      puts: [],
      posts: [cname('a.example.com'), { ...cname('b.example.com'), comment: 'x'.repeat(101) }, cname('c.example.com')],
    };
    const result = await gateway.applyDnsBatch(FREE_ZONE, batch);
    expect(result.applied).toBe(3);
    expect(result.fallbacks).toBe(1);
    expect(result.failures).toHaveLength(1);
    expect(result.failures[0]?.operation).toMatchObject({ kind: 'post', record: { name: 'b.example.com' } });
    expect(result.failures[0]?.error.hasCode(9313)).toBe(true);
    const names = (await emulator().control.state()).records.map((r) => r.name).sort();
    expect(names).toEqual(['a.example.com', 'c.example.com']);
    const calls = await emulator().control.calls();
    expect(calls.byRoute[BATCH]).toBe(1);
    expect(calls.byRoute['POST /zones/:zone_id/dns_records']).toBe(3);
    expect(calls.byRoute['DELETE /zones/:zone_id/dns_records/:record_id']).toBe(1);
  });

  it.each([
    ['Free zone, 450 records → 3 requests', FREE_ZONE, 450, 3],
    ['Free zone, 200 records → 1 request', FREE_ZONE, 200, 1],
    ['paid zone, 450 records → 1 request', PAID_ZONE, 450, 1],
  ])('chunks by plan: %s', async (_label, zone, count, requests) => {
    const { gateway } = harness(emulator());
    const result = await gateway.applyDnsBatch(zone, posts(zone.name, count));
    expect(result).toMatchObject({ applied: count, failures: [], batches: requests });
    expect(await callsTo(emulator(), BATCH)).toBe(requests);
    expect((await emulator().control.state()).records).toHaveLength(count);
  });

  it('the emulator refuses a batch above the plan limit', async () => {
    const { gateway } = harness(emulator());
    await expect(gateway.batchDnsRecords(FREE_ZONE.id, posts(FREE_ZONE.name, 201))).rejects.toMatchObject({
      kind: 'invalid',
      status: 400,
    });
  });

  it('replaces our A record by a CNAME in one batch (deletes run before posts)', async () => {
    await emulator().control.seed({
      records: [
        { zoneId: FREE_ZONE.id, name: 'x.example.com', type: 'A', content: '192.0.2.1', comment: comment('x') },
      ],
    });
    const { gateway } = harness(emulator());
    const plan = planDns({
      current: await gateway.listDnsRecords(FREE_ZONE.id),
      desired: [cname('x.example.com', 'x')],
      owner: owner('x'),
    });
    const result = await gateway.applyDnsBatch(FREE_ZONE, planToBatch(plan, owner('x')));
    expect(result).toMatchObject({ applied: 2, batches: 1, fallbacks: 0 });
    const records = (await emulator().control.state()).records;
    expect(records.map((r) => `${r.name} ${r.type}`)).toEqual(['x.example.com CNAME']);
  });
});
