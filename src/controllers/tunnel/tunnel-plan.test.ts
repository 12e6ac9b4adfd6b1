import type { CloudflareTunnel } from '../../cloudflare/index.js';
import type { StoredTunnel } from './stored-tunnel.js';
import { planTunnel, recoverPending, verifyOutcome, type TunnelStep } from './tunnel-plan.js';

const ACCOUNT = '0123456789abcdef0123456789abcdef';
const ID = '6ff42ae2-765d-4adf-8112-31c55c1551ef';
const credentials = { accountTag: ACCOUNT, tunnelId: ID, tunnelSecret: 'c2VjcmV0' };
const pending = { name: 'shop-web', accountTag: ACCOUNT, secret: 'c2VjcmV0' };
const cfTunnel = (extra: Partial<CloudflareTunnel> = {}): CloudflareTunnel => ({
  id: ID,
  name: 'shop-web',
  accountTag: ACCOUNT,
  configSource: 'local',
  status: 'healthy',
  createdAt: undefined,
  deletedAt: undefined,
  ...extra,
});

describe('planTunnel', () => {
  const cases: [string, Parameters<typeof planTunnel>[0], StoredTunnel, TunnelStep][] = [
    ['first sync: nothing stored → create', { create: {} }, { state: 'none' }, { kind: 'create', name: 'shop-web' }],
    [
      'idempotent second sync: stored credentials → verify',
      { create: {} },
      { state: 'ready', credentials, created: true },
      { kind: 'verify', credentials, created: true },
    ],
    [
      'crash between create and save: pending secret → recover',
      { create: {} },
      { state: 'pending', pending },
      { kind: 'recover', pending },
    ],
    [
      'a pending secret for another name (renamed before the create) → create',
      { create: {} },
      { state: 'pending', pending: { ...pending, name: 'old' } },
      { kind: 'create', name: 'shop-web' },
    ],
    ['adopt: nothing stored → adopt', { adopt: { id: ID } }, { state: 'none' }, { kind: 'adopt', tunnelId: ID }],
    [
      'adopt: credentials of that tunnel stored → verify, never created',
      { adopt: { id: ID } },
      { state: 'ready', credentials, created: false },
      { kind: 'verify', credentials, created: false },
    ],
    [
      'adopt: credentials of another tunnel stored → adopt',
      { adopt: { id: 'a7b0c5d2-0000-4000-8000-000000000000' } },
      { state: 'ready', credentials, created: false },
      { kind: 'adopt', tunnelId: 'a7b0c5d2-0000-4000-8000-000000000000' },
    ],
  ];
  it.each(cases)('%s', (_name, source, stored, expected) => {
    expect(planTunnel(source, 'shop-web', stored, ACCOUNT)).toEqual(expected);
  });

  it('credentials stored for another account are not reused (account changed) → create', () => {
    const stored: StoredTunnel = {
      state: 'ready',
      credentials: { ...credentials, accountTag: 'f'.repeat(32) },
      created: true,
    };
    expect(planTunnel({ create: {} }, 'shop-web', stored, ACCOUNT)).toEqual({ kind: 'create', name: 'shop-web' });
  });
});

describe('recoverPending', () => {
  it.each([
    ['no tunnel of that name: create it with the stored secret', undefined, undefined, 'create'],
    [
      'only a deleted tunnel of that name: create',
      cfTunnel({ deletedAt: '2026-01-01T00:00:00Z' }),
      'c2VjcmV0',
      'create',
    ],
    ['a tunnel with our secret: it is ours', cfTunnel(), 'c2VjcmV0', 'ours'],
    ['a tunnel with another secret: someone else’s, never deleted', cfTunnel(), 'b3RoZXI=', 'conflict'],
  ] as const)('%s', (_name, found, secret, expected) => {
    expect(recoverPending(pending, found, secret)).toBe(expected);
  });
});

describe('verifyOutcome', () => {
  const created = { kind: 'verify', credentials, created: true } as const;
  const adopted = { kind: 'verify', credentials, created: false } as const;
  it.each([
    ['created and still there', created, cfTunnel(), 'ok'],
    ['created and deleted behind our back: recreate', created, undefined, 'recreate'],
    ['created and soft-deleted: recreate', created, cfTunnel({ deletedAt: 'x' }), 'recreate'],
    ['adopted and gone: report, never create', adopted, undefined, 'missing'],
  ] as const)('%s', (_name, step, found, expected) => {
    expect(verifyOutcome(step, found)).toBe(expected);
  });
});
