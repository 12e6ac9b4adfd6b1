import {
  classifyRecord,
  isOurs,
  MAX_COMMENT_LENGTH,
  ownerComment,
  ownerCommentPrefix,
  parseOwnerComment,
  type RecordOwner,
} from './ownership.js';

const owner = (ownerId: string, tunnel: RecordOwner['tunnel']): RecordOwner => ({ ownerId, tunnel });
const WEB = owner('c1', { kind: 'Tunnel', namespace: 'shop', name: 'web' });

describe('ownerComment', () => {
  it('writes the installation and the tunnel that wants the record', () => {
    expect(ownerComment(owner('prod-eu1', { kind: 'Tunnel', namespace: 'shop', name: 'web' }))).toBe(
      'cloudflare-operator owner=prod-eu1 tunnel=Tunnel/shop/web',
    );
    expect(ownerComment(owner('c1', { kind: 'ClusterTunnel', name: 'edge' }))).toBe(
      'cloudflare-operator owner=c1 tunnel=ClusterTunnel/edge',
    );
  });

  it('round-trips through parseOwnerComment', () => {
    expect(parseOwnerComment(ownerComment(WEB))).toEqual({ ownerId: 'c1', tunnel: 'Tunnel/shop/web' });
  });

  it('shortens long references deterministically, within 100 characters', () => {
    const tunnel = { kind: 'Tunnel', namespace: 'n'.repeat(63), name: 'x'.repeat(63) };
    const id = 'owner-with-a-long-identifier-123';
    const a = ownerComment(owner(id, tunnel));
    const b = ownerComment(owner(id, tunnel));
    const other = ownerComment(owner(id, { ...tunnel, name: `${'x'.repeat(62)}y` }));
    expect(a).toBe(b);
    expect(a).not.toBe(other);
    expect(a.length).toBe(MAX_COMMENT_LENGTH);
    expect(parseOwnerComment(a)?.ownerId).toBe(id);
  });

  it('keeps a reference that fits exactly, and hashes one character more', () => {
    const head = 'cloudflare-operator owner=c1 tunnel=ClusterTunnel/';
    const fits = 'a'.repeat(MAX_COMMENT_LENGTH - head.length);
    expect(ownerComment(owner('c1', { kind: 'ClusterTunnel', name: fits }))).toBe(head + fits);
    expect(ownerComment(owner('c1', { kind: 'ClusterTunnel', name: `${fits}a` }))).toContain('~');
  });

  it('refuses a limit that leaves no room for even one character of the reference', () => {
    const long = owner('c1', { kind: 'Tunnel', namespace: 'shop', name: 'w'.repeat(60) });
    const head = ownerComment(long).split('tunnel=')[0]!.length + 'tunnel='.length;
    const smallest = head + 1 + 1 + 10; // one character, "~", a 10-character hash
    expect(ownerComment(long, smallest)).toMatch(/tunnel=T~[0-9a-f]{10}$/);
    expect(() => ownerComment(long, smallest - 1)).toThrow(`an owner comment cannot fit in ${smallest - 1} characters`);
  });

  it('honours a larger limit', () => {
    const tunnel = { kind: 'Tunnel', namespace: 'n'.repeat(63), name: 'x'.repeat(63) };
    expect(ownerComment(owner('c1', tunnel), 500)).toContain('x'.repeat(63));
  });

  it.each(['', 'has space', 'a'.repeat(33), 'semi;colon'])('refuses owner ID %j', (ownerId) => {
    expect(() => ownerComment(owner(ownerId, { kind: 'Tunnel', name: 'x' }))).toThrow(RangeError);
  });

  it('says what an owner ID must look like', () => {
    expect(() => ownerComment(owner('has space', WEB.tunnel))).toThrow(/^owner ID must be /);
  });

  it('accepts a 32-character owner ID', () => {
    expect(parseOwnerComment(ownerComment(owner('a'.repeat(32), { kind: 'Tunnel', name: 'x' })))?.ownerId).toBe(
      'a'.repeat(32),
    );
  });
});

describe('classifyRecord', () => {
  const ours = { comment: 'cloudflare-operator owner=c1 tunnel=Tunnel/shop/web' };
  it.each([
    [ours, 'ours'],
    [{ comment: ' cloudflare-operator owner=c1 tunnel=Tunnel/shop/web ' }, 'ours'],
    [{ comment: 'cloudflare-operator owner=c1 tunnel=Tunnel/shop/api' }, 'sibling'],
    [{ comment: 'cloudflare-operator owner=c1 tunnel=ClusterTunnel/web' }, 'sibling'],
    [{ comment: 'cloudflare-operator owner=c1' }, 'sibling'],
    [{ comment: 'cloudflare-operator owner=c2 tunnel=Tunnel/shop/web' }, 'foreign'],
    [{ comment: 'cloudflare-operator owner=c10 tunnel=Tunnel/shop/web' }, 'foreign'],
    [{ comment: 'hand-made by ops' }, 'unmanaged'],
    [{ comment: 'see cloudflare-operator owner=c1' }, 'unmanaged'],
    [{ comment: '' }, 'unmanaged'],
    [{}, 'unmanaged'],
  ])('%j → %s', (record, ownership) => {
    expect(classifyRecord(record, WEB)).toBe(ownership);
  });

  it('isOurs is true only for this installation and this tunnel', () => {
    expect(isOurs(ours, WEB)).toBe(true);
    expect(isOurs(ours, owner('c2', WEB.tunnel))).toBe(false);
    expect(isOurs(ours, owner('c1', { kind: 'Tunnel', namespace: 'shop', name: 'api' }))).toBe(false);
  });

  it('has a listing prefix that does not match longer owner IDs', () => {
    const prefix = ownerCommentPrefix('c1');
    expect(ours.comment.startsWith(prefix)).toBe(true);
    expect('cloudflare-operator owner=c10 tunnel=Tunnel/a/b'.startsWith(prefix)).toBe(false);
  });
});
