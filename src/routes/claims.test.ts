import { resolveClaims, type ResolvedClaim } from './claims.js';
import type { RouteClaim, TunnelRef } from './types.js';

const EDGE: TunnelRef = { kind: 'Tunnel', namespace: 'shop', name: 'edge' };
const SHARED: TunnelRef = { kind: 'ClusterTunnel', name: 'shared' };

interface ClaimSpec {
  hostname?: string;
  path?: string;
  tunnel?: TunnelRef;
  namespace?: string;
  createdAt?: string;
  uid?: string;
}

/** A claim by Service `<namespace>/<name>`, by default on EDGE for shop.example.com, created 2024-01-01. */
function claim(name: string, spec: ClaimSpec = {}): RouteClaim {
  const namespace = spec.namespace ?? 'shop';
  return {
    tunnel: spec.tunnel ?? EDGE,
    hostname: spec.hostname ?? 'shop.example.com',
    zone: 'example.com',
    ...(spec.path === undefined ? {} : { path: spec.path }),
    service: `http://${name}.${namespace}.svc.cluster.local:80`,
    dns: true,
    source: {
      kind: 'Service',
      namespace,
      name,
      uid: spec.uid ?? `uid-${namespace}-${name}`,
      createdAt: spec.createdAt ?? '2024-01-01T00:00:00Z',
    },
    backend: { kind: 'pods', namespace, selector: { app: name }, port: 80, protocol: 'TCP' },
  };
}

/** `name verdict[ reason winner]` per claim, in output order. */
function summary(resolved: readonly ResolvedClaim[]): string[] {
  return resolved.map((entry) => {
    const who = `${entry.claim.source.namespace}/${entry.claim.source.name}`;
    if (entry.verdict === 'won') return `${who} won`;
    return `${who} lost ${entry.reason} to ${entry.winner.namespace}/${entry.winner.name}`;
  });
}

/** Every order of `items`. */
function permutations<T>(items: readonly T[]): T[][] {
  if (items.length <= 1) return [[...items]];
  return items.flatMap((item, index) =>
    permutations([...items.slice(0, index), ...items.slice(index + 1)]).map((rest) => [item, ...rest]),
  );
}

const JAN = '2024-01-01T00:00:00Z';
const FEB = '2024-02-01T00:00:00Z';

describe('resolveClaims', () => {
  it.each<[string, RouteClaim[], string[]]>([
    ['no claims', [], []],
    ['a single claim', [claim('web')], ['shop/web won']],
    [
      'the oldest claim wins across tunnels',
      [claim('new', { createdAt: FEB }), claim('old', { tunnel: SHARED, createdAt: JAN })],
      ['shop/old won', 'shop/new lost otherTunnel to shop/old'],
    ],
    [
      'a time with an offset compares as the instant it is',
      [
        claim('utc', { createdAt: '2024-01-01T01:30:00Z', tunnel: SHARED }),
        claim('paris', { createdAt: '2024-01-01T02:00:00+01:00' }),
      ],
      ['shop/paris won', 'shop/utc lost otherTunnel to shop/paris'],
    ],
    [
      'a tie is broken by namespace',
      [
        claim('web', { namespace: 'zoo', uid: 'uid-1' }),
        claim('web', { namespace: 'app', tunnel: SHARED, uid: 'uid-2' }),
      ],
      ['app/web won', 'zoo/web lost otherTunnel to app/web'],
    ],
    [
      'a tie in one namespace is broken by name',
      [claim('b', { uid: 'uid-1' }), claim('a', { tunnel: SHARED, uid: 'uid-2' })],
      ['shop/a won', 'shop/b lost otherTunnel to shop/a'],
    ],
    [
      'the same tunnel with different paths: both win',
      [claim('api', { path: '^/api/', createdAt: FEB }), claim('site', { createdAt: JAN })],
      ['shop/site won', 'shop/api won'],
    ],
    [
      'the same path on the same tunnel: the newer loses',
      [claim('new', { path: '^/api/', createdAt: FEB }), claim('old', { path: '^/api/', createdAt: JAN })],
      ['shop/old won', 'shop/new lost samePath to shop/old'],
    ],
    [
      'no path twice on the same tunnel: the newer loses',
      [claim('new', { createdAt: FEB }), claim('old', { createdAt: JAN })],
      ['shop/old won', 'shop/new lost samePath to shop/old'],
    ],
    [
      'a path on another tunnel loses even when the path is new',
      [claim('site', { createdAt: JAN }), claim('api', { path: '^/api/', tunnel: SHARED, createdAt: FEB })],
      ['shop/site won', 'shop/api lost otherTunnel to shop/site'],
    ],
    [
      'a Tunnel and a ClusterTunnel of the same name are two tunnels',
      [claim('a'), claim('b', { tunnel: { kind: 'ClusterTunnel', name: 'edge' } })],
      ['shop/a won', 'shop/b lost otherTunnel to shop/a'],
    ],
    [
      'hostnames are resolved apart',
      [claim('b', { hostname: 'b.example.com', tunnel: SHARED }), claim('a', { hostname: 'a.example.com' })],
      ['shop/a won', 'shop/b won'],
    ],
  ])('%s', (_name, claims, expected) => {
    expect(summary(resolveClaims(claims))).toEqual(expected);
  });

  it('names the winner and its tunnel on a loss', () => {
    const [, loss] = resolveClaims([
      claim('old', { createdAt: JAN }),
      claim('new', { tunnel: SHARED, createdAt: FEB }),
    ]);
    expect(loss).toEqual({
      claim: claim('new', { tunnel: SHARED, createdAt: FEB }),
      verdict: 'lost',
      winner: claim('old').source,
      winnerTunnel: EDGE,
      reason: 'otherTunnel',
    });
  });

  it('gives the same result whatever the input order', () => {
    const claims = [
      claim('site', { createdAt: FEB }),
      claim('api', { path: '^/api/', createdAt: FEB }),
      claim('rival', { tunnel: SHARED, createdAt: FEB, namespace: 'blog' }),
      claim('copy', { path: '^/api/', createdAt: JAN, namespace: 'zoo' }),
    ];
    const orders = permutations(claims).map(resolveClaims);
    expect(orders).toHaveLength(24);
    expect(summary(orders[0]!)).toEqual([
      'blog/rival lost otherTunnel to zoo/copy',
      'shop/site won',
      'zoo/copy won',
      'shop/api lost samePath to zoo/copy',
    ]);
    for (const resolved of orders) expect(resolved).toEqual(orders[0]);
  });

  it('leaves its input alone', () => {
    const claims = [claim('b'), claim('a')];
    resolveClaims(claims);
    expect(claims.map((entry) => entry.source.name)).toEqual(['b', 'a']);
  });
});
