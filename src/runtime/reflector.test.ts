import type { KubernetesObject } from '@kubernetes/client-node';
import { ApiException } from '@kubernetes/client-node';
import { Reflector, type WatchEventType } from './reflector.js';
import { FakeSource } from './testing/fake-source.js';
import { FakeClock, flushPromises } from './testing/fake-clock.js';
import { RecordingLogger } from './testing/recording-logger.js';
import type { WatchObserver } from './metrics.js';

function obj(name: string, rv: string, extra: Record<string, unknown> = {}): KubernetesObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'ns', resourceVersion: rv }, ...extra };
}

function setup(cache: 'full' | 'metadata' = 'full') {
  const clock = new FakeClock();
  const source = new FakeSource(clock);
  const seen: [WatchEventType, string, string | undefined][] = [];
  const logger = new RecordingLogger();
  const observed: string[] = [];
  const observer: WatchObserver = {
    failed: () => observed.push('failed'),
    restarted: (kind) => observed.push(kind),
    event: () => observed.push('event'),
  };
  const reflector = new Reflector({ name: 'configmaps/v1', source, clock, cache, random: () => 0, logger, observer });
  reflector.addHandler((type, o) => seen.push([type, o.metadata!.name!, o.metadata?.resourceVersion]));
  return { clock, source, seen, reflector, logger, observed };
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
    expect(reflector.keys()).toEqual(['ns/a', 'ns/b', 'ns/d']);
    await reflector.stop();
  });

  it('re-lists on 410 Gone also with a source that rejects the watch it was told to end', async () => {
    const { source, reflector } = setup();
    source.rejectOnAbort = true;
    source.listResults = [
      { items: [], resourceVersion: '10' },
      { items: [obj('a', '1')], resourceVersion: '30' },
    ];
    reflector.start();
    await flushPromises();
    source.current.emit('ERROR', { kind: 'Status', code: 410 });
    await flushPromises();
    expect(source.lists).toBe(2);
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

  it('names itself, lists its cache, and a second start() lists only once', async () => {
    const { source, reflector } = setup();
    source.listResults = [{ items: [obj('a', '1'), obj('b', '2')], resourceVersion: '10' }];
    expect(reflector.name).toBe('configmaps/v1');
    reflector.start();
    reflector.start();
    await flushPromises();
    expect(source.lists).toBe(1);
    expect(source.watches).toHaveLength(1);
    expect(reflector.list().map((o) => o.metadata?.name)).toEqual(['a', 'b']);
    expect(reflector.get('ns/b')).toEqual(obj('b', '2'));
    await reflector.stop();
  });

  it('an ERROR event other than 410 ends the watch: resumed from where it was, without listing again', async () => {
    const { source, seen, reflector, logger } = setup();
    source.listResults = [{ items: [obj('a', '1')], resourceVersion: '10' }];
    reflector.start();
    await flushPromises();
    source.current.emit('MODIFIED', obj('a', '11'));
    source.current.emit('ERROR', { kind: 'Status', code: 500 });
    await flushPromises();
    expect(source.lists).toBe(1);
    expect(source.watches.map((w) => w.from)).toEqual(['10', '11']);
    expect(seen.map((e) => e[0])).toEqual(['ADDED', 'MODIFIED']);
    expect(logger.summary()).toContain('debug watch ended; resuming');
    const ended = logger.lines.find((l) => l.message === 'watch ended; resuming')!;
    expect(ended.meta).toMatchObject({ component: 'reflector', resource: 'configmaps/v1' });
    expect(String(ended.meta['error'])).toMatch(/watch error event \(code 500\)/);
    await reflector.stop();
  });

  it('ignores what a watch sends after its ERROR event', async () => {
    const { source, seen, reflector } = setup();
    source.listResults = [
      { items: [], resourceVersion: '10' },
      { items: [], resourceVersion: '20' },
    ];
    reflector.start();
    await flushPromises();
    const first = source.current;
    first.emit('ERROR', { kind: 'Status', code: 410 });
    first.emit('ADDED', obj('late', '15'));
    await flushPromises();
    expect(seen).toEqual([]);
    expect(reflector.keys()).toEqual([]);
    await reflector.stop();
  });

  it('ignores events without an object, and keeps its resourceVersion when an event has none', async () => {
    const { source, seen, reflector, clock } = setup();
    source.listResults = [{ items: [], resourceVersion: '10' }];
    reflector.start();
    await flushPromises();
    source.current.emit('ADDED', null);
    source.current.emit('ADDED', 'garbage');
    source.current.emit('ADDED', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: 'ns' } });
    await clock.advance(60_000);
    source.current.end();
    await flushPromises();
    expect(seen).toEqual([['ADDED', 'x', undefined]]);
    expect(source.current.from).toBe('10');
    await reflector.stop();
  });

  it.each([
    [999, 'a failure: the next waits out the backoff', 1000],
    [1000, 'no failure: resumed at once', 0],
  ])('a watch that ends %i ms after it started, with no event, is %s', async (after, _, wait) => {
    const { source, reflector, clock, observed } = setup();
    source.listResults = [{ items: [], resourceVersion: '10' }];
    reflector.start();
    await flushPromises();
    await clock.advance(60_000); // a first watch that ran a while: its end is no failure
    source.current.end();
    await flushPromises();
    observed.length = 0;
    const started = clock.now();
    await clock.advance(after);
    source.current.end();
    await flushPromises();
    if (wait > 0) {
      await clock.advance(wait - 1);
      expect(source.attempts.at(-1)).toBe(started);
      await clock.advance(1);
    }
    expect(source.attempts.at(-1)).toBe(started + after + wait);
    expect(observed).toEqual(wait > 0 ? ['failed', 'watch'] : ['watch']);
    await reflector.stop();
  });

  it('tells its observer about every list, watch, event and failure', async () => {
    const { source, reflector, clock, observed } = setup();
    source.listResults = [new Error('forbidden'), { items: [obj('a', '1')], resourceVersion: '10' }];
    reflector.start();
    await flushPromises();
    await clock.advance(1000);
    source.current.emit('MODIFIED', obj('a', '2'));
    expect(observed).toEqual(['failed', 'list', 'watch', 'event']);
    await reflector.stop();
  });

  it('logs the first sync with its size, once, and every failure with its error', async () => {
    const { source, reflector, clock, logger } = setup();
    source.listResults = [
      new Error('forbidden'),
      { items: [obj('a', '1'), obj('b', '1')], resourceVersion: '10' },
      { items: [], resourceVersion: '20' },
    ];
    reflector.start();
    await clock.advance(1000);
    source.current.emit('ERROR', { kind: 'Status', code: 410 });
    await flushPromises();
    expect(logger.summary()).toEqual([
      'warn list/watch failed; retrying',
      'info synced',
      'info watch expired; listing again',
    ]);
    expect(String(logger.lines[0]!.meta['error'])).toMatch(/forbidden/);
    expect(logger.lines[1]!.meta).toMatchObject({ resource: 'configmaps/v1', objects: 2 });
    await reflector.stop();
  });

  it('logs a watch that ended at once without an error as such', async () => {
    const { source, reflector, logger } = setup();
    source.listResults = [{ items: [], resourceVersion: '10' }];
    reflector.start();
    await flushPromises();
    source.current.end(); // the round of the list: it delivered the list, so this is resumed at once …
    await flushPromises();
    source.current.end(); // … but this one ended at once with nothing delivered
    await flushPromises();
    expect(logger.lines.at(-1)).toMatchObject({ level: 'warn', message: 'list/watch failed; retrying' });
    expect(String(logger.lines.at(-1)!.meta['error'])).toMatch(/ended at once/);
    await reflector.stop();
  });

  it('logs a handler that throws, with the key of the object', async () => {
    const { source, reflector, logger } = setup();
    reflector.addHandler(() => {
      throw new Error('bad mapper');
    });
    source.listResults = [{ items: [obj('a', '1')], resourceVersion: '1' }];
    reflector.start();
    await flushPromises();
    const line = logger.lines.find((l) => l.level === 'error')!;
    expect(line.message).toBe('event handler threw');
    expect(line.meta).toMatchObject({ key: 'ns/a' });
    expect(String(line.meta['error'])).toMatch(/bad mapper/);
    await reflector.stop();
  });

  it('stops while waiting out a backoff, and then lists no more', async () => {
    const { source, reflector, clock } = setup();
    source.listResults = [new Error('down')];
    reflector.start();
    await flushPromises();
    await reflector.stop();
    await clock.advance(120_000);
    expect(source.lists).toBe(1);
    expect(clock.pendingTimers).toBe(0);
  });

  it('gives watch handlers the old copy on MODIFIED only', async () => {
    const { source, reflector } = setup();
    const olds: (string | undefined)[] = [];
    reflector.addHandler((type, _o, old) => olds.push(`${type} ${old?.metadata?.resourceVersion ?? '-'}`));
    source.listResults = [{ items: [obj('a', '1')], resourceVersion: '10' }];
    reflector.start();
    await flushPromises();
    source.current.emit('ADDED', obj('b', '11'));
    source.current.emit('MODIFIED', obj('a', '12'));
    source.current.emit('DELETED', obj('a', '13'));
    expect(olds).toEqual(['ADDED -', 'ADDED -', 'MODIFIED 1', 'DELETED -']);
    await reflector.stop();
  });

  it('stopping is no failure: neither right after a watch started nor during a slow list', async () => {
    const watching = setup();
    watching.source.listResults = [{ items: [], resourceVersion: '10' }];
    watching.reflector.start();
    await flushPromises();
    await watching.clock.advance(60_000);
    watching.source.current.end(); // resumed at once …
    await flushPromises();
    await watching.reflector.stop(); // … and stopped within a second of that watch's start
    const listing = setup();
    listing.source.listDelayMs = 30_000;
    listing.source.listResults = [{ items: [], resourceVersion: '10' }];
    listing.reflector.start();
    await listing.clock.advance(1_000);
    await listing.reflector.stop();
    for (const { logger, observed } of [watching, listing]) {
      expect(logger.lines.filter((l) => l.level === 'warn')).toEqual([]);
      expect(observed).not.toContain('failed');
    }
  });

  it('a watch that stayed up a while, even without events, starts the backoff over', async () => {
    const { source, reflector, clock } = setup();
    source.listResults = [{ items: [], resourceVersion: '10' }];
    reflector.start();
    await flushPromises();
    await clock.advance(60_000);
    source.watchError = new Error('connection refused');
    source.current.end();
    await clock.advance(1000 + 2000 + 4000); // resumed at once, then failed at 0, 1, 3 and 7 s
    source.watchError = undefined;
    await clock.advance(8000); // the next attempt connects …
    const connected = source.attempts.length;
    await clock.advance(60_000); // … and stays up a minute with nothing to say
    source.watchError = new Error('connection refused');
    source.current.end();
    await flushPromises();
    const down = clock.now();
    await clock.advance(10_000);
    const after = source.attempts.slice(connected).map((t) => t - down);
    expect(after).toEqual([0, 1000, 3000, 7000]); // resumed at once, then 1 s, 2 s, 4 s: not 16 s
    await reflector.stop();
  });

  it('after a list, a watch that fails at once is retried at once (the round delivered the list)', async () => {
    const { source, reflector, clock } = setup();
    source.listResults = [{ items: [], resourceVersion: '10' }];
    source.watchError = new Error('connection refused');
    reflector.start();
    await flushPromises();
    expect(source.attempts.map((t) => t - source.listTimes[0]!)).toEqual([0, 0]);
    await clock.advance(1000);
    expect(source.attempts).toHaveLength(3);
    await reflector.stop();
  });

  it('logs a watch that ended cleanly not at all, and one that failed after a while at debug with its error', async () => {
    const { source, reflector, clock, logger } = setup();
    source.listResults = [{ items: [], resourceVersion: '10' }];
    reflector.start();
    await flushPromises();
    await clock.advance(60_000);
    source.current.end();
    await flushPromises();
    expect(logger.summary()).toEqual(['info synced']);
    await clock.advance(60_000);
    source.current.fail(new Error('socket closed'));
    await flushPromises();
    expect(logger.summary()).toEqual(['info synced', 'debug watch ended; resuming']);
    expect(String(logger.lines[1]!.meta['error'])).toMatch(/socket closed/);
    await reflector.stop();
  });
});
