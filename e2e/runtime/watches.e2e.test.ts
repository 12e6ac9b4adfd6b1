// The runtime against a real API server: the finalizer and status helpers, watches that survive an API server
// restart, and a watch error (its CRD deleted under it) that never kills the process.
import {
  adminKubeConfig,
  createTestNamespace,
  restartApiServer,
  waitFor,
  type TestNamespace,
} from '../support/cluster.js';
import { FixtureOperatorProcess, customObjects, deleteCrd, ensureCrd, reconciledKeys } from './harness.js';
import { FIXTURE_FINALIZER, FLAKY, FIXTURE_GROUP, PROBE, flakyCrd, probeCrd } from './resources.js';

// jest reads testTimeout only from the top-level config, not from a project: set it per test.
const TEST_TIMEOUT_MS = 180_000;

const kc = adminKubeConfig();
const api = customObjects();

interface Probe {
  metadata: { name: string; generation?: number; finalizers?: string[] };
  status?: { message?: string; conditions?: { type: string; status: string; observedGeneration?: number }[] };
}

const createProbe = (namespace: string, name: string, message = 'hi'): Promise<unknown> =>
  api.createNamespacedCustomObject({
    group: FIXTURE_GROUP,
    version: 'v1',
    namespace,
    plural: PROBE.plural,
    body: { apiVersion: `${FIXTURE_GROUP}/v1`, kind: 'Probe', metadata: { name }, spec: { message } },
  });

const readProbe = async (namespace: string, name: string): Promise<Probe> =>
  (await api.getNamespacedCustomObject({
    group: FIXTURE_GROUP,
    version: 'v1',
    namespace,
    plural: PROBE.plural,
    name,
  })) as Probe;

const createFlaky = (namespace: string, name: string): Promise<unknown> =>
  api.createNamespacedCustomObject({
    group: FIXTURE_GROUP,
    version: 'v1',
    namespace,
    plural: FLAKY.plural,
    body: { apiVersion: `${FIXTURE_GROUP}/v1`, kind: 'Flaky', metadata: { name } },
  });

/** Waits until the probe's status reports Ready for its current generation. */
async function probeReady(namespace: string, name: string, timeoutMs = 30_000): Promise<Probe> {
  return waitFor(
    async () => {
      const probe = await readProbe(namespace, name);
      const ready = probe.status?.conditions?.find((c) => c.type === 'Ready');
      return ready?.status === 'True' && ready.observedGeneration === probe.metadata.generation ? probe : undefined;
    },
    { description: `probe ${name} ready`, timeoutMs },
  );
}

/** How many times the Probe watch has been (re)established, from /metrics. */
async function watchStarts(operator: FixtureOperatorProcess): Promise<number> {
  const metrics = (await operator.http('/metrics')).body;
  const line = metrics
    .split('\n')
    .find((l) =>
      l.startsWith(`cloudflare_operator_watch_restarts_total{resource="probes.${FIXTURE_GROUP}/v1",kind="watch"}`),
    );
  return Number(line?.split(' ').pop() ?? 'NaN');
}

describe('runtime against a real API server', () => {
  let ns: TestNamespace;
  let operator: FixtureOperatorProcess;

  beforeAll(async () => {
    await ensureCrd(kc, probeCrd);
    await ensureCrd(kc, flakyCrd);
    ns = await createTestNamespace('rt-watch');
    operator = new FixtureOperatorProcess({ name: 'op-watch', namespace: ns.name, env: { LEADER_ELECT: 'false' } });
    await waitFor(async () => (await operator.http('/readyz')).status === 200, { description: 'operator ready' });
  }, TEST_TIMEOUT_MS);

  afterAll(async () => {
    await operator?.dispose();
    await ns?.delete();
  }, TEST_TIMEOUT_MS);

  it(
    'adds its finalizer, writes status with observedGeneration, and cleans up on deletion',
    async () => {
      await createProbe(ns.name, 'p1', 'first');
      const ready = await probeReady(ns.name, 'p1');
      expect(ready.metadata.finalizers).toEqual([FIXTURE_FINALIZER]);
      expect(ready.status?.message).toBe('first');

      await api.patchNamespacedCustomObject({
        group: FIXTURE_GROUP,
        version: 'v1',
        namespace: ns.name,
        plural: PROBE.plural,
        name: 'p1',
        body: [{ op: 'replace', path: '/spec/message', value: 'second' }],
      });
      const updated = await probeReady(ns.name, 'p1');
      expect(updated.metadata.generation).toBe(2);
      expect(updated.status?.message).toBe('second');

      await api.deleteNamespacedCustomObject({
        group: FIXTURE_GROUP,
        version: 'v1',
        namespace: ns.name,
        plural: PROBE.plural,
        name: 'p1',
      });
      await waitFor(
        () =>
          readProbe(ns.name, 'p1').then(
            () => false,
            (err: unknown) => (err as { code?: number }).code === 404,
          ),
        { description: 'p1 deleted (finalizer removed)' },
      );
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'serves /healthz, /readyz and /metrics with the runtime series',
    async () => {
      expect((await operator.http('/healthz')).status).toBe(200);
      expect(await operator.http('/readyz')).toEqual({ status: 200, body: 'ok\n' });
      const metrics = (await operator.http('/metrics')).body;
      expect(metrics).toMatch(/cloudflare_operator_reconcile_total\{controller="probe",result="success"\} [1-9]/);
      expect(metrics).toContain('cloudflare_operator_reconcile_total{controller="flaky",result="error"} 0');
      expect(metrics).toContain('cloudflare_operator_leader 1');
      expect(metrics).toContain('process_resident_memory_bytes');
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'keeps watching after the API server restarts',
    async () => {
      await createProbe(ns.name, 'before-restart');
      await probeReady(ns.name, 'before-restart');
      const watchesBefore = await watchStarts(operator);

      await restartApiServer();

      // Created after the restart: only a watch that came back can see it.
      await waitFor(() => createProbe(ns.name, 'after-restart').then(() => true), {
        description: 'create after restart',
        timeoutMs: 60_000,
      });
      await probeReady(ns.name, 'after-restart', 60_000);
      await createFlaky(ns.name, 'after-restart');
      await operator.waitForLog(
        (l) => l.message === 'flaky reconciled' && l.key === `${ns.name}/after-restart`,
        'flaky after restart',
      );
      expect(operator.alive).toBe(true);
      expect(await watchStarts(operator)).toBeGreaterThan(watchesBefore); // it re-watched; nothing restarted it
      expect((await operator.http('/readyz')).status).toBe(200);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'survives its watched resource disappearing (a watch error) and resumes when it is back',
    async () => {
      await createFlaky(ns.name, 'f1');
      await operator.waitForLog((l) => l.message === 'flaky reconciled' && l.key === `${ns.name}/f1`, 'flaky f1');
      const failuresBefore = operator.count((l) => l.message === 'list/watch failed; retrying');

      await deleteCrd(kc, `${FLAKY.plural}.${FIXTURE_GROUP}`);
      await waitFor(
        () => Promise.resolve(operator.count((l) => l.message === 'list/watch failed; retrying') > failuresBefore),
        {
          description: 'the flaky watch to fail',
          timeoutMs: 60_000,
          giveUpIf: () => (operator.alive ? undefined : 'exited'),
        },
      );
      expect(operator.alive).toBe(true);
      expect((await operator.http('/healthz')).status).toBe(200);

      await ensureCrd(kc, flakyCrd);
      await waitFor(() => createFlaky(ns.name, 'f2').then(() => true), { description: 'create f2', timeoutMs: 30_000 });
      await operator.waitForLog(
        (l) => l.message === 'flaky reconciled' && l.key === `${ns.name}/f2`,
        'flaky f2 after the CRD came back',
        60_000,
      );
      // The probe controller was never disturbed.
      await createProbe(ns.name, 'still-fine');
      await probeReady(ns.name, 'still-fine');
      expect(operator.alive).toBe(true);
      expect(reconciledKeys(operator, 'flaky')).toContain(`${ns.name}/f2`);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'shuts down gracefully on SIGTERM',
    async () => {
      operator.kill('SIGTERM');
      await operator.waitForExit();
      expect(operator.exitCode).toBe(0);
      const messages = operator.logs.map((l) => l.message);
      expect(messages).toContain('shutting down');
      expect(messages.at(-1)).toBe('shut down');
    },
    TEST_TIMEOUT_MS,
  );
});
