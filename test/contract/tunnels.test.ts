import { CloudflareApiError } from '../../src/cloudflare/errors.js';
import { ACCOUNT_ID, callsTo, harness, useEmulator } from './support.js';

describe('tunnels', () => {
  const emulator = useEmulator();

  it('creates a tunnel with a locally generated 32-byte secret', async () => {
    const { gateway } = harness(emulator());
    const { tunnel, secret } = await gateway.createTunnel({
      accountId: ACCOUNT_ID,
      name: 'ns-web',
      configSource: 'local',
    });
    expect(tunnel).toMatchObject({ name: 'ns-web', accountTag: ACCOUNT_ID, configSource: 'local', status: 'inactive' });
    expect(tunnel.deletedAt).toBeUndefined();
    expect(Buffer.from(secret, 'base64')).toHaveLength(32);
    const state = await emulator().control.state();
    expect(state.tunnels.map((t) => t.id)).toEqual([tunnel.id]);
    expect(JSON.stringify(state)).not.toContain(secret);
  });

  it('creates a tunnel with a secret the caller chose (saved before the call, so a crash cannot lose it)', async () => {
    const { gateway } = harness(emulator());
    const chosen = Buffer.alloc(32, 7).toString('base64');
    const { tunnel, secret } = await gateway.createTunnel({
      accountId: ACCOUNT_ID,
      name: 'chosen',
      configSource: 'local',
      secret: chosen,
    });
    expect(secret).toBe(chosen);
    const token = JSON.parse(Buffer.from(await gateway.getTunnelToken(ACCOUNT_ID, tunnel.id), 'base64').toString()) as {
      s: string;
    };
    expect(token.s).toBe(chosen);
  });

  it('refuses a second live tunnel with the same name (409, code 1013)', async () => {
    const { gateway } = harness(emulator());
    await gateway.createTunnel({ accountId: ACCOUNT_ID, name: 'dup', configSource: 'cloudflare' });
    const err = await gateway
      .createTunnel({ accountId: ACCOUNT_ID, name: 'dup', configSource: 'cloudflare' })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CloudflareApiError);
    expect(err).toMatchObject({ kind: 'conflict', status: 409 });
    expect((err as CloudflareApiError).hasCode(1013)).toBe(true);
  });

  it('gets by ID and finds by name among live tunnels only', async () => {
    const { gateway } = harness(emulator());
    const { tunnel } = await gateway.createTunnel({ accountId: ACCOUNT_ID, name: 'edge', configSource: 'local' });
    await expect(gateway.getTunnel(ACCOUNT_ID, tunnel.id)).resolves.toMatchObject({ id: tunnel.id, name: 'edge' });
    await expect(gateway.findTunnelByName(ACCOUNT_ID, 'edge')).resolves.toMatchObject({ id: tunnel.id });
    await expect(gateway.findTunnelByName(ACCOUNT_ID, 'edg')).resolves.toBeUndefined();
    await expect(gateway.getTunnel(ACCOUNT_ID, '00000000-0000-4000-8000-000000000000')).resolves.toBeUndefined();

    await gateway.deleteTunnel(ACCOUNT_ID, tunnel.id);
    await expect(gateway.findTunnelByName(ACCOUNT_ID, 'edge')).resolves.toBeUndefined();
    const deleted = await gateway.getTunnel(ACCOUNT_ID, tunnel.id);
    expect(deleted?.deletedAt).toEqual(expect.any(String));
    // The name is free again once the tunnel is deleted.
    const again = await gateway.createTunnel({ accountId: ACCOUNT_ID, name: 'edge', configSource: 'local' });
    await expect(gateway.findTunnelByName(ACCOUNT_ID, 'edge')).resolves.toMatchObject({ id: again.tunnel.id });
  });

  it('returns the tunnel token: base64 of {a, t, s}', async () => {
    const { gateway } = harness(emulator());
    const { tunnel, secret } = await gateway.createTunnel({
      accountId: ACCOUNT_ID,
      name: 'tok',
      configSource: 'cloudflare',
    });
    const token = await gateway.getTunnelToken(ACCOUNT_ID, tunnel.id);
    expect(JSON.parse(Buffer.from(token, 'base64').toString('utf8'))).toEqual({
      a: ACCOUNT_ID,
      t: tunnel.id,
      s: secret,
    });
  });

  it('lists connected cloudflared replicas', async () => {
    const { gateway } = harness(emulator());
    const { tunnel } = await gateway.createTunnel({ accountId: ACCOUNT_ID, name: 'conn', configSource: 'local' });
    await emulator().control.setConnectors(tunnel.id, 2);
    await expect(gateway.getTunnel(ACCOUNT_ID, tunnel.id)).resolves.toMatchObject({ status: 'healthy' });
  });

  it('deletes a tunnel with active connections in one call (cascade)', async () => {
    const { gateway } = harness(emulator());
    const { tunnel } = await gateway.createTunnel({ accountId: ACCOUNT_ID, name: 'busy', configSource: 'local' });
    await emulator().control.setConnectors(tunnel.id, 3);
    await emulator().control.clearCalls();

    await expect(gateway.deleteTunnel(ACCOUNT_ID, tunnel.id)).resolves.toBe('deleted');

    const calls = (await emulator().control.calls()).recent;
    expect(calls.map((c) => `${c.route} ${c.status}`)).toEqual([
      'DELETE /accounts/:account_id/cfd_tunnel/:tunnel_id 200',
    ]);
    const state = await emulator().control.state();
    expect(state.tunnels[0]?.deletedAt).toEqual(expect.any(String));
    await expect(gateway.deleteTunnel(ACCOUNT_ID, tunnel.id)).resolves.toBe('alreadyGone');
  });

  it('deletes a tunnel whose replicas keep reconnecting (pods still terminating), without looping', async () => {
    const { gateway } = harness(emulator());
    const { tunnel } = await gateway.createTunnel({ accountId: ACCOUNT_ID, name: 'sticky', configSource: 'local' });
    await emulator().control.setConnectors(tunnel.id, 2, { reconnectOnCleanup: true });
    await emulator().control.clearCalls();
    await expect(gateway.deleteTunnel(ACCOUNT_ID, tunnel.id)).resolves.toBe('deleted');
    expect(await callsTo(emulator(), 'DELETE /accounts/:account_id/cfd_tunnel/:tunnel_id')).toBe(1);
    expect((await emulator().control.state()).tunnels[0]?.connectors).toEqual([]);
  });

  it('finds a tunnel by name in one call although the page says nothing of the matches (no total_pages)', async () => {
    const { gateway } = harness(emulator());
    for (let i = 0; i < 60; i++) {
      await gateway.createTunnel({ accountId: ACCOUNT_ID, name: `t${i}`, configSource: 'local' });
    }
    await emulator().control.clearCalls();
    await expect(gateway.findTunnelByName(ACCOUNT_ID, 't7')).resolves.toMatchObject({ name: 't7' });
    expect(await callsTo(emulator(), 'GET /accounts/:account_id/cfd_tunnel')).toBe(1);
  });

  it('gets and puts the remotely-managed configuration, with versions', async () => {
    const { gateway } = harness(emulator());
    const { tunnel } = await gateway.createTunnel({
      accountId: ACCOUNT_ID,
      name: 'remote',
      configSource: 'cloudflare',
    });
    await expect(gateway.getTunnelConfiguration(ACCOUNT_ID, tunnel.id)).resolves.toEqual({
      version: 0,
      config: undefined,
    });
    const config = {
      ingress: [
        { hostname: 'app.example.com', service: 'http://web.ns.svc:80', originRequest: { noTLSVerify: true } },
        { service: 'http_status:404' },
      ],
      originRequest: { connectTimeout: 10 },
    };
    // Echoed as stored: an originRequest everywhere, durations as Go duration strings.
    await expect(gateway.putTunnelConfiguration(ACCOUNT_ID, tunnel.id, config)).resolves.toEqual({
      version: 1,
      config: {
        ingress: [
          { ...config.ingress[0], originRequest: { noTLSVerify: true } },
          { service: 'http_status:404', originRequest: {} },
        ],
        originRequest: { connectTimeout: '10s' },
      },
    });
    const second = { ingress: [{ service: 'http_status:503' }] };
    await expect(gateway.putTunnelConfiguration(ACCOUNT_ID, tunnel.id, second)).resolves.toMatchObject({ version: 2 });
    await expect(gateway.getTunnelConfiguration(ACCOUNT_ID, tunnel.id)).resolves.toEqual({
      version: 2,
      config: { ingress: [{ service: 'http_status:503', originRequest: {} }], originRequest: {} },
    });
  });

  it('refuses a configuration whose last ingress rule is not a catch-all', async () => {
    const { gateway } = harness(emulator());
    const { tunnel } = await gateway.createTunnel({
      accountId: ACCOUNT_ID,
      name: 'remote',
      configSource: 'cloudflare',
    });
    const bad = { ingress: [{ hostname: 'app.example.com', service: 'http://web:80' }] };
    await expect(gateway.putTunnelConfiguration(ACCOUNT_ID, tunnel.id, bad)).rejects.toMatchObject({
      kind: 'invalid',
      status: 400,
    });
    expect((await gateway.getTunnelConfiguration(ACCOUNT_ID, tunnel.id)).version).toBe(0);
  });
});
