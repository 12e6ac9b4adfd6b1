import { CloudflareApiError } from '../../src/cloudflare/errors.js';
import { findZoneForHostname } from '../../src/cloudflare/zones.js';
import { ACCOUNT_ID, callsTo, FREE_ZONE, harness, PAID_ZONE, useEmulator } from './support.js';

describe('accounts and zones', () => {
  const emulator = useEmulator();

  it('resolves an account by ID and by name', async () => {
    const { gateway } = harness(emulator());
    await expect(gateway.resolveAccount({ id: ACCOUNT_ID })).resolves.toEqual({
      id: ACCOUNT_ID,
      name: 'Emulated Account',
    });
    await expect(gateway.resolveAccount({ name: 'Emulated Account' })).resolves.toEqual({
      id: ACCOUNT_ID,
      name: 'Emulated Account',
    });
  });

  it('reports an unknown account name as notFound, an unknown ID as notFound from the API', async () => {
    const { gateway } = harness(emulator());
    await expect(gateway.resolveAccount({ name: 'Nobody' })).rejects.toMatchObject({ kind: 'notFound' });
    await expect(gateway.resolveAccount({ id: 'ffffffffffffffffffffffffffffffff' })).rejects.toMatchObject({
      kind: 'notFound',
      status: 404,
      codes: [expect.objectContaining({ code: 7003 })],
    });
  });

  it('refuses an account the token has no access to, as an auth error', async () => {
    await emulator().control.seed({
      accounts: [{ id: 'a2000000000000000000000000000000', name: 'Other' }],
      tokens: [{ token: 'scoped-token', accounts: ['a2000000000000000000000000000000'] }],
    });
    const { gateway } = harness(emulator(), { credentials: { apiToken: 'scoped-token' } });
    const err = await gateway.resolveAccount({ id: ACCOUNT_ID }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CloudflareApiError);
    expect(err).toMatchObject({ kind: 'auth', status: 403 });
  });

  it('reads zones with their plan tier', async () => {
    const { gateway } = harness(emulator());
    await expect(gateway.findZoneByName('example.com')).resolves.toMatchObject({ ...FREE_ZONE, accountId: ACCOUNT_ID });
    await expect(gateway.findZoneByName('example.org')).resolves.toMatchObject(PAID_ZONE);
  });

  it('finds a zone by exact name, optionally within an account', async () => {
    const { gateway } = harness(emulator());
    await expect(gateway.findZoneByName('Example.ORG.')).resolves.toMatchObject({ id: PAID_ZONE.id });
    await expect(gateway.findZoneByName('example.com', ACCOUNT_ID)).resolves.toMatchObject({ id: FREE_ZONE.id });
    await expect(gateway.findZoneByName('example.com', 'a2000000000000000000000000000000')).resolves.toBeUndefined();
    await expect(gateway.findZoneByName('example.net')).resolves.toBeUndefined();
  });

  it('finds a zone over several pages of zones and matches hostnames to the zones found', async () => {
    const zones = Array.from({ length: 60 }, (_, i) => ({ name: `z${i}.example.net`, accountId: ACCOUNT_ID }));
    await emulator().control.seed({ zones: [...zones, { name: 'example.net', accountId: ACCOUNT_ID }] });
    await emulator().control.clearCalls();
    const { gateway } = harness(emulator());
    const found = [await gateway.findZoneByName('z7.example.net'), await gateway.findZoneByName('example.net')];
    expect(await callsTo(emulator(), 'GET /zones')).toBe(2); // filtered by name: one page each
    const all = found.filter((z) => z !== undefined);
    expect(findZoneForHostname('app.z7.example.net', all)?.name).toBe('z7.example.net');
    expect(findZoneForHostname('app.example.net', all)?.name).toBe('example.net');
  });
});
