// The tunnel's DNS step through the real SDK against the emulator: per installation-and-tunnel ownership, one
// batch per zone, and what it reports for hostnames it may not touch.
import { ownerComment, type CloudflareGateway, type Zone } from '../../src/cloudflare/index.js';
import { recordOwner, syncDns } from '../../src/controllers/tunnel/dns-step.js';
import { cachedZoneRecords, ZoneRecordCache } from '../../src/controllers/tunnel/zone-records.js';
import { FakeClock } from '../../src/runtime/testing/fake-clock.js';
import { callsTo, FREE_ZONE, harness, useEmulator } from './support.js';

const TUNNEL_ID = '6ff42ae2-765d-4adf-8112-31c55c1551ef';
const web = recordOwner('c1', { kind: 'Tunnel', metadata: { namespace: 'shop', name: 'web' } });
const edge = recordOwner('c1', { kind: 'ClusterTunnel', metadata: { name: 'edge' } });
const zone: Zone = { ...FREE_ZONE, accountId: undefined, status: 'active' };
const BATCH = 'POST /zones/:zone_id/dns_records/batch';

type Hostnames = { hostname: string; zone: string }[];
const input = ({ gateway }: { gateway: CloudflareGateway }, hostnames: Hostnames, adoptUnmanaged = false) => ({
  gateway,
  zones: [zone],
  owner: web,
  tunnelId: TUNNEL_ID,
  hostnames,
  adoptUnmanaged,
});

function sync(gateway: CloudflareGateway, hostnames: Hostnames, adoptUnmanaged: boolean) {
  return syncDns(input({ gateway }, hostnames, adoptUnmanaged));
}

describe('syncDns', () => {
  const emulator = useEmulator();
  const record = (name: string, comment: string | undefined, content = `${TUNNEL_ID}.cfargotunnel.com`) => ({
    zoneId: FREE_ZONE.id,
    name,
    type: 'CNAME',
    content,
    proxied: true,
    ...(comment === undefined ? {} : { comment }),
  });
  const names = async () =>
    (await emulator().control.state()).records.map((r) => `${r.name} ${r.comment ?? '-'}`).sort();

  it('creates, repoints and deletes only this tunnel records, in one batch, and reports the others', async () => {
    await emulator().control.seed({
      records: [
        record('stale.example.com', ownerComment(web)),
        record('moved.example.com', ownerComment(web), 'old-id.cfargotunnel.com'),
        record('edge.example.com', ownerComment(edge)),
        record('taken.example.com', ownerComment(edge)),
        record('foreign.example.com', 'cloudflare-operator owner=c2 tunnel=Tunnel/shop/web'),
        record('manual.example.com', 'hand-made'),
      ],
    });
    const { gateway } = harness(emulator());
    const hostnames = ['new', 'moved', 'taken', 'foreign', 'manual'].map((h) => ({
      hostname: `${h}.example.com`,
      zone: 'example.com',
    }));
    const outcome = await sync(gateway, hostnames, false);

    expect({ created: outcome.created, updated: outcome.updated, deleted: outcome.deleted }).toEqual({
      created: 1,
      updated: 1,
      deleted: 1,
    });
    expect([...outcome.problems].map(([name, p]) => `${name} ${p.state}`).sort()).toEqual([
      'foreign.example.com Conflict',
      'manual.example.com Conflict',
      'taken.example.com Pending',
    ]);
    expect(outcome.waitingForSibling).toBe(true);
    expect(await callsTo(emulator(), BATCH)).toBe(1);
    const mine = ownerComment(web);
    expect(await names()).toEqual(
      [
        `edge.example.com ${ownerComment(edge)}`,
        'foreign.example.com cloudflare-operator owner=c2 tunnel=Tunnel/shop/web',
        'manual.example.com hand-made',
        `moved.example.com ${mine}`,
        `new.example.com ${mine}`,
        `taken.example.com ${ownerComment(edge)}`,
      ].sort(),
    );

    await emulator().control.clearCalls();
    const again = await sync(gateway, hostnames, false);
    expect(again.created + again.updated + again.deleted).toBe(0);
    expect(await callsTo(emulator(), BATCH)).toBe(0);
  });

  it('with the zone records cached, a record made behind its back is reported at once and nothing is counted', async () => {
    const cache = new ZoneRecordCache(new FakeClock(), 60_000);
    const { gateway } = harness(emulator());
    const view = cachedZoneRecords(gateway, cache, 'cred');
    const LIST = 'GET /zones/:zone_id/dns_records';
    await sync(view.gateway, [], false); // fills the cache
    await emulator().control.seed({ records: [record('manual.example.com', 'hand-made', 'elsewhere.example.net')] });
    await emulator().control.clearCalls();
    const hostnames = [{ hostname: 'manual.example.com', zone: 'example.com' }];
    const outcome = await syncDns({ ...input(view, hostnames), zoneInDoubt: view.zoneInDoubt });
    expect(outcome.created).toBe(0);
    expect(outcome.problems.get('manual.example.com')).toMatchObject({ state: 'Conflict' });
    expect(await callsTo(emulator(), LIST)).toBe(1); // read again after the refused create, not before
    expect(await names()).toEqual(['manual.example.com hand-made']);
    await emulator().control.clearCalls();
    await syncDns({ ...input(view, hostnames), zoneInDoubt: view.zoneInDoubt });
    expect(await callsTo(emulator(), LIST)).toBe(1); // a conflict puts the zone in doubt: the next pass reads it
    expect(await callsTo(emulator(), BATCH)).toBe(0);
  });

  it('adopts an unmanaged CNAME when asked to', async () => {
    await emulator().control.seed({ records: [record('manual.example.com', 'hand-made', 'elsewhere.example.net')] });
    const { gateway } = harness(emulator());
    const hostnames = [{ hostname: 'manual.example.com', zone: 'example.com' }];
    const outcome = await sync(gateway, hostnames, true);
    expect(outcome.problems.size).toBe(0);
    expect(await names()).toEqual([`manual.example.com ${ownerComment(web)}`]);
  });

  it('an apex held by records of other types is a conflict whose message does not promise adoption', async () => {
    await emulator().control.seed({
      records: [
        { zoneId: FREE_ZONE.id, name: 'example.com', type: 'MX', content: 'mail.example.net' },
        { zoneId: FREE_ZONE.id, name: 'example.com', type: 'TXT', content: '"v=spf1 -all"' },
        record('cname.example.com', undefined, 'elsewhere.example.net'),
      ],
    });
    const { gateway } = harness(emulator());
    const hostnames = ['example.com', 'cname.example.com'].map((hostname) => ({ hostname, zone: 'example.com' }));
    const outcome = await sync(gateway, hostnames, true);
    expect(outcome.problems.get('example.com')).toEqual({
      state: 'Conflict',
      message:
        'the MX record example.com was not created by cloudflare-operator; delete it (spec.dns.adoptUnmanaged ' +
        'takes over a lone CNAME only): a CNAME cannot share its name',
    });
    expect(outcome.problems.has('cname.example.com')).toBe(false);
    const plain = await sync(gateway, [{ hostname: 'other.example.com', zone: 'example.com' }], false);
    expect(plain.problems.size).toBe(0);
  });

  it('an unmanaged CNAME, without adoptUnmanaged, says how to adopt it', async () => {
    await emulator().control.seed({ records: [record('manual.example.com', 'hand-made', 'elsewhere.example.net')] });
    const { gateway } = harness(emulator());
    const outcome = await sync(gateway, [{ hostname: 'manual.example.com', zone: 'example.com' }], false);
    expect(outcome.problems.get('manual.example.com')?.message).toBe(
      'the CNAME record manual.example.com was not created by cloudflare-operator; delete it, or set ' +
        'spec.dns.adoptUnmanaged',
    );
  });

  it('reports a hostname whose zone the account lacks, and removes every record of ours when nothing is wanted', async () => {
    await emulator().control.seed({
      records: [record('a.example.com', ownerComment(web)), record('b.example.com', ownerComment(edge))],
    });
    const { gateway } = harness(emulator());
    const outcome = await syncDns({
      gateway,
      zones: [zone],
      owner: web,
      tunnelId: TUNNEL_ID,
      hostnames: [{ hostname: 'x.example.net', zone: 'example.net' }],
      adoptUnmanaged: false,
    });
    expect(outcome.problems.get('x.example.net')).toEqual({
      state: 'Pending',
      message: 'zone example.net was not found in the account',
    });
    expect(outcome.deleted).toBe(1);
    expect(await names()).toEqual([`b.example.com ${ownerComment(edge)}`]);
  });

  it('a batch committed whose answer was lost (502, then its retry refused) ends with no problem and no duplicate', async () => {
    await emulator().control.seed({ records: [record('stale.example.com', ownerComment(web))] });
    await emulator().control.addFault({ path: '/dns_records/batch$', status: 502, times: 1, afterCommit: true });
    const { gateway } = harness(emulator());
    const hostnames = ['one', 'two'].map((h) => ({ hostname: `${h}.example.com`, zone: 'example.com' }));
    const outcome = await sync(gateway, hostnames, false);

    expect([...outcome.problems]).toEqual([]);
    expect({ created: outcome.created, deleted: outcome.deleted }).toEqual({ created: 2, deleted: 1 });
    const mine = ownerComment(web);
    expect(await names()).toEqual([`one.example.com ${mine}`, `two.example.com ${mine}`]);
    const again = await sync(gateway, hostnames, false);
    expect(again.created + again.updated + again.deleted + again.problems.size).toBe(0);
  });
});
