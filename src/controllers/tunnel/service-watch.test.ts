import type { KubernetesObject } from '@kubernetes/client-node';
import type { RouteStatus, TunnelLike } from '../../api/types.js';
import type { CacheReader } from '../../operator/types.js';
import type { ResourceType } from '../../runtime/kube-client.js';
import { CLUSTER_TUNNEL, TUNNEL } from '../shared/resources.js';
import { tunnelsForService, tunnelsSharingHostnames } from './service-watch.js';

function cacheOf(objects: TunnelLike[]): CacheReader {
  return {
    get: () => undefined,
    list: (type: ResourceType) => objects.filter((o) => o.kind === type.kind),
  };
}
const route = (hostname: string, source: string): RouteStatus => ({
  hostname,
  service: 'http://x:80',
  source,
  state: 'Active',
});
function tunnel(kind: 'Tunnel' | 'ClusterTunnel', name: string, routes: RouteStatus[] = []): TunnelLike {
  const metadata = kind === 'Tunnel' ? { name, namespace: 'shop' } : { name };
  const spec = { cloudflare: { credentialsSecretRef: { name: 'cf' } } };
  return { apiVersion: 'cloudflare-operator.io/v1alpha1', kind, metadata, spec, status: { routes } };
}
const service = (annotations: Record<string, string>, name = 'web'): KubernetesObject => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, namespace: 'shop', annotations },
});

describe('tunnelsForService', () => {
  const tunnels = [
    tunnel('Tunnel', 'a', [route('web.example.com', 'Service shop/web')]),
    tunnel('Tunnel', 'b', [route('shared.example.com', 'Service shop/other')]),
    tunnel('Tunnel', 'c'),
    tunnel('ClusterTunnel', 'edge', [route('shared.example.com', 'Service other/x')]),
  ];
  const cache = cacheOf(tunnels);

  it('maps to the Tunnel its annotation names, and to tunnels that list its routes', () => {
    const svc = service({ 'cloudflare-operator.io/tunnel': 'c' });
    expect(tunnelsForService(TUNNEL)(svc, cache)).toEqual(['shop/a', 'shop/c']);
  });

  it('maps to tunnels with a route for one of its hostnames (the next claim may take over)', () => {
    const svc = service(
      { 'cloudflare-operator.io/tunnel': 'c', 'cloudflare-operator.io/hostnames': 'Shared.example.com.' },
      'new',
    );
    expect(tunnelsForService(TUNNEL)(svc, cache)).toEqual(['shop/b', 'shop/c']);
    expect(tunnelsForService(CLUSTER_TUNNEL)(svc, cache)).toEqual(['edge']);
  });

  it('maps a Service stripped of its annotations to the tunnels that served its hostnames, and to their rivals', () => {
    const cache = cacheOf([
      tunnel('Tunnel', 'old', [route('web.example.com', 'Service shop/web')]),
      tunnel('Tunnel', 'rival', [route('web.example.com', 'Service shop/other')]),
      tunnel('Tunnel', 'unrelated', [route('else.example.com', 'Service shop/else')]),
    ]);
    expect(tunnelsForService(TUNNEL)(service({}), cache)).toEqual(['shop/old', 'shop/rival']);
  });

  it('an invalid route (no hostname) of another Service is no reason to map a Service without hostnames', () => {
    const invalid: RouteStatus = { hostname: '', service: '', source: 'Service shop/broken', state: 'Invalid' };
    const cache = cacheOf([tunnel('Tunnel', 'a', [invalid])]);
    expect(tunnelsForService(TUNNEL)(service({}, 'plain'), cache)).toEqual([]);
  });

  it('maps a cluster-tunnel annotation only for the ClusterTunnel controller', () => {
    const svc = service({ 'cloudflare-operator.io/cluster-tunnel': 'missing' }, 'lone');
    expect(tunnelsForService(CLUSTER_TUNNEL)(svc, cache)).toEqual(['missing']);
    expect(tunnelsForService(TUNNEL)(svc, cache)).toEqual([]);
  });
});

describe('tunnelsSharingHostnames', () => {
  it('maps a tunnel to the other tunnels of the primary kind that list one of its hostnames', () => {
    const gone = tunnel('ClusterTunnel', 'edge', [route('shared.example.com', 'Service other/x')]);
    const cache = cacheOf([
      tunnel('Tunnel', 'b', [route('shared.example.com', 'Service shop/other')]),
      tunnel('Tunnel', 'c', [route('else.example.com', 'Service shop/y')]),
      gone,
    ]);
    expect(tunnelsSharingHostnames(TUNNEL)(gone, cache)).toEqual(['shop/b']);
    expect(tunnelsSharingHostnames(CLUSTER_TUNNEL)(gone, cache)).toEqual([]);
  });

  it('returns the tunnels sorted', () => {
    const changed = tunnel('Tunnel', 'm', [route('shared.example.com', 'Service shop/m')]);
    const cache = cacheOf([
      tunnel('Tunnel', 'z', [route('shared.example.com', 'Service shop/z')]),
      tunnel('Tunnel', 'a', [route('shared.example.com', 'Service shop/a')]),
      changed,
    ]);
    expect(tunnelsSharingHostnames(TUNNEL)(changed, cache)).toEqual(['shop/a', 'shop/z']);
  });

  it('invalid routes (no hostname) share nothing', () => {
    const invalid = (source: string): RouteStatus => ({ hostname: '', service: '', source, state: 'Invalid' });
    const changed = tunnel('Tunnel', 'm', [invalid('Service shop/m')]);
    const cache = cacheOf([tunnel('Tunnel', 'b', [invalid('Service shop/b')]), changed]);
    expect(tunnelsSharingHostnames(TUNNEL)(changed, cache)).toEqual([]);
  });

  it('maps nothing for a tunnel without routes', () => {
    expect(tunnelsSharingHostnames(TUNNEL)(tunnel('Tunnel', 'z'), cacheOf([tunnel('Tunnel', 'b')]))).toEqual([]);
  });
});
