// Many Services at once, and restarts: a burst coalesces into one configuration change per tunnel and batched
// DNS; a restart with everything in place writes nothing; a Service deleted while the operator was down loses its
// record on the next start (no finalizer on users' Services: cleanup is level-triggered).
import { jest } from '@jest/globals';
import type { V1Deployment } from '@kubernetes/client-node';
import type { TunnelLike } from '../../src/api/types.js';
import { DEPLOYMENT, SECRET, TUNNEL } from '../../src/controllers/shared/resources.js';
import { startEmulator, type RunningEmulator } from '../../test/cloudflare-emulator/index.js';
import { adminKubeConfig, createTestNamespace, waitFor, type TestNamespace } from '../support/cluster.js';
import { SimulatedCloudflared } from '../support/simulated-cloudflared.js';
import {
  ACCOUNT,
  API_TOKEN,
  OperatorProcess,
  apiSecret,
  create,
  getOptional,
  installCrds,
  remove,
  tunnelObject,
  waitForCondition,
  waitGone,
} from '../tunnel/support.js';
import { SERVICE, serviceObject, waitForNoRecord, waitForRecord, writeCalls } from './support.js';

jest.setTimeout(300_000);

const cloudflare = { accountId: ACCOUNT, credentialsSecretRef: { name: 'cf' }, zones: ['example.com'] };
const CONFIG_PUT = 'PUT /accounts/:account_id/cfd_tunnel/:tunnel_id/configurations';
const DNS_BATCH = 'POST /zones/:zone_id/dns_records/batch';
let emulator: RunningEmulator;
let ns: TestNamespace;
let opNs: TestNamespace;
let op: OperatorProcess;
let cloudflared: SimulatedCloudflared;

/** The operator with a coalescing window wide enough that a test's burst is one burst on a busy machine. */
const startOperator = () => new OperatorProcess(opNs.name, emulator.apiBaseUrl, { COALESCE_WINDOW: '3s' });

async function createAll(names: string[], tunnel: string): Promise<void> {
  for (let i = 0; i < names.length; i += 20) {
    await Promise.all(
      names
        .slice(i, i + 20)
        .map((name) => create(SERVICE, serviceObject(ns.name, name, { tunnel, hostnames: `${name}.example.com` }))),
    );
  }
}

async function activeRoutes(name: string): Promise<number> {
  const tunnel = await getOptional<TunnelLike>(TUNNEL, ns.name, name);
  return (tunnel?.status?.routes ?? []).filter((r) => r.state === 'Active').length;
}

function waitForActive(name: string, count: number): Promise<true> {
  return waitFor(async () => ((await activeRoutes(name)) === count ? true : undefined), {
    description: `${name}: ${count} Active routes`,
    giveUpIf: op.gone,
    timeoutMs: 120_000,
  });
}

const revision = async (): Promise<string | undefined> =>
  (await getOptional<V1Deployment>(DEPLOYMENT, ns.name, 'rolled-cloudflared'))?.metadata?.annotations?.[
    'deployment.kubernetes.io/revision'
  ];

beforeAll(async () => {
  await installCrds();
  emulator = await startEmulator();
  ns = await createTestNamespace('scale');
  opNs = await createTestNamespace('operator');
  cloudflared = SimulatedCloudflared.start(emulator.control, adminKubeConfig(), [ns.name]);
  await create(SECRET, apiSecret(ns.name, 'cf', API_TOKEN));
  op = startOperator();
  await create(TUNNEL, tunnelObject('Tunnel', 'pushed', ns.name, { cloudflare, configSource: 'cloudflare' }));
  await create(TUNNEL, tunnelObject('Tunnel', 'rolled', ns.name, { cloudflare, configSource: 'local' }));
  await waitForCondition(TUNNEL, ns.name, 'pushed', { type: 'Ready', status: 'True', op });
  await waitForCondition(TUNNEL, ns.name, 'rolled', { type: 'Ready', status: 'True', op });
});

// Tunnels go while the operator still runs: a namespace deleted with a finalized Tunnel in it would hang.
afterAll(async () => {
  for (const name of ['pushed', 'rolled']) await remove(TUNNEL, ns.name, name).catch(() => undefined);
  for (const name of ['pushed', 'rolled']) await waitGone(TUNNEL, ns.name, name).catch(() => undefined);
  await op?.stop();
  await cloudflared?.stop();
  await emulator?.close();
  await ns?.delete();
  await opNs?.delete();
});

/**
 * Waits until the operator has been idle for both tunnels over a whole interval (their Deployments still report
 * status changes after Ready): a burst must not start while a reconcile that sees only its beginning runs.
 */
async function quiet(): Promise<void> {
  const keys = ['pushed', 'rolled'].map((n) => `${ns.name}/${n}`);
  let last = '';
  await waitFor(
    () => {
      const now = keys.map((k) => op.reconciles(k)).join(',');
      const settled = now === last;
      last = now;
      return Promise.resolve(settled || undefined);
    },
    { description: 'the operator idle', intervalMs: 1000, timeoutMs: 60_000, giveUpIf: op.gone },
  );
}

it('100 Services annotated at once: one configuration change per tunnel, DNS in one batch per tunnel', async () => {
  await quiet();
  const revisionBefore = await revision();
  await emulator.control.clearCalls();
  const pushed = Array.from({ length: 50 }, (_, i) => `p${i}`);
  const rolled = Array.from({ length: 50 }, (_, i) => `r${i}`);
  await Promise.all([createAll(pushed, 'pushed'), createAll(rolled, 'rolled')]);
  await waitForActive('pushed', 50);
  await waitForActive('rolled', 50);
  await waitForCondition(TUNNEL, ns.name, 'rolled', { type: 'DeploymentReady', status: 'True', op });
  const writes = await writeCalls(emulator);
  const counts = {
    configPuts: writes.filter((w) => w === CONFIG_PUT).length,
    dnsBatches: writes.filter((w) => w === DNS_BATCH).length,
    writes: writes.length,
  };
  process.stdout.write(
    `burst of 100 Services: ${JSON.stringify(counts)}, rollouts ${revisionBefore} → ${await revision()}\n`,
  );
  expect(counts).toEqual({ configPuts: 1, dnsBatches: 2, writes: 3 });
  expect(Number(await revision())).toBe(Number(revisionBefore) + 1);
});

it('restart with 200 exposed Services: zero writes to Cloudflare and to the tunnels', async () => {
  await createAll(
    Array.from({ length: 50 }, (_, i) => `q${i}`),
    'pushed',
  );
  await createAll(
    Array.from({ length: 50 }, (_, i) => `s${i}`),
    'rolled',
  );
  await waitForActive('pushed', 100);
  await waitForActive('rolled', 100);
  await waitForCondition(TUNNEL, ns.name, 'rolled', { type: 'DeploymentReady', status: 'True', op });
  await op.stop();
  const before = await Promise.all(['pushed', 'rolled'].map((n) => getOptional<TunnelLike>(TUNNEL, ns.name, n)));
  const deployment = await getOptional<V1Deployment>(DEPLOYMENT, ns.name, 'rolled-cloudflared');
  await emulator.control.clearCalls();

  op = startOperator();
  for (const name of ['pushed', 'rolled']) {
    const key = `${ns.name}/${name}`;
    await waitFor(() => Promise.resolve(op.reconciles(key) > 0 || undefined), {
      description: `${key} reconciled`,
      giveUpIf: op.gone,
    });
  }
  expect(await writeCalls(emulator)).toEqual([]);
  const after = await Promise.all(['pushed', 'rolled'].map((n) => getOptional<TunnelLike>(TUNNEL, ns.name, n)));
  expect(after.map((t) => t?.status)).toEqual(before.map((t) => t?.status));
  expect(after.map((t) => t?.metadata.resourceVersion)).toEqual(before.map((t) => t?.metadata.resourceVersion));
  expect((await getOptional<V1Deployment>(DEPLOYMENT, ns.name, 'rolled-cloudflared'))?.metadata?.resourceVersion).toBe(
    deployment?.metadata?.resourceVersion,
  );
});

it('a Service deleted while the operator is stopped loses its record after the restart', async () => {
  await waitForRecord(emulator, 'p7.example.com', () => true, op);
  await op.stop();
  await remove(SERVICE, ns.name, 'p7');
  op = startOperator();
  await waitForNoRecord(emulator, 'p7.example.com', op);
  await waitForActive('pushed', 99);
});
