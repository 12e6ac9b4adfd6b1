// A Tunnel in `local` mode through its whole life, with the operator as a real process: create, at rest, scale,
// origin defaults → one rollout, drift repair, deletion.
import { jest } from '@jest/globals';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { V1ConfigMap, V1Deployment, V1PodDisruptionBudget, V1Secret } from '@kubernetes/client-node';
import { CONFIG_HASH_ANNOTATION } from '../../src/api/constants.js';
import {
  CONFIG_MAP,
  DEPLOYMENT,
  POD_DISRUPTION_BUDGET,
  SECRET,
  TUNNEL,
} from '../../src/controllers/shared/resources.js';
import type { RunningEmulator } from '../../test/cloudflare-emulator/index.js';
import { validateIngress } from '../cluster/cloudflared.js';
import { waitFor, type TestNamespace } from '../support/cluster.js';
import {
  OperatorProcess,
  startTunnelEnvironment,
  type TunnelEnvironment,
  create,
  getOptional,
  mergePatch,
  remove,
  tunnelObject,
  waitForCondition,
  waitGone,
} from './support.js';

jest.setTimeout(120_000);

const ACCOUNT = '0123456789abcdef0123456789abcdef';
let emulator: RunningEmulator;
let ns: TestNamespace;
let op: OperatorProcess;
let tmp: string;

let env: TunnelEnvironment | undefined;

beforeAll(async () => {
  env = await startTunnelEnvironment('tunnel');
  ({ emulator, ns, op } = env);
  tmp = await mkdtemp(join(tmpdir(), 'tunnel-e2e-'));
});

afterAll(async () => {
  await env?.close();
  await rm(tmp, { recursive: true, force: true });
});

const readyDeployment = (replicas: number) => async (): Promise<V1Deployment | undefined> => {
  const d = await getOptional<V1Deployment>(DEPLOYMENT, ns.name, 'web-cloudflared');
  const s = d?.status;
  const done =
    s?.observedGeneration === d?.metadata?.generation &&
    s?.readyReplicas === replicas &&
    s?.updatedReplicas === replicas &&
    s?.replicas === replicas;
  return done ? d : undefined;
};

async function writeCalls(): Promise<number> {
  const calls = await emulator.control.calls();
  return calls.recent.filter((c) => c.method !== 'GET').length;
}

describe('Tunnel in local mode', () => {
  let tunnelId: string;

  it('first sync: creates the tunnel, its Secret, ConfigMap, Deployment and PDB, and reports Ready', async () => {
    await create(
      TUNNEL,
      tunnelObject('Tunnel', 'web', ns.name, {
        cloudflare: { accountId: ACCOUNT, credentialsSecretRef: { name: 'cf' }, zones: ['example.com'] },
        configSource: 'local', // a created tunnel defaults to cloudflare; this file is about local mode
      }),
    );
    const tunnel = await waitForCondition(TUNNEL, ns.name, 'web', { type: 'Ready', status: 'True', op });
    tunnelId = tunnel.status?.tunnelId ?? '';
    expect(tunnel.status).toMatchObject({
      tunnelName: `${ns.name}-web`,
      accountId: ACCOUNT,
      created: true,
      configSource: 'local',
      zones: [{ name: 'example.com', id: 'f0000000000000000000000000000001' }],
      replicas: 2,
      readyReplicas: 2,
      routeCount: 0,
    });
    const state = await emulator.control.state();
    expect(state.tunnels.filter((t) => !t.deletedAt).map((t) => t.id)).toContain(tunnelId);

    const secret = await getOptional<V1Secret>(SECRET, ns.name, 'web-cloudflared-credentials');
    const credentials = JSON.parse(Buffer.from(secret?.data?.['credentials.json'] ?? '', 'base64').toString()) as {
      TunnelID: string;
    };
    expect(credentials.TunnelID).toBe(tunnelId);
    const configMap = await getOptional<V1ConfigMap>(CONFIG_MAP, ns.name, 'web-cloudflared');
    const file = join(tmp, 'config.yaml');
    await writeFile(file, configMap?.data?.['config.yaml'] ?? '');
    const check = await validateIngress(file);
    expect(check.ok).toBe(true);
    const deployment = await waitFor(readyDeployment(2), { description: 'two ready replicas', timeoutMs: 60_000 });
    expect(deployment.spec?.template.metadata?.annotations?.[CONFIG_HASH_ANNOTATION]).toBe(tunnel.status?.configHash);
    expect(deployment.metadata?.ownerReferences?.[0]).toMatchObject({ kind: 'Tunnel', name: 'web', controller: true });
    expect(await getOptional<V1PodDisruptionBudget>(POD_DISRUPTION_BUDGET, ns.name, 'web-cloudflared')).toBeDefined();
  });

  it('idempotent second sync: a reconcile at rest writes nothing to Kubernetes or Cloudflare', async () => {
    const before = await Promise.all([
      getOptional(SECRET, ns.name, 'web-cloudflared-credentials'),
      getOptional(CONFIG_MAP, ns.name, 'web-cloudflared'),
      getOptional(DEPLOYMENT, ns.name, 'web-cloudflared'),
      getOptional(TUNNEL, ns.name, 'web'),
    ]);
    const writes = await writeCalls();
    const key = `${ns.name}/web`;
    const reconciled = op.reconciles(key);
    await mergePatch(TUNNEL, ns.name, 'web', { metadata: { labels: { poke: '1' } } });
    await waitFor(() => Promise.resolve(op.reconciles(key) > reconciled), {
      description: 'a reconcile',
      giveUpIf: op.gone,
    });
    const after = await Promise.all([
      getOptional(SECRET, ns.name, 'web-cloudflared-credentials'),
      getOptional(CONFIG_MAP, ns.name, 'web-cloudflared'),
      getOptional(DEPLOYMENT, ns.name, 'web-cloudflared'),
    ]);
    expect(after.map((o) => o?.metadata?.resourceVersion)).toEqual(
      before.slice(0, 3).map((o) => o?.metadata?.resourceVersion),
    );
    expect(await writeCalls()).toBe(writes);
  });

  it('scale: replicas 3 → the Deployment has three ready replicas', async () => {
    await mergePatch(TUNNEL, ns.name, 'web', { spec: { cloudflared: { replicas: 3 } } });
    await waitFor(readyDeployment(3), { description: 'three ready replicas', timeoutMs: 60_000, giveUpIf: op.gone });
    const tunnel = await waitForCondition(TUNNEL, ns.name, 'web', { type: 'Ready', status: 'True', op });
    expect(tunnel.status?.readyReplicas).toBe(3);
  });

  it('origin defaults change → a new config hash → exactly one rollout', async () => {
    const before = await getOptional<V1Deployment>(DEPLOYMENT, ns.name, 'web-cloudflared');
    const oldHash = before?.spec?.template.metadata?.annotations?.[CONFIG_HASH_ANNOTATION];
    await mergePatch(TUNNEL, ns.name, 'web', { spec: { originRequest: { connectTimeout: '10s' } } });
    const after = await waitFor(
      async () => {
        const d = await readyDeployment(3)();
        const hash = d?.spec?.template.metadata?.annotations?.[CONFIG_HASH_ANNOTATION];
        return hash && hash !== oldHash ? d : undefined;
      },
      { description: 'rollout with a new hash', timeoutMs: 90_000, giveUpIf: op.gone },
    );
    expect(after.metadata?.generation).toBe((before?.metadata?.generation ?? 0) + 1);
    const configMap = await getOptional<V1ConfigMap>(CONFIG_MAP, ns.name, 'web-cloudflared');
    expect(configMap?.data?.['config.yaml']).toContain('connectTimeout: 10s');
    const tunnel = await waitForCondition(TUNNEL, ns.name, 'web', { type: 'Ready', status: 'True', op });
    expect(tunnel.status?.configHash).not.toBe(oldHash);
  });

  it('drift: a deleted Deployment and an edited ConfigMap come back', async () => {
    const old = await getOptional<V1Deployment>(DEPLOYMENT, ns.name, 'web-cloudflared');
    await remove(DEPLOYMENT, ns.name, 'web-cloudflared');
    await waitFor(
      async () => {
        const d = await getOptional<V1Deployment>(DEPLOYMENT, ns.name, 'web-cloudflared');
        return d && d.metadata?.uid !== old?.metadata?.uid;
      },
      { description: 'Deployment recreated', giveUpIf: op.gone },
    );
    const good = (await getOptional<V1ConfigMap>(CONFIG_MAP, ns.name, 'web-cloudflared'))?.data?.['config.yaml'];
    await mergePatch(CONFIG_MAP, ns.name, 'web-cloudflared', { data: { 'config.yaml': 'tampered: true\n' } });
    await waitFor(
      async () =>
        (await getOptional<V1ConfigMap>(CONFIG_MAP, ns.name, 'web-cloudflared'))?.data?.['config.yaml'] === good,
      { description: 'ConfigMap repaired', giveUpIf: op.gone },
    );
  });

  it('deletion: the tunnel is deleted in the emulator and every object is gone from the cluster', async () => {
    await remove(TUNNEL, ns.name, 'web');
    await waitGone(TUNNEL, ns.name, 'web', op);
    const state = await emulator.control.state();
    expect(state.tunnels.find((t) => t.id === tunnelId)?.deletedAt).toBeDefined();
    await waitGone(DEPLOYMENT, ns.name, 'web-cloudflared');
    await waitGone(CONFIG_MAP, ns.name, 'web-cloudflared');
    await waitGone(SECRET, ns.name, 'web-cloudflared-credentials');
    await waitGone(POD_DISRUPTION_BUDGET, ns.name, 'web-cloudflared');
  });
});
