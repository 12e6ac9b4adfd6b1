import type { V1Secret } from '@kubernetes/client-node';
import type { CloudflareGateway, CreateTunnelInput, CreatedTunnel } from '../../cloudflare/index.js';
import { ACCOUNT_ID, CTX, sampleTunnel, TUNNEL_ID } from '../../render/testing/fixtures.js';
import { objectNames } from '../../render/index.js';
import { ResourceClient, resourcePath } from '../../runtime/kube-client.js';
import { FakeKube } from '../../runtime/testing/fake-kube.js';
import { SECRET } from '../shared/resources.js';
import { Report } from './report.js';
import { readStoredTunnel, type StoredTunnel } from './stored-tunnel.js';
import { obtainTunnel } from './tunnel-step.js';

const SECRET_VALUE = Buffer.alloc(32, 9).toString('base64');

describe('obtainTunnel: creating a tunnel', () => {
  it('saves the pending tunnel secret in the credentials Secret before it calls createTunnel', async () => {
    const kube = new FakeKube();
    const tunnel = sampleTunnel();
    const secretPath = resourcePath(SECRET, 'shop', objectNames(tunnel).secret);
    const storedAtCreate: StoredTunnel[] = [];
    const gateway = {
      createTunnel: (input: CreateTunnelInput): Promise<CreatedTunnel> => {
        storedAtCreate.push(readStoredTunnel(kube.get(secretPath)));
        return Promise.resolve({
          tunnel: {
            id: TUNNEL_ID,
            name: input.name,
            accountTag: ACCOUNT_ID,
            configSource: 'local',
            status: undefined,
            createdAt: undefined,
            deletedAt: undefined,
          },
          secret: input.secret ?? '',
        });
      },
    } as Partial<CloudflareGateway> as CloudflareGateway;

    const obtained = await obtainTunnel({
      client: new ResourceClient(kube),
      gateway,
      newSecret: () => SECRET_VALUE,
      tunnel,
      accountId: ACCOUNT_ID,
      secret: undefined,
      ctx: CTX,
      report: new Report(),
    });

    expect(storedAtCreate).toEqual([
      { state: 'pending', pending: { name: obtained.name, accountTag: ACCOUNT_ID, secret: SECRET_VALUE } },
    ]);
    expect(readStoredTunnel(kube.get(secretPath) as V1Secret)).toEqual({
      state: 'ready',
      credentials: { accountTag: ACCOUNT_ID, tunnelId: TUNNEL_ID, tunnelSecret: SECRET_VALUE },
      created: true,
    });
  });
});
