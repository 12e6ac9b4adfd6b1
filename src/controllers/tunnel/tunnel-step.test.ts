import type { V1Secret } from '@kubernetes/client-node';
import { Reason } from '../../api/conditions.js';
import type { CloudflareGateway, CreateTunnelInput, CreatedTunnel } from '../../cloudflare/index.js';
import { ACCOUNT_ID, CTX, sampleTunnel, TUNNEL_ID } from '../../render/testing/fixtures.js';
import { objectNames } from '../../render/index.js';
import { ResourceClient, resourcePath } from '../../runtime/kube-client.js';
import { FakeKube } from '../../runtime/testing/fake-kube.js';
import { SECRET } from '../shared/resources.js';
import { Report } from './report.js';
import { readStoredTunnel, storedTunnelSecret, type StoredTunnel } from './stored-tunnel.js';
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

describe('obtainTunnel: a spec that asks for another tunnel than the one on record', () => {
  const OTHER_ACCOUNT = 'fedcba9876543210fedcba9876543210';
  const credentials = { accountTag: ACCOUNT_ID, tunnelId: TUNNEL_ID, tunnelSecret: SECRET_VALUE };

  /** A gateway that logs every call it gets (and answers none). */
  function loggingGateway(calls: string[]): CloudflareGateway {
    return new Proxy({} as CloudflareGateway, {
      get: (_target, method: string) => () => {
        calls.push(method);
        return Promise.reject(new Error(`unexpected ${method}`));
      },
    });
  }

  it.each([
    [
      'the account changed (spec.cloudflare.accountId edited)',
      { cloudflare: { ...sampleTunnel().spec.cloudflare, accountId: OTHER_ACCOUNT } },
      `names account ${OTHER_ACCOUNT}, not ${ACCOUNT_ID}`,
    ],
    [
      'create switched to adopt',
      { tunnel: { adopt: { id: 'a7b0c5d2-0000-4000-8000-000000000000' } } },
      'adopts tunnel a7b0c5d2-0000-4000-8000-000000000000 instead',
    ],
  ] as const)('%s: refused, with no call to Cloudflare and the Secret untouched', async (_name, overrides, said) => {
    const kube = new FakeKube();
    const tunnel = sampleTunnel(overrides);
    const secret = storedTunnelSecret(tunnel, { state: 'ready', credentials, created: true }, 'cloudflare', CTX);
    const calls: string[] = [];
    const report = new Report();

    const run = obtainTunnel({
      client: new ResourceClient(kube),
      gateway: loggingGateway(calls),
      newSecret: () => Buffer.alloc(32, 1).toString('base64'),
      tunnel,
      accountId: tunnel.spec.cloudflare.accountId ?? '',
      secret,
      ctx: CTX,
      report,
    });

    await expect(run).rejects.toMatchObject({ name: 'StepFailure', retry: 'terminal' });
    expect(calls).toEqual([]);
    expect(kube.requests).toEqual([]);
    const condition = report.conditions.find((c) => c.type === 'TunnelReady');
    expect(condition).toMatchObject({ status: 'False', reason: Reason.TunnelIdentityChanged });
    expect(condition?.message).toContain(said);
    expect(condition?.message).toContain(`tunnel ${TUNNEL_ID} (created by this object) in account ${ACCOUNT_ID}`);
    expect(condition?.message).toContain('delete and recreate the Tunnel');
    expect(report.events).toEqual([
      expect.objectContaining({ type: 'Warning', reason: Reason.TunnelIdentityChanged, note: condition?.message }),
    ]);
  });
});

describe('obtainTunnel: the credentials Secret was deleted by hand', () => {
  it('the created tunnel status names is gone too: it is created again (not reported missing)', async () => {
    const tunnel = sampleTunnel();
    tunnel.status = { tunnelId: TUNNEL_ID, accountId: ACCOUNT_ID, created: true };
    const calls: string[] = [];
    const gateway = {
      getTunnel: (accountId: string, tunnelId: string) => {
        calls.push(`getTunnel ${accountId} ${tunnelId}`);
        return Promise.resolve(undefined);
      },
      createTunnel: (input: CreateTunnelInput): Promise<CreatedTunnel> => {
        calls.push(`createTunnel ${input.accountId} ${input.name}`);
        const made = { id: 'a7b0c5d2-0000-4000-8000-000000000000', name: input.name, accountTag: input.accountId };
        return Promise.resolve({
          tunnel: {
            ...made,
            configSource: 'cloudflare',
            status: undefined,
            createdAt: undefined,
            deletedAt: undefined,
          },
          secret: input.secret ?? '',
        });
      },
    } as Partial<CloudflareGateway> as CloudflareGateway;
    const report = new Report();

    const obtained = await obtainTunnel({
      client: new ResourceClient(new FakeKube()),
      gateway,
      newSecret: () => SECRET_VALUE,
      tunnel,
      accountId: ACCOUNT_ID,
      secret: undefined,
      ctx: CTX,
      report,
    });

    expect(calls).toEqual([`getTunnel ${ACCOUNT_ID} ${TUNNEL_ID}`, `createTunnel ${ACCOUNT_ID} shop-web`]);
    expect(obtained).toMatchObject({
      created: true,
      credentials: { tunnelId: 'a7b0c5d2-0000-4000-8000-000000000000' },
    });
    expect(report.events.map((e) => e.reason)).toEqual(['TunnelRecreated', Reason.TunnelCreated]);
  });
});
