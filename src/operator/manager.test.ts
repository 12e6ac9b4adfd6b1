import { parseConfig } from '../runtime/config.js';
import type { ReconcileContext } from '../runtime/controller.js';
import { resourceId } from '../runtime/kube-client.js';
import type { LeaseApi, LeaseRecord } from '../runtime/leader-election.js';
import { nullLogger, type Logger, type LogMeta } from '../runtime/logger.js';
import { FakeClock, flushPromises } from '../runtime/testing/fake-clock.js';
import { FakeSource } from '../runtime/testing/fake-source.js';
import { Manager } from './manager.js';
import {
  EXAMPLE_TUNNEL as TUNNEL,
  EXAMPLE_SERVICE as SERVICE,
  unreachableKubeConfig,
} from '../runtime/testing/resource-types.js';

// The HTTP server listens on a free loopback port (it is part of the Manager); nothing else leaves the process.

function tunnel(name: string) {
  return { apiVersion: 'example.io/v1', kind: 'Tunnel', metadata: { name, namespace: 'ns', resourceVersion: '1' } };
}

/** A Lease API that records its calls and lets anyone take the lease. */
function fakeLeaseApi(calls: string[]): LeaseApi {
  return {
    get: () => {
      calls.push('get');
      return Promise.resolve(undefined);
    },
    create: (record: LeaseRecord) => {
      calls.push('create');
      return Promise.resolve({ ...record, resourceVersion: '1' });
    },
    update: (record: LeaseRecord) => {
      calls.push('update');
      return Promise.resolve(record);
    },
  };
}

/** The Service list is held back `serviceListMs` on the fake clock; the Tunnel list holds `ns/a`. */
function setup(options: { leaderElect: boolean; serviceListMs: number }) {
  const clock = new FakeClock();
  const kubeConfig = unreachableKubeConfig();
  const config = parseConfig(
    ['--http-host=127.0.0.1', '--http-port=0', `--leader-elect=${String(options.leaderElect)}`],
    { OWNER_ID: 'test', POD_NAMESPACE: 'ops' },
    { hostname: 'pod' },
  );
  const logs: { message: string; meta?: LogMeta }[] = [];
  const logger: Logger = { ...nullLogger, info: (message, meta) => logs.push({ message, meta }), child: () => logger };
  const sources = new Map<string, FakeSource>();
  const leaseCalls: string[] = [];
  const manager = new Manager({
    config,
    kubeConfig,
    logger,
    clock,
    processMetrics: false,
    leaseApi: fakeLeaseApi(leaseCalls),
    sourceFactory: (type) => {
      const source = new FakeSource(clock);
      const items = type.kind === 'Tunnel' ? [tunnel('a')] : [];
      source.listResults = [{ items, resourceVersion: '1' }];
      if (type.kind === 'Service') source.listDelayMs = options.serviceListMs;
      sources.set(resourceId(type), source);
      return source;
    },
  });
  const reconciled: string[] = [];
  manager.register({
    name: 'tunnel',
    primary: { type: TUNNEL },
    watches: [{ type: SERVICE, map: () => ['ns/a'] }],
    reconcile: (ctx: ReconcileContext) => {
      reconciled.push(ctx.key);
      return Promise.resolve();
    },
  });
  return { manager, clock, reconciled, leaseCalls, logs, sources };
}

describe('Manager.start', () => {
  it('reconciles nothing until every watch has completed its first list, then every cached key', async () => {
    const { manager, clock, reconciled, logs, sources } = setup({ leaderElect: false, serviceListMs: 5000 });
    let started = false;
    const starting = manager.start().then(() => (started = true));
    await clock.advance(10);
    sources.get(resourceId(TUNNEL))!.current.emit('ADDED', tunnel('b')); // queued meanwhile, not lost
    await clock.advance(4000);
    expect(manager.operator.unsynced()).toEqual(['services/v1']); // what /readyz reports
    expect(reconciled).toEqual([]);
    expect(started).toBe(false);
    await clock.advance(990);
    await starting;
    expect(reconciled.sort()).toEqual(['ns/a', 'ns/b']);
    expect(logs).toContainEqual({ message: 'watches synced', meta: { waitedMs: 5000 } });
    await manager.shutdown('test');
  });

  it('campaigns for leadership only after the first lists', async () => {
    const { manager, clock, reconciled, leaseCalls } = setup({ leaderElect: true, serviceListMs: 5000 });
    const starting = manager.start();
    await clock.advance(4999);
    expect(leaseCalls).toEqual([]);
    await clock.advance(1);
    await starting;
    await flushPromises();
    expect(leaseCalls).toEqual(['get', 'create']);
    expect(manager.isLeader()).toBe(true);
    expect(reconciled).toEqual(['ns/a']);
    await manager.shutdown('test');
  });

  it('a shutdown during the wait ends it: start resolves, nothing is started, nothing hangs', async () => {
    const { manager, clock, reconciled, leaseCalls } = setup({ leaderElect: true, serviceListMs: 60_000 });
    const starting = manager.start();
    await clock.advance(1000);
    await manager.shutdown('SIGTERM');
    await starting;
    await clock.advance(60_000);
    expect(reconciled).toEqual([]);
    expect(leaseCalls).toEqual([]);
    expect(manager.isLeader()).toBe(false);
  });
});
