// What identifies a tunnel, edited as a user would, with the operator as a real process. The defect this guards:
// an edited accountId made a second tunnel in the new account and forgot the first; editing it back gave
// TunnelNameConflict; deleting the object released its finalizer with both tunnels alive on Cloudflare.
// Admission now refuses the edit; an object the rules did not guard (CRDs without them, as before this release)
// is refused by the operator, which changes nothing on Cloudflare; deleting it removes the tunnel and its records
// from the account on record before the finalizer goes, and a failing delete keeps the finalizer.
import { jest } from '@jest/globals';
import type { ApiException } from '@kubernetes/client-node';
import { Reason } from '../../src/api/conditions.js';
import type { TunnelLike } from '../../src/api/types.js';
import { SECRET, TUNNEL } from '../../src/controllers/shared/resources.js';
import type { RunningEmulator } from '../../test/cloudflare-emulator/index.js';
import { eventsOf, recordsNamed, SERVICE, serviceObject, waitForRecord, writeCalls } from '../services/support.js';
import { waitFor, type TestNamespace } from '../support/cluster.js';
import { installCrds, installCrdsWithoutTransitionRules } from '../support/crds.js';
import {
  ACCOUNT,
  FINALIZER,
  OperatorProcess,
  condition,
  create,
  getOptional,
  mergePatch,
  remove,
  startTunnelEnvironment,
  tunnelObject,
  waitForCondition,
  waitGone,
  type TunnelEnvironment,
} from './support.js';

jest.setTimeout(180_000);

const OTHER_ACCOUNT = 'fedcba9876543210fedcba9876543210';
const HOSTNAME = 'shop.example.com';
const cloudflare = { accountId: ACCOUNT, credentialsSecretRef: { name: 'cf' }, zones: ['example.com'] };

let env: TunnelEnvironment | undefined;
let emulator: RunningEmulator;
let ns: TestNamespace;
let op: OperatorProcess;

beforeAll(async () => {
  env = await startTunnelEnvironment('identity');
  ({ emulator, ns, op } = env);
  await emulator.control.seed({ accounts: [{ id: OTHER_ACCOUNT, name: 'Other' }] });
});

afterAll(async () => {
  await installCrds();
  await env?.close();
});

async function liveTunnels(): Promise<{ id: string; accountId: string }[]> {
  const { tunnels } = await emulator.control.state();
  return tunnels.filter((t) => !t.deletedAt).map((t) => ({ id: t.id, accountId: t.accountId }));
}

/** The API server's answer to an edit: "accepted", or its refusal. */
async function editOutcome(name: string, spec: unknown): Promise<string> {
  try {
    await mergePatch(TUNNEL, ns.name, name, { spec });
    return 'accepted';
  } catch (error) {
    const refused = error as ApiException<unknown>;
    return `${refused.code} ${JSON.stringify(refused.body)}`;
  }
}

/** Waits until the API server enforces (or no longer enforces) the CRDs just applied, probing with `spec`. */
async function waitForAdmission(name: string, spec: unknown, want: 'accepted' | 'refused'): Promise<void> {
  await waitFor(
    async () => {
      const outcome = await editOutcome(name, spec);
      return want === 'accepted' ? outcome === 'accepted' : outcome.startsWith('422');
    },
    { description: `an edit ${want} at admission`, timeoutMs: 30_000, giveUpIf: op.gone },
  );
}

/** A Tunnel with one routed Service, Ready, its record in the emulator; returns its tunnel ID. */
async function readyTunnel(name: string): Promise<string> {
  await create(TUNNEL, tunnelObject('Tunnel', name, ns.name, { cloudflare }));
  await create(SERVICE, serviceObject(ns.name, name, { tunnel: name, hostnames: `${name}.example.com` }));
  const tunnel = await waitForCondition(TUNNEL, ns.name, name, { type: 'Ready', status: 'True', op });
  const id = tunnel.status?.tunnelId ?? '';
  await waitForRecord(emulator, `${name}.example.com`, (r) => r.content === `${id}.cfargotunnel.com`, op);
  return id;
}

describe('editing what identifies a live tunnel', () => {
  let id = '';

  it('admission refuses another account, another account name or a tunnel name; the tunnel runs on', async () => {
    id = await readyTunnel('shop');
    const secretBefore = await getOptional(SECRET, ns.name, 'shop-cloudflared-credentials');
    await emulator.control.clearCalls();

    expect(await editOutcome('shop', { cloudflare: { accountId: OTHER_ACCOUNT } })).toMatch(
      /^422 .*spec\.cloudflare\.accountId is immutable.*delete and recreate the object/,
    );
    expect(await editOutcome('shop', { cloudflare: { accountId: null, accountName: 'Other' } })).toMatch(
      /^422 .*cannot switch between accountId and accountName/,
    );
    expect(await editOutcome('shop', { tunnel: { create: { name: 'renamed' } } })).toMatch(
      /^422 .*spec\.tunnel\.create is immutable/,
    );

    const tunnel = await getOptional<TunnelLike>(TUNNEL, ns.name, 'shop');
    expect(tunnel?.metadata.generation).toBe(1);
    expect(condition(tunnel, 'Ready')?.status).toBe('True');
    expect(await liveTunnels()).toEqual([{ id, accountId: ACCOUNT }]);
    expect(await writeCalls(emulator)).toEqual([]);
    const secretAfter = await getOptional(SECRET, ns.name, 'shop-cloudflared-credentials');
    expect(secretAfter?.metadata?.resourceVersion).toBe(secretBefore?.metadata?.resourceVersion);
  });

  it('without the admission rules (older CRDs): the operator refuses the edit and writes nothing to Cloudflare', async () => {
    await installCrdsWithoutTransitionRules();
    await emulator.control.clearCalls();
    await waitForAdmission('shop', { cloudflare: { accountId: OTHER_ACCOUNT } }, 'accepted');

    const refused = await waitForCondition(TUNNEL, ns.name, 'shop', {
      type: 'TunnelReady',
      status: 'False',
      reason: Reason.TunnelIdentityChanged,
      op,
    });
    expect(condition(refused, 'TunnelReady')?.message).toContain(`names account ${OTHER_ACCOUNT}, not ${ACCOUNT}`);
    expect(condition(refused, 'TunnelReady')?.message).toContain('delete and recreate the Tunnel');
    expect(refused.status).toMatchObject({ tunnelId: id, accountId: ACCOUNT, created: true });
    await waitFor(
      async () =>
        (await eventsOf(ns.name, 'Tunnel', 'shop')).some(
          (e) => e.type === 'Warning' && e.reason === Reason.TunnelIdentityChanged,
        ),
      { description: 'a Warning Event TunnelIdentityChanged', giveUpIf: op.gone },
    );
    expect(await writeCalls(emulator)).toEqual([]);
    expect(await liveTunnels()).toEqual([{ id, accountId: ACCOUNT }]);
    expect((await recordsNamed(emulator, HOSTNAME)).map((r) => r.content)).toEqual([`${id}.cfargotunnel.com`]);
  });

  it('edited back: the same tunnel is Ready again (no second tunnel, no TunnelNameConflict)', async () => {
    await mergePatch(TUNNEL, ns.name, 'shop', { spec: { cloudflare: { accountId: ACCOUNT } } });
    const tunnel = await waitForCondition(TUNNEL, ns.name, 'shop', {
      type: 'TunnelReady',
      status: 'True',
      reason: Reason.TunnelCreated,
      op,
    });
    expect(tunnel.status?.tunnelId).toBe(id);
    expect(await liveTunnels()).toEqual([{ id, accountId: ACCOUNT }]);
    const reasons = (await eventsOf(ns.name, 'Tunnel', 'shop')).map((e) => e.reason);
    expect(reasons).not.toContain(Reason.TunnelNameConflict);
  });

  it('deleted after another account edit: its tunnel and record are deleted from the account on record', async () => {
    await mergePatch(TUNNEL, ns.name, 'shop', { spec: { cloudflare: { accountId: OTHER_ACCOUNT } } });
    await waitForCondition(TUNNEL, ns.name, 'shop', {
      type: 'TunnelReady',
      status: 'False',
      reason: Reason.TunnelIdentityChanged,
      op,
    });
    await emulator.control.clearCalls();

    await remove(TUNNEL, ns.name, 'shop');
    await waitGone(TUNNEL, ns.name, 'shop', op);

    expect(await liveTunnels()).toEqual([]);
    expect(await recordsNamed(emulator, HOSTNAME)).toEqual([]);
    // Deleted in the account on record, then read back before the finalizer went.
    const calls = (await emulator.control.calls()).recent.map((c) => `${c.method} ${c.path}`);
    const deleted = calls.indexOf(`DELETE /accounts/${ACCOUNT}/cfd_tunnel/${id}`);
    expect(deleted).toBeGreaterThanOrEqual(0);
    expect(calls.slice(deleted + 1)).toContain(`GET /accounts/${ACCOUNT}/cfd_tunnel/${id}`);
    expect(calls.filter((c) => c.includes(OTHER_ACCOUNT) && !c.startsWith('GET'))).toEqual([]);
  });
});

describe('a tunnel delete that fails', () => {
  it('keeps the finalizer (Terminating, the tunnel alive) until the delete succeeds', async () => {
    await installCrds();
    const id = await readyTunnel('failing');
    await emulator.control.addFault({ method: 'DELETE', path: `/cfd_tunnel/${id}$`, status: 500 });

    await remove(TUNNEL, ns.name, 'failing');
    const stuck = await waitFor(
      async () => {
        const t = await getOptional<TunnelLike>(TUNNEL, ns.name, 'failing');
        return condition(t, 'Ready')?.reason === Reason.CloudflareUnavailable ? t : undefined;
      },
      { description: 'Ready=False CloudflareUnavailable while deleting', giveUpIf: op.gone, timeoutMs: 60_000 },
    );
    expect(stuck.metadata.deletionTimestamp).toBeDefined();
    expect(stuck.metadata.finalizers).toContain(FINALIZER);
    expect(await liveTunnels()).toContainEqual({ id, accountId: ACCOUNT });
    expect(await recordsNamed(emulator, 'failing.example.com')).toEqual([]);

    await emulator.control.clearFaults();
    await waitGone(TUNNEL, ns.name, 'failing', op);
    expect(await liveTunnels()).not.toContainEqual({ id, accountId: ACCOUNT });
  });
});
