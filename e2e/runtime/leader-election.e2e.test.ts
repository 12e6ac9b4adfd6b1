// Two operator processes on one Lease: exactly one leads and reconciles; killing it hands over once its lease has
// expired; a graceful stop releases the lease so that a standby takes it without waiting for expiry; a leader
// whose Lease is given to another replica while it lives stops writing at once. Every wait is a condition with a
// bound; what happened to the Lease and the objects is read from the API server's watch, not from timings.
import { CoordinationV1Api, type V1Lease } from '@kubernetes/client-node';
import { createKubeTransport } from '../../src/runtime/kube-client.js';
import { kubeLeaseApi } from '../../src/runtime/lease-api.js';
import { adminKubeConfig, createTestNamespace, waitFor, type TestNamespace } from '../support/cluster.js';
import type { Probe } from './fixture-operator.js';
import {
  FixtureOperatorProcess,
  customObjects,
  ensureCrd,
  reconciledKeys,
  takeover,
  watchHistory,
  type WatchHistory,
} from './harness.js';
import type { OperatorLogLine } from '../support/log-scan.js';
import { FIXTURE_GROUP, PROBE, flakyCrd, probeCrd } from './resources.js';

// jest reads testTimeout only from the top-level config, not from a project: set it per test.
const TEST_TIMEOUT_MS = 180_000;

const kc = adminKubeConfig();
const api = customObjects();
const leases = kc.makeApiClient(CoordinationV1Api);

const LEASE_NAME = 'runtime-e2e-leader';
const TIMINGS = { LEASE_DURATION: '4s', RENEW_DEADLINE: '2500ms', RETRY_PERIOD: '500ms' };

const createProbe = (namespace: string, name: string, message = name): Promise<unknown> =>
  api.createNamespacedCustomObject({
    group: FIXTURE_GROUP,
    version: 'v1',
    namespace,
    plural: PROBE.plural,
    body: { apiVersion: `${FIXTURE_GROUP}/v1`, kind: 'Probe', metadata: { name }, spec: { message } },
  });

const leader = (all: FixtureOperatorProcess[]): FixtureOperatorProcess[] =>
  all.filter(
    (p) => p.alive && p.count((l) => l.message === 'became leader') > p.count((l) => l.message === 'stopped leading'),
  );

async function holder(namespace: string): Promise<string | undefined> {
  const lease = await leases.readNamespacedLease({ name: LEASE_NAME, namespace });
  return lease.spec?.holderIdentity || undefined;
}

/** Makes `identity` the holder, renewed now, as a person editing the Lease would; retried on conflict. */
async function giveLease(namespace: string, identity: string): Promise<void> {
  const lease = kubeLeaseApi(createKubeTransport(kc), namespace, LEASE_NAME);
  await waitFor(
    async () => {
      const current = await lease.get(AbortSignal.timeout(10_000));
      if (!current) throw new Error('no Lease');
      await lease.update({ ...current, holderIdentity: identity, renewTime: Date.now() }, AbortSignal.timeout(10_000));
      return true;
    },
    { description: `the Lease given to ${identity}` },
  );
}

const statusWrites = (p: FixtureOperatorProcess): OperatorLogLine[] =>
  p.logs.filter((l) => l.message === 'probe status write');

describe('leader election between two operator processes', () => {
  let ns: TestNamespace;
  let leaseHistory: WatchHistory<V1Lease>;
  const processes: FixtureOperatorProcess[] = [];

  const start = (name: string): FixtureOperatorProcess => {
    const p = new FixtureOperatorProcess({ name, namespace: ns.name, env: TIMINGS });
    processes.push(p);
    return p;
  };

  const ready = (p: FixtureOperatorProcess): Promise<boolean> =>
    waitFor(async () => (await p.http('/readyz')).status === 200, { description: `${p.options.name} ready` });

  beforeAll(async () => {
    await ensureCrd(kc, probeCrd);
    await ensureCrd(kc, flakyCrd);
    ns = await createTestNamespace('rt-leader');
    leaseHistory = await watchHistory<V1Lease>(
      `/apis/coordination.k8s.io/v1/namespaces/${ns.name}/leases`,
      `metadata.name=${LEASE_NAME}`,
    );
  }, TEST_TIMEOUT_MS);

  afterAll(async () => {
    leaseHistory?.stop();
    await Promise.all(processes.map((p) => p.dispose()));
    await ns?.delete();
  }, TEST_TIMEOUT_MS);

  it(
    'elects exactly one leader; only it reconciles; both are ready',
    async () => {
      const a = start('op-a');
      const b = start('op-b');
      await waitFor(() => Promise.resolve(leader([a, b]).length === 1), {
        description: 'one leader',
        timeoutMs: 30_000,
      });
      await ready(a);
      await ready(b);
      const [lead] = leader([a, b]);
      const standby = lead === a ? b : a;
      expect(await holder(ns.name)).toBe(await lead!.identity());

      await createProbe(ns.name, 'one');
      await lead!.waitForLog(
        (l) => l.message === 'probe reconciled' && l.key === `${ns.name}/one`,
        'leader reconciles',
      );
      // The standby saw the change too and holds the key in its queue, but has no worker to reconcile it.
      await waitFor(async () => (await standby.metric('cloudflare_operator_workqueue_depth', 'name="probe"')) >= 1, {
        description: 'the standby queues the probe',
      });
      expect(reconciledKeys(standby, 'probe')).toEqual([]);
      expect(await standby.metric('cloudflare_operator_leader')).toBe(0);
      expect(await lead!.metric('cloudflare_operator_leader')).toBe(1);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'hands over to the standby once the killed leader’s lease has expired, not before',
    async () => {
      const [lead] = leader(processes);
      const standby = processes.find((p) => p !== lead && p.alive)!;
      const deadIdentity = await lead!.identity();
      lead!.kill('SIGKILL');
      await lead!.waitForExit();
      await standby.waitForLog((l) => l.message === 'became leader', 'standby takes over', 30_000);
      const { records, at } = takeover(leaseHistory, await standby.identity());
      // Taken from the dead leader's own lease (it could not release it), and only once that had expired: the
      // standby's acquireTime is at least the lease duration after the last renewTime the dead leader wrote.
      const lastRenew = records[at - 1]!;
      expect(lastRenew.holderIdentity).toBe(deadIdentity);
      expect(records[at]!.acquireTime! - lastRenew.renewTime!).toBeGreaterThanOrEqual(
        lastRenew.leaseDurationSeconds * 1000,
      );
      expect(records[at]!.leaseTransitions).toBe(lastRenew.leaseTransitions + 1);
      await createProbe(ns.name, 'two');
      await standby.waitForLog(
        (l) => l.message === 'probe reconciled' && l.key === `${ns.name}/two`,
        'new leader reconciles',
      );
      expect(leader(processes)).toEqual([standby]);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'releases the lease on SIGTERM so that a standby takes it without waiting for it to expire',
    async () => {
      const [lead] = leader(processes);
      const next = start('op-c');
      await ready(next);
      expect(leader(processes)).toEqual([lead]);
      lead!.kill('SIGTERM');
      await lead!.waitForExit();
      expect(lead!.exitCode).toBe(0);
      expect(lead!.logs.map((l) => l.message)).toContain('released the lease');
      await next.waitForLog((l) => l.message === 'became leader', 'op-c takes over', 10_000);
      // The version before op-c's is the released one: free (no holder), so op-c took it at its next look.
      const { records, at } = takeover(leaseHistory, await next.identity());
      expect(records[at - 1]).toMatchObject({ holderIdentity: '', leaseDurationSeconds: 1 });
      expect(leader(processes)).toEqual([next]);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'a leader whose Lease is given to another replica while it lives stops writing at once',
    async () => {
      const [old] = leader(processes);
      const next = start('op-d');
      await ready(next);
      const ticker = await watchHistory<Probe>(
        `/apis/${FIXTURE_GROUP}/v1/namespaces/${ns.name}/probes`,
        'metadata.name=ticker',
      );
      try {
        await createProbe(ns.name, 'ticker', 'tick'); // rewritten by the leader every 200 ms
        const writtenBy = (p: FixtureOperatorProcess): Probe[] =>
          ticker.versions.filter((v) => v.status?.writer === p.options.name && v.status.ticks !== undefined);
        await waitFor(() => Promise.resolve(writtenBy(old!).length >= 3), { description: 'the leader ticks' });

        await giveLease(ns.name, await next.identity());
        await old!.waitForLog(
          (l) => l.message === 'stopped leading' && l.reason === 'another replica holds the lease',
          'the old leader steps down',
        );
        await next.waitForLog((l) => l.message === 'became leader', 'the new holder leads');
        const steppedDown = old!.logs.findLastIndex((l) => l.message === 'stopped leading');
        // Long enough for a leader that kept going to show: the new one writes 5 ticks, and the old one, alive,
        // receives each of those changes through its watch.
        const seen = await old!.metric('cloudflare_operator_watch_events_total', 'probes');
        const ticksOfNext = writtenBy(next).length;
        await waitFor(
          async () =>
            writtenBy(next).length >= ticksOfNext + 5 &&
            (await old!.metric('cloudflare_operator_watch_events_total', 'probes')) >= seen + 5,
          { description: 'the new leader ticks, the old one sees it' },
        );

        // The old leader sent no write after stepping down (each write is logged before it is sent) ...
        expect(old!.logs.slice(steppedDown).filter((l) => l.message === 'probe status write')).toEqual([]);
        // ... and every version the API server holds from it is one of those it sent before.
        expect(ticker.ended()).toBeUndefined();
        const sentBefore = new Set(statusWrites(old!).map((l) => l.ticks));
        expect(writtenBy(old!).filter((v) => !sentBefore.has(v.status!.ticks))).toEqual([]);
        expect(await holder(ns.name)).toBe(await next.identity());
        expect(await old!.metric('cloudflare_operator_leader')).toBe(0);
        expect(leader(processes)).toEqual([next]);
      } finally {
        ticker.stop();
      }
    },
    TEST_TIMEOUT_MS,
  );
});
