// The operator process killed between creating a tunnel on Cloudflare and saving it: the emulator commits the
// create and holds its answer, the test SIGKILLs the operator while it waits for that answer, and a new operator
// process must find the tunnel through the pending secret it saved before the create: adopted as created, no
// second tunnel, the credentials in the Secret.
import { jest } from '@jest/globals';
import type { V1Secret } from '@kubernetes/client-node';
import type { TunnelLike } from '../../src/api/types.js';
import { SECRET, TUNNEL } from '../../src/controllers/shared/resources.js';
import { PENDING_KEY, PENDING_TUNNEL_ANNOTATION } from '../../src/controllers/tunnel/stored-tunnel.js';
import { decodeTunnelToken } from '../../src/render/index.js';
import { TOKEN_KEY } from '../../src/render/paths.js';
import { waitFor } from '../support/cluster.js';
import {
  ACCOUNT,
  OperatorProcess,
  create,
  getOptional,
  remove,
  startTunnelEnvironment,
  tunnelObject,
  waitForCondition,
  waitGone,
  type TunnelEnvironment,
} from './support.js';

jest.setTimeout(120_000);

const cloudflare = { accountId: ACCOUNT, credentialsSecretRef: { name: 'cf' }, zones: ['example.com'] };
const CREATE_PATH = `^/accounts/${ACCOUNT}/cfd_tunnel$`;

let env: TunnelEnvironment | undefined;
let restarted: OperatorProcess | undefined;

beforeAll(async () => {
  env = await startTunnelEnvironment('crash');
});

afterAll(async () => {
  await restarted?.stop();
  await env?.close();
});

function pendingSecretOf(secret: V1Secret | undefined): string | undefined {
  const body = secret?.data?.[PENDING_KEY];
  if (body === undefined) return undefined;
  return (JSON.parse(Buffer.from(body, 'base64').toString('utf8')) as { TunnelSecret?: string }).TunnelSecret;
}

it('killed while createTunnel is in flight: the restarted operator adopts the one tunnel made, with its credentials', async () => {
  const { emulator, ns, opNs, op } = env!;
  const name = `${ns.name}-crashed`; // the tunnel name the operator derives from the object
  // The create commits on Cloudflare, but its answer never comes: the operator waits for it until it is killed.
  await emulator.control.addFault({ method: 'POST', path: CREATE_PATH, hang: true, afterCommit: true, times: 1 });
  await create(TUNNEL, tunnelObject('Tunnel', 'crashed', ns.name, { cloudflare }));
  await waitFor(
    async () =>
      (await emulator.control.calls()).recent.some(
        (c) => c.method === 'POST' && new RegExp(CREATE_PATH).test(c.path) && c.committedStatus === 200,
      ),
    { description: 'createTunnel committed, its answer held', giveUpIf: op.gone },
  );
  await op.kill();

  // What the crash left: the tunnel on Cloudflare; the Secret with only the pending secret, saved before the create;
  // no tunnel ID in the status.
  const made = (await emulator.control.state()).tunnels.filter((t) => t.name === name && !t.deletedAt);
  expect(made).toHaveLength(1);
  const left = await getOptional<V1Secret>(SECRET, ns.name, 'crashed-cloudflared-credentials');
  expect(left?.metadata?.annotations?.[PENDING_TUNNEL_ANNOTATION]).toBe(name);
  expect(Object.keys(left?.data ?? {})).toEqual([PENDING_KEY]);
  const pendingSecret = pendingSecretOf(left);
  expect(pendingSecret).toBeDefined();
  expect((await getOptional<TunnelLike>(TUNNEL, ns.name, 'crashed'))?.status?.tunnelId).toBeUndefined();

  await emulator.control.clearCalls();
  restarted = new OperatorProcess(opNs.name, emulator.apiBaseUrl);
  const tunnel = await waitForCondition(TUNNEL, ns.name, 'crashed', { type: 'Ready', status: 'True', op: restarted });
  expect(tunnel.status).toMatchObject({ tunnelId: made[0]!.id, created: true });
  const calls = (await emulator.control.calls()).recent;
  expect(calls.filter((c) => c.method === 'POST' && new RegExp(CREATE_PATH).test(c.path))).toEqual([]);
  expect((await emulator.control.state()).tunnels.filter((t) => t.name === name && !t.deletedAt)).toHaveLength(1);
  // The Secret now holds the tunnel's credentials (the token of a remotely managed tunnel), made from the secret
  // the tunnel was created with; the pending secret is gone.
  const saved = await getOptional<V1Secret>(SECRET, ns.name, 'crashed-cloudflared-credentials');
  expect(Object.keys(saved?.data ?? {})).toEqual([TOKEN_KEY]);
  expect(saved?.metadata?.annotations?.[PENDING_TUNNEL_ANNOTATION]).toBeUndefined();
  const credentials = decodeTunnelToken(Buffer.from(saved!.data![TOKEN_KEY]!, 'base64').toString('utf8'));
  expect(credentials).toEqual({ accountTag: ACCOUNT, tunnelId: made[0]!.id, tunnelSecret: pendingSecret });

  // Recorded as created: deleting the object deletes the tunnel.
  await remove(TUNNEL, ns.name, 'crashed');
  await waitGone(TUNNEL, ns.name, 'crashed', restarted);
  expect((await emulator.control.state()).tunnels.filter((t) => t.name === name && !t.deletedAt)).toEqual([]);
});
