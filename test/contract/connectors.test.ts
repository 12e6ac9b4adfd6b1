// The connections list through the gateway: what the operator reads to tell whether cloudflared runs the
// configuration it pushed, against the emulator's simulated connectors.
import type { TunnelConfiguration } from '../../src/cloudflare/types.js';
import { ACCOUNT_ID, callsTo, harness, raw, useEmulator } from './support.js';

const config = (service: string): TunnelConfiguration => ({ ingress: [{ service }] });

describe('tunnel connectors', () => {
  const emulator = useEmulator();

  async function remoteTunnel(name: string) {
    const { gateway } = harness(emulator());
    const { tunnel } = await gateway.createTunnel({ accountId: ACCOUNT_ID, name, configSource: 'cloudflare' });
    return { gateway, id: tunnel.id };
  }

  it('reads the connected replicas in one call: count, colos, cloudflared versions, configuration version', async () => {
    const { gateway, id } = await remoteTunnel('conn');
    await expect(gateway.getConnectors(ACCOUNT_ID, id)).resolves.toEqual({
      count: 0,
      colos: [],
      versions: [],
      configVersion: undefined,
    });
    await gateway.putTunnelConfiguration(ACCOUNT_ID, id, config('http_status:404'));
    await emulator().control.setConnectors(id, 2);
    await emulator().control.clearCalls();
    await expect(gateway.getConnectors(ACCOUNT_ID, id)).resolves.toEqual({
      count: 2,
      colos: ['ams01', 'ams08', 'fra02', 'fra09'],
      versions: ['2025.1.0'],
      configVersion: 1,
    });
    expect(await callsTo(emulator(), 'GET /accounts/:account_id/cfd_tunnel/:tunnel_id/connections')).toBe(1);
  });

  it('answers in the API shape: one client per connector with its connections and config_version', async () => {
    const { id } = await remoteTunnel('wire');
    await emulator().control.setConnectors(id, 1);
    const { status, body } = await raw(emulator(), 'GET', `/accounts/${ACCOUNT_ID}/cfd_tunnel/${id}/connections`);
    expect(status).toBe(200);
    const [client] = body['result'] as { id: string; conns: Record<string, unknown>[] }[];
    expect(client).toMatchObject({ arch: 'linux_amd64', version: '2025.1.0', config_version: 0 });
    expect(Object.keys(client ?? {}).sort()).toEqual(
      ['arch', 'config_version', 'conns', 'features', 'id', 'run_at', 'version'].sort(),
    );
    expect(client?.conns[0]).toMatchObject({ colo_name: 'ams01', client_id: client?.id, client_version: '2025.1.0' });
  });

  it('sees a pushed version once the pickup delay has passed', async () => {
    const { gateway, id } = await remoteTunnel('delayed');
    await emulator().control.setConnectors(id, 2);
    await emulator().control.setConfigPickup(id, { delayMs: 60_000 });
    const { version } = await gateway.putTunnelConfiguration(ACCOUNT_ID, id, config('http_status:503'));
    expect(version).toBe(1);
    expect((await gateway.getConnectors(ACCOUNT_ID, id)).configVersion).toBe(0);
    await emulator().control.advanceClock(60_000);
    expect((await gateway.getConnectors(ACCOUNT_ID, id)).configVersion).toBe(1);
  });

  it('reports connectors told to stay behind at their version until released', async () => {
    const { gateway, id } = await remoteTunnel('behind');
    await gateway.putTunnelConfiguration(ACCOUNT_ID, id, config('http_status:404'));
    await emulator().control.setConnectors(id, 2);
    await emulator().control.setConfigPickup(id, { holdAt: 1 });
    await gateway.putTunnelConfiguration(ACCOUNT_ID, id, config('http_status:503'));
    await gateway.putTunnelConfiguration(ACCOUNT_ID, id, config('http_status:502'));
    expect((await gateway.getConnectors(ACCOUNT_ID, id)).configVersion).toBe(1);
    // A replica joining now gets the latest configuration, but is held like the others.
    await emulator().control.setConnectors(id, 3);
    expect(await gateway.getConnectors(ACCOUNT_ID, id)).toMatchObject({ count: 3, configVersion: 1 });
    await emulator().control.setConfigPickup(id, { holdAt: null });
    expect((await gateway.getConnectors(ACCOUNT_ID, id)).configVersion).toBe(3);
  });

  it('keeps the connected replicas when more join, so each keeps the version it has', async () => {
    const { gateway, id } = await remoteTunnel('grow');
    await emulator().control.setConnectors(id, 1);
    await emulator().control.setConfigPickup(id, { delayMs: 60_000 });
    await gateway.putTunnelConfiguration(ACCOUNT_ID, id, config('http_status:404'));
    const before = (await emulator().control.state()).tunnels[0]?.connectors.map((c) => c.id);
    // The replica that joins after the PUT connects with version 1; the one connected before still runs 0.
    await emulator().control.setConnectors(id, 2);
    const after = (await emulator().control.state()).tunnels[0]?.connectors.map((c) => c.id);
    expect(after?.slice(0, 1)).toEqual(before);
    expect(await gateway.getConnectors(ACCOUNT_ID, id)).toMatchObject({ count: 2, configVersion: 0 });
  });

  it('refuses to connect replicas to a deleted tunnel', async () => {
    const { gateway, id } = await remoteTunnel('deleted');
    await gateway.deleteTunnel(ACCOUNT_ID, id);
    await expect(emulator().control.setConnectors(id, 1)).rejects.toThrow(/HTTP 409/);
  });
});
