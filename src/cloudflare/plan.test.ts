import { ownerComment, type RecordOwner } from './ownership.js';
import { hasChanges, planDns, planToBatch, recordNeedsUpdate, type DnsPlan } from './plan.js';
import { tunnelCname } from './records.js';
import type { DnsRecord } from './types.js';

const OWNER: RecordOwner = { ownerId: 'c1', tunnel: { kind: 'Tunnel', namespace: 'ns', name: 'web' } };
const SIBLING: RecordOwner = { ownerId: 'c1', tunnel: { kind: 'ClusterTunnel', name: 'edge' } };
const mine = () => ownerComment(OWNER);
const want = (host: string, tunnel = 't1') => tunnelCname(host, tunnel, mine());
let seq = 0;
const rec = (name: string, over: Partial<DnsRecord> = {}): DnsRecord => ({
  id: `r${++seq}`,
  name,
  type: 'CNAME',
  content: 't1.cfargotunnel.com',
  proxied: true,
  ttl: 1,
  comment: mine(),
  ...over,
});
const summary = (plan: DnsPlan) => ({
  creates: plan.creates.map((c) => c.name),
  updates: plan.updates.map((u) => `${u.current.name}${u.adopt ? ' (adopt)' : ''}`),
  deletes: plan.deletes.map((d) => `${d.name} ${d.type}`),
  conflicts: plan.conflicts.map((c) => `${c.name} ${c.reason}`),
});
const none = { creates: [], updates: [], deletes: [], conflicts: [] };

describe('planDns', () => {
  it.each<[string, DnsRecord[], ReturnType<typeof want>[], boolean, ReturnType<typeof summary>]>([
    ['nothing there → create', [], [want('a.example.com')], false, { ...none, creates: ['a.example.com'] }],
    ['ours and equal → nothing', [rec('a.example.com')], [want('a.example.com')], false, none],
    [
      'ours, tunnel recreated with another ID → update',
      [rec('a.example.com')],
      [want('a.example.com', 't2')],
      false,
      { ...none, updates: ['a.example.com'] },
    ],
    [
      'another tunnel of ours, wanted → conflict, untouched',
      [rec('a.example.com', { comment: ownerComment(SIBLING), content: 't9.cfargotunnel.com' })],
      [want('a.example.com')],
      false,
      { ...none, conflicts: ['a.example.com sibling'] },
    ],
    [
      'another tunnel of ours, not wanted → nothing (never deleted)',
      [rec('a.example.com', { comment: ownerComment(SIBLING) })],
      [],
      false,
      none,
    ],
    [
      'another tunnel of ours, adoptUnmanaged → still a conflict',
      [rec('a.example.com', { comment: ownerComment(SIBLING) })],
      [want('a.example.com')],
      true,
      { ...none, conflicts: ['a.example.com sibling'] },
    ],
    [
      'ours, not proxied → update',
      [rec('a.example.com', { proxied: false })],
      [want('a.example.com')],
      false,
      { ...none, updates: ['a.example.com'] },
    ],
    ['ours, names differ only in case → nothing', [rec('A.Example.com')], [want('a.example.com')], false, none],
    ['ours, not wanted → delete', [rec('a.example.com')], [], false, { ...none, deletes: ['a.example.com CNAME'] }],
    [
      'ours but an A record → delete + create',
      [rec('a.example.com', { type: 'A', content: '192.0.2.1' })],
      [want('a.example.com')],
      false,
      { ...none, creates: ['a.example.com'], deletes: ['a.example.com A'] },
    ],
    [
      'foreign, wanted → conflict',
      [rec('a.example.com', { comment: 'cloudflare-operator owner=c2 tunnel=Tunnel/ns/web' })],
      [want('a.example.com')],
      false,
      { ...none, conflicts: ['a.example.com foreignOwner'] },
    ],
    [
      'foreign, not wanted → nothing',
      [rec('a.example.com', { comment: 'cloudflare-operator owner=c2' })],
      [],
      false,
      none,
    ],
    [
      'unmanaged, wanted → conflict',
      [rec('a.example.com', { comment: undefined })],
      [want('a.example.com')],
      false,
      { ...none, conflicts: ['a.example.com unmanaged'] },
    ],
    [
      'unmanaged A, wanted → conflict',
      [rec('a.example.com', { type: 'A', content: '192.0.2.1', comment: 'manual' })],
      [want('a.example.com')],
      false,
      { ...none, conflicts: ['a.example.com unmanaged'] },
    ],
    [
      'unmanaged CNAME, adopt → update',
      [rec('a.example.com', { comment: 'manual' })],
      [want('a.example.com')],
      true,
      { ...none, updates: ['a.example.com (adopt)'] },
    ],
    [
      'unmanaged A, adopt → still a conflict',
      [rec('a.example.com', { type: 'A', content: '192.0.2.1', comment: undefined })],
      [want('a.example.com')],
      true,
      { ...none, conflicts: ['a.example.com unmanaged'] },
    ],
    [
      'foreign CNAME, adoptUnmanaged → still a conflict (never adopted)',
      [rec('a.example.com', { comment: 'cloudflare-operator owner=c2 tunnel=Tunnel/ns/web' })],
      [want('a.example.com')],
      true,
      { ...none, conflicts: ['a.example.com foreignOwner'] },
    ],
    [
      'two unmanaged records, adoptUnmanaged → conflict (adoption takes exactly one)',
      [
        rec('a.example.com', { comment: 'manual' }),
        rec('a.example.com', { type: 'TXT', content: 'x', comment: 'manual' }),
      ],
      [want('a.example.com')],
      true,
      { ...none, conflicts: ['a.example.com unmanaged'] },
    ],
    [
      'ours and an unmanaged CNAME, adoptUnmanaged → conflict, nothing adopted',
      [rec('a.example.com'), rec('a.example.com', { comment: 'manual' })],
      [want('a.example.com')],
      true,
      { ...none, conflicts: ['a.example.com unmanaged'] },
    ],
    [
      'ours twice at one name → the duplicate is deleted',
      [rec('a.example.com'), rec('a.example.com')],
      [want('a.example.com')],
      false,
      { ...none, deletes: ['a.example.com CNAME'] },
    ],
    ['unmanaged, not wanted → nothing', [rec('a.example.com', { comment: 'manual' })], [], true, none],
    [
      'wanted twice → first by content wins',
      [],
      [want('a.example.com', 'zeta'), want('a.example.com', 'alpha')],
      false,
      { ...none, creates: ['a.example.com'], conflicts: ['a.example.com duplicateDesired'] },
    ],
  ])('%s', (_label, current, desired, adoptUnmanaged, expected) => {
    expect(summary(planDns({ current, desired, owner: OWNER, adoptUnmanaged }))).toEqual(expected);
  });

  it('picks the same winner whatever the input order', () => {
    const desired = [want('a.example.com', 'zeta'), want('a.example.com', 'alpha')];
    const one = planDns({ current: [], desired, owner: OWNER });
    const two = planDns({ current: [], desired: [...desired].reverse(), owner: OWNER });
    expect(one).toEqual(two);
    expect(one.creates[0]?.content).toBe('alpha.cfargotunnel.com');
  });

  it('sorts every list', () => {
    const plan = planDns({
      current: [rec('z.example.com'), rec('m.example.com'), rec('b.example.com', { proxied: false })],
      desired: [want('y.example.com'), want('c.example.com'), want('b.example.com')],
      owner: OWNER,
    });
    expect(summary(plan)).toEqual({
      ...none,
      creates: ['c.example.com', 'y.example.com'],
      updates: ['b.example.com'],
      deletes: ['m.example.com CNAME', 'z.example.com CNAME'],
    });
    expect(hasChanges(plan)).toBe(true);
    expect(hasChanges(planDns({ current: [], desired: [], owner: OWNER }))).toBe(false);
  });

  it('refuses a desired record that does not carry our marker', () => {
    const stray = { ...want('a.example.com'), comment: ownerComment(SIBLING) };
    expect(() => planDns({ current: [], desired: [stray], owner: OWNER })).toThrow(/comment/);
  });
});

describe('recordNeedsUpdate', () => {
  const current = rec('a.example.com');
  it.each<[string, Partial<DnsRecord>, boolean]>([
    ['equal', {}, false],
    ['content differs only in case and trailing dot', { content: 'T1.cfargotunnel.com.' }, false],
    ['type differs', { type: 'A' }, true],
    ['content differs', { content: 't2.cfargotunnel.com' }, true],
    ['proxied differs', { proxied: false }, true],
    ['ttl differs', { ttl: 300 }, true],
    ['comment differs', { comment: 'manual' }, true],
    ['comment missing', { comment: undefined }, true],
  ])('%s', (_label, change, expected) => {
    expect(recordNeedsUpdate({ ...current, ...change }, want('a.example.com'))).toBe(expected);
  });
});

describe('hasChanges', () => {
  const r = rec('a.example.com');
  it.each<[string, DnsPlan, boolean]>([
    ['nothing', { creates: [], updates: [], deletes: [], conflicts: [] }, false],
    ['a create', { creates: [want('a.example.com')], updates: [], deletes: [], conflicts: [] }, true],
    [
      'an update',
      {
        creates: [],
        updates: [{ current: r, desired: want('a.example.com'), adopt: false }],
        deletes: [],
        conflicts: [],
      },
      true,
    ],
    ['a delete', { creates: [], updates: [], deletes: [r], conflicts: [] }, true],
  ])('%s', (_label, plan, expected) => {
    expect(hasChanges(plan)).toBe(expected);
  });
});

describe('planDns output order', () => {
  it('sorts updates by name and conflicts by name, then content', () => {
    const plan = planDns({
      current: [
        rec('b.example.com', { ttl: 300 }),
        rec('a.example.com', { ttl: 300 }),
        rec('c.example.com', { comment: 'manual' }),
      ],
      desired: [
        want('c.example.com', 'z'),
        want('b.example.com'),
        want('a.example.com'),
        want('d.example.com', 'y'),
        want('d.example.com', 'x'),
      ],
      owner: OWNER,
    });
    expect(plan.updates.map((u) => u.current.name)).toEqual(['a.example.com', 'b.example.com']);
    expect(plan.conflicts.map((c) => [c.name, c.desired.content])).toEqual([
      ['c.example.com', 'z.cfargotunnel.com'],
      ['d.example.com', 'y.cfargotunnel.com'],
    ]);
  });

  it('sorts deletes at one name by type, then ID', () => {
    const plan = planDns({
      current: [
        rec('a.example.com', { id: 'r-a2', type: 'A', content: '192.0.2.2' }),
        rec('a.example.com', { id: 'r-txt', type: 'TXT', content: 'x' }),
        rec('a.example.com', { id: 'r-a1', type: 'A', content: '192.0.2.1' }),
      ],
      desired: [],
      owner: OWNER,
    });
    expect(plan.deletes.map((d) => d.id)).toEqual(['r-a1', 'r-a2', 'r-txt']);
  });

  it('sorts deletes by name before ID', () => {
    const plan = planDns({
      current: [rec('a.example.com', { id: 'r-z' }), rec('b.example.com', { id: 'r-a' })],
      desired: [],
      owner: OWNER,
    });
    expect(plan.deletes.map((d) => d.name)).toEqual(['a.example.com', 'b.example.com']);
  });
});

describe('planToBatch', () => {
  it('maps creates to posts, updates to puts, deletes to deletes', () => {
    const current = [rec('a.example.com'), rec('b.example.com', { proxied: false })];
    const plan = planDns({ current, desired: [want('b.example.com'), want('c.example.com')], owner: OWNER });
    const batch = planToBatch(plan, OWNER);
    expect(batch.deletes).toEqual([{ id: current[0]!.id }]);
    expect(batch.puts).toEqual([{ id: current[1]!.id, ...want('b.example.com') }]);
    expect(batch.posts).toEqual([want('c.example.com')]);
    expect(batch.patches).toEqual([]);
  });

  it('checks ownership again and drops changes to records that are not ours', () => {
    const foreign = rec('x.example.com', { comment: 'cloudflare-operator owner=c2' });
    const unmanaged = rec('y.example.com', { comment: 'manual' });
    const sibling = rec('z.example.com', { comment: ownerComment(SIBLING) });
    const tampered: DnsPlan = {
      creates: [],
      updates: [
        { current: foreign, desired: want('x.example.com'), adopt: true },
        { current: unmanaged, desired: want('y.example.com'), adopt: false },
        { current: sibling, desired: want('z.example.com'), adopt: true },
      ],
      deletes: [foreign, unmanaged, sibling],
      conflicts: [],
    };
    expect(planToBatch(tampered, OWNER)).toEqual({ deletes: [], patches: [], puts: [], posts: [] });
  });

  it('keeps an explicit adoption of an unmanaged record', () => {
    const unmanaged = rec('y.example.com', { comment: 'manual' });
    const plan = planDns({
      current: [unmanaged],
      desired: [want('y.example.com')],
      owner: OWNER,
      adoptUnmanaged: true,
    });
    expect(planToBatch(plan, OWNER).puts).toEqual([{ id: unmanaged.id, ...want('y.example.com') }]);
  });
});
