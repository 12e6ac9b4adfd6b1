import { canonicalJson, hash } from './hash.js';

describe('hash', () => {
  it('does not depend on key order, at any depth', () => {
    expect(hash({ a: 1, b: { c: [1, { d: 2, e: 3 }], f: 'x' } })).toBe(
      hash({ b: { f: 'x', c: [1, { e: 3, d: 2 }] }, a: 1 }),
    );
  });

  it('depends on array order and on values', () => {
    expect(hash([1, 2])).not.toBe(hash([2, 1]));
    expect(hash({ a: 1 })).not.toBe(hash({ a: 2 }));
    expect(hash('a')).not.toBe(hash('b'));
  });

  it('ignores undefined members, as JSON does', () => {
    expect(hash({ a: 1, b: undefined })).toBe(hash({ a: 1 }));
  });

  it('is a sha256 hex digest', () => {
    expect(hash({})).toMatch(/^[0-9a-f]{64}$/);
    expect(hash('')).toBe('12ae32cb1ec02d01eda3581b127c1fee3b0dc53572ed6baf239721a03d82e126');
  });

  it('writes canonical JSON', () => {
    expect(canonicalJson({ b: 1, a: { d: null, c: true } })).toBe('{"a":{"c":true,"d":null},"b":1}');
  });
});
