// Chaos: Services created, edited and deleted at random across two Tunnels (one per config mode) and a ClusterTunnel,
// while the emulator fails a fifth of the Cloudflare calls (5xx before and after the change is committed, 429 with
// Retry-After, calls that never answer), the operator is SIGKILLed every few seconds and started again, and the API
// server is restarted once. Then the emulator and the cluster must match the desired state exactly. Seeded: the seed is
// printed, and CHAOS_SEED=<seed> replays the same workload and faults (the timing of kills still varies).
// The short variant runs in CI; `CHAOS=long npm run test:e2e -- e2e/chaos` runs 300 Services for minutes.
import { setTimeout as delay } from 'node:timers/promises';
import type { FaultRule } from '../../test/cloudflare-emulator/index.js';
import { startEmulator, type RunningEmulator } from '../../test/cloudflare-emulator/index.js';
import { CLUSTER_TUNNEL, SECRET, TUNNEL } from '../../src/controllers/shared/resources.js';
import { resourcePath } from '../../src/runtime/kube-client.js';
import {
  adminKubeConfig,
  createTestNamespace,
  restartApiServer,
  waitFor,
  type TestNamespace,
} from '../support/cluster.js';
import { SimulatedCloudflared } from '../support/simulated-cloudflared.js';
import { endStateDifferences, type ExpectedTunnel } from '../services/end-state.js';
import { SERVICE, serviceObject } from '../services/support.js';
import {
  ACCOUNT,
  API_TOKEN,
  OperatorProcess,
  apiSecret,
  client,
  create,
  installCrds,
  remove,
  tunnelObject,
  waitGone,
} from '../tunnel/support.js';
import { seededRandom } from '../../src/runtime/testing/fake-clock.js';
import { annotationsOf, targetKey, Workload, type Step } from './workload.js';

const LONG = process.env.CHAOS === 'long';
const SEED = Number(process.env.CHAOS_SEED ?? Math.floor(Math.random() * 2 ** 31));
const SIZE = LONG
  ? { services: 300, steps: 1500, chaosMs: 240_000, convergeMs: 600_000 }
  : { services: 60, steps: 240, chaosMs: 30_000, convergeMs: 180_000 };
const TEST_TIMEOUT_MS = SIZE.chaosMs + SIZE.convergeMs + 300_000;
/** The operator is SIGKILLed after living this long, drawn at random. */
const LIFETIME_MS = { min: 3_000, max: 7_000 };

/** About 20% of calls fail: the first rule that fires decides (1 − 0.94·0.95·0.95·0.97·0.98 ≈ 0.19). */
const FAULTS: FaultRule[] = [
  { probability: 0.06, status: [500, 502, 503, 504] },
  { probability: 0.05, status: [502, 504], afterCommit: true },
  { probability: 0.05, status: 429, retryAfterSeconds: 1 },
  { probability: 0.03, hang: true },
  { probability: 0.02, hang: true, afterCommit: true },
];
/** Hung calls are abandoned after this (--cloudflare-timeout), so a hang costs seconds, not the default 30. */
const CLOUDFLARE_TIMEOUT = '2s';

const cloudflare = (secret: string) => ({
  accountId: ACCOUNT,
  credentialsSecretRef: { name: secret },
  zones: ['example.com'],
});

let emulator: RunningEmulator;
let namespaces: { pushed: TestNamespace; rolled: TestNamespace };
let opNs: TestNamespace;
let cloudflared: SimulatedCloudflared;
let operator: OperatorProcess;
const stopKilling = new AbortController();
let killing: Promise<number> | undefined;
const CLUSTER_TUNNEL_NAME = `chaos-${SEED}`;

function startOperator(): OperatorProcess {
  operator = new OperatorProcess(opNs.name, emulator.apiBaseUrl, {
    CLOUDFLARE_TIMEOUT,
    LOG_LEVEL: 'info',
    WATCH_NAMESPACES: [namespaces.pushed.name, namespaces.rolled.name, opNs.name].join(','),
  });
  return operator;
}

const tunnels = (): ExpectedTunnel[] => [
  { type: TUNNEL, namespace: namespaces.pushed.name, name: 'pushed', configSource: 'cloudflare', hostnames: [] },
  { type: TUNNEL, namespace: namespaces.rolled.name, name: 'rolled', configSource: 'local', hostnames: [] },
  { type: CLUSTER_TUNNEL, name: CLUSTER_TUNNEL_NAME, configSource: 'cloudflare', hostnames: [] },
];

/**
 * A request to the API server, retried while it restarts (connection refused, 5xx, 429). `settled` statuses
 * count as done: a create answered 409, or a delete 404, after a first attempt whose answer was lost.
 */
async function persistently(what: string, call: () => Promise<unknown>, settled: number[] = []): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await call();
      return;
    } catch (err: unknown) {
      const code = (err as { code?: unknown }).code;
      const status = typeof code === 'number' ? code : undefined;
      if (status !== undefined && settled.includes(status)) return;
      const retriable = status === undefined || status >= 500 || status === 429;
      if (!retriable || attempt >= 240) throw new Error(`${what}: ${String(err)}`, { cause: err });
      await delay(250); // the API server is restarting: try again shortly
    }
  }
}

function carryOut(step: Step): Promise<void> {
  const { namespace, name } = step.service;
  const what = `${step.op} Service ${namespace}/${name}`;
  if (step.op === 'create') {
    const annotations = Object.fromEntries(
      Object.entries(annotationsOf(step.service)).filter((e): e is [string, string] => e[1] !== null),
    );
    return persistently(what, () => create(SERVICE, serviceObject(namespace, name, annotations)), [409]);
  }
  if (step.op === 'delete') return persistently(what, () => remove(SERVICE, namespace, name), [404]);
  return persistently(what, () =>
    client.transport.request({
      method: 'PATCH',
      path: resourcePath(SERVICE, namespace, name),
      body: { metadata: { annotations: annotationsOf(step.service) } },
      contentType: 'application/merge-patch+json',
    }),
  );
}

/** SIGKILLs the operator after a random lifetime and starts another, until stopped. */
async function killEveryFewSeconds(random: () => number, stop: AbortSignal): Promise<number> {
  let kills = 0;
  while (!stop.aborted) {
    const lifetime = LIFETIME_MS.min + random() * (LIFETIME_MS.max - LIFETIME_MS.min);
    const stopped = await delay(lifetime, false, { signal: stop }).catch(() => true);
    if (stopped) break;
    await operator.kill();
    startOperator();
    kills++;
  }
  return kills;
}

function expectedEndState(workload: Workload): ExpectedTunnel[] {
  const wanted = workload.expected();
  return tunnels().map((t) => {
    const key =
      t.type === TUNNEL
        ? targetKey(t.namespace ?? '', { annotation: 'tunnel', name: t.name })
        : targetKey('', { annotation: 'cluster-tunnel', name: t.name });
    return { ...t, hostnames: wanted.get(key) ?? [] };
  });
}

beforeAll(async () => {
  process.stderr.write(`chaos: seed ${SEED} (${LONG ? 'long' : 'short'}); replay with CHAOS_SEED=${SEED}\n`);
  await installCrds();
  emulator = await startEmulator({ rngSeed: SEED });
  namespaces = { pushed: await createTestNamespace('chaos-p'), rolled: await createTestNamespace('chaos-r') };
  opNs = await createTestNamespace('operator');
  const watched = [namespaces.pushed.name, namespaces.rolled.name, opNs.name];
  cloudflared = SimulatedCloudflared.start(emulator.control, adminKubeConfig(), watched);
  for (const ns of watched) await create(SECRET, apiSecret(ns, 'cf', API_TOKEN));
}, TEST_TIMEOUT_MS);

/**
 * Deletes the namespace's Services now, not while the namespace terminates during the next test files, whose
 * operators watch every namespace and would have hundreds of annotated Services to go through.
 */
async function removeServices(namespace: string): Promise<void> {
  const services = (await client.list(SERVICE, { namespace }).catch(() => undefined))?.items ?? [];
  await Promise.all(services.map((s) => remove(SERVICE, namespace, s.metadata?.name ?? '').catch(() => undefined)));
}

// Tunnels go while an operator still runs (and before the namespaces): a finalized Tunnel would hold its namespace.
afterAll(async () => {
  stopKilling.abort();
  await killing;
  await emulator?.control.clearFaults();
  for (const t of tunnels()) await remove(t.type, t.namespace, t.name).catch(() => undefined);
  for (const t of tunnels()) await waitGone(t.type, t.namespace, t.name).catch(() => undefined);
  await operator?.stop();
  await cloudflared?.stop();
  await emulator?.close();
  for (const ns of [namespaces?.pushed, namespaces?.rolled]) if (ns) await removeServices(ns.name);
  for (const ns of [namespaces?.pushed, namespaces?.rolled, opNs]) await ns?.delete();
}, TEST_TIMEOUT_MS);

/** Runs `body`; a failure names the seed that replays it. */
async function seeded(body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (err: unknown) {
    const message = err instanceof Error ? err.message : String(err);
    throw new Error(`chaos seed ${SEED} (replay: CHAOS_SEED=${SEED} npm run test:e2e -- e2e/chaos): ${message}`, {
      cause: err,
    });
  }
}

it(
  'random Service changes under Cloudflare faults, operator kills and an API server restart end in the exact state',
  () =>
    seeded(async () => {
      const random = seededRandom(SEED);
      const workload = new Workload(
        {
          namespaces: [
            { namespace: namespaces.pushed.name, tunnel: 'pushed' },
            { namespace: namespaces.rolled.name, tunnel: 'rolled' },
          ],
          clusterTunnel: CLUSTER_TUNNEL_NAME,
          zone: 'example.com',
          maxServices: SIZE.services,
        },
        random,
      );
      for (const rule of FAULTS) await emulator.control.addFault(rule);
      startOperator();
      killing = killEveryFewSeconds(seededRandom(SEED + 1), stopKilling.signal);
      for (const t of tunnels()) {
        const spec = { cloudflare: cloudflare('cf'), configSource: t.configSource };
        await create(t.type, tunnelObject(t.type.kind as 'Tunnel' | 'ClusterTunnel', t.name, t.namespace, spec));
      }

      const started = Date.now();
      const pace = SIZE.chaosMs / SIZE.steps;
      let apiServerRestart: Promise<void> | undefined;
      const changes: Record<string, number> = {};
      for (let i = 0; i < SIZE.steps; i++) {
        if (i === Math.floor(SIZE.steps / 2)) apiServerRestart = restartApiServer();
        const step = workload.next();
        const kind = step.op === 'edit' ? step.change : step.op;
        changes[kind] = (changes[kind] ?? 0) + 1;
        await carryOut(step);
        await delay(random() * 2 * pace); // spread the steps over the chaos window
      }
      await apiServerRestart;
      stopKilling.abort();
      const kills = await killing;
      process.stderr.write(
        `chaos: ${SIZE.steps} steps in ${Date.now() - started} ms (${JSON.stringify(changes)}), ` +
          `${workload.liveServices} Services left, ${kills} operator kills, one API server restart\n`,
      );

      // The faults stay on: the operator must converge through them.
      const expected = expectedEndState(workload);
      const converging = Date.now();
      let last: string[] = [];
      await waitFor(async () => (last = await endStateDifferences(emulator, expected, opNs.name)).length === 0, {
        description: 'the exact end state',
        giveUpIf: operator.gone,
        timeoutMs: SIZE.convergeMs,
        intervalMs: 1_000,
      }).catch((err: unknown) => {
        throw new Error(`${(err as Error).message}; still different: ${last.join('; ')}`, { cause: err });
      });
      const hostnames = expected.reduce((n, t) => n + t.hostnames.length, 0);
      const calls = (await emulator.control.calls()).total;
      const fired = (await emulator.control.faults()).map((f) => f.hits);
      const failed = fired.reduce((a, b) => a + b, 0);
      process.stderr.write(
        `chaos: exact after ${Date.now() - converging} ms: ${hostnames} hostnames, 3 tunnels; ` +
          `${failed} of ${calls} Cloudflare calls failed by injection (per rule: ${fired.join('/')})\n`,
      );
      expect(last).toEqual([]);
      expect(failed / calls).toBeGreaterThan(0.1); // the faults really were there
    }),
  TEST_TIMEOUT_MS,
);

it(
  'deleting the tunnels under the same faults leaves no tunnel and no record in Cloudflare',
  () =>
    seeded(async () => {
      for (const t of tunnels()) await remove(t.type, t.namespace, t.name);
      for (const t of tunnels()) await waitGone(t.type, t.namespace, t.name, operator);
      const state = await emulator.control.state();
      expect(state.tunnels.filter((t) => !t.deletedAt).map((t) => t.name)).toEqual([]);
      expect(state.records.map((r) => r.name)).toEqual([]);
    }),
  TEST_TIMEOUT_MS,
);
