import type { V1Secret } from '@kubernetes/client-node';
import { readApiCredentials, tokenFlaw } from './api-credentials.js';

const b64 = (s: string): string => Buffer.from(s).toString('base64');
const secret = (data: Record<string, string>): V1Secret => ({ data });

describe('readApiCredentials', () => {
  it('missing Secret → SecretNotFound', () => {
    expect(readApiCredentials(undefined, { name: 'cf' }, 'shop')).toMatchObject({
      ok: false,
      reason: 'SecretNotFound',
    });
  });
  it('no apiToken key → SecretKeyMissing naming the key, never a value', () => {
    const read = readApiCredentials(secret({ other: b64('x') }), { name: 'cf' }, 'shop');
    expect(read).toMatchObject({ ok: false, reason: 'SecretKeyMissing' });
    expect(!read.ok && read.message).toContain('"apiToken"');
  });
  it('a blank token counts as missing', () => {
    expect(readApiCredentials(secret({ apiToken: b64('  \n') }), { name: 'cf' }, 'shop').ok).toBe(false);
  });
  it('an API token (trimmed)', () => {
    expect(readApiCredentials(secret({ apiToken: b64('tok\n') }), { name: 'cf' }, 'shop')).toEqual({
      ok: true,
      credentials: { apiToken: 'tok' },
    });
  });
  it('a global key with its email', () => {
    const ref = { name: 'cf', apiKeyKey: 'key', emailKey: 'email' };
    expect(readApiCredentials(secret({ key: b64('k'), email: b64('a@b.c') }), ref, 'shop')).toEqual({
      ok: true,
      credentials: { apiKey: 'k', email: 'a@b.c' },
    });
    expect(readApiCredentials(secret({ key: b64('k') }), ref, 'shop')).toMatchObject({ reason: 'SecretKeyMissing' });
  });
  it('a token with an inner space, a line break or quotes → InvalidCredentials naming the key, not the value', () => {
    for (const bad of ['abc def', 'abc\ndef', '"abcdef"']) {
      const read = readApiCredentials(secret({ apiToken: b64(bad) }), { name: 'cf' }, 'shop');
      expect(read).toMatchObject({ ok: false, reason: 'InvalidCredentials' });
      expect(!read.ok && read.message).toContain('key "apiToken" is not an API token');
      expect(!read.ok && read.message).not.toContain('abc');
    }
  });
  it('names what is missing in its message: the Secret, or each key absent', () => {
    expect(readApiCredentials(undefined, { name: 'cf' }, 'shop')).toMatchObject({
      message: 'Secret shop/cf not found',
    });
    const ref = { name: 'cf', apiKeyKey: 'key', emailKey: 'email' };
    expect(readApiCredentials(secret({}), ref, 'shop')).toMatchObject({
      message: 'Secret shop/cf has no (or an empty) "key" and "email"',
    });
    expect(readApiCredentials(secret({ email: b64('a@b.c') }), ref, 'shop')).toMatchObject({
      message: 'Secret shop/cf has no (or an empty) "key"',
    });
  });
});

describe('tokenFlaw', () => {
  it.each([
    ['tab', 'abc\tdef', 'whitespace or a line break'],
    ['a control character', 'abc\u0001def', 'control characters'],
    ['DEL', 'abc\u007fdef', 'control characters'],
    ['a backquote', 'abc`def', 'quotes'],
    ['a non-ASCII letter', 'abcédef', 'characters outside printable ASCII'],
    ['a token as Cloudflare issues them', 'Ab-_09xyz', undefined],
  ])('%s → %s', (_name, token, flaw) => {
    expect(tokenFlaw(token)).toBe(flaw);
  });
});
