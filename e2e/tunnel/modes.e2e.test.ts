// The other ways to run a tunnel: `cloudflare` mode, adopting an existing tunnel, a ClusterTunnel, and a missing
// credentials Secret (reported, no Cloudflare call; deletion blocked until the credentials are back). The crash
// between creating a tunnel and saving it is in crash.e2e.test.ts.
import { jest } from '@jest/globals';
import type { V1ConfigMap, V1Deployment, V1Secret } from '@kubernetes/client-node';
import { CONFIG_HASH_ANNOTATION } from '../../src/api/constants.js';
import { createGateway } from '../../src/cloudflare/index.js';
import { CLUSTER_TUNNEL, CONFIG_MAP, DEPLOYMENT, SECRET, TUNNEL } from '../../src/controllers/shared/resources.js';
import type { RunningEmulator } from '../../test/cloudflare-emulator/index.js';
import { waitFor, type TestNamespace } from '../support/cluster.js';
import {
  OperatorProcess,
  startTunnelEnvironment,
  type TunnelEnvironment,
  apiSecret,
  client,
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
const TOKEN = 'emulator-api-token';
const cloudflare = { accountId: ACCOUNT, credentialsSecretRef: { name: 'cf' }, zones: ['example.com'] };
let emulator: RunningEmulator;
let ns: TestNamespace;
let opNs: TestNamespace;
let op: OperatorProcess;

let env: TunnelEnvironment | undefined;

beforeAll(async () => {
  env = await startTunnelEnvironment('modes');
  ({ emulator, ns, opNs, op } = env);
});

afterAll(() => env?.close());

async function liveTunnels(): Promise<string[]> {
  const state = await emulator.control.state();
  return state.tunnels.filter((t) => !t.deletedAt).map((t) => t.id);
}

function hashOf(deployment: V1Deployment | undefined): string | undefined {
  return deployment?.spec?.template.metadata?.annotations?.[CONFIG_HASH_ANNOTATION];
}

async function remoteConfigOf(id: string): Promise<string> {
  const tunnel = (await emulator.control.state()).tunnels.find((t) => t.id === id);
  return JSON.stringify(tunnel?.config.config ?? {});
}

describe('cloudflare mode', () => {
  let id = '';

  it('pushes the configuration through the API and runs cloudflared with the token, without a ConfigMap', async () => {
    await create(TUNNEL, tunnelObject('Tunnel', 'remote', ns.name, { cloudflare, configSource: 'cloudflare' }));
    const tunnel = await waitForCondition(TUNNEL, ns.name, 'remote', { type: 'Ready', status: 'True', op });
    id = tunnel.status?.tunnelId ?? '';
    expect(tunnel.status?.configSource).toBe('cloudflare');
    expect(await remoteConfigOf(id)).toContain('http_status:404');
    const secret = await getOptional<V1Secret>(SECRET, ns.name, 'remote-cloudflared-credentials');
    expect(Object.keys(secret?.data ?? {})).toEqual(['token']);
    expect(await getOptional<V1ConfigMap>(CONFIG_MAP, ns.name, 'remote-cloudflared')).toBeUndefined();
    const deployment = await getOptional<V1Deployment>(DEPLOYMENT, ns.name, 'remote-cloudflared');
    expect(deployment?.spec?.template.spec?.containers[0]?.env?.[0]?.name).toBe('TUNNEL_TOKEN');
  });

  it('a configuration change is pushed and rolls no pod', async () => {
    const before = await getOptional<V1Deployment>(DEPLOYMENT, ns.name, 'remote-cloudflared');
    await mergePatch(TUNNEL, ns.name, 'remote', { spec: { fallbackService: 'http_status:503' } });
    await waitFor(async () => (await remoteConfigOf(id)).includes('http_status:503'), {
      description: 'the new fallback pushed',
      giveUpIf: op.gone,
    });
    await waitForCondition(TUNNEL, ns.name, 'remote', { type: 'Ready', status: 'True', op });
    const after = await getOptional<V1Deployment>(DEPLOYMENT, ns.name, 'remote-cloudflared');
    expect(after?.metadata?.generation).toBe(before?.metadata?.generation);
    expect(hashOf(after)).toBe(hashOf(before));
  });

  it('deletion deletes the tunnel', async () => {
    await remove(TUNNEL, ns.name, 'remote');
    await waitGone(TUNNEL, ns.name, 'remote', op);
    expect(await liveTunnels()).not.toContain(id);
  });
});

describe('adopt', () => {
  it('runs an existing tunnel and leaves it in place when the object is deleted', async () => {
    const gateway = createGateway({ credentials: { apiToken: TOKEN }, baseURL: emulator.apiBaseUrl });
    const made = await gateway.createTunnel({ accountId: ACCOUNT, name: 'pre-existing', configSource: 'local' });
    await create(
      TUNNEL,
      tunnelObject('Tunnel', 'adopted', ns.name, { cloudflare, tunnel: { adopt: { id: made.tunnel.id } } }),
    );
    const tunnel = await waitForCondition(TUNNEL, ns.name, 'adopted', {
      type: 'TunnelReady',
      status: 'True',
      reason: 'TunnelAdopted',
      op,
    });
    // No configSource: an adopted tunnel defaults to local (its remote configuration is left alone).
    expect(tunnel.status).toMatchObject({
      tunnelId: made.tunnel.id,
      tunnelName: 'pre-existing',
      created: false,
      configSource: 'local',
    });
    await remove(TUNNEL, ns.name, 'adopted');
    await waitGone(TUNNEL, ns.name, 'adopted', op);
    expect(await liveTunnels()).toContain(made.tunnel.id);
  });
});

describe('ClusterTunnel', () => {
  it('keeps its Secret and cloudflared in the operator namespace, and is deleted like a Tunnel', async () => {
    await create(SECRET, apiSecret(opNs.name, 'cf', TOKEN));
    const name = `shared-${ns.name}`;
    await create(CLUSTER_TUNNEL, tunnelObject('ClusterTunnel', name, undefined, { cloudflare }));
    const tunnel = await waitForCondition(CLUSTER_TUNNEL, undefined, name, { type: 'Ready', status: 'True', op });
    expect(tunnel.status?.tunnelName).toBe(name);
    expect(tunnel.status?.configSource).toBe('cloudflare'); // the default for a tunnel the operator creates
    const deployment = await getOptional<V1Deployment>(DEPLOYMENT, opNs.name, `cluster-${name}-cloudflared`);
    expect(deployment?.metadata?.ownerReferences?.[0]).toMatchObject({ kind: 'ClusterTunnel', name });
    await remove(CLUSTER_TUNNEL, undefined, name);
    await waitGone(CLUSTER_TUNNEL, undefined, name, op);
    expect(await liveTunnels()).not.toContain(tunnel.status?.tunnelId);
    await waitGone(DEPLOYMENT, opNs.name, `cluster-${name}-cloudflared`);
  });
});

describe('missing credentials Secret', () => {
  it('reports SecretNotFound with a Warning Event and calls Cloudflare not at all', async () => {
    await emulator.control.clearCalls();
    await create(
      TUNNEL,
      tunnelObject('Tunnel', 'nosecret', ns.name, {
        cloudflare: { ...cloudflare, credentialsSecretRef: { name: 'absent' } },
      }),
    );
    await waitForCondition(TUNNEL, ns.name, 'nosecret', {
      type: 'CredentialsValid',
      status: 'False',
      reason: 'SecretNotFound',
      op,
    });
    await waitFor(
      async () => {
        const events = await eventsAbout('nosecret');
        return events.some((e) => e.reason === 'SecretNotFound' && e.type === 'Warning');
      },
      { description: 'a Warning Event', giveUpIf: op.gone },
    );
    expect((await emulator.control.calls()).recent.map((c) => `${c.method} ${c.path}`)).toEqual([]);
    // Nothing was ever made on Cloudflare: deletion is not blocked.
    await remove(TUNNEL, ns.name, 'nosecret');
    await waitGone(TUNNEL, ns.name, 'nosecret', op);
  });

  it('deleting a Tunnel whose credentials were removed is blocked, and completes once they are restored', async () => {
    await create(SECRET, apiSecret(ns.name, 'cf2', TOKEN));
    const spec = { cloudflare: { ...cloudflare, credentialsSecretRef: { name: 'cf2' } } };
    await create(TUNNEL, tunnelObject('Tunnel', 'orphan', ns.name, spec));
    const tunnel = await waitForCondition(TUNNEL, ns.name, 'orphan', { type: 'TunnelReady', status: 'True', op });
    const id = tunnel.status?.tunnelId ?? '';
    // Deleting the Secret would not do: it stays while the Tunnel uses it (credentials-protection.ts).
    await mergePatch(SECRET, ns.name, 'cf2', { data: { apiToken: null } });
    await remove(TUNNEL, ns.name, 'orphan');
    await waitFor(
      async () => {
        const t = await getOptional<typeof tunnel>(TUNNEL, ns.name, 'orphan');
        return t?.status?.conditions?.some((c) => c.type === 'Ready' && c.reason === 'DeletionBlocked');
      },
      { description: 'DeletionBlocked', giveUpIf: op.gone },
    );
    expect(await liveTunnels()).toContain(id);
    await mergePatch(SECRET, ns.name, 'cf2', { stringData: { apiToken: TOKEN } });
    await waitGone(TUNNEL, ns.name, 'orphan', op);
    expect(await liveTunnels()).not.toContain(id);
  });
});

describe('bad API token', () => {
  it('reports InvalidCredentials and writes nothing to Cloudflare', async () => {
    await create(SECRET, apiSecret(ns.name, 'wrong', 'not-a-valid-token'));
    await emulator.control.clearCalls();
    const spec = { cloudflare: { ...cloudflare, credentialsSecretRef: { name: 'wrong' } } };
    await create(TUNNEL, tunnelObject('Tunnel', 'badtoken', ns.name, spec));
    await waitForCondition(TUNNEL, ns.name, 'badtoken', {
      type: 'CredentialsValid',
      status: 'False',
      reason: 'InvalidCredentials',
      op,
    });
    const calls = await emulator.control.calls();
    expect(calls.recent.filter((c) => c.method !== 'GET')).toEqual([]);
    await remove(TUNNEL, ns.name, 'badtoken');
    await waitGone(TUNNEL, ns.name, 'badtoken', op);
  });
});

interface EventLike {
  reason?: string;
  type?: string;
  regarding?: { name?: string };
}

async function eventsAbout(name: string): Promise<EventLike[]> {
  const list = await client.list<EventLike & { metadata?: object }>(
    { group: 'events.k8s.io', version: 'v1', plural: 'events', kind: 'Event', namespaced: true },
    { namespace: ns.name },
  );
  return list.items.filter((e) => e.regarding?.name === name);
}
