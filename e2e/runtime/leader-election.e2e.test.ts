// Two operator processes on one Lease: exactly one leads and reconciles; killing it hands over within the
// lease duration (plus one poll); a graceful stop releases the lease so the other takes over at once.
import { CoordinationV1Api } from '@kubernetes/client-node';
import { adminKubeConfig, createTestNamespace, waitFor, type TestNamespace } from '../support/cluster.js';
import { OperatorProcess, customObjects, ensureCrd, reconciledKeys } from './harness.js';
import { GROUP, PROBE, flakyCrd, probeCrd } from './resources.js';

// jest reads testTimeout only from the top-level config, not from a project: set it per test.
const TEST_TIMEOUT_MS = 180_000;

const kc = adminKubeConfig();
const api = customObjects();
const leases = kc.makeApiClient(CoordinationV1Api);

const LEASE_MS = 4_000;
const RETRY_MS = 500;
const TIMINGS = { LEASE_DURATION: '4s', RENEW_DEADLINE: '2500ms', RETRY_PERIOD: '500ms' };

const createProbe = (namespace: string, name: string): Promise<unknown> =>
  api.createNamespacedCustomObject({
    group: GROUP,
    version: 'v1',
    namespace,
    plural: PROBE.plural,
    body: { apiVersion: `${GROUP}/v1`, kind: 'Probe', metadata: { name }, spec: { message: name } },
  });

const leader = (all: OperatorProcess[]): OperatorProcess[] =>
  all.filter(
    (p) => p.alive && p.count((l) => l.message === 'became leader') > p.count((l) => l.message === 'stopped leading'),
  );

async function holder(namespace: string): Promise<string | undefined> {
  const lease = await leases.readNamespacedLease({ name: 'runtime-e2e-leader', namespace });
  return lease.spec?.holderIdentity || undefined;
}

describe('leader election between two operator processes', () => {
  let ns: TestNamespace;
  const processes: OperatorProcess[] = [];

  const start = (name: string): OperatorProcess => {
    const p = new OperatorProcess({ name, namespace: ns.name, env: TIMINGS });
    processes.push(p);
    return p;
  };

  beforeAll(async () => {
    await ensureCrd(kc, probeCrd);
    await ensureCrd(kc, flakyCrd);
    ns = await createTestNamespace('rt-leader');
  }, TEST_TIMEOUT_MS);

  afterAll(async () => {
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
      await waitFor(async () => (await a.http('/readyz')).status === 200 && (await b.http('/readyz')).status === 200, {
        description: 'both ready (leader and standby)',
      });
      const [lead] = leader([a, b]);
      const standby = lead === a ? b : a;
      const identity = lead!.logs.find((l) => l.message === 'became leader')?.identity;
      expect(await holder(ns.name)).toBe(identity);

      await createProbe(ns.name, 'one');
      await lead!.waitForLog(
        (l) => l.message === 'probe reconciled' && l.key === `${ns.name}/one`,
        'leader reconciles',
      );
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      expect(reconciledKeys(standby, 'probe')).toEqual([]);
      expect((await standby.http('/metrics')).body).toContain('cloudflare_operator_leader 0');
      expect((await lead!.http('/metrics')).body).toContain('cloudflare_operator_leader 1');
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'hands over within the lease duration when the leader is killed',
    async () => {
      const [lead] = leader(processes);
      const standby = processes.find((p) => p !== lead && p.alive)!;
      const killedAt = Date.now();
      lead!.kill('SIGKILL');
      await lead!.waitForExit();
      await standby.waitForLog((l) => l.message === 'became leader', 'standby takes over', 30_000);
      const handover = Date.now() - killedAt;
      process.stderr.write(`leader killed → standby leading after ${handover} ms (lease ${LEASE_MS} ms)\n`);
      // Bound: lease duration + one poll (retry period × 1.2), plus log and polling latency.
      expect(handover).toBeLessThanOrEqual(LEASE_MS + RETRY_MS * 1.2 + 1_500);
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
    'releases the lease on SIGTERM so that a standby takes over at once',
    async () => {
      const [lead] = leader(processes);
      const next = start('op-c');
      await waitFor(async () => (await next.http('/readyz')).status === 200, { description: 'op-c ready' });
      expect(leader(processes)).toEqual([lead]);
      lead!.kill('SIGTERM');
      await lead!.waitForExit();
      expect(lead!.exitCode).toBe(0);
      expect(lead!.logs.map((l) => l.message)).toContain('released the lease');
      const releasedAt = Date.now();
      await next.waitForLog((l) => l.message === 'became leader', 'op-c takes over', 10_000);
      process.stderr.write(`lease released → standby leading after ${Date.now() - releasedAt} ms\n`);
      expect(Date.now() - releasedAt).toBeLessThan(LEASE_MS);
      expect(leader(processes)).toEqual([next]);
    },
    TEST_TIMEOUT_MS,
  );
});
