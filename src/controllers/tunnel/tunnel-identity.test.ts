import { describeRecorded, recordedTunnel, statusTunnel } from './tunnel-identity.js';

const A = 'a'.repeat(32);

describe('the tunnel on record', () => {
  it('the Secret wins over status (status may lag it)', () => {
    const credentials = { accountTag: A, tunnelId: 't-1', tunnelSecret: 's' };
    const status = { tunnelId: 't-0', accountId: A, created: true };
    expect(recordedTunnel({ state: 'ready', credentials, created: true }, status)).toEqual({
      kind: 'tunnel',
      accountId: A,
      tunnelId: 't-1',
      created: true,
    });
  });

  it.each([
    ['no status', undefined],
    ['no tunnel ID', { accountId: A }],
    ['no account (a tunnel that cannot be found without it)', { tunnelId: 't-1' }],
  ])('status names no tunnel with %s', (_name, status) => {
    expect(statusTunnel(status)).toBeUndefined();
  });

  it('reads "created: absent" in status as adopted: never deleted on its word', () => {
    expect(statusTunnel({ tunnelId: 't-1', accountId: A })).toMatchObject({ created: false });
  });

  it.each([
    [
      { kind: 'tunnel', accountId: A, tunnelId: 't-1', created: true },
      `tunnel t-1 (created by this object) in account ${A}`,
    ],
    [
      { kind: 'tunnel', accountId: A, tunnelId: 't-1', created: false },
      `tunnel t-1 (adopted by this object) in account ${A}`,
    ],
    [
      { kind: 'pending', accountId: A, name: 'shop-web', secret: 's' },
      `the tunnel "shop-web" being created in account ${A}`,
    ],
  ] as const)('describes %o for people', (recorded, text) => {
    expect(describeRecorded(recorded)).toBe(text);
  });
});
