import { CloudflareApiError } from '../../src/cloudflare/errors.js';
import { DEFAULT_GLOBAL_KEY, DEFAULT_TOKEN } from '../cloudflare-emulator/index.js';
import { ACCOUNT_ID, callsTo, harness, useEmulator } from './support.js';

const ZONES = 'GET /zones';

describe('retries, rate limits and authentication', () => {
  const emulator = useEmulator();

  it('waits for Retry-After on 429, then succeeds', async () => {
    await emulator().control.addFault({ method: 'GET', path: '^/zones$', status: 429, retryAfterSeconds: 2, times: 1 });
    const { gateway, clock, observations } = harness(emulator());
    await expect(gateway.findZoneByName('example.com')).resolves.toMatchObject({ name: 'example.com' });
    expect(clock.delays).toEqual([2000]);
    expect(observations.map((o) => [o.operation, o.outcome, o.status])).toEqual([
      ['zones.list', 'rateLimited', 429],
      ['zones.list', 'success', 200],
    ]);
    expect(await callsTo(emulator(), ZONES)).toBe(2);
  });

  it('retries 5xx with backoff, then succeeds', async () => {
    await emulator().control.addFault({ path: '^/zones$', status: [500, 502, 503], times: 2 });
    const { gateway, clock, observations } = harness(emulator());
    await expect(gateway.findZoneByName('example.com')).resolves.toMatchObject({ name: 'example.com' });
    expect(clock.delays).toEqual([15, 30]); // base 20 ms, equal jitter at 0.5
    expect(observations.map((o) => o.outcome)).toEqual(['transient', 'transient', 'success']);
  });

  it('retries a request that timed out', async () => {
    await emulator().control.addFault({ path: '^/zones$', hang: true, times: 1 });
    // The first request times out once the emulator holds it (a condition, not a wall-clock race): the fetch
    // rejects with an AbortError, which the SDK reports as a connection timeout, exactly as its own timer does.
    let first = true;
    const timingOut: typeof fetch = async (input, init) => {
      if (!first) return fetch(input, init);
      first = false;
      const abort = new AbortController();
      const pending = fetch(input, { ...init, signal: abort.signal });
      for (let polls = 0; (await callsTo(emulator(), ZONES)) < 1; polls++) {
        if (polls > 1000) throw new Error('the emulator never received the request');
      }
      abort.abort();
      return pending;
    };
    const { gateway, observations } = harness(emulator(), { fetch: timingOut });
    await expect(gateway.findZoneByName('example.com')).resolves.toMatchObject({ name: 'example.com' });
    expect(observations.map((o) => [o.outcome, o.status])).toEqual([
      ['transient', undefined],
      ['success', 200],
    ]);
  });

  it('gives up after the last attempt with a typed transient error', async () => {
    await emulator().control.addFault({ path: '^/zones$', status: 503 });
    const { gateway } = harness(emulator());
    await expect(gateway.findZoneByName('example.com')).rejects.toMatchObject({ kind: 'transient', status: 503 });
    expect(await callsTo(emulator(), ZONES)).toBe(4);
  });

  it('surfaces a bad token as a typed auth error, once, without the token in it', async () => {
    const badToken = 'not-the-right-token-123';
    const { gateway, logs } = harness(emulator(), { credentials: { apiToken: badToken } });
    const err = await gateway.findZoneByName('example.com').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CloudflareApiError);
    expect(err).toMatchObject({ kind: 'auth', status: 403, codes: [{ code: 10000, message: 'Authentication error' }] });
    expect(await callsTo(emulator(), ZONES)).toBe(1);
    expect(String((err as Error).message)).not.toContain(badToken);
    expect(logs.join('\n')).not.toContain(badToken);
  });

  it('authenticates with a global API key and e-mail, and refuses a wrong one (9103)', async () => {
    const good = harness(emulator(), {
      credentials: { apiKey: DEFAULT_GLOBAL_KEY.key, email: DEFAULT_GLOBAL_KEY.email },
    });
    await expect(good.gateway.resolveAccount({ id: ACCOUNT_ID })).resolves.toMatchObject({ id: ACCOUNT_ID });
    const bad = harness(emulator(), { credentials: { apiKey: 'wrong-global-key', email: DEFAULT_GLOBAL_KEY.email } });
    const err = (await bad.gateway.findZoneByName('example.com').catch((e: unknown) => e)) as CloudflareApiError;
    expect(err).toMatchObject({ kind: 'auth', status: 403 });
    expect(err.hasCode(9103)).toBe(true);
    expect(err.message).not.toContain('wrong-global-key');
    expect(err.message).not.toContain(DEFAULT_GLOBAL_KEY.email);
  });

  it('hands a long Retry-After back to the caller; the window then reopens', async () => {
    await emulator().control.setRateLimit({ limit: 3, windowMs: 60_000 });
    const { gateway, clock } = harness(emulator());
    for (let i = 0; i < 3; i++) await gateway.findZoneByName('example.org');
    const err = (await gateway.findZoneByName('example.com').catch((e: unknown) => e)) as CloudflareApiError;
    expect(err).toMatchObject({ kind: 'rateLimited', status: 429 });
    expect(err.hasCode(971)).toBe(true);
    expect(err.retryAfterMs).toBeGreaterThan(50_000);
    expect(err.retryAfterMs).toBeLessThanOrEqual(60_000);
    expect(clock.delays).toEqual([]); // longer than maxRetryAfterMs: not waited for in place
    // The gateway itself holds back until Retry-After has passed on its clock too.
    await expect(gateway.findZoneByName('example.com')).rejects.toMatchObject({ kind: 'rateLimited' });
    clock.advance(60_000);
    await emulator().control.advanceClock(60_000);
    await expect(gateway.findZoneByName('example.com')).resolves.toMatchObject({ name: 'example.com' });
  });

  it('logs calls at debug level without tokens or tunnel secrets', async () => {
    const { gateway, logs } = harness(emulator());
    const { tunnel, secret } = await gateway.createTunnel({
      accountId: ACCOUNT_ID,
      name: 'quiet',
      configSource: 'cloudflare',
    });
    const token = await gateway.getTunnelToken(ACCOUNT_ID, tunnel.id);
    const text = logs.join('\n');
    expect(text).toContain('"operation":"tunnels.create"');
    expect(text).toContain('"level":"debug"');
    for (const secretText of [DEFAULT_TOKEN, secret, token]) expect(text).not.toContain(secretText);
  });
});
