import type { KubernetesObject } from '@kubernetes/client-node';
import { ApiException } from '@kubernetes/client-node';
import { Reflector, type WatchEventType } from './reflector.js';
import { FakeSource } from './testing/fake-source.js';
import { FakeClock, flushPromises } from './testing/fake-clock.js';

function obj(name: string, rv: string, extra: Record<string, unknown> = {}): KubernetesObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'ns', resourceVersion: rv }, ...extra };
}

function setup(cache: 'full' | 'metadata' = 'full') {
  const clock = new FakeClock();
  const source = new FakeSource(clock);
  const seen: [WatchEventType, string, string | undefined][] = [];
  const reflector = new Reflector({ name: 'configmaps/v1', source, clock, cache, random: () => 0 });
  reflector.addHandler((type, o) => seen.push([type, o.metadata!.name!, o.metadata?.resourceVersion]));
  return { clock, source, seen, reflector };
}

describe('Reflector', () => {
  it('lists, delivers ADDED for everything, is synced, then watches from the list resourceVersion', async () => {
    const { source, seen, reflector } = setup();
    source.listResults = [{ items: [obj('a', '1'), obj('b', '2')], resourceVersion: '10' }];
    expect(reflector.hasSynced()).toBe(false);
    reflector.start();
    await flushPromises();
    expect(reflector.hasSynced()).toBe(true);
    expect(seen).toEqual([
      ['ADDED', 'a', '1'],
      ['ADDED', 'b', '2'],
    ]);
    expect(reflector.keys()).toEqual(['ns/a', 'ns/b']);
    expect(source.current.from).toBe('10');
    await reflector.stop();
  });

  it('applies watch events to the cache; bookmarks only move the resourceVersion', async () => {
    const { source, seen, reflector, clock } = setup();
    source.listResults = [{ items: [obj('a', '1')], resourceVersion: '10' }];
    reflector.start();
    await flushPromises();
    source.current.emit('MODIFIED', obj('a', '11'));
    source.current.emit('ADDED', obj('c', '12'));
    source.current.emit('DELETED', obj('a', '13'));
    source.current.emit('BOOKMARK', { metadata: { resourceVersion: '20' } });
    expect(seen.slice(1)).toEqual([
      ['MODIFIED', 'a', '11'],
      ['ADDED', 'c', '12'],
      ['DELETED', 'a', '13'],
    ]);
    expect(reflector.keys()).toEqual(['ns/c']);
    await clock.advance(60_000);
    source.current.end(); // server-side timeout after a long watch
    await flushPromises();
    expect(source.lists).toBe(1);
    expect(source.current.from).toBe('20'); // resumed at once, no re-list
    await reflector.stop();
  });

  it('re-lists on 410 Gone and reports what changed while it was not watching, including deletions', async () => {
    const { source, seen, reflector } = setup();
    source.listResults = [
      { items: [obj('a', '1'), obj('b', '2'), obj('c', '3')], resourceVersion: '10' },
      { items: [obj('a', '1'), obj('b', '5'), obj('d', '6')], resourceVersion: '30' },
    ];
    reflector.start();
    await flushPromises();
    seen.length = 0;
    source.current.emit('ERROR', { kind: 'Status', code: 410, reason: 'Expired' });
    await flushPromises();
    expect(source.lists).toBe(2);
    expect(seen).toEqual([
      ['MODIFIED', 'b', '5'],
      ['ADDED', 'd', '6'],
      ['DELETED', 'c', '3'],
    ]);
    expect(source.current.from).toBe('30');
    await reflector.stop();
  });

  it('gives MODIFIED handlers the previously cached copy as old, from a watch and from a re-list', async () => {
    const { source, reflector } = setup('metadata');
    const label = (o?: KubernetesObject): string | undefined => o?.metadata?.labels?.['tunnel'];
    const changes: string[] = [];
    reflector.addHandler((type, o, old) => changes.push(`${type} ${label(old) ?? '-'} → ${label(o) ?? '-'}`));
    const withLabel = (rv: string, tunnel?: string): KubernetesObject => ({
      ...obj('svc', rv),
      metadata: { name: 'svc', namespace: 'ns', resourceVersion: rv, ...(tunnel ? { labels: { tunnel } } : {}) },
    });
    source.listResults = [
      { items: [withLabel('1', 'a')], resourceVersion: '10' },
      { items: [withLabel('20')], resourceVersion: '20' },
    ];
    reflector.start();
    await flushPromises();
    source.current.emit('MODIFIED', withLabel('11', 'b'));
    source.current.emit('ERROR', { kind: 'Status', code: 410 });
    await flushPromises();
    expect(changes).toEqual(['ADDED - → a', 'MODIFIED a → b', 'MODIFIED b → -']);
    await reflector.stop();
  });

  it('backs off 1 s doubling to 30 s while the API server is down, then resumes where it was', async () => {
    const { source, reflector, clock } = setup();
    source.listResults = [{ items: [], resourceVersion: '10' }];
    reflector.start();
    await flushPromises();
    await clock.advance(45_000); // the watch has been up a while
    source.watchError = new TypeError('fetch failed: ECONNREFUSED');
    const down = clock.now();
    source.attempts = [];
    source.current.fail(new Error('socket closed'));
    await clock.advance(200_000);
    const gaps = source.attempts.map((t, i) => t - (i === 0 ? down : source.attempts[i - 1]!));
    // First reconnect at once (the watch had been running), then 1, 2, 4, 8, 16 s and the 30 s cap.
    expect(gaps.slice(0, 9)).toEqual([0, 1000, 2000, 4000, 8000, 16_000, 30_000, 30_000, 30_000]);
    source.watchError = undefined;
    await clock.advance(30_000);
    expect(source.current.from).toBe('10');
    expect(source.lists).toBe(1);
    await clock.advance(30_000);
    expect(source.attempts.length).toBe(gaps.length + 1); // connected again: no more attempts
    await reflector.stop();
  });

  it('keeps retrying a failing list (e.g. the CRD was deleted) without ever throwing', async () => {
    const { source, reflector, clock } = setup();
    source.listResults = [new ApiException(404, 'not found', {}, {}), { items: [obj('a', '1')], resourceVersion: '3' }];
    reflector.start();
    await flushPromises();
    expect(reflector.hasSynced()).toBe(false);
    await clock.advance(1000);
    expect(reflector.hasSynced()).toBe(true);
    expect(reflector.keys()).toEqual(['ns/a']);
    await reflector.stop();
  });

  it('whenSynced resolves once the first list has completed, not before', async () => {
    const { source, reflector, clock } = setup();
    source.listResults = [new Error('forbidden'), { items: [obj('a', '1')], resourceVersion: '3' }];
    let synced = false;
    void reflector.whenSynced().then(() => (synced = true));
    reflector.start();
    await flushPromises();
    expect(synced).toBe(false);
    await clock.advance(1000);
    expect(synced).toBe(true);
    await expect(reflector.whenSynced()).resolves.toBeUndefined(); // at once when synced already
    await reflector.stop();
  });

  it('whenSynced rejects with the reason when its signal aborts first', async () => {
    const { source, reflector } = setup();
    source.listResults = [new Error('forbidden')];
    reflector.start();
    const stop = new AbortController();
    const waiting = reflector.whenSynced(stop.signal);
    stop.abort(new Error('shutting down'));
    await expect(waiting).rejects.toThrow('shutting down');
    await reflector.stop();
  });

  it('backs off after a slow list failure too (a timeout is no reason to hammer the server)', async () => {
    const { source, reflector, clock } = setup();
    source.listDelayMs = 30_000;
    source.listResults = [new Error('timeout'), new Error('timeout'), { items: [], resourceVersion: '1' }];
    reflector.start();
    await clock.advance(30_000 + 1_000 + 30_000 + 2_000 + 30_000);
    const gaps = source.listTimes.slice(1).map((t, i) => t - source.listTimes[i]!);
    expect(gaps).toEqual([31_000, 32_000]);
    expect(reflector.hasSynced()).toBe(true);
    await reflector.stop();
  });

  it('carries on when a handler throws', async () => {
    const { source, reflector, seen } = setup();
    reflector.addHandler(() => {
      throw new Error('bad mapper');
    });
    source.listResults = [{ items: [], resourceVersion: '1' }];
    reflector.start();
    await flushPromises();
    source.current.emit('ADDED', obj('a', '2'));
    source.current.emit('ADDED', obj('b', '3'));
    expect(seen.map((s) => s[1])).toEqual(['a', 'b']);
    await reflector.stop();
  });

  it('caches metadata only when asked, and never managedFields', async () => {
    const { source, reflector } = setup('metadata');
    source.listResults = [
      {
        items: [
          {
            ...obj('s', '1', { data: { token: 'c2VjcmV0' } }),
            metadata: { name: 's', namespace: 'ns', resourceVersion: '1', managedFields: [{}] },
          },
        ],
        resourceVersion: '1',
      },
    ];
    reflector.start();
    await flushPromises();
    expect(reflector.get('ns/s')).toEqual({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 's', namespace: 'ns', resourceVersion: '1' },
    });
    await reflector.stop();
  });

  it('a handler added late first gets the cached objects', async () => {
    const { source, reflector } = setup();
    source.listResults = [{ items: [obj('a', '1')], resourceVersion: '1' }];
    reflector.start();
    await flushPromises();
    const late: string[] = [];
    reflector.addHandler((type, o) => late.push(`${type} ${o.metadata!.name!}`));
    expect(late).toEqual(['ADDED a']);
    await reflector.stop();
  });
});
