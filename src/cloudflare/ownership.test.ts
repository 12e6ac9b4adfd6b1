import {
  classifyRecord,
  isForeign,
  isOurs,
  isUnmanaged,
  MAX_COMMENT_LENGTH,
  ownerComment,
  ownerCommentPrefix,
  parseOwnerComment,
} from './ownership.js';

describe('ownerComment', () => {
  it('writes the owner and the object that wants the record', () => {
    expect(ownerComment('prod-eu1', { kind: 'Service', namespace: 'shop', name: 'web' })).toBe(
      'cloudflare-operator owner=prod-eu1 object=Service/shop/web',
    );
    expect(ownerComment('c1', { kind: 'ClusterTunnel', name: 'edge' })).toBe(
      'cloudflare-operator owner=c1 object=ClusterTunnel/edge',
    );
  });

  it('round-trips through parseOwnerComment', () => {
    const comment = ownerComment('c1', { kind: 'Tunnel', namespace: 'ns', name: 'n' });
    expect(parseOwnerComment(comment)).toEqual({ ownerId: 'c1', object: 'Tunnel/ns/n' });
  });

  it('shortens long references deterministically, within 100 characters', () => {
    const object = { kind: 'Service', namespace: 'n'.repeat(63), name: 'x'.repeat(63) };
    const a = ownerComment('owner-with-a-long-identifier-123', object);
    const b = ownerComment('owner-with-a-long-identifier-123', object);
    const other = ownerComment('owner-with-a-long-identifier-123', { ...object, name: `${'x'.repeat(62)}y` });
    expect(a).toBe(b);
    expect(a).not.toBe(other);
    expect(a.length).toBeLessThanOrEqual(MAX_COMMENT_LENGTH);
    expect(parseOwnerComment(a)?.ownerId).toBe('owner-with-a-long-identifier-123');
  });

  it('honours a larger limit', () => {
    const object = { kind: 'Service', namespace: 'n'.repeat(63), name: 'x'.repeat(63) };
    expect(ownerComment('c1', object, 500)).toContain('x'.repeat(63));
  });

  it.each(['', 'has space', 'a'.repeat(33), 'semi;colon'])('refuses owner ID %j', (ownerId) => {
    expect(() => ownerComment(ownerId, { kind: 'Service', name: 'x' })).toThrow(RangeError);
  });
});

describe('classifyRecord', () => {
  const ours = { comment: 'cloudflare-operator owner=c1 object=Service/a/b' };
  it.each([
    [ours, 'ours'],
    [{ comment: 'cloudflare-operator owner=c2 object=Service/a/b' }, 'foreign'],
    [{ comment: 'cloudflare-operator owner=c1' }, 'ours'],
    [{ comment: 'cloudflare-operator owner=c10 object=Service/a/b' }, 'foreign'],
    [{ comment: 'hand-made by ops' }, 'unmanaged'],
    [{ comment: 'see cloudflare-operator owner=c1' }, 'unmanaged'],
    [{ comment: '' }, 'unmanaged'],
    [{}, 'unmanaged'],
  ])('%j → %s', (record, ownership) => {
    expect(classifyRecord(record, 'c1')).toBe(ownership);
  });

  it('offers one predicate per class', () => {
    expect([isOurs(ours, 'c1'), isForeign(ours, 'c1'), isUnmanaged(ours, 'c1')]).toEqual([true, false, false]);
    expect([isOurs(ours, 'c2'), isForeign(ours, 'c2'), isUnmanaged(ours, 'c2')]).toEqual([false, true, false]);
  });

  it('has a listing prefix that does not match longer owner IDs', () => {
    const prefix = ownerCommentPrefix('c1');
    expect(ours.comment.startsWith(prefix)).toBe(true);
    expect('cloudflare-operator owner=c10 object=S/a'.startsWith(prefix)).toBe(false);
  });
});
