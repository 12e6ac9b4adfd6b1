import { leftovers } from './leftovers.js';

const A = 'a'.repeat(32);
const B = 'b'.repeat(32);
const credentials = { accountTag: A, tunnelId: 't-1', tunnelSecret: 's' };

describe('leftovers (deletion paths)', () => {
  it.each([
    [
      'a created tunnel: delete it, in the account on record',
      { state: 'ready', credentials, created: true },
      { tunnelId: 't-1', accountId: A, created: true },
      [{ kind: 'tunnel', accountId: A, tunnelId: 't-1', created: true }],
    ],
    [
      'an adopted tunnel: release it',
      { state: 'ready', credentials, created: false },
      undefined,
      [{ kind: 'tunnel', accountId: A, tunnelId: 't-1', created: false }],
    ],
    [
      'a crash before the ID was saved: look the pending name up in its account',
      { state: 'pending', pending: { name: 'n', accountTag: B, secret: 's' } },
      undefined,
      [{ kind: 'pending', accountId: B, name: 'n', secret: 's' }],
    ],
    [
      'the Secret deleted by hand: status still names the tunnel and its account',
      { state: 'none' },
      { tunnelId: 't-2', accountId: B, created: true },
      [{ kind: 'tunnel', accountId: B, tunnelId: 't-2', created: true }],
    ],
    [
      'the Secret holds a pending create while status names a tunnel this object created: both',
      { state: 'pending', pending: { name: 'n', accountTag: B, secret: 's' } },
      { tunnelId: 't-2', accountId: A, created: true },
      [
        { kind: 'pending', accountId: B, name: 'n', secret: 's' },
        { kind: 'tunnel', accountId: A, tunnelId: 't-2', created: true },
      ],
    ],
    [
      'status names an adopted tunnel other than the Secret’s: nothing more to delete',
      { state: 'ready', credentials, created: true },
      { tunnelId: 't-2', accountId: A, created: false },
      [{ kind: 'tunnel', accountId: A, tunnelId: 't-1', created: true }],
    ],
    [
      'status names another tunnel this object created than the Secret’s: both',
      { state: 'ready', credentials, created: true },
      { tunnelId: 't-2', accountId: A, created: true },
      [
        { kind: 'tunnel', accountId: A, tunnelId: 't-1', created: true },
        { kind: 'tunnel', accountId: A, tunnelId: 't-2', created: true },
      ],
    ],
    ['never reached Cloudflare: nothing to remove (not blocked by missing credentials)', { state: 'none' }, {}, []],
  ] as const)('%s', (_name, stored, status, expected) => {
    expect(leftovers(stored, status)).toEqual(expected);
  });
});
