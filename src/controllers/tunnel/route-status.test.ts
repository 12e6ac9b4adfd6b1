import type { RouteStatus } from '../../api/types.js';
import type { TunnelRouteEntry } from '../../routes/route-table.js';
import type { RouteClaim, RouteSource, TunnelRef } from '../../routes/types.js';
import {
  renderRoute,
  routeStatuses,
  ruleKey,
  serviceNotices,
  tunnelLabel,
  type RouteOutcomes,
} from './route-status.js';

const WEB: TunnelRef = { kind: 'Tunnel', namespace: 'shop', name: 'web' };
const EDGE: TunnelRef = { kind: 'ClusterTunnel', name: 'edge' };
const source = (name: string, createdAt = '2026-01-01T00:00:00Z'): RouteSource => ({
  kind: 'Service',
  namespace: 'shop',
  name,
  uid: `uid-${name}`,
  createdAt,
});
const claim = (hostname: string, name: string, over: Partial<RouteClaim> = {}): RouteClaim => ({
  tunnel: WEB,
  hostname,
  zone: 'example.com',
  service: `http://${name}.shop.svc.cluster.local:80`,
  dns: true,
  source: source(name),
  backend: { kind: 'pods', namespace: 'shop', selector: { app: name }, port: 80, protocol: 'TCP' },
  ...over,
});
const none: RouteOutcomes = { dns: new Map(), notLive: new Set(), notLiveMessage: '' };

describe('routeStatuses', () => {
  it('reports served routes Active, sorted by hostname, path and source', () => {
    const entries: TunnelRouteEntry[] = [
      { kind: 'served', claim: claim('b.example.com', 'b') },
      { kind: 'served', claim: claim('a.example.com', 'a', { path: '/z' }) },
      { kind: 'served', claim: claim('a.example.com', 'c') },
    ];
    expect(routeStatuses(entries, none).map((r) => [r.hostname, r.path ?? '', r.source, r.state])).toEqual([
      ['a.example.com', '', 'Service shop/c', 'Active'],
      ['a.example.com', '/z', 'Service shop/a', 'Active'],
      ['b.example.com', '', 'Service shop/b', 'Active'],
    ]);
  });

  it('a route without a path carries no path key', () => {
    const [status] = routeStatuses([{ kind: 'served', claim: claim('a.example.com', 'a') }], none);
    expect(status).toStrictEqual({
      hostname: 'a.example.com',
      service: 'http://a.shop.svc.cluster.local:80',
      source: 'Service shop/a',
      state: 'Active',
      message: 'served; DNS record in place',
    });
  });

  it('says when DNS is managed elsewhere', () => {
    const [status] = routeStatuses([{ kind: 'served', claim: claim('a.example.com', 'a', { dns: false }) }], none);
    expect(status?.message).toMatch(/DNS managed elsewhere/);
  });

  it('a DNS conflict wins over a rule not yet live; a pending DNS change shows when the rule is live', () => {
    const served = claim('a.example.com', 'a');
    const entries: TunnelRouteEntry[] = [{ kind: 'served', claim: served }];
    const conflict = { state: 'Conflict' as const, message: 'unmanaged record' };
    const pending = { state: 'Pending' as const, message: 'zone missing' };
    const notLive = new Set([ruleKey(served)]);
    const held = { dns: new Map([['a.example.com', conflict]]), notLive, notLiveMessage: 'rollout' };
    expect(routeStatuses(entries, held)[0]).toMatchObject({ state: 'Conflict', message: 'unmanaged record' });
    expect(routeStatuses(entries, { ...held, dns: new Map() })[0]).toMatchObject({
      state: 'Pending',
      message: 'rollout',
    });
    const dnsPending = { ...none, dns: new Map([['a.example.com', pending]]) };
    expect(routeStatuses(entries, dnsPending)[0]).toMatchObject({ state: 'Pending', message: 'zone missing' });
  });

  it('ignores DNS problems of a route that manages no DNS', () => {
    const entries: TunnelRouteEntry[] = [{ kind: 'served', claim: claim('a.example.com', 'a', { dns: false }) }];
    const dns = new Map([['a.example.com', { state: 'Conflict' as const, message: 'x' }]]);
    expect(routeStatuses(entries, { ...none, dns })[0]?.state).toBe('Active');
  });

  it('names the winner of a lost claim, and its tunnel when it is another', () => {
    const entries: TunnelRouteEntry[] = [
      { kind: 'lost', claim: claim('a.example.com', 'new'), winner: source('old'), winnerTunnel: EDGE },
      { kind: 'lost', claim: claim('b.example.com', 'new'), winner: source('old'), winnerTunnel: WEB },
    ];
    const [a, b] = routeStatuses(entries, none);
    expect(a).toMatchObject({
      state: 'Conflict',
      message: 'hostname held by the older Service shop/old on ClusterTunnel edge',
    });
    expect(b).toMatchObject({ state: 'Conflict', message: 'hostname held by the older Service shop/old' });
  });

  it('lists an invalid Service with every problem, naming the annotation', () => {
    const entries: TunnelRouteEntry[] = [
      {
        kind: 'invalid',
        source: source('bad'),
        problems: [
          { annotation: 'cloudflare-operator.io/port', message: 'no port "x"' },
          { annotation: 'cloudflare-operator.io/protocol', message: 'unknown' },
        ],
      },
    ];
    expect(routeStatuses(entries, none)).toEqual([
      {
        hostname: '',
        service: '',
        source: 'Service shop/bad',
        state: 'Invalid',
        message: 'cloudflare-operator.io/port: no port "x"; cloudflare-operator.io/protocol: unknown',
      },
    ]);
  });
});

const status = (source: string, hostname: string, state: RouteStatus['state'], message = ''): RouteStatus => ({
  hostname,
  service: 'http://x:80',
  source,
  state,
  message,
});

describe('serviceNotices', () => {
  it('says nothing when a Service routes did not change (resync, restart)', () => {
    const routes = [status('Service shop/a', 'a.example.com', 'Active')];
    expect(serviceNotices(WEB, routes, routes)).toEqual([]);
  });

  it('announces a newly Active Service with its hostnames and tunnel', () => {
    const next = [
      status('Service shop/a', 'a.example.com', 'Active'),
      status('Service shop/a', 'b.example.com', 'Active'),
    ];
    expect(serviceNotices(WEB, undefined, next)).toEqual([
      {
        source: 'Service shop/a',
        event: {
          type: 'Normal',
          reason: 'Published',
          action: 'Route',
          note: 'a.example.com, b.example.com published through Tunnel shop/web',
        },
      },
    ]);
  });

  it('warns with the worst state: Invalid before Conflict; Pending alone says nothing', () => {
    const next = [
      status('Service shop/a', 'a.example.com', 'Conflict', 'held'),
      status('Service shop/a', '', 'Invalid', 'bad port'),
      status('Service shop/b', 'b.example.com', 'Pending', 'rollout'),
      status('Service shop/c', 'c.example.com', 'Conflict', 'held by d'),
    ];
    const notices = serviceNotices(EDGE, [], next);
    expect(notices.map((n) => [n.source, n.event.type, n.event.reason, n.event.action])).toEqual([
      ['Service shop/a', 'Warning', 'InvalidAnnotations', 'Route'],
      ['Service shop/c', 'Warning', 'HostnameConflict', 'Route'],
    ]);
    expect(notices[0]?.event.note).toBe('not published through ClusterTunnel edge: bad port');
    expect(notices[1]?.event.note).toBe('c.example.com not published through ClusterTunnel edge: held by d');
  });

  it('warns with the worst state whatever the order of the routes, naming each distinct problem', () => {
    const next = [
      status('Service shop/a', 'a.example.com', 'Conflict', 'held by x'),
      status('Service shop/a', 'b.example.com', 'Conflict', 'held by y'),
      status('Service shop/a', 'c.example.com', 'Active'),
    ];
    expect(serviceNotices(WEB, [], next)).toEqual([
      expect.objectContaining({
        event: expect.objectContaining({
          reason: 'HostnameConflict',
          note: 'a.example.com, b.example.com, c.example.com not published through Tunnel shop/web: held by x; held by y',
        }) as unknown,
      }),
    ]);
  });

  it('a route whose path changed is news for its Service', () => {
    const before = [{ ...status('Service shop/a', 'a.example.com', 'Active'), path: '/v1' }];
    const after = [{ ...status('Service shop/a', 'a.example.com', 'Active'), path: '/v2' }];
    expect(serviceNotices(WEB, before, after).map((n) => n.event.reason)).toEqual(['Published']);
  });

  it('lists the notices by Service, those that left the tunnel among them', () => {
    const before = [status('Service shop/a', 'a.example.com', 'Active')];
    const after = [status('Service shop/b', 'b.example.com', 'Active')];
    expect(serviceNotices(WEB, before, after).map((n) => `${n.source} ${n.event.reason}`)).toEqual([
      'Service shop/a Unpublished',
      'Service shop/b Published',
    ]);
  });

  it('tells a Service that left the tunnel', () => {
    const before = [status('Service shop/a', 'a.example.com', 'Active')];
    expect(serviceNotices(WEB, before, [])).toEqual([
      {
        source: 'Service shop/a',
        event: {
          type: 'Normal',
          reason: 'Unpublished',
          action: 'Route',
          note: 'no longer published through Tunnel shop/web',
        },
      },
    ]);
  });

  it('speaks again when a route state or message changes', () => {
    const before = [status('Service shop/a', 'a.example.com', 'Conflict', 'held by x')];
    const after = [status('Service shop/a', 'a.example.com', 'Conflict', 'held by y')];
    expect(serviceNotices(WEB, before, after)).toHaveLength(1);
  });
});

describe('ruleKey', () => {
  it('tells rules apart by hostname, path and origin', () => {
    const rule = { hostname: 'a.example.com', service: 'http://a:80' };
    const keys = [
      ruleKey(rule),
      ruleKey({ ...rule, path: '/api' }),
      ruleKey({ ...rule, path: '/web' }),
      ruleKey({ ...rule, hostname: 'b.example.com' }),
      ruleKey({ ...rule, service: 'http://b:80' }),
    ];
    expect(new Set(keys).size).toBe(keys.length);
    expect(ruleKey({ ...rule, path: '/api' })).toBe(
      ruleKey({ hostname: 'a.example.com', path: '/api', service: 'http://a:80' }),
    );
  });
});

describe('renderRoute and tunnelLabel', () => {
  it('carries the path and origin options only when the claim has them', () => {
    const plain = renderRoute(claim('a.example.com', 'a'));
    expect(plain).toStrictEqual({
      hostname: 'a.example.com',
      service: 'http://a.shop.svc.cluster.local:80',
      source: 'Service shop/a',
    });
    const full = renderRoute(claim('a.example.com', 'a', { path: '/api', originRequest: { noTLSVerify: true } }));
    expect(full).toMatchObject({ path: '/api', originRequest: { noTLSVerify: true } });
  });

  it('names a Tunnel with its namespace and a ClusterTunnel without', () => {
    expect(tunnelLabel(WEB)).toBe('Tunnel shop/web');
    expect(tunnelLabel(EDGE)).toBe('ClusterTunnel edge');
    expect(tunnelLabel({ kind: 'Tunnel', name: 'bare' })).toBe('Tunnel /bare');
  });
});

describe('routeStatuses: messages and order', () => {
  it('says a served route with its record in place so', () => {
    const [status] = routeStatuses([{ kind: 'served', claim: claim('a.example.com', 'a') }], none);
    expect(status).toEqual({
      hostname: 'a.example.com',
      service: 'http://a.shop.svc.cluster.local:80',
      source: 'Service shop/a',
      state: 'Active',
      message: 'served; DNS record in place',
    });
  });

  it('sorts by hostname first, then path, then source, whatever order they come in', () => {
    const entries: TunnelRouteEntry[] = [
      { kind: 'served', claim: claim('b.example.com', 'a') },
      { kind: 'served', claim: claim('a.example.com', 'z', { path: '/b' }) },
      { kind: 'served', claim: claim('a.example.com', 'y', { path: '/a' }) },
      { kind: 'served', claim: claim('a.example.com', 'x', { path: '/a' }) },
      { kind: 'served', claim: claim('a.example.com', 'w', { path: '/a' }) },
    ];
    const order = (list: TunnelRouteEntry[]) =>
      routeStatuses(list, none).map((r) => `${r.hostname}${r.path ?? ''} ${r.source}`);
    const expected = [
      'a.example.com/a Service shop/w',
      'a.example.com/a Service shop/x',
      'a.example.com/a Service shop/y',
      'a.example.com/b Service shop/z',
      'b.example.com Service shop/a',
    ];
    expect(order(entries)).toEqual(expected);
    expect(order([...entries].reverse())).toEqual(expected);
  });
});
