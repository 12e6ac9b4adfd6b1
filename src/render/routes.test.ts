import { route } from './testing/fixtures.js';
import { compareRoutes, sortRoutes, type Route } from './routes.js';

const order = (routes: Route[]): string[] => sortRoutes(routes).map((r) => `${r.hostname}${r.path ?? ''}`);

describe('sortRoutes', () => {
  it.each<[string, Route[], string[]]>([
    ['no routes', [], []],
    [
      'exact hostnames before wildcards',
      [route('*.example.com'), route('b.example.com'), route('a.example.com')],
      ['a.example.com', 'b.example.com', '*.example.com'],
    ],
    [
      'deeper wildcards before shallower ones',
      [route('*.example.com'), route('*.api.example.com'), route('*.example.org')],
      ['*.api.example.com', '*.example.com', '*.example.org'],
    ],
    [
      'within one hostname: paths first, longer first, the path-less rule last',
      [route('a.example.com'), route('a.example.com', { path: '^/a' }), route('a.example.com', { path: '^/api/v1' })],
      ['a.example.com^/api/v1', 'a.example.com^/a', 'a.example.com'],
    ],
    [
      'an empty path counts as no path',
      [route('a.example.com', { path: '' }), route('a.example.com', { path: '/x' })],
      ['a.example.com/x', 'a.example.com'],
    ],
  ])('%s', (_name, routes, expected) => {
    expect(order(routes)).toEqual(expected);
  });

  it('is deterministic whatever the input order', () => {
    const routes = [
      route('*.example.com'),
      route('a.example.com', { path: '^/x' }),
      route('a.example.com'),
      route('b.example.com', { source: 'Service shop/b2' }),
      route('b.example.com', { source: 'Service shop/b1' }),
      route('*.a.example.com'),
    ];
    const expected = sortRoutes(routes);
    for (let shift = 1; shift < routes.length; shift++) {
      const rotated = [...routes.slice(shift), ...routes.slice(0, shift)];
      expect(sortRoutes(rotated)).toEqual(expected);
      expect(sortRoutes([...rotated].reverse())).toEqual(expected);
    }
  });

  it('breaks ties on service, then source', () => {
    const a = route('a.example.com', { service: 'http://a:80', source: 'Service shop/z' });
    const b = route('a.example.com', { service: 'http://b:80', source: 'Service shop/a' });
    expect(compareRoutes(a, b)).toBeLessThan(0);
    expect(compareRoutes(b, { ...b, source: 'Service shop/b' })).toBeLessThan(0);
    expect(compareRoutes(a, { ...a })).toBe(0);
  });

  it('leaves its input alone', () => {
    const routes = [route('b.example.com'), route('a.example.com')];
    sortRoutes(routes);
    expect(routes.map((r) => r.hostname)).toEqual(['b.example.com', 'a.example.com']);
  });
});
