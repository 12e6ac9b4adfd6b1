import { DEFAULT_CLOUDFLARED_IMAGE } from './constants.js';
import { credentialKeys, defaultConfigSource, desiredTunnelName, withDefaults } from './defaults.js';
import type { ClusterTunnel, Tunnel, TunnelSpec } from './types.js';

const minimal: TunnelSpec = { cloudflare: { accountId: 'a'.repeat(32), credentialsSecretRef: { name: 'cf' } } };

describe('withDefaults', () => {
  it('fills every CRD default into a minimal spec', () => {
    expect(withDefaults(minimal)).toEqual({
      cloudflare: { accountId: 'a'.repeat(32), credentialsSecretRef: { name: 'cf', apiTokenKey: 'apiToken' } },
      tunnel: { create: {} },
      configSource: 'cloudflare',
      cloudflared: {
        image: DEFAULT_CLOUDFLARED_IMAGE,
        imagePullPolicy: 'IfNotPresent',
        replicas: 2,
        protocol: 'auto',
        logLevel: 'info',
        networkPolicy: { enabled: true },
      },
      originRequest: {},
      fallbackService: 'http_status:404',
      dns: { adoptUnmanaged: false },
    });
  });

  it('keeps values that are set, including zero replicas and false-y fields', () => {
    const spec: TunnelSpec = {
      ...minimal,
      tunnel: { adopt: { id: 'x' } },
      configSource: 'cloudflare',
      cloudflared: {
        replicas: 0,
        protocol: 'quic',
        logLevel: 'debug',
        image: 'mirror/cloudflared:1',
        networkPolicy: { enabled: false },
      },
      originRequest: { noTLSVerify: false, caPoolSecretRef: { name: 'ca' } },
      fallbackService: 'http_status:503',
      dns: { adoptUnmanaged: true },
    };
    const out = withDefaults(spec);
    expect(out.tunnel).toEqual({ adopt: { id: 'x' } });
    expect(out.configSource).toBe('cloudflare');
    expect(out.cloudflared).toMatchObject({
      replicas: 0,
      protocol: 'quic',
      logLevel: 'debug',
      image: 'mirror/cloudflared:1',
      networkPolicy: { enabled: false },
    });
    expect(out.originRequest).toEqual({ noTLSVerify: false, caPoolSecretRef: { name: 'ca', key: 'ca.crt' } });
    expect(out.fallbackService).toBe('http_status:503');
    expect(out.dns.adoptUnmanaged).toBe(true);
  });

  it.each<[string, TunnelSpec['tunnel'], 'local' | 'cloudflare']>([
    ['a tunnel created by default', undefined, 'cloudflare'],
    ['a tunnel created with a name', { create: { name: 'web' } }, 'cloudflare'],
    ['an adopted tunnel', { adopt: { id: '6ff42ae2-765d-4adf-8112-31c55c1551ef' } }, 'local'],
  ])('defaults configSource for %s to %s', (_name, tunnel, expected) => {
    expect(withDefaults({ ...minimal, ...(tunnel ? { tunnel } : {}) }).configSource).toBe(expected);
    expect(defaultConfigSource(tunnel)).toBe(expected);
  });

  it('keeps an explicit configSource whatever the tunnel source', () => {
    expect(withDefaults({ ...minimal, configSource: 'local' }).configSource).toBe('local');
    expect(withDefaults({ ...minimal, tunnel: { adopt: { id: 'x' } }, configSource: 'cloudflare' }).configSource).toBe(
      'cloudflare',
    );
  });

  it('is idempotent and leaves its input alone', () => {
    const input = structuredClone(minimal);
    const once = withDefaults(input);
    expect(withDefaults(once as TunnelSpec)).toEqual(once);
    expect(input).toEqual(minimal);
  });
});

describe('desiredTunnelName', () => {
  const tunnel = (spec: TunnelSpec): Tunnel => ({
    apiVersion: 'cloudflare-operator.io/v1alpha1',
    kind: 'Tunnel',
    metadata: { name: 'web', namespace: 'shop' },
    spec,
  });
  const cluster: ClusterTunnel = { ...tunnel(minimal), kind: 'ClusterTunnel', metadata: { name: 'shared' } };

  it.each([
    ['a Tunnel without a name: <namespace>-<name>', tunnel(minimal), 'shop-web'],
    ['a ClusterTunnel without a name: <name>', cluster, 'shared'],
    ['an explicit name', tunnel({ ...minimal, tunnel: { create: { name: 'prod' } } }), 'prod'],
    ['an adopted tunnel: none', tunnel({ ...minimal, tunnel: { adopt: { id: 'x' } } }), undefined],
  ])('%s', (_name, object, expected) => {
    expect(desiredTunnelName(object)).toBe(expected);
  });
});

describe('credentialKeys', () => {
  it.each([
    ['default token key', { name: 's' }, { kind: 'token', tokenKey: 'apiToken' }],
    ['custom token key', { name: 's', apiTokenKey: 't' }, { kind: 'token', tokenKey: 't' }],
    [
      'global key wins over the (defaulted) token key',
      { name: 's', apiTokenKey: 'apiToken', apiKeyKey: 'k', emailKey: 'e' },
      { kind: 'globalKey', apiKeyKey: 'k', emailKey: 'e' },
    ],
  ])('%s', (_name, ref, expected) => {
    expect(credentialKeys(ref)).toEqual(expected);
  });
});
