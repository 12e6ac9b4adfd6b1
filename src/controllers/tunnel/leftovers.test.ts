import { leftovers } from './leftovers.js';

const credentials = { accountTag: 'a'.repeat(32), tunnelId: 't-1', tunnelSecret: 's' };

describe('leftovers (deletion paths)', () => {
  it.each([
    [
      'a created tunnel: delete it',
      { state: 'ready', credentials, created: true },
      undefined,
      { kind: 'tunnel', tunnelId: 't-1', created: true },
    ],
    [
      'an adopted tunnel: release it',
      { state: 'ready', credentials, created: false },
      undefined,
      { kind: 'tunnel', tunnelId: 't-1', created: false },
    ],
    [
      'a crash before the ID was saved: look the pending name up',
      { state: 'pending', pending: { name: 'n', accountTag: 'a', secret: 's' } },
      undefined,
      { kind: 'pending', name: 'n', secret: 's' },
    ],
    [
      'the Secret deleted by hand: status still names the tunnel',
      { state: 'none' },
      { tunnelId: 't-2', created: true },
      { kind: 'tunnel', tunnelId: 't-2', created: true },
    ],
    [
      'never reached Cloudflare: nothing to remove (not blocked by missing credentials)',
      { state: 'none' },
      {},
      { kind: 'nothing' },
    ],
  ] as const)('%s', (_name, stored, status, expected) => {
    expect(leftovers(stored, status)).toEqual(expected);
  });
});
