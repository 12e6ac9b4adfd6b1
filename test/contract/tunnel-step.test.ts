// The tunnel step through the real SDK against the emulator: a create whose answer is lost (Cloudflare committed
// it, then answered 502) must end with the tunnel the operator made, found again through its pending secret.
import type { V1Secret } from '@kubernetes/client-node';
import { Reason } from '../../src/api/conditions.js';
import { desiredTunnelName } from '../../src/api/defaults.js';
import { Report, StepFailure } from '../../src/controllers/tunnel/report.js';
import { readStoredTunnel } from '../../src/controllers/tunnel/stored-tunnel.js';
import { obtainTunnel } from '../../src/controllers/tunnel/tunnel-step.js';
import { CTX, sampleTunnel } from '../../src/render/testing/fixtures.js';
import { ResourceClient, type KubeRequest } from '../../src/runtime/kube-client.js';
import { ACCOUNT_ID, harness, useEmulator } from './support.js';

/** A Kubernetes client whose server-side applies succeed and are kept (the last one wins). */
function recordingClient(): { client: ResourceClient; applied: V1Secret[] } {
  const applied: V1Secret[] = [];
  const client = new ResourceClient({
    request: (req: KubeRequest) => {
      if (req.method !== 'PATCH') return Promise.reject(new Error(`unexpected ${req.method} ${req.path}`));
      applied.push(structuredClone(req.body) as V1Secret);
      return Promise.resolve(req.body);
    },
  });
  return { client, applied };
}

const SECRET = Buffer.alloc(32, 7).toString('base64');
const CREATE = 'POST /accounts/:account_id/cfd_tunnel';

describe('obtainTunnel', () => {
  const emulator = useEmulator();
  const tunnel = sampleTunnel({ configSource: 'local' });

  function obtain(gateway: ReturnType<typeof harness>['gateway'], secret?: V1Secret) {
    const { client, applied } = recordingClient();
    const report = new Report();
    const run = obtainTunnel({
      client,
      gateway,
      newSecret: () => SECRET,
      tunnel,
      accountId: ACCOUNT_ID,
      secret,
      ctx: CTX,
      report,
    });
    return { run, applied, report };
  }

  it('recovers the tunnel it created when the create answer was lost (502 after commit, retry gets 409/1013)', async () => {
    await emulator().control.addFault({
      method: 'POST',
      path: '/cfd_tunnel$',
      status: 502,
      times: 1,
      afterCommit: true,
    });
    const { gateway } = harness(emulator());
    const { run, applied, report } = obtain(gateway);
    const obtained = await run;

    const tunnels = (await emulator().control.state()).tunnels;
    expect(tunnels).toHaveLength(1);
    expect(obtained.credentials).toEqual({ accountTag: ACCOUNT_ID, tunnelId: tunnels[0]?.id, tunnelSecret: SECRET });
    expect(obtained.created).toBe(true);
    const stored = readStoredTunnel(applied.at(-1));
    expect(stored).toMatchObject({ state: 'ready', created: true, credentials: { tunnelId: tunnels[0]?.id } });
    expect(report.conditions).toContainEqual(expect.objectContaining({ status: 'True', reason: Reason.TunnelCreated }));
    const calls = await emulator().control.calls();
    expect(calls.byRoute[CREATE]).toBe(2);
    expect(calls.recent.find((c) => c.route === CREATE)).toMatchObject({ status: 502, committedStatus: 200 });
  });

  it('still refuses a tunnel of that name made by someone else (another secret)', async () => {
    const { gateway } = harness(emulator());
    await gateway.createTunnel({
      accountId: ACCOUNT_ID,
      name: desiredTunnelName(tunnel) ?? '',
      configSource: 'local',
      secret: Buffer.alloc(32, 9).toString('base64'),
    });
    const { run, report } = obtain(gateway);
    await expect(run).rejects.toBeInstanceOf(StepFailure);
    await expect(run).rejects.toMatchObject({ retry: 'terminal' });
    expect(report.conditions).toContainEqual(expect.objectContaining({ reason: Reason.TunnelNameConflict }));
    expect((await emulator().control.state()).tunnels).toHaveLength(1);
  });
});
