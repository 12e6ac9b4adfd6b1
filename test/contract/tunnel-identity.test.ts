// The Tunnel reconciler (Kubernetes faked, Cloudflare the emulator through the real SDK) when what identifies the
// tunnel is edited on an object the admission rules did not guard (stored before them, or CRDs installed without
// them), and when it is deleted. The sequence of the defect: accountId edited → a second tunnel in the new account
// and the first forgotten; edited back → TunnelNameConflict; deleted → finalizer released with both tunnels alive.
import type { V1Secret } from '@kubernetes/client-node';
import { ConditionType, Reason } from '../../src/api/conditions.js';
import { FINALIZER } from '../../src/api/constants.js';
import type { Tunnel } from '../../src/api/types.js';
import { ownerComment, type CloudflareGateway } from '../../src/cloudflare/index.js';
import { SECRET } from '../../src/controllers/shared/resources.js';
import { recordOwner } from '../../src/controllers/tunnel/dns-step.js';
import { readStoredTunnel } from '../../src/controllers/tunnel/stored-tunnel.js';
import { objectNames } from '../../src/render/index.js';
import { sampleTunnel } from '../../src/render/testing/fixtures.js';
import { resourcePath, type KubeRequest } from '../../src/runtime/kube-client.js';
import type { FakeKube } from '../../src/runtime/testing/fake-kube.js';
import type { RunningEmulator } from '../cloudflare-emulator/index.js';
import { OWNER_ID, reconcilerWorld, TUNNEL_PATH } from './reconciler-world.js';
import { ACCOUNT_ID, FREE_ZONE, useEmulator } from './support.js';

const OTHER_ACCOUNT = 'fedcba9876543210fedcba9876543210';
const SECRET_PATH = resourcePath(SECRET, 'shop', objectNames(sampleTunnel()).secret);

/**
 * The reconciler world (see reconciler-world.ts); `timeline` interleaves the Cloudflare calls (through the gateway)
 * with the finalizer's removal, in the order they happened.
 */
function world(emulator: RunningEmulator) {
  const timeline: string[] = [];
  const logged = (gateway: CloudflareGateway): CloudflareGateway =>
    new Proxy(gateway, {
      get: (target, method: keyof typeof gateway) => {
        const call = target[method] as (...args: unknown[]) => unknown;
        return (...args: unknown[]) => {
          timeline.push(`cloudflare ${String(method)} ${args.filter((a) => typeof a === 'string').join(' ')}`);
          return call.apply(target, args);
        };
      },
    });
  const transport = (kube: FakeKube) => ({
    request: (req: KubeRequest): Promise<unknown> => {
      if (req.method === 'PATCH' && req.path === TUNNEL_PATH && JSON.stringify(req.body).includes('finalizers')) {
        timeline.push('kube finalizer patch');
      }
      return kube.request(req);
    },
  });
  const w = reconcilerWorld(emulator, { gateway: logged, transport });
  return { ...w, timeline, secret: () => w.kube.get(SECRET_PATH) as V1Secret | undefined };
}

type World = ReturnType<typeof world>;

const setAccount = (accountId: string) => (t: Tunnel) => {
  t.spec.cloudflare.accountId = accountId;
};

describe('Tunnel identity and deletion (reconciler against the emulator)', () => {
  const emulator = useEmulator();
  let w: World;

  beforeEach(async () => {
    await emulator().control.seed({ accounts: [{ id: OTHER_ACCOUNT, name: 'Other' }] });
    w = world(emulator());
  });

  async function liveTunnels(): Promise<{ id: string; accountId: string }[]> {
    const { tunnels } = await emulator().control.state();
    return tunnels.filter((t) => !t.deletedAt).map((t) => ({ id: t.id, accountId: t.accountId }));
  }

  async function writes(): Promise<string[]> {
    const { recent } = await emulator().control.calls();
    return recent.filter((c) => c.method !== 'GET').map((c) => `${c.method} ${c.path}`);
  }

  /** A record of this Tunnel's routes, as the DNS step would have made it. */
  async function seedOwnRecord(tunnelId: string): Promise<void> {
    const comment = ownerComment(recordOwner(OWNER_ID, sampleTunnel()));
    const content = `${tunnelId}.cfargotunnel.com`;
    await emulator().control.seed({
      records: [{ zoneId: FREE_ZONE.id, name: 'web.example.com', type: 'CNAME', content, proxied: true, comment }],
    });
  }

  async function ownRecords(): Promise<string[]> {
    const { records } = await emulator().control.state();
    const comment = ownerComment(recordOwner(OWNER_ID, sampleTunnel()));
    return records.filter((r) => r.comment === comment).map((r) => r.name);
  }

  async function createdTunnel(): Promise<string> {
    await w.reconcile();
    expect(w.condition(ConditionType.TunnelReady)).toMatchObject({ status: 'True', reason: Reason.TunnelCreated });
    return w.tunnel().status?.tunnelId ?? '';
  }

  it('accountId edited: refused with no write to Cloudflare; edited back: the same tunnel, no name conflict', async () => {
    const id = await createdTunnel();
    const secretVersion = w.secret()?.metadata?.resourceVersion;

    w.edit(setAccount(OTHER_ACCOUNT));
    await emulator().control.clearCalls();
    await expect(w.reconcile()).rejects.toThrow(/delete and recreate the Tunnel/);
    expect(await writes()).toEqual([]);
    expect(await liveTunnels()).toEqual([{ id, accountId: ACCOUNT_ID }]);
    expect(w.secret()?.metadata?.resourceVersion).toBe(secretVersion);
    const refused = w.condition(ConditionType.TunnelReady);
    expect(refused).toMatchObject({ status: 'False', reason: Reason.TunnelIdentityChanged });
    expect(refused?.message).toContain(`names account ${OTHER_ACCOUNT}, not ${ACCOUNT_ID}`);
    expect(w.tunnel().status).toMatchObject({ tunnelId: id, accountId: ACCOUNT_ID, created: true });
    expect(w.events).toContainEqual(expect.objectContaining({ type: 'Warning', reason: Reason.TunnelIdentityChanged }));

    w.edit(setAccount(ACCOUNT_ID));
    await w.reconcile();
    expect(w.condition(ConditionType.TunnelReady)).toMatchObject({ status: 'True', reason: Reason.TunnelCreated });
    expect(w.tunnel().status?.tunnelId).toBe(id);
    expect(await liveTunnels()).toEqual([{ id, accountId: ACCOUNT_ID }]);
    expect(w.events.map((e) => e.reason)).not.toContain(Reason.TunnelNameConflict);
  });

  it('deleted after an accountId edit: the tunnel and records go from the account on record, then the finalizer', async () => {
    const id = await createdTunnel();
    await seedOwnRecord(id);
    w.edit(setAccount(OTHER_ACCOUNT));
    await expect(w.reconcile()).rejects.toThrow();
    w.timeline.length = 0;

    w.markDeleted();
    await w.reconcile();

    expect(await liveTunnels()).toEqual([]);
    expect(await ownRecords()).toEqual([]);
    expect(w.tunnel().metadata.finalizers ?? []).not.toContain(FINALIZER);
    // The finalizer went last: after the delete and after Cloudflare was read back (tunnel and records).
    const at = (entry: string): number => w.timeline.findIndex((e) => e.startsWith(entry));
    const released = at('kube finalizer patch');
    expect(w.timeline.slice(released + 1)).toEqual([]);
    expect(at(`cloudflare deleteTunnel ${ACCOUNT_ID} ${id}`)).toBeGreaterThanOrEqual(0);
    expect(w.timeline.findLastIndex((e) => e === `cloudflare getTunnel ${ACCOUNT_ID} ${id}`)).toBeGreaterThan(
      at(`cloudflare deleteTunnel ${ACCOUNT_ID} ${id}`),
    );
    expect(w.timeline.findLastIndex((e) => e.startsWith('cloudflare listDnsRecords'))).toBeLessThan(released);
    expect(w.timeline.filter((e) => e.includes(OTHER_ACCOUNT))).toEqual([]);
  });

  it('a failing tunnel delete keeps the finalizer (and the records stay deleted) until a retry succeeds', async () => {
    const id = await createdTunnel();
    await seedOwnRecord(id);
    await emulator().control.addFault({ method: 'DELETE', path: '/cfd_tunnel/[^/]+$', status: 500 });
    w.markDeleted();

    await expect(w.reconcile()).rejects.toThrow();
    expect(w.tunnel().metadata.finalizers).toContain(FINALIZER);
    expect(w.condition(ConditionType.Ready)).toMatchObject({ status: 'False', reason: Reason.CloudflareUnavailable });
    expect(await liveTunnels()).toEqual([{ id, accountId: ACCOUNT_ID }]);
    expect(await ownRecords()).toEqual([]);

    await emulator().control.clearFaults();
    await w.reconcile();
    expect(await liveTunnels()).toEqual([]);
    expect(w.tunnel().metadata.finalizers ?? []).not.toContain(FINALIZER);
  });

  it('a delete committed whose answer was lost is confirmed by reading back, then the finalizer goes', async () => {
    const id = await createdTunnel();
    await emulator().control.addFault({
      method: 'DELETE',
      path: '/cfd_tunnel/[^/]+$',
      status: 502,
      times: 1,
      afterCommit: true,
    });
    w.markDeleted();
    await w.reconcile();
    expect(await liveTunnels()).toEqual([]);
    expect(w.tunnel().metadata.finalizers ?? []).not.toContain(FINALIZER);
    expect(w.events).toContainEqual(
      expect.objectContaining({
        reason: 'TunnelDeleted',
        note: `tunnel ${id} in account ${ACCOUNT_ID} was already gone`,
      }),
    );
  });

  it('the credentials Secret deleted by hand: the tunnel status names is restored, not a second one created', async () => {
    const id = await createdTunnel();
    w.kube.objects.delete(SECRET_PATH);
    await w.reconcile();
    expect(await liveTunnels()).toEqual([{ id, accountId: ACCOUNT_ID }]);
    expect(readStoredTunnel(w.secret())).toMatchObject({
      state: 'ready',
      created: true,
      credentials: { tunnelId: id },
    });
    expect(w.events).toContainEqual(expect.objectContaining({ reason: 'TunnelRestored' }));

    // …and deleting the object still deletes it.
    w.markDeleted();
    await w.reconcile();
    expect(await liveTunnels()).toEqual([]);
  });
});
