import { ownerComment } from '../../cloudflare/index.js';
import { apiError, FakeCloudflare } from '../../cloudflare/testing/fake-cloudflare.js';
import { recordOwner, syncDns, type DnsStepInput } from './dns-step.js';

const TUNNEL_ID = '6ff42ae2-765d-4adf-8112-31c55c1551ef';
const TARGET = `${TUNNEL_ID}.cfargotunnel.com`;
const web = recordOwner('c1', { kind: 'Tunnel', metadata: { namespace: 'shop', name: 'web' } });
const edge = recordOwner('c1', { kind: 'ClusterTunnel', metadata: { name: 'edge' } });
const OURS = ownerComment(web);

function setup() {
  const cloudflare = new FakeCloudflare();
  const zone = cloudflare.addZone({ id: 'z1', name: 'example.com' });
  const doubted: string[] = [];
  const sync = (hostnames: string[], options: Partial<DnsStepInput> = {}) =>
    syncDns({
      gateway: cloudflare,
      zones: [zone],
      owner: web,
      tunnelId: TUNNEL_ID,
      hostnames: hostnames.map((hostname) => ({ hostname, zone: 'example.com' })),
      adoptUnmanaged: false,
      zoneInDoubt: (id) => doubted.push(id),
      ...options,
    });
  const names = () =>
    (cloudflare.records.get('z1') ?? []).map((r) => `${r.name} → ${r.content} (${r.comment ?? '-'})`).sort();
  return { cloudflare, zone, sync, names, doubted };
}

const batches = (cloudflare: FakeCloudflare) => cloudflare.calls.filter((c) => c.startsWith('applyDnsBatch'));

describe('syncDns', () => {
  it('creates, repoints and deletes only this tunnel records, in one batch, and says who holds the others', async () => {
    const { cloudflare, sync, names, doubted } = setup();
    cloudflare.addRecord('z1', { id: 'stale', name: 'stale.example.com', content: TARGET, comment: OURS });
    cloudflare.addRecord('z1', {
      id: 'moved',
      name: 'moved.example.com',
      content: 'old.cfargotunnel.com',
      comment: OURS,
    });
    cloudflare.addRecord('z1', { id: 'taken', name: 'taken.example.com', content: 'x', comment: ownerComment(edge) });
    const foreign = 'cloudflare-operator owner=c2 tunnel=Tunnel/shop/web';
    cloudflare.addRecord('z1', { id: 'foreign', name: 'foreign.example.com', content: 'x', comment: foreign });
    cloudflare.addRecord('z1', { id: 'manual', name: 'manual.example.com', content: 'x', type: 'A', comment: 'mine' });

    const outcome = await sync(['new', 'moved', 'taken', 'foreign', 'manual'].map((h) => `${h}.example.com`));

    expect({ created: outcome.created, updated: outcome.updated, deleted: outcome.deleted }).toEqual({
      created: 1,
      updated: 1,
      deleted: 1,
    });
    expect(batches(cloudflare)).toEqual(['applyDnsBatch z1 -stale =moved +new.example.com']);
    expect(names()).toEqual([
      'foreign.example.com → x (cloudflare-operator owner=c2 tunnel=Tunnel/shop/web)',
      'manual.example.com → x (mine)',
      `moved.example.com → ${TARGET} (${OURS})`,
      `new.example.com → ${TARGET} (${OURS})`,
      `taken.example.com → x (${ownerComment(edge)})`,
    ]);
    expect(Object.fromEntries(outcome.problems)).toEqual({
      'taken.example.com': {
        state: 'Pending',
        message: 'waiting for the CNAME record taken.example.com of another tunnel of this operator to be released',
      },
      'foreign.example.com': {
        state: 'Conflict',
        message: 'the CNAME record foreign.example.com belongs to another installation of cloudflare-operator',
      },
      'manual.example.com': {
        state: 'Conflict',
        message:
          'the A record manual.example.com was not created by cloudflare-operator; delete it (spec.dns.adoptUnmanaged takes over a lone CNAME only): a CNAME cannot share its name',
      },
    });
    expect(outcome.waitingForSibling).toBe(true);
    expect(doubted).toEqual(['z1']);
  });

  it('a plan without conflict leaves the zone trusted; nothing to change sends no batch', async () => {
    const { cloudflare, sync, doubted } = setup();
    cloudflare.addRecord('z1', { name: 'web.example.com', content: TARGET, comment: OURS });
    const outcome = await sync(['web.example.com']);
    expect(outcome).toEqual({ problems: new Map(), created: 0, updated: 0, deleted: 0, waitingForSibling: false });
    expect(batches(cloudflare)).toEqual([]);
    expect(doubted).toEqual([]);
  });

  it('adopts an unmanaged CNAME when asked to', async () => {
    const { cloudflare, sync, names } = setup();
    cloudflare.addRecord('z1', { id: 'hand', name: 'web.example.com', content: 'elsewhere.example.net' });
    const outcome = await sync(['web.example.com'], { adoptUnmanaged: true });
    expect(outcome.updated).toBe(1);
    expect(outcome.problems.size).toBe(0);
    expect(names()).toEqual([`web.example.com → ${TARGET} (${OURS})`]);
  });

  it('a conflict with a record of someone else is no reason to come back soon (only a sibling is)', async () => {
    const { cloudflare, sync } = setup();
    cloudflare.addRecord('z1', { name: 'web.example.com', content: 'elsewhere.example.net' });
    const outcome = await sync(['web.example.com']);
    expect(outcome.problems.get('web.example.com')?.state).toBe('Conflict');
    expect(outcome.waitingForSibling).toBe(false);
  });

  it('an unmanaged CNAME that shares its name with other records cannot be adopted: it says so', async () => {
    const { cloudflare, sync } = setup();
    cloudflare.addRecord('z1', { name: 'web.example.com', type: 'CNAME', content: 'elsewhere.example.net' });
    cloudflare.addRecord('z1', { name: 'web.example.com', type: 'TXT', content: 'v=hello' });
    const outcome = await sync(['web.example.com']);
    expect(outcome.problems.get('web.example.com')?.message).toContain(
      'delete it (spec.dns.adoptUnmanaged takes over a lone CNAME only)',
    );
  });

  it('a hostname asked for twice is a conflict of its own', async () => {
    const { sync } = setup();
    const outcome = await sync(['web.example.com', 'WEB.example.com']);
    expect(outcome.problems.get('web.example.com')).toEqual({ state: 'Conflict', message: 'asked for twice' });
  });

  it('reports a hostname whose zone the account lacks, and matches zones whatever their case', async () => {
    const { cloudflare, zone } = setup();
    const outcome = await syncDns({
      gateway: cloudflare,
      zones: [zone],
      owner: web,
      tunnelId: TUNNEL_ID,
      hostnames: [
        { hostname: 'a.other.org', zone: 'other.org' },
        { hostname: 'b.example.com', zone: 'EXAMPLE.com.' },
      ],
      adoptUnmanaged: false,
    });
    expect(Object.fromEntries(outcome.problems)).toEqual({
      'a.other.org': { state: 'Pending', message: 'zone other.org was not found in the account' },
    });
    expect(outcome.created).toBe(1);
  });

  it("with no hostname wanted, removes every record of this tunnel and nobody else's", async () => {
    const { cloudflare, sync, names } = setup();
    cloudflare.addRecord('z1', { id: 'a', name: 'a.example.com', content: TARGET, comment: OURS });
    cloudflare.addRecord('z1', { id: 'b', name: 'b.example.com', content: TARGET, comment: ownerComment(edge) });
    const outcome = await sync([]);
    expect(outcome.deleted).toBe(1);
    expect(names()).toEqual([`b.example.com → ${TARGET} (${ownerComment(edge)})`]);
  });

  it('writes nothing once its signal is aborted', async () => {
    const { cloudflare, sync } = setup();
    const controller = new AbortController();
    controller.abort(new Error('leadership lost'));
    await expect(sync(['web.example.com'], { signal: controller.signal })).rejects.toThrow('leadership lost');
    expect(batches(cloudflare)).toEqual([]);
  });
});

describe('syncDns: a batch with refused operations', () => {
  it('a refused change still to do is a Pending problem, not counted; the others count', async () => {
    const { cloudflare, sync } = setup();
    cloudflare.addRecord('z1', { id: 'old', name: 'old.example.com', content: TARGET, comment: OURS });
    cloudflare.addRecord('z1', { id: 'moved', name: 'moved.example.com', content: 'x', comment: OURS });
    const refusal = apiError('invalid', 'dns.records.batch', 9000);
    cloudflare.dnsFault = (op) =>
      op.kind === 'post' && op.record.name === 'bad.example.com' ? { error: refusal, applied: false } : undefined;
    const outcome = await sync(['good.example.com', 'bad.example.com', 'moved.example.com']);
    expect(Object.fromEntries(outcome.problems)).toEqual({
      'bad.example.com': { state: 'Pending', message: `DNS change refused: ${refusal.message}` },
    });
    expect({ created: outcome.created, updated: outcome.updated, deleted: outcome.deleted }).toEqual({
      created: 1,
      updated: 1,
      deleted: 1,
    });
    // The zone is read again after the refusal, to tell what is still to do.
    expect(cloudflare.calls.filter((c) => c.startsWith('listDnsRecords'))).toEqual([
      'listDnsRecords z1',
      'listDnsRecords z1',
    ]);
  });

  it.each([
    ['update', (name: string) => name === 'moved.example.com'],
    ['delete', (name: string) => name === 'old.example.com'],
  ])('a refused %s still to do is counted out', async (kind, refused) => {
    const { cloudflare, sync } = setup();
    cloudflare.addRecord('z1', { id: 'old', name: 'old.example.com', content: TARGET, comment: OURS });
    cloudflare.addRecord('z1', { id: 'moved', name: 'moved.example.com', content: 'x', comment: OURS });
    const byId = new Map((cloudflare.records.get('z1') ?? []).map((r) => [r.id, r.name]));
    cloudflare.dnsFault = (op) => {
      const name =
        op.kind === 'delete' ? byId.get(op.id) : op.kind === 'post' ? op.record.name : byId.get(op.record.id);
      return name && refused(name) ? { error: apiError('invalid'), applied: false } : undefined;
    };
    const outcome = await sync(['moved.example.com']);
    expect({ updated: outcome.updated, deleted: outcome.deleted }).toEqual(
      kind === 'update' ? { updated: 0, deleted: 1 } : { updated: 1, deleted: 0 },
    );
    expect([...outcome.problems.keys()]).toEqual([kind === 'update' ? 'moved.example.com' : 'old.example.com']);
  });

  it('a refused change that took effect after all (its answer lost) counts, with no problem', async () => {
    const { cloudflare, sync, names } = setup();
    cloudflare.dnsFault = () => ({ error: apiError('conflict', 'dns.records.batch', 81053), applied: true });
    const outcome = await sync(['web.example.com']);
    expect(outcome.problems.size).toBe(0);
    expect(outcome.created).toBe(1);
    expect(names()).toEqual([`web.example.com → ${TARGET} (${OURS})`]);
  });

  it('refused because someone made a record at the name meanwhile: reported as that conflict', async () => {
    const { cloudflare, sync, doubted } = setup();
    cloudflare.dnsFault = () => {
      cloudflare.addRecord('z1', { name: 'web.example.com', content: '192.0.2.1', type: 'A', comment: 'hand-made' });
      return { error: apiError('conflict', 'dns.records.batch', 81053), applied: false };
    };
    const outcome = await sync(['web.example.com']);
    expect(outcome.created).toBe(0);
    expect(outcome.problems.get('web.example.com')).toEqual({
      state: 'Conflict',
      message:
        'the A record web.example.com was not created by cloudflare-operator; delete it (spec.dns.adoptUnmanaged takes over a lone CNAME only): a CNAME cannot share its name',
    });
    expect(doubted).toEqual(['z1']);
  });

  it('refused because another tunnel of ours took the name meanwhile: waits for that sibling', async () => {
    const { cloudflare, sync } = setup();
    cloudflare.dnsFault = () => {
      cloudflare.addRecord('z1', { name: 'web.example.com', content: 'x', comment: ownerComment(edge) });
      return { error: apiError('conflict'), applied: false };
    };
    const outcome = await sync(['web.example.com']);
    expect(outcome.waitingForSibling).toBe(true);
    expect(outcome.problems.get('web.example.com')?.state).toBe('Pending');
  });
});

describe('recordOwner', () => {
  it('names a Tunnel with its namespace and a ClusterTunnel without', () => {
    expect(web).toEqual({ ownerId: 'c1', tunnel: { kind: 'Tunnel', namespace: 'shop', name: 'web' } });
    expect(edge).toEqual({ ownerId: 'c1', tunnel: { kind: 'ClusterTunnel', name: 'edge' } });
    const stray = recordOwner('c1', { kind: 'ClusterTunnel', metadata: { namespace: 'ignored', name: 'edge' } });
    expect(stray).toEqual(edge);
  });
});
