import { parseSourceRef, sameTunnel, sourceRef, tunnelRefKey, type TunnelRef } from './types.js';

const tunnel: TunnelRef = { kind: 'Tunnel', namespace: 'shop', name: 'web' };
const cluster: TunnelRef = { kind: 'ClusterTunnel', name: 'web' };
const unnamespaced: TunnelRef = { kind: 'Tunnel', name: 'web' };

describe('tunnelRefKey', () => {
  it.each([
    ['a Tunnel', tunnel, 'shop/web'],
    ['a ClusterTunnel', cluster, 'web'],
    ['a ClusterTunnel with a stray namespace', { ...cluster, namespace: 'shop' }, 'web'],
  ])('%s → %s', (_name, ref, key) => {
    expect(tunnelRefKey(ref)).toBe(key);
  });
});

describe('sameTunnel', () => {
  it.each<[string, TunnelRef, TunnelRef, boolean]>([
    ['the same Tunnel', tunnel, { ...tunnel }, true],
    ['Tunnels of the same name in two namespaces', tunnel, { ...tunnel, namespace: 'blog' }, false],
    ['Tunnels of two names', tunnel, { ...tunnel, name: 'api' }, false],
    ['a Tunnel and a ClusterTunnel of the same name', unnamespaced, cluster, false],
    ['the same ClusterTunnel', cluster, { ...cluster }, true],
  ])('%s → %s', (_name, a, b, expected) => {
    expect(sameTunnel(a, b)).toBe(expected);
    expect(sameTunnel(b, a)).toBe(expected);
  });
});

describe('sourceRef', () => {
  it('names the kind, namespace and name', () => {
    expect(sourceRef({ kind: 'Service', namespace: 'shop', name: 'web' })).toBe('Service shop/web');
  });
});

describe('parseSourceRef', () => {
  it('reads back what sourceRef writes', () => {
    const source = { kind: 'Service', namespace: 'shop', name: 'web' } as const;
    expect(parseSourceRef(sourceRef(source))).toEqual(source);
  });

  it.each([
    ['another kind', 'HTTPRoute shop/web'],
    ['no namespace', 'Service web'],
    ['an empty name', 'Service shop/'],
    ['an extra part', 'Service shop/web/x'],
    ['text around it', 'the Service shop/web'],
    ['a trailing space', 'Service shop/web '],
    ['nothing', ''],
  ])('refuses %s', (_, ref) => {
    expect(parseSourceRef(ref)).toBeUndefined();
  });
});
