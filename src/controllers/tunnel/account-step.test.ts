import { ConditionType, Reason } from '../../api/conditions.js';
import { FakeCloudflare } from '../../cloudflare/testing/fake-cloudflare.js';
import { ACCOUNT_ID, sampleSpec, sampleTunnel } from '../../render/testing/fixtures.js';
import { lookupAccount, reportAccount } from './account-step.js';
import { Report } from './report.js';

function cloudflare(): FakeCloudflare {
  const fake = new FakeCloudflare();
  fake.accounts.push({ id: ACCOUNT_ID, name: 'Shop' });
  fake.addZone({ id: 'z1', name: 'example.com', accountId: ACCOUNT_ID });
  return fake;
}

describe('lookupAccount', () => {
  it('finds the account by ID and sorts the zones of the spec into found and missing', async () => {
    const tunnel = sampleTunnel({
      cloudflare: { ...sampleSpec().cloudflare, zones: ['example.com', 'missing.org'] },
    });
    await expect(lookupAccount(cloudflare(), tunnel)).resolves.toEqual({
      accountId: ACCOUNT_ID,
      zones: [expect.objectContaining({ id: 'z1', name: 'example.com' })],
      missingZones: ['missing.org'],
    });
  });

  it('finds the account by name when the spec gives no ID', async () => {
    const tunnel = sampleTunnel({ cloudflare: { accountName: 'Shop', credentialsSecretRef: { name: 'cf' } } });
    await expect(lookupAccount(cloudflare(), tunnel)).resolves.toEqual({
      accountId: ACCOUNT_ID,
      zones: [],
      missingZones: [],
    });
  });
});

describe('reportAccount', () => {
  it('with every zone found: CredentialsValid True naming the account, the zones in the status, no DNS verdict', () => {
    const report = new Report();
    reportAccount(report, {
      accountId: ACCOUNT_ID,
      zones: [cloudflare().addZone({ id: 'z1', name: 'example.com' })],
      missingZones: [],
    });
    expect(report.conditions).toEqual([
      {
        type: ConditionType.CredentialsValid,
        status: 'True',
        reason: Reason.CredentialsVerified,
        message: `account ${ACCOUNT_ID}`,
      },
    ]);
    expect(report.fields.zones).toEqual([{ name: 'example.com', id: 'z1' }]);
    expect(report.events).toEqual([]);
  });

  it('with zones missing: DNSReady False ZoneNotFound and a Warning, both naming the zones and the account', () => {
    const report = new Report();
    reportAccount(report, { accountId: ACCOUNT_ID, zones: [], missingZones: ['a.org', 'b.org'] });
    const message = `zone(s) a.org, b.org not found in account ${ACCOUNT_ID}`;
    expect(report.conditions).toContainEqual({
      type: ConditionType.DNSReady,
      status: 'False',
      reason: Reason.ZoneNotFound,
      message,
    });
    expect(report.events).toEqual([
      { type: 'Warning', reason: Reason.ZoneNotFound, action: 'ResolveZones', note: message },
    ]);
  });
});
