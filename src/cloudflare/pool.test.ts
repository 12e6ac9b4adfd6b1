import { InstantClock } from '../runtime/testing/instant-clock.js';
import { GatewayPool } from './pool.js';

/** A fetch that answers every request like the API does for a tunnel token. */
const tokenFetch: typeof fetch = () =>
  Promise.resolve(
    new Response(JSON.stringify({ success: true, errors: [], messages: [], result: 'token' }), {
      status: 200,
      headers: { 'content-type': 'application/json' },
    }),
  );

describe('GatewayPool rate limiting', () => {
  it('builds each gateway with the token bucket of its credential: calls beyond the burst wait', async () => {
    const clock = new InstantClock(1_000);
    const waits: number[] = [];
    const pool = new GatewayPool({
      baseURL: 'http://127.0.0.1:9/client/v4',
      fetch: tokenFetch,
      clock,
      rateLimit: { limit: 11, windowMs: 10_000, burst: 1 }, // one token now, then one per second
      metrics: { observeCall: () => undefined, observeRateLimitWait: (_op, ms) => waits.push(ms) },
    });
    const gateway = pool.get({ apiToken: 'token-a' });
    await gateway.getTunnelToken('acc', 't1');
    expect(waits).toEqual([]);
    await gateway.getTunnelToken('acc', 't1');
    expect(waits).toEqual([1_000]);
  });

  it('gives each credential its own bucket, and a forgotten credential a full one', async () => {
    const clock = new InstantClock(1_000);
    const waits: number[] = [];
    const pool = new GatewayPool({
      baseURL: 'http://127.0.0.1:9/client/v4',
      fetch: tokenFetch,
      clock,
      rateLimit: { limit: 11, windowMs: 10_000, burst: 1 },
      metrics: { observeCall: () => undefined, observeRateLimitWait: (_op, ms) => waits.push(ms) },
    });
    await pool.get({ apiToken: 'token-a' }).getTunnelToken('acc', 't1');
    await pool.get({ apiToken: 'token-b' }).getTunnelToken('acc', 't1');
    expect(waits).toEqual([]);
    pool.forget({ apiToken: 'token-a' });
    await pool.get({ apiToken: 'token-a' }).getTunnelToken('acc', 't1');
    expect(waits).toEqual([]); // a forgotten credential starts with a full bucket
  });
});
