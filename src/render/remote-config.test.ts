import { cloudflaredConfig } from './cloudflared-config.js';
import { TUNNEL_ID, route, sampleSpec } from './testing/fixtures.js';
import { remoteConfiguration } from './remote-config.js';
import { parse } from 'yaml';

describe('remoteConfiguration', () => {
  it('no routes: only the fallback rule', () => {
    expect(remoteConfiguration([], sampleSpec())).toEqual({ config: { ingress: [{ service: 'http_status:404' }] } });
  });

  it('uses the same rules in the same order as config.yaml', () => {
    const routes = [route('*.example.com'), route('a.example.com', { path: '^/api' }), route('a.example.com')];
    const spec = sampleSpec({ fallbackService: 'http_status:410' });
    const local = parse(cloudflaredConfig(TUNNEL_ID, routes, spec)) as { ingress: unknown[] };
    expect(remoteConfiguration(routes, spec).config.ingress).toEqual(local.ingress);
  });

  it('sends durations as integer seconds, globally and per route', () => {
    const spec = sampleSpec({ originRequest: { connectTimeout: '1m', noTLSVerify: true } });
    const body = remoteConfiguration([route('a.example.com', { originRequest: { tlsTimeout: '1500ms' } })], spec);
    expect(body).toEqual({
      config: {
        originRequest: { connectTimeout: 60, noTLSVerify: true },
        ingress: [
          {
            hostname: 'a.example.com',
            service: 'http://a.shop.svc.cluster.local:80',
            originRequest: { connectTimeout: 60, noTLSVerify: true, tlsTimeout: 2 },
          },
          { service: 'http_status:404' },
        ],
      },
    });
  });

  it('points caPool at the CA mounted in the pod', () => {
    const body = remoteConfiguration([], sampleSpec({ originRequest: { caPoolSecretRef: { name: 'ca' } } }));
    expect(body.config.originRequest).toEqual({ caPool: '/etc/cloudflared/ca/ca.crt' });
  });
});
