// What a Tunnel reports for credentials Cloudflare refuses, through the real SDK against the emulator's token
// model (permission groups, zone scope, account-owned tokens): each case gets CredentialsValid=False with its own
// reason and a message naming the permission or the problem, never the token.
import { Reason } from '../../src/api/conditions.js';
import { lookupAccount } from '../../src/controllers/tunnel/account-step.js';
import { outcomeOf } from '../../src/controllers/tunnel/failures.js';
import { Report } from '../../src/controllers/tunnel/report.js';
import { sampleTunnel } from '../../src/render/testing/fixtures.js';
import type { Permission } from '../cloudflare-emulator/state.js';
import { ACCOUNT_ID, FREE_ZONE, harness, raw, useEmulator, type TestGateway } from './support.js';

const TOKEN = 'scoped-token-0123456789abcdefghijklmnop';

async function credentialsCondition(run: () => Promise<unknown>) {
  const report = new Report();
  let caught: unknown;
  try {
    await run();
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeDefined();
  outcomeOf(caught, report, false);
  const condition = report.conditions.find((c) => c.type === 'CredentialsValid');
  expect(condition?.message).not.toContain(TOKEN);
  return condition;
}

describe('credentials Cloudflare refuses', () => {
  const emulator = useEmulator();
  const withToken = async (token: {
    permissions?: Permission[];
    zones?: string[];
    owner?: 'user' | 'account';
    ipRestricted?: boolean;
  }): Promise<TestGateway> => {
    await emulator().control.seed({ tokens: [{ token: TOKEN, accounts: [ACCOUNT_ID], ...token }] });
    return harness(emulator(), { credentials: { apiToken: TOKEN } }).gateway;
  };
  const byId = sampleTunnel({
    cloudflare: { accountId: ACCOUNT_ID, zones: ['example.com'], credentialsSecretRef: { name: 'cf' } },
  });
  const byName = sampleTunnel({
    cloudflare: { accountName: 'Emulated Account', zones: ['example.com'], credentialsSecretRef: { name: 'cf' } },
  });

  it('a token not in the token format (400 / 6003): InvalidCredentials, not AccountAmbiguous', async () => {
    const { gateway } = harness(emulator(), { credentials: { apiToken: `${TOKEN}!` } });
    const condition = await credentialsCondition(() => lookupAccount(gateway, byId));
    expect(condition).toMatchObject({ status: 'False', reason: Reason.InvalidCredentials });
    expect(condition?.message).toContain('not in the token format');
  });

  it('an account-owned token cannot list accounts (1001): PermissionDenied pointing at accountId', async () => {
    const gateway = await withToken({ owner: 'account' });
    const condition = await credentialsCondition(() => lookupAccount(gateway, byName));
    expect(condition).toMatchObject({ reason: Reason.PermissionDenied });
    expect(condition?.message).toContain('spec.cloudflare.accountId');
    await expect(lookupAccount(gateway, byId)).resolves.toMatchObject({ accountId: ACCOUNT_ID });
  });

  it('a valid token without Cloudflare Tunnel Edit: PermissionDenied naming that permission', async () => {
    const gateway = await withToken({ permissions: ['dns:edit', 'zone:read'] });
    await expect(lookupAccount(gateway, byId)).resolves.toMatchObject({ zones: [{ id: FREE_ZONE.id }] });
    const condition = await credentialsCondition(() => gateway.findTunnelByName(ACCOUNT_ID, 'web'));
    expect(condition).toMatchObject({ reason: Reason.PermissionDenied });
    expect(condition?.message).toContain('Cloudflare Tunnel · Edit');
  });

  it('a valid token with DNS Read only cannot write records: PermissionDenied naming DNS Edit', async () => {
    const gateway = await withToken({ permissions: ['tunnel:edit', 'dns:read', 'zone:read'] });
    await expect(gateway.listDnsRecords(FREE_ZONE.id)).resolves.toEqual([]);
    const write = () =>
      gateway.createDnsRecord(FREE_ZONE.id, {
        name: 'a.example.com',
        type: 'CNAME',
        content: 'x.cfargotunnel.com',
        proxied: true,
        ttl: 1,
        comment: 'c',
      });
    const condition = await credentialsCondition(write);
    expect(condition?.reason).toBe(Reason.PermissionDenied);
    expect(condition?.message).toContain('Zone · DNS · Edit');
  });

  it('a token scoped to another zone: the zone is not listed, and its records are refused', async () => {
    const gateway = await withToken({ zones: ['f0000000000000000000000000000002'] });
    expect((await lookupAccount(gateway, byId)).missingZones).toEqual(['example.com']);
    const condition = await credentialsCondition(() => gateway.listDnsRecords(FREE_ZONE.id));
    expect(condition?.reason).toBe(Reason.PermissionDenied);
  });

  it('an unknown token: InvalidCredentials (the verify endpoint does not know it)', async () => {
    const { gateway } = harness(emulator(), { credentials: { apiToken: TOKEN } });
    const condition = await credentialsCondition(() => lookupAccount(gateway, byId));
    expect(condition?.reason).toBe(Reason.InvalidCredentials);
    expect(condition?.message).toContain('does not know the credentials');
  });

  it('an IP-restricted token (403 / 9109): PermissionDenied', async () => {
    const gateway = await withToken({ ipRestricted: true });
    const condition = await credentialsCondition(() => lookupAccount(gateway, byId));
    expect(condition?.reason).toBe(Reason.PermissionDenied);
    expect(condition?.message).toContain('9109');
  });

  it('the emulator: verify answers a known token active, an unknown one 401 / 1000', async () => {
    expect((await raw(emulator(), 'GET', '/user/tokens/verify')).body['result']).toMatchObject({ status: 'active' });
    const unknown = await raw(emulator(), 'GET', '/user/tokens/verify', { headers: { authorization: 'Bearer nope' } });
    expect(unknown.status).toBe(401);
    expect(unknown.body['errors']).toEqual([expect.objectContaining({ code: 1000 })]);
  });
});
