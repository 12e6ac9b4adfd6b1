import { batchLimit, commentLimit, findZoneForHostname, normalizeHostname, planTierOf } from './zones.js';

const zones = [{ name: 'example.com' }, { name: 'b.example.com' }, { name: 'example.org.' }, { name: 'co.uk' }];

describe('findZoneForHostname', () => {
  it.each([
    ['app.example.com', 'example.com'],
    ['example.com', 'example.com'],
    ['x.a.b.example.com', 'b.example.com'],
    ['b.example.com', 'b.example.com'],
    ['APP.Example.COM.', 'example.com'],
    ['*.example.org', 'example.org.'],
    ['badexample.com', undefined],
    ['example.net', undefined],
    ['shop.co.uk', 'co.uk'],
  ])('%s → %s', (host, zone) => {
    expect(findZoneForHostname(host, zones)?.name).toBe(zone);
  });

  it('does not depend on the order of zones', () => {
    expect(findZoneForHostname('x.b.example.com', [...zones].reverse())?.name).toBe('b.example.com');
  });
});

describe('plans', () => {
  it.each([
    [{ legacy_id: 'free', price: 0 }, 'free'],
    [{ legacy_id: 'pro', price: 25 }, 'paid'],
    [{ legacy_id: 'enterprise' }, 'paid'],
    [{ price: 0 }, 'free'],
    [{ price: 200 }, 'paid'],
    [{}, 'free'],
    [undefined, 'free'],
  ])('%j → %s', (plan, tier) => {
    expect(planTierOf(plan)).toBe(tier);
  });

  it('maps tiers to batch and comment limits', () => {
    expect([batchLimit('free'), batchLimit('paid')]).toEqual([200, 3500]);
    expect([commentLimit('free'), commentLimit('paid')]).toEqual([100, 500]);
  });

  it('normalizes names', () => {
    expect(normalizeHostname(' WWW.Example.com. ')).toBe('www.example.com');
  });
});
