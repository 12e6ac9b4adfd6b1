// The remote configuration step against an API that validates the ingress list and echoes the configuration in
// its own form: a configuration at rest is never PUT again, however often the operator resyncs.
import { pushedConfigs, syncRemoteConfig } from '../../src/controllers/tunnel/remote-config-step.js';
import { isSubset } from '../../src/controllers/shared/subset.js';
import type { TunnelConfiguration } from '../../src/cloudflare/index.js';
import { ACCOUNT_ID, callsTo, harness, useEmulator } from './support.js';

const PUT = 'PUT /accounts/:account_id/cfd_tunnel/:tunnel_id/configurations';
const GET = 'GET /accounts/:account_id/cfd_tunnel/:tunnel_id/configurations';
const wanted: TunnelConfiguration = {
  ingress: [
    {
      hostname: 'app.example.com',
      service: 'http://web.shop.svc.cluster.local:80',
      originRequest: { connectTimeout: 30 },
    },
    { service: 'http_status:404' },
  ],
};

describe('syncRemoteConfig', () => {
  const emulator = useEmulator();

  async function setUp() {
    const { gateway } = harness(emulator());
    const { tunnel } = await gateway.createTunnel({
      accountId: ACCOUNT_ID,
      name: 'remote',
      configSource: 'cloudflare',
    });
    const pushes = pushedConfigs();
    const sync = (config: TunnelConfiguration = wanted) =>
      syncRemoteConfig({ gateway, accountId: ACCOUNT_ID, tunnelId: tunnel.id, wanted: config, pushes, key: 'k' });
    return { gateway, tunnel, sync };
  }

  it('pushes once, then 10 resyncs send zero PUTs although the API echoes the configuration normalised', async () => {
    const { gateway, tunnel, sync } = await setUp();
    expect(await sync()).toBe(1);
    const echoed = await gateway.getTunnelConfiguration(ACCOUNT_ID, tunnel.id);
    expect(isSubset(wanted, echoed.config)).toBe(false); // comparing fields alone would PUT on every resync
    for (let i = 0; i < 10; i++) expect(await sync()).toBeUndefined();
    expect(await callsTo(emulator(), PUT)).toBe(1);
  });

  it('pushes again when someone else wrote the configuration (its version moved)', async () => {
    const { gateway, tunnel, sync } = await setUp();
    await sync();
    await gateway.putTunnelConfiguration(ACCOUNT_ID, tunnel.id, { ingress: [{ service: 'http_status:503' }] });
    expect(await sync()).toBe(3);
    expect(await sync()).toBeUndefined();
    expect(await callsTo(emulator(), PUT)).toBe(3);
  });

  it('a configuration changed since the last push is PUT without reading it first', async () => {
    const { sync } = await setUp();
    await sync();
    await emulator().control.clearCalls();
    const changed: TunnelConfiguration = {
      ingress: [{ hostname: 'b.example.com', service: 'http://b:80' }, { service: 'http_status:404' }],
    };
    expect(await sync(changed)).toBe(2);
    expect([await callsTo(emulator(), GET), await callsTo(emulator(), PUT)]).toEqual([0, 1]);
  });
});
