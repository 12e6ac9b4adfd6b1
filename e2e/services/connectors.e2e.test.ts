// Status that tells the truth about cloudflared: a `cloudflare` mode Tunnel records the connectors Cloudflare
// reports (count, colos, versions, the configuration version they run) and `kubectl get tunnels` shows them; a
// route is Active only once the connectors run the configuration version that carries it, Pending while they stay
// behind or while none is connected (replicas 0). The emulator's connectors follow the cloudflared Deployment's
// ready replicas (e2e/support/simulated-cloudflared.ts) and are told to stay behind through its control API.
import { jest } from '@jest/globals';
import type { TunnelLike } from '../../src/api/types.js';
import { TUNNEL } from '../../src/controllers/shared/resources.js';
import { waitFor } from '../support/cluster.js';
import { kubectl } from '../support/tools.js';
import {
  ACCOUNT,
  create,
  getOptional,
  mergePatch,
  remove,
  startTunnelEnvironment,
  tunnelObject,
  waitForCondition,
  waitGone,
  type TunnelEnvironment,
} from '../tunnel/support.js';
import {
  SERVICE,
  cloudflaredRule,
  remoteConfigYaml,
  serviceObject,
  waitForRecord,
  waitForRoute,
  waitForServiceEvent,
} from './support.js';

jest.setTimeout(180_000);

let env: TunnelEnvironment;
let ns: string;
let id = '';
const cloudflare = { accountId: ACCOUNT, credentialsSecretRef: { name: 'cf' }, zones: ['example.com'] };
const web = { hostname: 'web.example.com' };

const status = async () => (await getOptional<TunnelLike>(TUNNEL, ns, 'remote'))?.status;
const pushedVersion = async () => (await env.emulator.control.state()).tunnels.find((t) => t.id === id)?.config.version;

function waitForConnectors(count: number) {
  return waitFor(
    async () => {
      const connectors = (await status())?.connectors;
      return connectors?.count === count ? connectors : undefined;
    },
    { description: `status.connectors.count ${count}`, giveUpIf: env.op.gone, timeoutMs: 30_000 },
  );
}

/** `kubectl get tunnel remote` as a user reads it: column name → value. */
async function printed(): Promise<Record<string, string>> {
  const out = await kubectl(['get', 'tunnel', 'remote', '-n', ns]);
  expect(out.code).toBe(0);
  const [header = '', row = ''] = out.stdout.trim().split('\n');
  const cells = (line: string) => line.trim().split(/\s{2,}/);
  const values = cells(row);
  return Object.fromEntries(cells(header).map((name, i) => [name, values[i] ?? '']));
}

beforeAll(async () => {
  env = await startTunnelEnvironment('conn');
  ns = env.ns.name;
  await create(TUNNEL, tunnelObject('Tunnel', 'remote', ns, { cloudflare, configSource: 'cloudflare' }));
  const tunnel = await waitForCondition(TUNNEL, ns, 'remote', { type: 'Ready', status: 'True', op: env.op });
  id = tunnel.status?.tunnelId ?? '';
});

afterAll(async () => {
  await remove(TUNNEL, ns, 'remote').catch(() => undefined);
  await waitGone(TUNNEL, ns, 'remote').catch(() => undefined);
  await env?.close();
});

it('records the connectors Cloudflare reports, and kubectl get tunnels shows them', async () => {
  const connectors = await waitForConnectors(2);
  expect(connectors).toEqual({
    count: 2,
    colos: ['ams01', 'ams08', 'fra02', 'fra09'],
    versions: ['2025.1.0'],
    configVersion: await pushedVersion(),
  });
  const { AGE: age, ...columns } = await printed();
  expect(columns).toEqual({ NAME: 'remote', 'READY REPLICAS': '2', ROUTES: '0', CONNECTORS: '2', READY: 'True' });
  expect(age).toMatch(/^\d+[smh]/);
});

it('a route is Pending while cloudflared stays behind the version that carries it, then Active', async () => {
  const before = (await pushedVersion()) ?? 0;
  await env.emulator.control.setConfigPickup(id, { holdAt: before });
  await create(SERVICE, serviceObject(ns, 'web', { tunnel: 'remote', hostnames: web.hostname }));

  const pending = await waitForRoute(TUNNEL, ns, 'remote', { ...web, state: 'Pending' }, env.op);
  const pushed = before + 1;
  expect(pending.message).toBe(
    `cloudflared has not picked up configuration version ${pushed} yet (its connectors report version ${before})`,
  );
  // Everything else is in place: the rule is pushed and the record exists; only cloudflared lags.
  expect(await pushedVersion()).toBe(pushed);
  expect(await cloudflaredRule(await remoteConfigYaml(env.emulator, id), `https://${web.hostname}/`)).toBe(
    `http://web.${ns}.svc.cluster.local:80`,
  );
  await waitForRecord(env.emulator, web.hostname, () => true, env.op);
  expect(await status()).toMatchObject({ routeCount: 0, connectors: { count: 2, configVersion: before } });
  expect((await printed()).ROUTES).toBe('0');

  await env.emulator.control.setConfigPickup(id, { holdAt: null });
  await waitForRoute(TUNNEL, ns, 'remote', { ...web, state: 'Active' }, env.op);
  expect(await status()).toMatchObject({ routeCount: 1, connectors: { count: 2, configVersion: pushed } });
  expect((await printed()).ROUTES).toBe('1');
  const event = await waitForServiceEvent(ns, 'web', 'Published', env.op);
  expect(event.note).toBe(`${web.hostname} published through Tunnel ${ns}/remote`);
});

it('with no connector (replicas 0) the route is Pending, and Active again once cloudflared is back', async () => {
  await mergePatch(TUNNEL, ns, 'remote', { spec: { cloudflared: { replicas: 0 } } });
  const pending = await waitForRoute(TUNNEL, ns, 'remote', { ...web, state: 'Pending' }, env.op);
  expect(pending.message).toBe('no cloudflared connector is connected to the tunnel (spec.cloudflared.replicas is 0)');
  expect(await waitForConnectors(0)).toEqual({ count: 0, colos: [], versions: [] });
  expect(await printed()).toMatchObject({ 'READY REPLICAS': '0', ROUTES: '0', CONNECTORS: '0' });

  await mergePatch(TUNNEL, ns, 'remote', { spec: { cloudflared: { replicas: 2 } } });
  await waitForRoute(TUNNEL, ns, 'remote', { ...web, state: 'Active' }, env.op);
  expect(await waitForConnectors(2)).toMatchObject({ configVersion: await pushedVersion() });
});
