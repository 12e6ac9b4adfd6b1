import type { V1Secret } from '@kubernetes/client-node';
import { Reason } from '../../api/conditions.js';
import type { CloudflareGateway, CreateTunnelInput, CreatedTunnel } from '../../cloudflare/index.js';
import { apiError, FakeCloudflare } from '../../cloudflare/testing/fake-cloudflare.js';
import type { Tunnel } from '../../api/types.js';
import { withDefaults } from '../../api/defaults.js';
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

/** The tunnel step against an in-memory Cloudflare, with what the credentials Secret holds at each call. */
function harness(options: { tunnel?: Tunnel; stored?: Exclude<StoredTunnel, { state: 'none' }> } = {}) {
  const kube = new FakeKube();
  const cloudflare = new FakeCloudflare();
  const tunnel = options.tunnel ?? sampleTunnel();
  const secretPath = resourcePath(SECRET, 'shop', objectNames(tunnel).secret);
  const mode = withDefaults(tunnel.spec).configSource;
  const secret = options.stored ? storedTunnelSecret(tunnel, options.stored, mode, CTX) : undefined;
  if (secret) kube.put(secretPath, secret as unknown as Record<string, unknown>);
  const report = new Report();
  let secrets = 0;
  const run = () =>
    obtainTunnel({
      client: new ResourceClient(kube),
      gateway: cloudflare,
      newSecret: () => {
        secrets++;
        return SECRET_VALUE;
      },
      tunnel,
      accountId: ACCOUNT_ID,
      secret: secret && kube.get(secretPath),
      ctx: CTX,
      report,
    });
  const stored = (): StoredTunnel => readStoredTunnel(kube.get(secretPath));
  return { kube, cloudflare, tunnel, report, run, stored, secretsMade: () => secrets };
}

const OTHER_SECRET = Buffer.alloc(32, 7).toString('base64');
const ready = (tunnelId: string, created: boolean) =>
  ({ state: 'ready', credentials: { accountTag: ACCOUNT_ID, tunnelId, tunnelSecret: SECRET_VALUE }, created }) as const;
const pending = {
  state: 'pending',
  pending: { name: 'shop-web', accountTag: ACCOUNT_ID, secret: SECRET_VALUE },
} as const;

describe('obtainTunnel: a tunnel on record in the Secret', () => {
  it.each([
    [true, Reason.TunnelCreated],
    [false, Reason.TunnelAdopted],
  ])('created %s and alive: verified with one read, nothing written', async (created, reason) => {
    const tunnel = created ? sampleTunnel() : sampleTunnel({ tunnel: { adopt: { id: TUNNEL_ID } } });
    const { kube, cloudflare, report, run } = harness({ tunnel, stored: ready(TUNNEL_ID, created) });
    const live = cloudflare.addTunnel({ accountTag: ACCOUNT_ID, name: 'renamed-on-cloudflare', id: TUNNEL_ID }, 'x');
    const writesBefore = kube.requests.length;
    const obtained = await run();
    expect(cloudflare.calls).toEqual([`getTunnel ${ACCOUNT_ID} ${live.id}`]);
    expect(kube.requests.length).toBe(writesBefore);
    expect(obtained).toMatchObject({ created, name: 'renamed-on-cloudflare', credentials: { tunnelId: live.id } });
    expect(obtained.secret).toBeDefined();
    expect(report.conditions).toEqual([expect.objectContaining({ type: 'TunnelReady', status: 'True', reason })]);
    expect(report.events).toEqual([]);
  });

  it('an adopted tunnel that is gone is reported (and retried), never created', async () => {
    const tunnel = sampleTunnel({ tunnel: { adopt: { id: TUNNEL_ID } } });
    const { cloudflare, report, run } = harness({ tunnel, stored: ready(TUNNEL_ID, false) });
    await expect(run()).rejects.toMatchObject({ name: 'StepFailure', retry: 'backoff' });
    expect(cloudflare.calls).toEqual([`getTunnel ${ACCOUNT_ID} ${TUNNEL_ID}`]);
    const message = `tunnel ${TUNNEL_ID} does not exist in the account`;
    expect(report.conditions).toEqual([
      expect.objectContaining({ type: 'TunnelReady', status: 'False', reason: Reason.TunnelNotFound, message }),
    ]);
    expect(report.events).toEqual([
      expect.objectContaining({ type: 'Warning', reason: Reason.TunnelNotFound, action: 'GetTunnel', note: message }),
    ]);
  });

  it('a created tunnel deleted behind our back is created again: pending secret first, then the new ID', async () => {
    const { cloudflare, report, run, stored } = harness({ stored: ready(TUNNEL_ID, true) });
    cloudflare.addTunnel({ accountTag: ACCOUNT_ID, name: 'shop-web', id: TUNNEL_ID, deletedAt: 'yesterday' }, 'x');
    const atCreate: StoredTunnel[] = [];
    cloudflare.onCall('createTunnel', () => atCreate.push(stored()));
    const obtained = await run();
    expect(atCreate).toEqual([pending]);
    const made = cloudflare.liveTunnels()[0]!;
    expect(stored()).toEqual(ready(made.id, true));
    expect(obtained).toMatchObject({ created: true, name: 'shop-web', credentials: { tunnelId: made.id } });
    expect(report.events.map((e) => [e.type, e.reason, e.action])).toEqual([
      ['Warning', 'TunnelRecreated', 'CreateTunnel'],
      ['Normal', Reason.TunnelCreated, 'CreateTunnel'],
    ]);
    expect(report.events[0]!.note).toBe(`tunnel ${TUNNEL_ID} is gone; creating "shop-web" again`);
  });
});

describe('obtainTunnel: adopting a tunnel by ID', () => {
  const adopting = () => sampleTunnel({ tunnel: { adopt: { id: TUNNEL_ID } } });

  it('reads its token and stores its credentials, marked not created', async () => {
    const h = harness({ tunnel: adopting() });
    h.cloudflare.addTunnel({ accountTag: ACCOUNT_ID, name: 'theirs', id: TUNNEL_ID }, OTHER_SECRET);
    const obtained = await h.run();
    expect(h.cloudflare.calls).toEqual([
      `getTunnel ${ACCOUNT_ID} ${TUNNEL_ID}`,
      `getTunnelToken ${ACCOUNT_ID} ${TUNNEL_ID}`,
    ]);
    const credentials = { accountTag: ACCOUNT_ID, tunnelId: TUNNEL_ID, tunnelSecret: OTHER_SECRET };
    expect(h.stored()).toEqual({ state: 'ready', credentials, created: false });
    expect(obtained).toMatchObject({ created: false, name: 'theirs', credentials });
    expect(readStoredTunnel(obtained.secret)).toEqual(h.stored());
    expect(h.report.conditions).toEqual([
      expect.objectContaining({ status: 'True', reason: Reason.TunnelAdopted, message: 'adopted tunnel theirs' }),
    ]);
    expect(h.report.events).toEqual([
      expect.objectContaining({
        type: 'Normal',
        reason: Reason.TunnelAdopted,
        action: 'AdoptTunnel',
        note: `adopted tunnel theirs (${TUNNEL_ID})`,
      }),
    ]);
    expect(h.secretsMade()).toBe(0);
  });

  it.each([
    ['does not exist', undefined],
    ['was deleted', 'yesterday'],
  ])('one that %s is reported, with nothing stored and nothing created', async (_, deletedAt) => {
    const h = harness({ tunnel: adopting() });
    if (deletedAt) h.cloudflare.addTunnel({ accountTag: ACCOUNT_ID, name: 'theirs', id: TUNNEL_ID, deletedAt }, 'x');
    await expect(h.run()).rejects.toMatchObject({ retry: 'backoff' });
    expect(h.cloudflare.calls).toEqual([`getTunnel ${ACCOUNT_ID} ${TUNNEL_ID}`]);
    expect(h.stored()).toEqual({ state: 'none' });
    expect(h.report.conditions).toEqual([expect.objectContaining({ reason: Reason.TunnelNotFound })]);
  });
});

describe('obtainTunnel: the credentials Secret lost, status names a created tunnel', () => {
  it('its credentials are read back through the token, not a second tunnel created', async () => {
    const tunnel = sampleTunnel();
    tunnel.status = { tunnelId: TUNNEL_ID, accountId: ACCOUNT_ID, created: true };
    const h = harness({ tunnel });
    h.cloudflare.addTunnel({ accountTag: ACCOUNT_ID, name: 'shop-web', id: TUNNEL_ID }, OTHER_SECRET);
    const obtained = await h.run();
    const credentials = { accountTag: ACCOUNT_ID, tunnelId: TUNNEL_ID, tunnelSecret: OTHER_SECRET };
    expect(h.stored()).toEqual({ state: 'ready', credentials, created: true });
    expect(obtained).toMatchObject({ created: true, name: 'shop-web' });
    expect(h.report.conditions).toEqual([
      expect.objectContaining({ status: 'True', reason: Reason.TunnelCreated, message: 'tunnel shop-web restored' }),
    ]);
    expect(h.report.events).toEqual([
      expect.objectContaining({
        type: 'Normal',
        reason: 'TunnelRestored',
        action: 'RestoreTunnel',
        note: `credentials of tunnel shop-web (${TUNNEL_ID}) restored`,
      }),
    ]);
  });
});

describe('obtainTunnel: a pending secret on record (a crash between storing it and the create)', () => {
  it('the tunnel of that name with our secret is ours: its ID is stored, nothing created', async () => {
    const h = harness({ stored: pending });
    const live = h.cloudflare.addTunnel({ accountTag: ACCOUNT_ID, name: 'shop-web' }, SECRET_VALUE);
    const obtained = await h.run();
    expect(h.cloudflare.calls).toEqual([
      `findTunnelByName ${ACCOUNT_ID} shop-web`,
      `getTunnelToken ${ACCOUNT_ID} ${live.id}`,
    ]);
    expect(h.stored()).toEqual(ready(live.id, true));
    expect(obtained).toMatchObject({ created: true, name: 'shop-web', credentials: { tunnelId: live.id } });
    expect(h.report.conditions).toEqual([
      expect.objectContaining({ status: 'True', reason: Reason.TunnelCreated, message: 'tunnel shop-web recovered' }),
    ]);
    expect(h.report.events).toEqual([
      expect.objectContaining({
        reason: 'TunnelRecovered',
        action: 'CreateTunnel',
        note: `found tunnel shop-web (${live.id}) created before a restart`,
      }),
    ]);
  });

  it("a tunnel of that name with another secret is someone else's: refused, never touched", async () => {
    const h = harness({ stored: pending });
    h.cloudflare.addTunnel({ accountTag: ACCOUNT_ID, name: 'shop-web' }, OTHER_SECRET);
    await expect(h.run()).rejects.toMatchObject({ name: 'StepFailure', retry: 'terminal' });
    expect(h.cloudflare.calls.filter((c) => !/^(findTunnelByName|getTunnelToken) /.test(c))).toEqual([]);
    expect(h.stored()).toEqual(pending);
    const message = 'a tunnel named "shop-web" already exists and is not this object\'s: rename it or adopt it by ID';
    expect(h.report.conditions).toEqual([
      expect.objectContaining({ status: 'False', reason: Reason.TunnelNameConflict, message }),
    ]);
    expect(h.report.events).toEqual([
      expect.objectContaining({
        type: 'Warning',
        reason: Reason.TunnelNameConflict,
        action: 'CreateTunnel',
        note: message,
      }),
    ]);
  });

  it('no tunnel of that name: created with the pending secret (no new one), then its ID stored', async () => {
    const h = harness({ stored: pending });
    const obtained = await h.run();
    expect(h.cloudflare.calls).toEqual([
      `findTunnelByName ${ACCOUNT_ID} shop-web`,
      `createTunnel ${ACCOUNT_ID} shop-web`,
    ]);
    const made = h.cloudflare.liveTunnels()[0]!;
    expect(h.secretsMade()).toBe(0);
    expect(h.stored()).toEqual(ready(made.id, true));
    expect(obtained.created).toBe(true);
  });
});

describe('obtainTunnel: the create call fails', () => {
  it('committed but its answer lost (the retry refused by name): the tunnel is found by its secret and kept', async () => {
    const h = harness();
    h.cloudflare.fail('createTunnel', apiError('conflict', 'tunnels.create', 1013), { afterCommit: true });
    const obtained = await h.run();
    const made = h.cloudflare.liveTunnels();
    expect(made).toHaveLength(1);
    expect(h.stored()).toEqual(ready(made[0]!.id, true));
    expect(obtained).toMatchObject({ created: true, credentials: { tunnelId: made[0]!.id } });
    expect(h.report.events.map((e) => e.reason)).toEqual(['TunnelRecovered']);
  });

  it('refused by name, yet not found by it (the list lags): the refusal is raised, no second create', async () => {
    const h = harness();
    const refusal = apiError('conflict', 'tunnels.create', 1013);
    h.cloudflare.fail('createTunnel', refusal);
    await expect(h.run()).rejects.toBe(refusal);
    expect(h.cloudflare.calls.filter((c) => c.startsWith('createTunnel'))).toHaveLength(1);
    expect(h.stored()).toEqual(pending);
    expect(h.report.conditions).toEqual([]);
  });

  it("the name held by someone else's tunnel: a name conflict, caused by the refusal", async () => {
    const h = harness();
    h.cloudflare.addTunnel({ accountTag: ACCOUNT_ID, name: 'shop-web' }, OTHER_SECRET);
    const failure = await h.run().catch((err: unknown) => err);
    expect(failure).toMatchObject({ name: 'StepFailure', retry: 'terminal' });
    expect((failure as Error).cause).toMatchObject({ name: 'CloudflareApiError', kind: 'conflict' });
    expect(h.cloudflare.liveTunnels()).toHaveLength(1);
    expect(h.report.conditions).toEqual([expect.objectContaining({ reason: Reason.TunnelNameConflict })]);
  });

  it.each(['invalid', 'notFound'] as const)('refused as %s: TunnelReady says why, with a Warning', async (kind) => {
    const h = harness();
    const refusal = apiError(kind, 'tunnels.create');
    h.cloudflare.fail('createTunnel', refusal);
    await expect(h.run()).rejects.toBe(refusal);
    expect(h.report.conditions).toEqual([
      expect.objectContaining({ status: 'False', reason: Reason.TunnelCreateFailed, message: refusal.message }),
    ]);
    expect(h.report.events).toEqual([
      expect.objectContaining({
        type: 'Warning',
        reason: Reason.TunnelCreateFailed,
        action: 'CreateTunnel',
        note: refusal.message,
      }),
    ]);
  });

  it.each([
    ['a transient Cloudflare error', apiError('transient')],
    ['any other failure', new Error('socket hang up')],
  ])('%s is raised as it is, with nothing reported (the reconcile retries it)', async (_, error) => {
    const h = harness();
    h.cloudflare.fail('createTunnel', error);
    await expect(h.run()).rejects.toBe(error);
    expect(h.report.conditions).toEqual([]);
    expect(h.report.events).toEqual([]);
    expect(h.stored()).toEqual(pending);
  });

  it('a created tunnel is reported with its name and ID', async () => {
    const h = harness();
    await h.run();
    const made = h.cloudflare.liveTunnels()[0]!;
    expect(made.configSource).toBe(withDefaults(h.tunnel.spec).configSource);
    expect(h.report.conditions).toEqual([
      expect.objectContaining({ status: 'True', reason: Reason.TunnelCreated, message: 'created tunnel shop-web' }),
    ]);
    expect(h.report.events).toEqual([
      expect.objectContaining({
        type: 'Normal',
        reason: Reason.TunnelCreated,
        action: 'CreateTunnel',
        note: `created tunnel shop-web (${made.id})`,
      }),
    ]);
  });
});
