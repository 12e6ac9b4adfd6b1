import { assertUsableCredentials, credentialKey, scrubber, secretsOf } from './credentials.js';
import { GatewayPool } from './pool.js';

describe('credentials', () => {
  it('keys a credential by a hash that does not contain it', () => {
    const key = credentialKey({ apiToken: 'tok-123456' });
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(key).toBe(credentialKey({ apiToken: 'tok-123456' }));
    expect(key).not.toBe(credentialKey({ apiToken: 'tok-1234567' }));
    expect(credentialKey({ apiKey: 'k', email: 'a@b' })).not.toBe(credentialKey({ apiKey: 'k', email: 'a@c' }));
  });

  it('scrubs every secret of a credential', () => {
    const scrub = scrubber(secretsOf({ apiKey: 'global-key-1', email: 'ops@example.com' }));
    expect(scrub('key global-key-1 for ops@example.com')).toBe('key [redacted] for [redacted]');
  });

  it('refuses empty credentials', () => {
    expect(() => assertUsableCredentials({ apiToken: '' })).toThrow(TypeError);
    expect(() => assertUsableCredentials({ apiKey: 'k', email: '' })).toThrow(TypeError);
  });
});

describe('GatewayPool', () => {
  it('returns the same gateway for the same credential, another for another', () => {
    const pool = new GatewayPool({ baseURL: 'http://127.0.0.1:9' });
    const a = pool.get({ apiToken: 'token-a' });
    expect(pool.get({ apiToken: 'token-a' })).toBe(a);
    expect(pool.get({ apiToken: 'token-b' })).not.toBe(a);
    expect(pool.size).toBe(2);
    expect(pool.forget({ apiToken: 'token-a' })).toBe(true);
    expect(pool.get({ apiToken: 'token-a' })).not.toBe(a);
  });
});
