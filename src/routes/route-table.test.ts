import type { V1Service } from '@kubernetes/client-node';
import type { TunnelLike } from '../api/types.js';
import { routeTable, serviceTargets, tunnelRefOf, type TunnelRouteEntry } from './route-table.js';

function tunnel(kind: 'Tunnel' | 'ClusterTunnel', name: string, zones: string[], deleting = false): TunnelLike {
  const metadata = {
    ...(kind === 'Tunnel' ? { name, namespace: 'shop' } : { name }),
    ...(deleting ? { deletionTimestamp: new Date('2026-01-02T00:00:00Z') } : {}),
  };
  const spec = { cloudflare: { credentialsSecretRef: { name: 'cf' }, zones } };
  return { apiVersion: 'cloudflare-operator.io/v1alpha1', kind, metadata, spec };
}

function service(name: string, annotations: Record<string, string>, created: string, namespace = 'shop'): V1Service {
  const prefixed = Object.fromEntries(Object.entries(annotations).map(([k, v]) => [`cloudflare-operator.io/${k}`, v]));
  return {
    metadata: { name, namespace, uid: `uid-${name}`, creationTimestamp: new Date(created), annotations: prefixed },
    spec: { ports: [{ name: 'http', port: 80 }] },
  };
}

const summary = (entries: TunnelRouteEntry[] | undefined) =>
  (entries ?? []).map((e) =>
    e.kind === 'invalid' ? `invalid ${e.source.name}` : `${e.kind} ${e.claim.hostname} ${e.claim.source.name}`,
  );

describe('routeTable', () => {
  const tunnels = [
    tunnel('Tunnel', 'web', ['example.com']),
    tunnel('ClusterTunnel', 'edge', ['example.com', 'example.org']),
    tunnel('Tunnel', 'going', ['example.com'], true),
  ];

  it('gives each tunnel its served, lost and invalid lines, deciding hostnames cluster-wide', () => {
    const services = [
      service('old', { 'cluster-tunnel': 'edge', hostnames: 'shared.example.com' }, '2026-01-01T00:00:00Z', 'other'),
      service('new', { tunnel: 'web', hostnames: 'shared.example.com,own.example.com' }, '2026-01-03T00:00:00Z'),
      service('bad', { tunnel: 'web', port: 'nope' }, '2026-01-01T00:00:00Z'),
      service('plain', {}, '2026-01-01T00:00:00Z'),
    ];
    const table = routeTable({ services, tunnels, options: { clusterDomain: 'cluster.local' } });
    expect(summary(table.get('shop/web'))).toEqual([
      'invalid bad',
      'served own.example.com new',
      'lost shared.example.com new',
    ]);
    expect(summary(table.get('edge'))).toEqual(['served shared.example.com old']);
    expect([...table.keys()].sort()).toEqual(['edge', 'shop/web']);
    const lost = table.get('shop/web')?.find((e) => e.kind === 'lost');
    expect(lost).toMatchObject({ winner: { name: 'old' }, winnerTunnel: { kind: 'ClusterTunnel', name: 'edge' } });
  });

  it('a tunnel being deleted, or missing, serves nothing and wins nothing', () => {
    const services = [
      service('a', { tunnel: 'going', hostnames: 'x.example.com' }, '2026-01-01T00:00:00Z'),
      service('b', { tunnel: 'web', hostnames: 'x.example.com' }, '2026-01-05T00:00:00Z'),
      service('c', { tunnel: 'nowhere', hostnames: 'y.example.com' }, '2026-01-01T00:00:00Z'),
    ];
    const table = routeTable({ services, tunnels, options: { clusterDomain: 'cluster.local' } });
    expect(summary(table.get('shop/web'))).toEqual(['served x.example.com b']);
    expect(table.has('shop/going')).toBe(false);
    expect(table.has('shop/nowhere')).toBe(false);
  });

  it('a Service naming both kinds is invalid on each tunnel that exists', () => {
    const both = service(
      'both',
      { tunnel: 'web', 'cluster-tunnel': 'edge', hostnames: 'b.example.com' },
      '2026-01-01T00:00:00Z',
    );
    const table = routeTable({ services: [both], tunnels, options: { clusterDomain: 'cluster.local' } });
    expect(summary(table.get('shop/web'))).toEqual(['invalid both']);
    expect(summary(table.get('edge'))).toEqual(['invalid both']);
  });
});

describe('serviceTargets and tunnelRefOf', () => {
  it('reads both annotations, trimmed, with the Service namespace for a Tunnel', () => {
    const svc = service('s', { tunnel: ' web ', 'cluster-tunnel': 'edge' }, '2026-01-01T00:00:00Z');
    expect(serviceTargets(svc)).toEqual([
      { kind: 'Tunnel', namespace: 'shop', name: 'web' },
      { kind: 'ClusterTunnel', name: 'edge' },
    ]);
    expect(serviceTargets(service('n', {}, '2026-01-01T00:00:00Z'))).toEqual([]);
  });

  it('refers to a Tunnel by namespace and name, a ClusterTunnel by name', () => {
    expect(tunnelRefOf(tunnel('Tunnel', 'web', []))).toEqual({ kind: 'Tunnel', namespace: 'shop', name: 'web' });
    expect(tunnelRefOf(tunnel('ClusterTunnel', 'edge', []))).toEqual({ kind: 'ClusterTunnel', name: 'edge' });
  });

  it('a tunnel without zones: a Service naming a hostname is invalid, saying the tunnel has none', () => {
    const bare = tunnel('Tunnel', 'bare', []);
    delete (bare.spec.cloudflare as { zones?: string[] }).zones;
    const services = [service('svc', { tunnel: 'bare', hostnames: ' shop.example.com ' }, '2026-01-01T00:00:00Z')];
    const entries = routeTable({ services, tunnels: [bare], options: { clusterDomain: 'cluster.local' } }).get(
      'shop/bare',
    );
    expect(entries).toEqual([
      expect.objectContaining({
        kind: 'invalid',
        problems: [
          {
            annotation: 'cloudflare-operator.io/hostnames',
            message: 'hostname "shop.example.com" is in none of the tunnel\'s zones (it has none)',
          },
        ],
      }),
    ]);
  });

  it('reads the tunnel annotations without the spaces around them', () => {
    const svc = service('svc', { tunnel: ' web ', 'cluster-tunnel': ' edge ' }, '2026-01-01T00:00:00Z');
    expect(serviceTargets(svc)).toEqual([
      { kind: 'Tunnel', namespace: 'shop', name: 'web' },
      { kind: 'ClusterTunnel', name: 'edge' },
    ]);
  });
});
