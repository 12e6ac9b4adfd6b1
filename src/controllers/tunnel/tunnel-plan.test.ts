import type { CloudflareTunnel } from '../../cloudflare/index.js';
import type { TunnelStatus } from '../../api/types.js';
import type { StoredTunnel } from './stored-tunnel.js';
import type { WantedTunnel } from './tunnel-identity.js';
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
  const OTHER_ACCOUNT = 'f'.repeat(32);
  const OTHER_ID = 'a7b0c5d2-0000-4000-8000-000000000000';
  const create: WantedTunnel = { accountId: ACCOUNT, source: { create: {} }, name: 'shop-web' };
  const adopt = (id: string): WantedTunnel => ({ accountId: ACCOUNT, source: { adopt: { id } }, name: undefined });
  const createdRecord = { kind: 'tunnel', accountId: ACCOUNT, tunnelId: ID, created: true } as const;
  const cases: [string, WantedTunnel, StoredTunnel, TunnelStatus | undefined, TunnelStep][] = [
    ['first sync: nothing stored → create', create, { state: 'none' }, undefined, { kind: 'create', name: 'shop-web' }],
    [
      'idempotent second sync: stored credentials → verify',
      create,
      { state: 'ready', credentials, created: true },
      { tunnelId: ID, accountId: ACCOUNT, created: true },
      { kind: 'verify', credentials, created: true },
    ],
    [
      'crash between create and save: pending secret → recover',
      create,
      { state: 'pending', pending },
      undefined,
      { kind: 'recover', pending },
    ],
    [
      'the Secret was deleted by hand: status names the created tunnel → fetch its credentials back',
      create,
      { state: 'none' },
      { tunnelId: ID, accountId: ACCOUNT, created: true },
      { kind: 'fetch', tunnelId: ID, created: true },
    ],
    [
      'adopt: nothing stored → fetch',
      adopt(ID),
      { state: 'none' },
      undefined,
      { kind: 'fetch', tunnelId: ID, created: false },
    ],
    [
      'adopt: credentials of that tunnel stored → verify, never created',
      adopt(ID),
      { state: 'ready', credentials, created: false },
      undefined,
      { kind: 'verify', credentials, created: false },
    ],
    // What identifies the tunnel changed (an object stored before the admission rules): the record is kept.
    [
      'the account changed with a created tunnel stored → refuse (not a second tunnel in the new account)',
      { ...create, accountId: OTHER_ACCOUNT },
      { state: 'ready', credentials, created: true },
      undefined,
      {
        kind: 'refuse',
        recorded: createdRecord,
        changes: [`spec.cloudflare names account ${OTHER_ACCOUNT}, not ${ACCOUNT}`],
      },
    ],
    [
      'the account changed while a create is pending → refuse (the pending create may exist)',
      { ...create, accountId: OTHER_ACCOUNT },
      { state: 'pending', pending },
      undefined,
      {
        kind: 'refuse',
        recorded: { kind: 'pending', accountId: ACCOUNT, name: 'shop-web', secret: pending.secret },
        changes: [`spec.cloudflare names account ${OTHER_ACCOUNT}, not ${ACCOUNT}`],
      },
    ],
    [
      'renamed while a create is pending → refuse',
      { ...create, name: 'renamed' },
      { state: 'pending', pending },
      undefined,
      {
        kind: 'refuse',
        recorded: { kind: 'pending', accountId: ACCOUNT, name: 'shop-web', secret: pending.secret },
        changes: ['spec.tunnel.create names "renamed"'],
      },
    ],
    [
      'adopt another ID with an adopted tunnel stored → refuse',
      adopt(OTHER_ID),
      { state: 'ready', credentials, created: false },
      undefined,
      {
        kind: 'refuse',
        recorded: { ...createdRecord, created: false },
        changes: [`spec.tunnel.adopt.id is ${OTHER_ID}`],
      },
    ],
    [
      'adopt with a created tunnel stored → refuse (it would never be deleted)',
      adopt(ID),
      { state: 'ready', credentials, created: true },
      undefined,
      { kind: 'refuse', recorded: createdRecord, changes: [`spec.tunnel adopts tunnel ${ID} instead`] },
    ],
    [
      'create with an adopted tunnel stored → refuse',
      create,
      { state: 'ready', credentials, created: false },
      undefined,
      {
        kind: 'refuse',
        recorded: { ...createdRecord, created: false },
        changes: ['spec.tunnel creates a tunnel instead'],
      },
    ],
    [
      'the Secret was lost and the account changed: status is the record → refuse',
      { ...create, accountId: OTHER_ACCOUNT },
      { state: 'none' },
      { tunnelId: ID, accountId: ACCOUNT, created: true },
      {
        kind: 'refuse',
        recorded: createdRecord,
        changes: [`spec.cloudflare names account ${OTHER_ACCOUNT}, not ${ACCOUNT}`],
      },
    ],
    [
      'account and source changed at once: every change named',
      { ...adopt(OTHER_ID), accountId: OTHER_ACCOUNT },
      { state: 'ready', credentials, created: false },
      undefined,
      {
        kind: 'refuse',
        recorded: { ...createdRecord, created: false },
        changes: [
          `spec.cloudflare names account ${OTHER_ACCOUNT}, not ${ACCOUNT}`,
          `spec.tunnel.adopt.id is ${OTHER_ID}`,
        ],
      },
    ],
  ];
  it.each(cases)('%s', (_name, wanted, stored, status, expected) => {
    expect(planTunnel(wanted, stored, status)).toEqual(expected);
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
