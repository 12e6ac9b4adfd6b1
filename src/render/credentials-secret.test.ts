import {
  credentialsJson,
  credentialsSecret,
  decodeTunnelToken,
  encodeTunnelToken,
  type TunnelCredentials,
} from './credentials-secret.js';
import { ACCOUNT_ID, CTX, TUNNEL_ID, sampleClusterTunnel, sampleTunnel } from './testing/fixtures.js';

const credentials: TunnelCredentials = {
  accountTag: ACCOUNT_ID,
  tunnelId: TUNNEL_ID,
  tunnelSecret: Buffer.from('a 32-byte secret for the tunnel!').toString('base64'),
};

const decode = (value: string | undefined): string => Buffer.from(value ?? '', 'base64').toString('utf8');

describe('credentialsSecret', () => {
  it('local mode: credentials.json with AccountTag, TunnelID and the base64 TunnelSecret', () => {
    const secret = credentialsSecret(sampleTunnel(), credentials, CTX);
    expect(Object.keys(secret.data ?? {})).toEqual(['credentials.json']);
    expect(JSON.parse(decode(secret.data?.['credentials.json']))).toEqual({
      AccountTag: ACCOUNT_ID,
      TunnelID: TUNNEL_ID,
      TunnelSecret: credentials.tunnelSecret,
    });
  });

  it('cloudflare mode: the token under `token`', () => {
    const token = encodeTunnelToken(credentials);
    const secret = credentialsSecret(sampleTunnel(), { token }, CTX);
    expect(Object.keys(secret.data ?? {})).toEqual(['token']);
    expect(decode(secret.data?.token)).toBe(token);
  });

  it.each([
    ['credentials', credentials],
    ['a token', { token: encodeTunnelToken(credentials) }],
  ])('records the tunnel ID in an annotation, given %s', (_name, input) => {
    const secret = credentialsSecret(sampleTunnel(), input, CTX);
    expect(secret.metadata?.annotations).toEqual({ 'cloudflare-operator.io/tunnel-id': TUNNEL_ID });
  });

  it('is an Opaque Secret named after the tunnel, owned by it', () => {
    expect(credentialsSecret(sampleTunnel(), credentials, CTX)).toMatchObject({
      apiVersion: 'v1',
      kind: 'Secret',
      type: 'Opaque',
      metadata: {
        name: 'web-cloudflared-credentials',
        namespace: 'shop',
        labels: { 'app.kubernetes.io/managed-by': 'cloudflare-operator', 'cloudflare-operator.io/tunnel': 'web' },
        ownerReferences: [{ kind: 'Tunnel', name: 'web', controller: true }],
      },
    });
  });

  it('for a ClusterTunnel, lives in the operator namespace', () => {
    const secret = credentialsSecret(sampleClusterTunnel(), credentials, CTX);
    expect(secret.metadata).toMatchObject({
      name: 'cluster-shared-cloudflared-credentials',
      namespace: 'cloudflare-operator',
      ownerReferences: [{ kind: 'ClusterTunnel', name: 'shared' }],
    });
  });
});

describe('tunnel tokens', () => {
  it('round-trip credentials', () => {
    expect(decodeTunnelToken(encodeTunnelToken(credentials))).toEqual(credentials);
  });

  it('turn into the same credentials.json as the credentials they carry', () => {
    expect(credentialsJson(decodeTunnelToken(encodeTunnelToken(credentials)))).toBe(credentialsJson(credentials));
  });

  it.each([
    ['not base64 JSON', 'not a token', /not base64-encoded JSON/],
    ['JSON without the fields', Buffer.from('{"a":"x"}').toString('base64'), /lacks/],
    ['JSON null', Buffer.from('null').toString('base64'), /lacks/],
  ])('refuse %s, without echoing it', (_name, token, message) => {
    expect(() => decodeTunnelToken(token)).toThrow(message);
    try {
      decodeTunnelToken(token);
    } catch (error) {
      expect((error as Error).message).not.toContain(token);
    }
  });
});
