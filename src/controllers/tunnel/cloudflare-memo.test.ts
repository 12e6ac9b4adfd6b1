import { FakeClock } from '../../runtime/testing/fake-clock.js';
import { CloudflareMemo } from './cloudflare-memo.js';

describe('CloudflareMemo', () => {
  it('recalls a value under the same fingerprint until the TTL has passed', async () => {
    const clock = new FakeClock();
    const memo = new CloudflareMemo(clock, 1000);
    memo.remember('t1', 'dns', 'a', 'value');
    expect(memo.recall('t1', 'dns', 'a')).toBe('value');
    expect(memo.recall('t1', 'dns', 'b')).toBeUndefined();
    expect(memo.recall('t2', 'dns', 'a')).toBeUndefined();
    expect(memo.recall('t1', 'config', 'a')).toBeUndefined();
    await clock.advance(999);
    expect(memo.recall('t1', 'dns', 'a')).toBe('value');
    await clock.advance(1);
    expect(memo.recall('t1', 'dns', 'a')).toBeUndefined();
  });

  it('keeps an entry for its own TTL when shorter, and knows the last value under a fingerprint however old', async () => {
    const clock = new FakeClock();
    const memo = new CloudflareMemo(clock, 1000);
    memo.remember('t1', 'connectors', 'a', 'short', 100);
    memo.remember('t1', 'dns', 'a', 'long', 5000);
    await clock.advance(99);
    expect(memo.recall('t1', 'connectors', 'a')).toBe('short');
    await clock.advance(1);
    expect(memo.recall('t1', 'connectors', 'a')).toBeUndefined();
    expect(memo.lastKnown('t1', 'connectors', 'a')).toBe('short');
    expect(memo.lastKnown('t1', 'connectors', 'b')).toBeUndefined();
    await clock.advance(900);
    expect(memo.recall('t1', 'dns', 'a')).toBeUndefined(); // never longer than the memo's TTL
  });

  it('through() loads once while fresh', async () => {
    const memo = new CloudflareMemo(new FakeClock(), 1000);
    let loads = 0;
    const load = () => Promise.resolve(++loads);
    expect(await memo.through('t1', 'account', 'f', load)).toBe(1);
    expect(await memo.through('t1', 'account', 'f', load)).toBe(1);
    expect(await memo.through('t1', 'account', 'g', load)).toBe(2);
  });

  it('forget() drops every step of one tunnel only', () => {
    const memo = new CloudflareMemo(new FakeClock(), 1000);
    memo.remember('t1', 'dns', 'a');
    memo.remember('t1', 'tunnel', 'a');
    memo.remember('t2', 'dns', 'a');
    memo.forget('t1');
    expect([memo.recall('t1', 'dns', 'a'), memo.recall('t1', 'tunnel', 'a'), memo.recall('t2', 'dns', 'a')]).toEqual([
      undefined,
      undefined,
      true,
    ]);
  });

  it('tells how long an entry has left, and its latest value whatever the fingerprint or age', async () => {
    const clock = new FakeClock();
    const memo = new CloudflareMemo(clock, 1000);
    expect(memo.expiresInMs('t1', 'connectors')).toBe(0);
    expect(memo.latest('t1', 'connectors')).toBeUndefined();
    memo.remember('t1', 'connectors', 'a', 'first', 300);
    memo.remember('t2', 'connectors', 'a', 'other');
    await clock.advance(100);
    expect(memo.expiresInMs('t1', 'connectors')).toBe(200);
    await clock.advance(500);
    expect(memo.expiresInMs('t1', 'connectors')).toBe(0);
    expect(memo.latest('t1', 'connectors')).toBe('first');
    memo.remember('t1', 'connectors', 'b', 'second');
    expect(memo.latest('t1', 'connectors')).toBe('second');
    expect(memo.expiresInMs('t1', 'connectors')).toBe(1000);
  });

  it('through() remembers what it loaded, and loads again once it expired', async () => {
    const clock = new FakeClock();
    const memo = new CloudflareMemo(clock, 1000);
    let loads = 0;
    const load = () => Promise.resolve(++loads);
    await memo.through('t1', 'account', 'f', load);
    expect(memo.recall('t1', 'account', 'f')).toBe(1);
    await clock.advance(1000);
    expect(await memo.through('t1', 'account', 'f', load)).toBe(2);
  });
});
