import { CloudflareApiError } from '../../src/cloudflare/errors.js';
import { ownerComment, ownerCommentPrefix } from '../../src/cloudflare/ownership.js';
import { hasChanges, planDns, planToBatch } from '../../src/cloudflare/plan.js';
import { tunnelCname } from '../../src/cloudflare/records.js';
import { callsTo, FREE_ZONE, harness, PAID_ZONE, useEmulator } from './support.js';

const TUNNEL = '6ff42ae2-765d-4adf-8112-31c55c1551ef';
const owner = (tunnel: string, ownerId = 'c1') => ({
  ownerId,
  tunnel: { kind: 'Tunnel', namespace: 'shop', name: tunnel },
});
const comment = (tunnel: string, ownerId = 'c1') => ownerComment(owner(tunnel, ownerId));

describe('DNS records', () => {
  const emulator = useEmulator();

  it('creates, lists, updates and deletes a proxied tunnel CNAME', async () => {
    await emulator().control.seed({
      records: [
        { zoneId: FREE_ZONE.id, name: 'other.example.com', type: 'CNAME', content: 'x.cfargotunnel.com' },
        { zoneId: FREE_ZONE.id, name: 'txt.example.com', type: 'TXT', content: 'v=spf1 -all' },
      ],
    });
    const { gateway } = harness(emulator());
    const created = await gateway.createDnsRecord(FREE_ZONE.id, tunnelCname('app.example.com', TUNNEL, comment('web')));
    expect(created).toMatchObject({
      name: 'app.example.com',
      type: 'CNAME',
      content: `${TUNNEL}.cfargotunnel.com`,
      proxied: true,
      ttl: 1,
      comment: comment('web'),
    });
    await expect(gateway.listDnsRecords(FREE_ZONE.id, { name: 'app.example.com', type: 'CNAME' })).resolves.toEqual([
      created,
    ]);
    const cnames = await gateway.listDnsRecords(FREE_ZONE.id, { type: 'CNAME' });
    expect(cnames.map((r) => r.name)).toEqual(['app.example.com', 'other.example.com']);

    const updated = await gateway.updateDnsRecord(
      FREE_ZONE.id,
      created.id,
      tunnelCname('app.example.com', 'other', comment('api')),
    );
    expect(updated).toMatchObject({ id: created.id, content: 'other.cfargotunnel.com', comment: comment('api') });

    await expect(gateway.deleteDnsRecord(FREE_ZONE.id, created.id)).resolves.toBe('deleted');
    await expect(gateway.deleteDnsRecord(FREE_ZONE.id, created.id)).resolves.toBe('alreadyGone');
    await expect(gateway.listDnsRecords(FREE_ZONE.id, { name: 'app.example.com' })).resolves.toEqual([]);
  });

  it('surfaces a CNAME over an existing record as a typed conflict (81053)', async () => {
    await emulator().control.seed({
      records: [{ zoneId: FREE_ZONE.id, name: 'taken.example.com', type: 'A', content: '192.0.2.1' }],
    });
    const { gateway } = harness(emulator());
    const err = await gateway
      .createDnsRecord(FREE_ZONE.id, tunnelCname('taken.example.com', TUNNEL, comment('web')))
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CloudflareApiError);
    expect(err).toMatchObject({ kind: 'conflict', status: 400 });
    expect((err as CloudflareApiError).hasCode(81053)).toBe(true);
  });

  it('enforces the comment limit of the zone plan (Free 100, paid 500)', async () => {
    const { gateway, observations } = harness(emulator());
    const long = `${comment('web')} ${'x'.repeat(120)}`;
    const err = await gateway
      .createDnsRecord(FREE_ZONE.id, tunnelCname('long.example.com', TUNNEL, long))
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'invalid', status: 400 });
    expect((err as CloudflareApiError).hasCode(9313)).toBe(true);
    expect(observations.filter((o) => o.operation === 'dns.create')).toHaveLength(1); // not retried
    await expect(
      gateway.createDnsRecord(PAID_ZONE.id, tunnelCname('long.example.org', TUNNEL, long)),
    ).resolves.toMatchObject({
      comment: long,
    });
  });

  it('lists all records over 3+ pages', async () => {
    const records = Array.from({ length: 250 }, (_, i) => ({
      zoneId: FREE_ZONE.id,
      name: `h${String(i).padStart(3, '0')}.example.com`,
      type: 'CNAME',
      content: `${TUNNEL}.cfargotunnel.com`,
      proxied: true,
      comment: comment(`svc${i}`),
    }));
    await emulator().control.seed({ records });
    const { gateway } = harness(emulator(), { dnsPageSize: 100 });
    const listed = await gateway.listDnsRecords(FREE_ZONE.id);
    expect(listed).toHaveLength(250);
    expect(new Set(listed.map((r) => r.id)).size).toBe(250);
    expect(await callsTo(emulator(), 'GET /zones/:zone_id/dns_records')).toBe(3);
  });

  it("lists one owner's records by comment prefix", async () => {
    await emulator().control.seed({
      records: [
        {
          zoneId: FREE_ZONE.id,
          name: 'a.example.com',
          type: 'CNAME',
          content: 'x.cfargotunnel.com',
          comment: comment('a'),
        },
        {
          zoneId: FREE_ZONE.id,
          name: 'b.example.com',
          type: 'CNAME',
          content: 'x.cfargotunnel.com',
          comment: comment('b', 'c10'),
        },
        {
          zoneId: FREE_ZONE.id,
          name: 'c.example.com',
          type: 'CNAME',
          content: 'x.cfargotunnel.com',
          comment: 'manual',
        },
      ],
    });
    const { gateway } = harness(emulator());
    const ours = await gateway.listDnsRecords(FREE_ZONE.id, { commentStartsWith: ownerCommentPrefix('c1') });
    expect(ours.map((r) => r.name)).toEqual(['a.example.com']);
  });

  it('plans, applies in one batch, and then has nothing left to do', async () => {
    await emulator().control.seed({
      records: [
        {
          zoneId: FREE_ZONE.id,
          name: 'old.example.com',
          type: 'CNAME',
          content: 'x.cfargotunnel.com',
          proxied: true,
          comment: comment('web'),
        },
        { zoneId: FREE_ZONE.id, name: 'manual.example.com', type: 'A', content: '192.0.2.7', comment: 'hands off' },
      ],
    });
    const { gateway } = harness(emulator());
    const desired = ['a', 'b', 'manual'].map((h) => tunnelCname(`${h}.example.com`, TUNNEL, comment('web')));
    const plan = planDns({ current: await gateway.listDnsRecords(FREE_ZONE.id), desired, owner: owner('web') });
    expect(plan.conflicts.map((c) => [c.name, c.reason])).toEqual([['manual.example.com', 'unmanaged']]);
    await emulator().control.clearCalls();

    const result = await gateway.applyDnsBatch(FREE_ZONE, planToBatch(plan, owner('web')));
    expect(result).toMatchObject({ applied: 3, failures: [], batches: 1, fallbacks: 0 });
    expect((await emulator().control.calls()).total).toBe(1);

    const after = await gateway.listDnsRecords(FREE_ZONE.id);
    expect(after.map((r) => r.name).sort()).toEqual(['a.example.com', 'b.example.com', 'manual.example.com']);
    expect(hasChanges(planDns({ current: after, desired, owner: owner('web') }))).toBe(false);
  });
});
