import { Reason } from '../../api/conditions.js';
import {
  ownerComment,
  type CloudflareGateway,
  type CloudflareTunnel,
  type DnsBatch,
  type DnsRecord,
  type Zone,
} from '../../cloudflare/index.js';
import { ACCOUNT_ID, sampleTunnel, TUNNEL_ID } from '../../render/testing/fixtures.js';
import { encodeTunnelToken } from '../../render/index.js';
import { ResourceClient } from '../../runtime/kube-client.js';
import { FakeKube } from '../../runtime/testing/fake-kube.js';
import { cleanUp, deletingCondition, deletingWhat, deletionBlocked } from './finalize.js';
import { apiError, FakeCloudflare } from '../../cloudflare/testing/fake-cloudflare.js';
import { objectNames } from '../../render/index.js';
import { resourcePath } from '../../runtime/kube-client.js';
import { DEPLOYMENT } from '../shared/resources.js';
import { recordOwner } from './dns-step.js';
import { Report, StepFailure } from './report.js';
import type { IdentifiedTunnel, RecordedTunnel } from './tunnel-identity.js';

const PENDING_SECRET = Buffer.alloc(32, 1).toString('base64');
const OTHER_SECRET = Buffer.alloc(32, 2).toString('base64');
const OTHER_ACCOUNT = 'fedcba9876543210fedcba9876543210';
const OWNER_ID = 'owner';
const tunnel = sampleTunnel(); // Tunnel shop/web, account ACCOUNT_ID, zone example.com
const ourComment = ownerComment(recordOwner(OWNER_ID, tunnel));

interface FakeOptions {
  /** The tunnel's account (its zone example.com lives there too). */
  account?: string;
  secret?: string;
  /** deleteTunnel answers "deleted" without deleting (an answer Cloudflare does not keep). */
  deleteIsLost?: boolean;
  /** The batch answers without deleting the records. */
  batchIsLost?: boolean;
}

/**
 * One Cloudflare account holding the tunnel `shop-web` (created with `secret`), the zone example.com with one
 * record of ours and one of someone else's. Every call is logged, in order, with its account or zone.
 */
function cloudflareWithTunnel(options: FakeOptions = {}) {
  const account = options.account ?? ACCOUNT_ID;
  const calls: string[] = [];
  const zone: Zone = { id: 'z1', name: 'example.com', accountId: account, status: 'active', plan: 'free' };
  const live: CloudflareTunnel = {
    id: TUNNEL_ID,
    name: 'shop-web',
    accountTag: account,
    configSource: 'local',
    status: undefined,
    createdAt: undefined,
    deletedAt: undefined,
  };
  let records: DnsRecord[] = [
    { id: 'r1', name: 'web.example.com', type: 'CNAME', content: '', proxied: true, ttl: 1, comment: ourComment },
    { id: 'r2', name: 'other.example.com', type: 'CNAME', content: '', proxied: true, ttl: 1, comment: 'theirs' },
  ];
  const inAccount = <T>(id: string, value: T): T | undefined => (id === account ? value : undefined);
  const gateway = {
    findZoneByName: (name: string, accountId?: string) => {
      calls.push(`findZoneByName ${name} ${accountId ?? ''}`);
      return Promise.resolve(name === zone.name ? inAccount(accountId ?? '', zone) : undefined);
    },
    listDnsRecords: (zoneId: string, filter?: { commentStartsWith?: string }) => {
      calls.push(`listDnsRecords ${zoneId}${filter ? ' (read back)' : ''}`);
      const prefix = filter?.commentStartsWith ?? '';
      return Promise.resolve(records.filter((r) => (r.comment ?? '').startsWith(prefix)));
    },
    applyDnsBatch: (target: Pick<Zone, 'id'>, batch: DnsBatch) => {
      calls.push(`applyDnsBatch ${target.id} delete ${batch.deletes.map((d) => d.id).join(',')}`);
      if (!options.batchIsLost) records = records.filter((r) => !batch.deletes.some((d) => d.id === r.id));
      return Promise.resolve({
        applied: batch.deletes.length,
        written: [],
        removed: batch.deletes.map((d) => d.id),
        failures: [],
        batches: 1,
        fallbacks: 0,
      });
    },
    findTunnelByName: (accountId: string, name: string) => {
      calls.push(`findTunnelByName ${accountId} ${name}`);
      return Promise.resolve(name === live.name && !live.deletedAt ? inAccount(accountId, live) : undefined);
    },
    getTunnelToken: (accountId: string, tunnelId: string) => {
      calls.push(`getTunnelToken ${accountId} ${tunnelId}`);
      const secret = options.secret ?? PENDING_SECRET;
      return Promise.resolve(encodeTunnelToken({ accountTag: accountId, tunnelId, tunnelSecret: secret }));
    },
    getTunnel: (accountId: string, tunnelId: string) => {
      calls.push(`getTunnel ${accountId} ${tunnelId}`);
      return Promise.resolve(tunnelId === live.id ? inAccount(accountId, { ...live }) : undefined);
    },
    deleteTunnel: (accountId: string, tunnelId: string) => {
      calls.push(`deleteTunnel ${accountId} ${tunnelId}`);
      const found = tunnelId === live.id && accountId === account && !live.deletedAt;
      if (found && !options.deleteIsLost) live.deletedAt = '2026-01-01T00:00:00Z';
      return Promise.resolve(found ? ('deleted' as const) : ('alreadyGone' as const));
    },
  } as Partial<CloudflareGateway> as CloudflareGateway;
  return { gateway, calls, live, records: () => records };
}

function clean(gateway: CloudflareGateway, found: RecordedTunnel[], report = new Report()) {
  return cleanUp({
    client: new ResourceClient(new FakeKube()),
    gateway,
    ownerId: OWNER_ID,
    tunnel,
    namespace: 'shop',
    found,
    report,
  });
}

const created = (accountId = ACCOUNT_ID): IdentifiedTunnel => ({
  kind: 'tunnel',
  accountId,
  tunnelId: TUNNEL_ID,
  created: true,
});

describe('cleanUp of a tunnel this object created', () => {
  it('deletes its records, then the tunnel, then reads both back — in the account on record', async () => {
    const cloudflare = cloudflareWithTunnel();
    await clean(cloudflare.gateway, [created()]);
    expect(cloudflare.calls).toEqual([
      `findZoneByName example.com ${ACCOUNT_ID}`,
      'listDnsRecords z1',
      'applyDnsBatch z1 delete r1',
      `deleteTunnel ${ACCOUNT_ID} ${TUNNEL_ID}`,
      `getTunnel ${ACCOUNT_ID} ${TUNNEL_ID}`,
      'listDnsRecords z1 (read back)',
    ]);
    expect(cloudflare.live.deletedAt).toBeDefined();
    expect(cloudflare.records().map((r) => r.id)).toEqual(['r2']);
  });

  it('uses the account on record, not the one the spec names now (it may have been edited)', async () => {
    const cloudflare = cloudflareWithTunnel({ account: OTHER_ACCOUNT });
    // sampleTunnel's spec names ACCOUNT_ID; the tunnel was created in OTHER_ACCOUNT.
    await clean(cloudflare.gateway, [created(OTHER_ACCOUNT)]);
    expect(cloudflare.calls).toContain(`deleteTunnel ${OTHER_ACCOUNT} ${TUNNEL_ID}`);
    expect(cloudflare.calls.some((c) => c.includes(ACCOUNT_ID))).toBe(false);
    expect(cloudflare.live.deletedAt).toBeDefined();
  });

  it('refuses to finish while the tunnel is still alive on Cloudflare after its delete was answered', async () => {
    const cloudflare = cloudflareWithTunnel({ deleteIsLost: true });
    const report = new Report();
    const run = clean(cloudflare.gateway, [created()], report);
    await expect(run).rejects.toBeInstanceOf(StepFailure);
    await expect(run).rejects.toMatchObject({ retry: 'backoff' });
    expect(report.ready).toMatchObject({ status: 'False', reason: Reason.DeletionIncomplete });
    expect(report.ready?.message).toContain(`tunnel ${TUNNEL_ID} in account ${ACCOUNT_ID}`);
    expect(report.events).toContainEqual(
      expect.objectContaining({ type: 'Warning', reason: Reason.DeletionIncomplete }),
    );
  });

  it('refuses to finish while a record of ours is still listed after the batch was answered', async () => {
    const cloudflare = cloudflareWithTunnel({ batchIsLost: true });
    const report = new Report();
    await expect(clean(cloudflare.gateway, [created()], report)).rejects.toBeInstanceOf(StepFailure);
    expect(report.ready?.reason).toBe(Reason.DeletionIncomplete);
    expect(report.ready?.message).toContain('1 DNS record(s) in zone example.com (web.example.com)');
  });
});

describe('cleanUp of an adopted tunnel', () => {
  it('deletes the records and leaves the tunnel in place (no delete, no read-back of the tunnel)', async () => {
    const cloudflare = cloudflareWithTunnel();
    const report = new Report();
    await clean(cloudflare.gateway, [{ ...created(), created: false }], report);
    expect(cloudflare.calls.filter((c) => c.includes('Tunnel'))).toEqual([]);
    expect(cloudflare.live.deletedAt).toBeUndefined();
    expect(cloudflare.records().map((r) => r.id)).toEqual(['r2']);
    expect(report.events.map((e) => e.reason)).toEqual(['DNSRecordsDeleted', 'TunnelReleased']);
  });
});

describe('cleanUp after a crash left a pending tunnel secret', () => {
  const pending: RecordedTunnel = { kind: 'pending', accountId: ACCOUNT_ID, name: 'shop-web', secret: PENDING_SECRET };

  it('deletes the tunnel of that name when its secret is the pending one (we created it), and reads it back', async () => {
    const cloudflare = cloudflareWithTunnel({ secret: PENDING_SECRET });
    await clean(cloudflare.gateway, [pending]);
    expect(cloudflare.calls.slice(-3)).toEqual([
      `deleteTunnel ${ACCOUNT_ID} ${TUNNEL_ID}`,
      `getTunnel ${ACCOUNT_ID} ${TUNNEL_ID}`,
      'listDnsRecords z1 (read back)',
    ]);
    expect(cloudflare.live.deletedAt).toBeDefined();
  });

  it('leaves a same-name tunnel whose secret does not match alone (someone else’s)', async () => {
    const cloudflare = cloudflareWithTunnel({ secret: OTHER_SECRET });
    await clean(cloudflare.gateway, [pending]);
    expect(cloudflare.calls.filter((c) => c.startsWith('deleteTunnel'))).toEqual([]);
    expect(cloudflare.live.deletedAt).toBeUndefined();
  });
});

/** cleanUp against the in-memory Cloudflare, with the Kubernetes requests it made. */
function cleanupHarness(found: RecordedTunnel[], spec: Parameters<typeof sampleTunnel>[0] = {}) {
  const cloudflare = new FakeCloudflare();
  const kube = new FakeKube();
  const subject = sampleTunnel(spec);
  const report = new Report();
  const run = () =>
    cleanUp({
      client: new ResourceClient(kube),
      gateway: cloudflare,
      ownerId: OWNER_ID,
      tunnel: subject,
      namespace: 'shop',
      found,
      report,
    });
  return { cloudflare, kube, subject, report, run };
}

describe('cleanUp: what it removes and says', () => {
  it('never reached Cloudflare: deletes the Deployment only, and calls Cloudflare not at all', async () => {
    const { cloudflare, kube, run, report } = cleanupHarness([]);
    await run();
    expect(kube.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      `DELETE ${resourcePath(DEPLOYMENT, 'shop', objectNames(tunnel).deployment)}`,
    ]);
    expect(cloudflare.calls).toEqual([]);
    expect(report.events).toEqual([]);
  });

  it('a tunnel whose spec and status name no zone looks no zone up', async () => {
    const h = cleanupHarness([created()], {
      cloudflare: { accountId: ACCOUNT_ID, credentialsSecretRef: { name: 'cf-credentials' } },
    });
    h.cloudflare.addTunnel({ id: TUNNEL_ID, accountTag: ACCOUNT_ID, name: 'shop-web' }, PENDING_SECRET);
    await h.run();
    expect(h.cloudflare.calls.filter((c) => c.startsWith('findZoneByName'))).toEqual([]);
    expect(h.cloudflare.calls.filter((c) => c.startsWith('deleteTunnel'))).toHaveLength(1);
  });

  it('stops cloudflared before it touches Cloudflare', async () => {
    const h = cleanupHarness([created()]);
    h.cloudflare.addZone({ id: 'z1', name: 'example.com', accountId: ACCOUNT_ID });
    h.cloudflare.addTunnel({ id: TUNNEL_ID, accountTag: ACCOUNT_ID, name: 'shop-web' }, PENDING_SECRET);
    const order: string[] = [];
    const request = h.kube.request.bind(h.kube);
    h.kube.request = (req) => {
      order.push(`kube ${req.method}`);
      return request(req);
    };
    h.cloudflare.onCall('findZoneByName', () => order.push('cloudflare'));
    await h.run();
    expect(order.slice(0, 2)).toEqual(['kube DELETE', 'cloudflare']);
  });

  it('looks for records in the zones of the spec and of status, once per zone and account', async () => {
    const subject = sampleTunnel({ cloudflare: { ...sampleTunnel().spec.cloudflare, zones: ['example.com'] } });
    const h = cleanupHarness([created(), { ...created(), tunnelId: 'other' }], subject.spec);
    h.subject.status = {
      zones: [
        { name: 'example.org', id: 'z2' },
        { name: 'example.com', id: 'z1' },
      ],
    };
    const com = h.cloudflare.addZone({ id: 'z1', name: 'example.com', accountId: ACCOUNT_ID });
    const org = h.cloudflare.addZone({ id: 'z2', name: 'example.org', accountId: ACCOUNT_ID });
    h.cloudflare.addRecord(com.id, { name: 'a.example.com', content: 'x', comment: ourComment });
    h.cloudflare.addRecord(org.id, { name: 'b.example.org', content: 'x', comment: ourComment });
    h.cloudflare.addRecord(org.id, { name: 'c.example.org', content: 'x', comment: 'theirs' });
    await h.run();
    expect(h.cloudflare.calls.filter((c) => c.startsWith('findZoneByName'))).toEqual([
      `findZoneByName example.com ${ACCOUNT_ID}`,
      `findZoneByName example.org ${ACCOUNT_ID}`,
    ]);
    expect([...h.cloudflare.records.values()].flat().map((r) => r.name)).toEqual(['c.example.org']);
    expect(h.report.events[0]).toEqual(
      expect.objectContaining({
        type: 'Normal',
        reason: 'DNSRecordsDeleted',
        action: 'Delete',
        note: 'deleted 2 DNS record(s)',
      }),
    );
  });

  it('reports each tunnel it deleted or found gone, and one it leaves in place', async () => {
    const h = cleanupHarness([
      created(),
      { kind: 'tunnel', accountId: ACCOUNT_ID, tunnelId: 'gone', created: true },
      { kind: 'tunnel', accountId: ACCOUNT_ID, tunnelId: 'adopted', created: false },
    ]);
    h.cloudflare.addTunnel({ id: TUNNEL_ID, accountTag: ACCOUNT_ID, name: 'shop-web' }, PENDING_SECRET);
    await h.run();
    expect(h.report.events.map((e) => [e.reason, e.action, e.note])).toEqual([
      ['TunnelDeleted', 'Delete', `tunnel ${TUNNEL_ID} in account ${ACCOUNT_ID} deleted`],
      ['TunnelDeleted', 'Delete', `tunnel gone in account ${ACCOUNT_ID} was already gone`],
      ['TunnelReleased', 'Delete', 'tunnel adopted was adopted: left in place'],
    ]);
    // Only the created ones are read back.
    expect(h.cloudflare.calls.filter((c) => c.startsWith('getTunnel '))).toEqual([
      `getTunnel ${ACCOUNT_ID} ${TUNNEL_ID}`,
      `getTunnel ${ACCOUNT_ID} gone`,
    ]);
  });

  it('deletes a tunnel on record twice (Secret and status) once', async () => {
    const h = cleanupHarness([created(), created()]);
    h.cloudflare.addTunnel({ id: TUNNEL_ID, accountTag: ACCOUNT_ID, name: 'shop-web' }, PENDING_SECRET);
    await h.run();
    expect(h.cloudflare.calls.filter((c) => c.startsWith('deleteTunnel'))).toHaveLength(1);
  });

  it('a pending create whose tunnel never came: nothing to delete, and it finishes', async () => {
    const h = cleanupHarness([{ kind: 'pending', accountId: ACCOUNT_ID, name: 'shop-web', secret: PENDING_SECRET }]);
    await h.run();
    expect(h.cloudflare.calls.filter((c) => /^(getTunnelToken|deleteTunnel)/.test(c))).toEqual([]);
    expect(h.report.ready).toBeUndefined();
  });

  it('records it could not delete fail the pass, naming one', async () => {
    const h = cleanupHarness([created()]);
    h.cloudflare.addZone({ id: 'z1', name: 'example.com', accountId: ACCOUNT_ID });
    h.cloudflare.addRecord('z1', { name: 'web.example.com', content: 'x', comment: ourComment });
    h.cloudflare.addRecord('z1', { name: 'api.example.com', content: 'x', comment: ourComment });
    h.cloudflare.dnsFault = () => ({ error: apiError('transient', 'dns.records.batch'), applied: false });
    await expect(h.run()).rejects.toThrow(
      /^could not delete 2 DNS record\(s\), e\.g\. (web|api)\.example\.com: DNS change refused: cloudflare dns\.records\.batch: transient/,
    );
    expect(h.cloudflare.calls.filter((c) => c.startsWith('deleteTunnel'))).toEqual([]);
  });

  it('names each of a few records Cloudflare still shows after deleting', async () => {
    const h = cleanupHarness([created()]);
    h.cloudflare.addZone({ id: 'z1', name: 'example.com', accountId: ACCOUNT_ID });
    for (const name of ['a', 'b']) {
      h.cloudflare.addRecord('z1', { name: `${name}.example.com`, content: 'x', comment: ourComment });
    }
    const applyDnsBatch = h.cloudflare.applyDnsBatch.bind(h.cloudflare);
    h.cloudflare.applyDnsBatch = (zone, batch) =>
      applyDnsBatch(zone, { ...batch, deletes: [] }).then((r) => ({ ...r, removed: batch.deletes.map((d) => d.id) }));
    await expect(h.run()).rejects.toMatchObject({ name: 'StepFailure' });
    expect(h.report.ready?.message).toContain('2 DNS record(s) in zone example.com (a.example.com, b.example.com)');
  });

  it('what Cloudflare still shows after deleting is named, a few records at most, and kept for a retry', async () => {
    const h = cleanupHarness([created()]);
    h.cloudflare.addZone({ id: 'z1', name: 'example.com', accountId: ACCOUNT_ID });
    h.cloudflare.addTunnel({ id: TUNNEL_ID, accountTag: ACCOUNT_ID, name: 'shop-web' }, PENDING_SECRET);
    for (const name of ['a', 'b', 'c', 'd']) {
      h.cloudflare.addRecord('z1', { name: `${name}.example.com`, content: 'x', comment: ourComment });
    }
    // The batch and the tunnel delete are answered as done without taking effect: a second look finds both.
    const applyDnsBatch = h.cloudflare.applyDnsBatch.bind(h.cloudflare);
    h.cloudflare.applyDnsBatch = (zone, batch) =>
      applyDnsBatch(zone, { ...batch, deletes: [] }).then((r) => ({ ...r, removed: batch.deletes.map((d) => d.id) }));
    h.cloudflare.deleteTunnel = () => Promise.resolve('deleted');
    const failure = await h.run().catch((err: unknown) => err);
    expect(failure).toMatchObject({ name: 'StepFailure', retry: 'backoff' });
    const message =
      `Cloudflare still shows tunnel ${TUNNEL_ID} in account ${ACCOUNT_ID}; ` +
      '4 DNS record(s) in zone example.com (a.example.com, b.example.com, c.example.com, …) after deleting: kept, retrying';
    expect(h.report.ready).toEqual({ type: 'Ready', status: 'False', reason: Reason.DeletionIncomplete, message });
    expect(h.report.events.at(-1)).toEqual(
      expect.objectContaining({ type: 'Warning', reason: Reason.DeletionIncomplete, action: 'Delete', note: message }),
    );
  });
});

describe('deletion messages', () => {
  it('says what is being removed', () => {
    expect(deletingWhat([])).toBe('removing cloudflared (nothing was created on Cloudflare)');
    expect(deletingWhat([created(), { kind: 'pending', accountId: OTHER_ACCOUNT, name: 'n', secret: 's' }])).toBe(
      `removing DNS records, cloudflared and tunnel ${TUNNEL_ID} (created by this object) in account ${ACCOUNT_ID}, ` +
        `the tunnel "n" being created in account ${OTHER_ACCOUNT}`,
    );
    expect(deletingCondition('x')).toEqual({ type: 'Ready', status: 'False', reason: Reason.Deleting, message: 'x' });
  });

  it('a blocked deletion sets Ready and warns', () => {
    const report = new Report();
    deletionBlocked(report, 'no credentials');
    expect(report.ready).toEqual({
      type: 'Ready',
      status: 'False',
      reason: Reason.DeletionBlocked,
      message: 'no credentials',
    });
    expect(report.events).toEqual([
      { type: 'Warning', reason: Reason.DeletionBlocked, action: 'Delete', note: 'no credentials' },
    ]);
  });
});
