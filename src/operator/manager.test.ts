import { parseConfig } from '../runtime/config.js';
import type { ReconcileContext } from '../runtime/controller.js';
import { resourceId } from '../runtime/kube-client.js';
import type { LeaseApi, LeaseRecord } from '../runtime/leader-election.js';
import { nullLogger, type Logger, type LogMeta } from '../runtime/logger.js';
import { sleep } from '../runtime/clock.js';
import { FakeClock, flushPromises } from '../runtime/testing/fake-clock.js';
import { FakeLeaseApi } from '../runtime/testing/fake-lease-api.js';
import { metricSum } from '../runtime/testing/metrics-text.js';
import { FakeSource } from '../runtime/testing/fake-source.js';
import { Manager } from './manager.js';
import {
  EXAMPLE_TUNNEL as TUNNEL,
  EXAMPLE_SERVICE as SERVICE,
  unreachableKubeConfig,
} from '../runtime/testing/resource-types.js';

// The HTTP server listens on a free loopback port (it is part of the Manager); nothing else leaves the process.
// Every Manager is shut down after its test, failed or not, with its fake clock moving so that grace periods end
// even when the code under test is broken: a listening server left behind would keep jest from exiting.
const managers: { manager: Manager; clock: FakeClock }[] = [];
afterEach(async () => {
  for (const { manager, clock } of managers.splice(0)) {
    let done = false;
    const stopped = manager.shutdown('test').then(() => (done = true));
    await clock.advanceUntil(() => done, { stepMs: 1_000, limitMs: 600_000 });
    await stopped;
  }
});

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
  managers.push({ manager, clock });
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

type Timeline = { at: number; what: string }[];
const note = (timeline: Timeline, clock: FakeClock, what: string): number => timeline.push({ at: clock.now(), what });

/**
 * A leading Manager whose one reconcile (of `ns/a`) writes every 100 ms until its signal aborts, as a long
 * reconcile checks its signal between writes. `timeline` holds, in order, each write and lease event with its
 * time on the fake clock.
 */
async function leading() {
  const clock = new FakeClock();
  const leases = new FakeLeaseApi();
  const config = parseConfig(
    ['--http-host=127.0.0.1', '--http-port=0', '--leader-elect=true'],
    { OWNER_ID: 'test', POD_NAMESPACE: 'ops' },
    { hostname: 'pod' },
  );
  const le = config.leaderElection;
  const timeline: Timeline = [];
  let tunnelSource: FakeSource | undefined;
  const manager = new Manager({
    config,
    kubeConfig: unreachableKubeConfig(),
    logger: nullLogger,
    clock,
    processMetrics: false,
    leaseApi: leases,
    sourceFactory: (type) => {
      const source = new FakeSource(clock);
      source.listResults = [{ items: type.kind === 'Tunnel' ? [tunnel('a')] : [], resourceVersion: '1' }];
      if (type.kind === 'Tunnel') tunnelSource = source;
      return source;
    },
  });
  managers.push({ manager, clock });
  manager.register({
    name: 'tunnel',
    primary: { type: TUNNEL },
    reconcile: async ({ key, signal }) => {
      signal.addEventListener('abort', () => note(timeline, clock, `aborted ${key}`));
      for (let i = 0; i < 10_000 && !signal.aborted; i++) {
        note(timeline, clock, `write ${key}`);
        await sleep(clock, 100);
      }
    },
  });
  const { port } = await manager.start();
  await flushPromises();
  expect(manager.isLeader()).toBe(true);
  expect(timeline.map((t) => t.what)).toContain('write ns/a');
  return { manager, clock, leases, le, config, port, timeline, tunnelSource: tunnelSource! };
}

/** The HTTP status of GET `path` on the Manager's server, or `closed` when nothing listens. */
async function httpStatus(port: number, path: string): Promise<number | 'closed'> {
  try {
    return (await fetch(`http://127.0.0.1:${port}${path}`)).status;
  } catch {
    return 'closed';
  }
}

/** The value of the leader gauge on /metrics. */
async function leaderGauge(port: number): Promise<number> {
  return metricSum(await (await fetch(`http://127.0.0.1:${port}/metrics`)).text(), 'cloudflare_operator_leader');
}

/** The writes noted after the first entry `mark`, in order. */
const writesAfter = (timeline: Timeline, mark: string): string[] => {
  const from = timeline.findIndex((t) => t.what === mark);
  if (from < 0) throw new Error(`no "${mark}" in the timeline`);
  return timeline.slice(from + 1).flatMap((t) => (t.what.startsWith('write') ? [t.what] : []));
};

describe('Manager.shutdown', () => {
  it('in order: not ready at once, the reconcile in flight given its grace, then the lease released, the HTTP server closed last', async () => {
    const { manager, clock, leases, config, port, timeline } = await leading();
    expect(await leaderGauge(port)).toBe(1);
    const began = clock.now();
    let over = false;
    const stopping = manager.shutdown('SIGTERM').then(() => (over = true));
    await flushPromises();
    expect(await httpStatus(port, '/readyz')).toBe(503);
    expect(await httpStatus(port, '/healthz')).toBe(200);
    // The reconcile runs on for the grace period (it may finish by itself meanwhile); the lease stays held.
    await clock.advance(config.shutdownTimeoutMs - 100);
    expect(timeline.map((t) => t.what)).not.toContain('aborted ns/a');
    expect(leases.record?.holderIdentity).toBe(manager.identity);
    await clock.advanceUntil(() => over, { stepMs: 100, limitMs: 10_000 });
    await stopping;
    expect(timeline.find((t) => t.what === 'aborted ns/a')?.at).toBe(began + config.shutdownTimeoutMs);
    expect(leases.log.at(-1)).toBe('update '); // released: no holder, a standby takes it at its next poll
    expect(await httpStatus(port, '/readyz')).toBe('closed');
    await expect(manager.done).resolves.toBeUndefined();
    expect(manager.isLeader()).toBe(false);
  });

  it('runs once however often it is asked', async () => {
    const { manager, clock, leases } = await leading();
    const first = manager.shutdown('SIGTERM');
    const second = manager.shutdown('SIGINT');
    expect(second).toBe(first);
    let over = false;
    void first.then(() => (over = true));
    await clock.advanceUntil(() => over, { stepMs: 1_000, limitMs: 600_000 });
    expect(leases.log.filter((l) => l === 'update ')).toHaveLength(1);
  });
});

describe('Manager: leadership lost while the process lives on', () => {
  it('another replica takes the Lease: the renew that sees it stops the controllers at once, nothing is written after', async () => {
    const { manager, clock, leases, le, timeline, tunnelSource } = await leading();
    await clock.advance(1_000);
    leases.giveTo('other', clock.now());
    const leaseCallsAtTakeover = leases.log.length;
    const lost = await clock.advanceUntil(() => !manager.isLeader(), { stepMs: 1, limitMs: le.retryPeriodMs });
    // Seen at the first renew after the takeover (a leader renews every retry period); in that same instant the
    // in-flight reconcile's signal aborted and the controller stopped taking keys.
    expect(lost).toBeLessThanOrEqual(le.retryPeriodMs);
    expect(timeline.find((t) => t.what === 'aborted ns/a')?.at).toBe(clock.now());
    expect(manager.operator.controller('tunnel')!.running).toBe(false);
    tunnelSource.current.emit('ADDED', tunnel('b')); // a change after the loss: queued for a later term only
    for (let renewals = 0; renewals < 15; renewals++) {
      leases.giveTo('other', clock.now()); // the other replica renews its lease
      await clock.advance(le.retryPeriodMs);
    }
    expect(writesAfter(timeline, 'aborted ns/a')).toEqual([]);
    expect(manager.isLeader()).toBe(false);
    // While another replica holds the Lease, a standby only reads it.
    expect(leases.log.slice(leaseCallsAtTakeover).filter((call) => call !== 'get')).toEqual([]);
    expect(leases.record?.holderIdentity).toBe('other');
  });

  it('renewals fail: the controllers stop exactly renew-deadline after the last successful renew began, not before', async () => {
    const { manager, clock, leases, le, timeline } = await leading();
    await clock.advance(3_000); // renewed at 0 and 2 s
    const lastRenewAt = clock.now() - 1_000;
    expect(leases.log.filter((c) => c.startsWith('update'))).toHaveLength(1);
    leases.failNext = 1_000; // the API server is unreachable from here on
    await clock.advanceUntil(() => !manager.isLeader(), { stepMs: 1, limitMs: le.leaseDurationMs });
    expect(clock.now()).toBe(lastRenewAt + le.renewDeadlineMs);
    expect(timeline.find((t) => t.what === 'aborted ns/a')?.at).toBe(clock.now());
    // Leading, and writing, right up to the deadline.
    const writes = timeline.filter((t) => t.what.startsWith('write'));
    expect(writes.at(-1)!.at).toBeGreaterThanOrEqual(clock.now() - 100);
    await clock.advance(le.leaseDurationMs);
    expect(writesAfter(timeline, 'aborted ns/a')).toEqual([]);
  });
});
