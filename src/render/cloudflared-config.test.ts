import { parse } from 'yaml';
import { cloudflaredConfig, configHash, configMap, ingressRules } from './cloudflared-config.js';
import { CTX, TUNNEL_ID, route, sampleClusterTunnel, sampleSpec, sampleTunnel } from './testing/fixtures.js';

interface ParsedConfig {
  tunnel: string;
  'credentials-file': string;
  metrics: string;
  'no-autoupdate': boolean;
  originRequest?: Record<string, unknown>;
  ingress: { hostname?: string; path?: string; service: string; originRequest?: Record<string, unknown> }[];
}

const render = (...args: Parameters<typeof cloudflaredConfig>): ParsedConfig =>
  parse(cloudflaredConfig(...args)) as ParsedConfig;

describe('cloudflaredConfig', () => {
  it('no routes: the tunnel, its credentials, metrics, no autoupdate and only the fallback', () => {
    expect(render(TUNNEL_ID, [], sampleSpec())).toEqual({
      tunnel: TUNNEL_ID,
      'credentials-file': '/etc/cloudflared/creds/credentials.json',
      metrics: '0.0.0.0:2000',
      'no-autoupdate': true,
      ingress: [{ service: 'http_status:404' }],
    });
  });

  it('orders rules specific first, and ends with the configured fallback', () => {
    const config = render(
      TUNNEL_ID,
      [route('*.example.com'), route('shop.example.com'), route('shop.example.com', { path: '^/api' })],
      sampleSpec({ fallbackService: 'http_status:503' }),
    );
    expect(config.ingress.map((rule) => [rule.hostname, rule.path])).toEqual([
      ['shop.example.com', '^/api'],
      ['shop.example.com', undefined],
      ['*.example.com', undefined],
      [undefined, undefined],
    ]);
    expect(config.ingress.at(-1)).toEqual({ service: 'http_status:503' });
  });

  it('writes global defaults and each route merged over them', () => {
    const spec = sampleSpec({
      originRequest: { connectTimeout: '10s', noTLSVerify: false, caPoolSecretRef: { name: 'ca' } },
    });
    const config = render(
      TUNNEL_ID,
      [route('a.example.com', { originRequest: { noTLSVerify: true } }), route('b.example.com')],
      spec,
    );
    const defaults = { caPool: '/etc/cloudflared/ca/ca.crt', connectTimeout: '10s', noTLSVerify: false };
    expect(config.originRequest).toEqual(defaults);
    expect(config.ingress[0]?.originRequest).toEqual({ ...defaults, noTLSVerify: true });
    expect(config.ingress[1]?.originRequest).toEqual(defaults);
    expect(config.ingress[2]).toEqual({ service: 'http_status:404' });
  });

  it('writes no originRequest anywhere when nothing is set', () => {
    const text = cloudflaredConfig(TUNNEL_ID, [route('a.example.com')], sampleSpec());
    expect(text).not.toContain('originRequest');
  });

  it('quotes wildcard hostnames so that YAML does not read them as aliases', () => {
    const text = cloudflaredConfig(TUNNEL_ID, [route('*.example.com')], sampleSpec());
    expect(text).toMatch(/hostname: "\*\.example\.com"|hostname: '\*\.example\.com'/);
  });

  it('is byte-for-byte deterministic', () => {
    const routes = [route('b.example.com'), route('*.example.com'), route('a.example.com', { path: '/x' })];
    const spec = sampleSpec({ originRequest: { tlsTimeout: '1s', connectTimeout: '2s' } });
    const first = cloudflaredConfig(TUNNEL_ID, routes, spec);
    const reordered = sampleSpec({ originRequest: { connectTimeout: '2s', tlsTimeout: '1s' } });
    expect(cloudflaredConfig(TUNNEL_ID, [...routes].reverse(), reordered)).toBe(first);
  });
});

describe('ingressRules', () => {
  it('keeps only hostname, path, service and originRequest', () => {
    const rules = ingressRules([route('a.example.com', { path: '^/x' })], sampleSpec());
    expect(rules[0]).toEqual({ hostname: 'a.example.com', path: '^/x', service: 'http://a.shop.svc.cluster.local:80' });
  });
});

describe('configMap', () => {
  it('holds config.yaml and its hash, owned by the tunnel', () => {
    const text = cloudflaredConfig(TUNNEL_ID, [route('a.example.com')], sampleSpec());
    const object = configMap(sampleTunnel(), text, CTX);
    expect(object).toMatchObject({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name: 'web-cloudflared',
        namespace: 'shop',
        annotations: { 'cloudflare-operator.io/config-hash': configHash(text) },
        ownerReferences: [{ kind: 'Tunnel', name: 'web', controller: true }],
      },
      data: { 'config.yaml': text },
    });
  });

  it('lives in the operator namespace for a ClusterTunnel', () => {
    const object = configMap(sampleClusterTunnel(), 'x', CTX);
    expect(object.metadata).toMatchObject({ name: 'cluster-shared-cloudflared', namespace: 'cloudflare-operator' });
  });

  it('changes its hash when, and only when, the text changes', () => {
    expect(configHash('a')).toBe(configHash('a'));
    expect(configHash('a')).not.toBe(configHash('b'));
  });
});
