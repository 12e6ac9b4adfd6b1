// Cloudflare's rate limit as it counts: per user across all of the user's tokens, and once crossed every call of
// the user is refused for a whole window. The operator stops calling until Retry-After, reports RateLimited, and
// resumes by itself.
import { Reason } from '../../src/api/conditions.js';
import { lookupAccount } from '../../src/controllers/tunnel/account-step.js';
import { outcomeOf } from '../../src/controllers/tunnel/failures.js';
import { Report } from '../../src/controllers/tunnel/report.js';
import { sampleTunnel } from '../../src/render/testing/fixtures.js';
import { harness, raw, useEmulator } from './support.js';

const SECOND_TOKEN = 'second-token-of-the-same-user';

describe('rate limit', () => {
  const emulator = useEmulator();

  it('the emulator counts per user across tokens, and blocks for a whole window from the crossing', async () => {
    await emulator().control.setRateLimit({ limit: 3, windowMs: 60_000 });
    await emulator().control.seed({
      tokens: [{ token: SECOND_TOKEN }, { token: 'someone-elses-token', user: 'eve@example.com' }],
    });
    const other = { headers: { authorization: `Bearer ${SECOND_TOKEN}` } };
    for (let i = 0; i < 3; i++) expect((await raw(emulator(), 'GET', '/zones', i % 2 ? other : {})).status).toBe(200);
    const refused = await raw(emulator(), 'GET', '/zones', other);
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('60');
    await emulator().control.advanceClock(30_000);
    expect((await raw(emulator(), 'GET', '/zones')).headers.get('retry-after')).toBe('30');
    const eve = { headers: { authorization: 'Bearer someone-elses-token' } };
    expect((await raw(emulator(), 'GET', '/zones', eve)).status).toBe(200);
    await emulator().control.advanceClock(30_000);
    expect((await raw(emulator(), 'GET', '/zones')).status).toBe(200);
  });

  it('after one 429 the gateway sends nothing until Retry-After, every object reports RateLimited, then it resumes', async () => {
    await emulator().control.setRateLimit({ limit: 3, windowMs: 60_000 });
    const { gateway, clock } = harness(emulator());
    const tunnel = sampleTunnel();
    for (let i = 0; i < 3; i++) await gateway.findZoneByName('example.com');
    await emulator().control.clearCalls();

    // Five tunnels sharing the credential reconcile while the limit is tripped.
    const outcomes = [];
    for (let i = 0; i < 5; i++) {
      const report = new Report();
      const err = await lookupAccount(gateway, tunnel).catch((e: unknown) => e);
      outcomes.push({ outcome: outcomeOf(err, report, false), ready: report.ready, warnings: report.events.length });
    }
    expect((await emulator().control.calls()).total).toBe(1); // one refused call, no hammering
    for (const { outcome, ready, warnings } of outcomes) {
      expect(ready?.reason).toBe(Reason.RateLimited);
      expect(warnings).toBe(0); // no Event flood
      expect('result' in outcome && outcome.result?.requeueAfterMs).toBeGreaterThan(50_000);
    }

    clock.advance(60_000);
    await emulator().control.advanceClock(60_000);
    await expect(lookupAccount(gateway, tunnel)).resolves.toMatchObject({ zones: [{ name: 'example.com' }] });
  });
});
