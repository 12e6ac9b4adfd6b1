import {
  describeRecorded,
  identityChanges,
  recordedTunnel,
  statusTunnel,
  type RecordedTunnel,
  type WantedTunnel,
} from './tunnel-identity.js';

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

describe('identityChanges', () => {
  const B = 'b'.repeat(32);
  const wanted = (
    source: WantedTunnel['source'],
    name: string | undefined = 'shop-web',
    accountId = A,
  ): WantedTunnel => ({
    accountId,
    source,
    name,
  });
  const created = { kind: 'tunnel', accountId: A, tunnelId: 't-1', created: true } as const;
  const adopted = { kind: 'tunnel', accountId: A, tunnelId: 't-1', created: false } as const;
  const pending = { kind: 'pending', accountId: A, name: 'shop-web', secret: 's' } as const;

  it.each<[string, WantedTunnel, RecordedTunnel | undefined, string[]]>([
    ['nothing on record', wanted({ adopt: { id: 't-9' } }, undefined, B), undefined, []],
    ['the recorded tunnel, created', wanted({}), created, []],
    ['the recorded tunnel, adopted', wanted({ adopt: { id: 't-1' } }), adopted, []],
    ['another account', wanted({}, 'shop-web', B), created, [`spec.cloudflare names account ${B}, not ${A}`]],
    [
      'a pending create, now adopting',
      wanted({ adopt: { id: 't-9' } }),
      pending,
      ['spec.tunnel adopts tunnel t-9 instead of creating one'],
    ],
    ['a pending create under another name', wanted({}, 'other'), pending, ['spec.tunnel.create names "other"']],
    ['a pending create under the same name', wanted({}), pending, []],
    [
      'a created tunnel, now adopting',
      wanted({ adopt: { id: 't-9' } }),
      created,
      ['spec.tunnel adopts tunnel t-9 instead'],
    ],
    ['an adopted tunnel, now creating', wanted({}), adopted, ['spec.tunnel creates a tunnel instead']],
    [
      'an adopted tunnel, now adopting another',
      wanted({ adopt: { id: 't-9' } }),
      adopted,
      ['spec.tunnel.adopt.id is t-9'],
    ],
  ])('%s', (_name, want, recorded, changes) => {
    expect(identityChanges(want, recorded)).toEqual(changes);
  });
});
