import type { V1Secret } from '@kubernetes/client-node';
import { TUNNEL_ID_ANNOTATION } from '../../api/constants.js';
import { CTX, sampleTunnel } from '../../render/testing/fixtures.js';
import {
  PENDING_KEY,
  PENDING_TUNNEL_ANNOTATION,
  readStoredTunnel,
  storedTunnelSecret,
  TUNNEL_CREATED_ANNOTATION,
  type StoredTunnel,
} from './stored-tunnel.js';

const credentials = {
  accountTag: '0123456789abcdef0123456789abcdef',
  tunnelId: '6ff42ae2-765d-4adf-8112-31c55c1551ef',
  tunnelSecret: Buffer.alloc(32, 7).toString('base64'),
};

describe('the credentials Secret as the tunnel’s memory', () => {
  const states: [string, Exclude<StoredTunnel, { state: 'none' }>, 'local' | 'cloudflare'][] = [
    [
      'pending (before the create call)',
      {
        state: 'pending',
        pending: { name: 'shop-web', accountTag: credentials.accountTag, secret: credentials.tunnelSecret },
      },
      'local',
    ],
    ['created, local mode (credentials.json)', { state: 'ready', credentials, created: true }, 'local'],
    ['adopted, cloudflare mode (token)', { state: 'ready', credentials, created: false }, 'cloudflare'],
  ];
  it.each(states)('%s: what is written reads back the same', (_name, stored, mode) => {
    expect(readStoredTunnel(storedTunnelSecret(sampleTunnel(), stored, mode, CTX))).toEqual(stored);
  });

  it('records the tunnel ID and who created it in annotations', () => {
    const secret = storedTunnelSecret(sampleTunnel(), { state: 'ready', credentials, created: true }, 'local', CTX);
    expect(secret.metadata?.annotations).toMatchObject({
      [TUNNEL_ID_ANNOTATION]: credentials.tunnelId,
      [TUNNEL_CREATED_ANNOTATION]: 'true',
    });
    expect(secret.metadata?.ownerReferences?.[0]?.kind).toBe('Tunnel');
  });

  it('the pending state is an Opaque v1 Secret of the tunnel, naming the tunnel being created', () => {
    const pending = { name: 'shop-web', accountTag: credentials.accountTag, secret: credentials.tunnelSecret };
    const secret = storedTunnelSecret(sampleTunnel(), { state: 'pending', pending }, 'local', CTX);
    expect(secret).toMatchObject({ apiVersion: 'v1', kind: 'Secret', type: 'Opaque' });
    expect(secret.metadata?.annotations?.[PENDING_TUNNEL_ANNOTATION]).toBe('shop-web');
    expect(secret.metadata?.ownerReferences?.[0]?.kind).toBe('Tunnel');
  });

  it.each([
    ['no Secret', undefined],
    ['an empty Secret', { metadata: { name: 'x' } }],
    ['garbage in credentials.json', { data: { 'credentials.json': Buffer.from('{not json').toString('base64') } }],
    ['a token that is not a tunnel token', { data: { token: Buffer.from('abc').toString('base64') } }],
    ['JSON null in credentials.json', { data: { 'credentials.json': Buffer.from('null').toString('base64') } }],
    [
      'JSON null as the pending tunnel',
      {
        metadata: { annotations: { [PENDING_TUNNEL_ANNOTATION]: 'shop-web' } },
        data: { [PENDING_KEY]: Buffer.from('null').toString('base64') },
      },
    ],
  ] as [string, V1Secret | undefined][])('%s reads as nothing stored', (_name, secret) => {
    expect(readStoredTunnel(secret)).toEqual({ state: 'none' });
  });
});
