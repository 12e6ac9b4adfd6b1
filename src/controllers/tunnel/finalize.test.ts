import type { CloudflareGateway, CloudflareTunnel } from '../../cloudflare/index.js';
import { ACCOUNT_ID, sampleTunnel, TUNNEL_ID } from '../../render/testing/fixtures.js';
import { encodeTunnelToken } from '../../render/index.js';
import { ResourceClient } from '../../runtime/kube-client.js';
import { FakeKube } from '../../runtime/testing/fake-kube.js';
import { cleanUp } from './finalize.js';
import { Report } from './report.js';

const PENDING_SECRET = Buffer.alloc(32, 1).toString('base64');
const OTHER_SECRET = Buffer.alloc(32, 2).toString('base64');

/** A Cloudflare account holding one tunnel named `shop-web`, created with `secret`; records deleted tunnels. */
function accountWithTunnel(secret: string) {
  const deleted: string[] = [];
  const found: CloudflareTunnel = {
    id: TUNNEL_ID,
    name: 'shop-web',
    accountTag: ACCOUNT_ID,
    configSource: 'local',
    status: undefined,
    createdAt: undefined,
    deletedAt: undefined,
  };
  const gateway = {
    findTunnelByName: (_account: string, name: string) => Promise.resolve(name === found.name ? found : undefined),
    getTunnelToken: () =>
      Promise.resolve(encodeTunnelToken({ accountTag: ACCOUNT_ID, tunnelId: TUNNEL_ID, tunnelSecret: secret })),
    listDnsRecords: () => Promise.resolve([]),
    deleteTunnel: (_account: string, tunnelId: string) => {
      deleted.push(tunnelId);
      return Promise.resolve('deleted' as const);
    },
  } as Partial<CloudflareGateway> as CloudflareGateway;
  return { gateway, deleted };
}

function cleanUpPending(gateway: CloudflareGateway) {
  return cleanUp({
    client: new ResourceClient(new FakeKube()),
    gateway,
    ownerId: 'owner',
    accountId: ACCOUNT_ID,
    zones: [],
    tunnel: sampleTunnel(),
    namespace: 'shop',
    found: { kind: 'pending', name: 'shop-web', secret: PENDING_SECRET },
    report: new Report(),
  });
}

describe('cleanUp after a crash left a pending tunnel secret', () => {
  it('deletes the tunnel of that name when its secret is the pending one (we created it)', async () => {
    const { gateway, deleted } = accountWithTunnel(PENDING_SECRET);
    await cleanUpPending(gateway);
    expect(deleted).toEqual([TUNNEL_ID]);
  });

  it('leaves a same-name tunnel whose secret does not match alone (someone else’s)', async () => {
    const { gateway, deleted } = accountWithTunnel(OTHER_SECRET);
    await cleanUpPending(gateway);
    expect(deleted).toEqual([]);
  });
});
