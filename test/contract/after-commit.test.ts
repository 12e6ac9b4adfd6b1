// Writes whose answer is lost after Cloudflare committed them (the emulator's `afterCommit` faults): the gateway's
// retry of each must be harmless.
import { ACCOUNT_ID, FREE_ZONE, callsTo, harness, raw, useEmulator } from './support.js';

const SECRET = Buffer.alloc(32, 3).toString('base64');

describe('after-commit faults', () => {
  const emulator = useEmulator();

  it('the emulator commits the write, then answers with the injected status', async () => {
    await emulator().control.addFault({
      method: 'POST',
      path: '/cfd_tunnel$',
      status: 504,
      times: 1,
      afterCommit: true,
    });
    const body = { name: 'lost', config_src: 'local', tunnel_secret: SECRET };
    const first = await raw(emulator(), 'POST', `/accounts/${ACCOUNT_ID}/cfd_tunnel`, { body });
    expect(first.status).toBe(504);
    expect((await emulator().control.state()).tunnels.map((t) => t.name)).toEqual(['lost']);
    const retry = await raw(emulator(), 'POST', `/accounts/${ACCOUNT_ID}/cfd_tunnel`, { body });
    expect(retry.status).toBe(409);
    expect(retry.body['errors']).toEqual([expect.objectContaining({ code: 1013 })]);
  });

  it('a lost answer can also be a hang (the client times out) after the commit', async () => {
    await emulator().control.addFault({
      method: 'DELETE',
      path: '/dns_records/',
      hang: true,
      times: 1,
      afterCommit: true,
    });
    const { gateway } = harness(emulator(), { timeoutMs: 300 });
    const record = await gateway.createDnsRecord(FREE_ZONE.id, {
      name: 'gone.example.com',
      type: 'CNAME',
      content: 'x.cfargotunnel.com',
      proxied: true,
      ttl: 1,
      comment: 'c',
    });
    expect(await gateway.deleteDnsRecord(FREE_ZONE.id, record.id)).toBe('alreadyGone');
    expect((await emulator().control.state()).records).toEqual([]);
  });

  it('deleting a tunnel, cleaning up its connections and putting its configuration are harmless to retry', async () => {
    const { gateway } = harness(emulator());
    const { tunnel } = await gateway.createTunnel({ accountId: ACCOUNT_ID, name: 't', configSource: 'cloudflare' });
    await emulator().control.setConnectors(tunnel.id, 2);
    await emulator().control.addFault({ path: '/configurations$', status: 502, times: 1, afterCommit: true });
    await emulator().control.addFault({ path: '/connections$', status: 502, times: 1, afterCommit: true });
    await emulator().control.addFault({
      method: 'DELETE',
      path: '/cfd_tunnel/[^/]+$',
      status: 502,
      times: 1,
      afterCommit: true,
    });

    const config = { ingress: [{ hostname: 'a.example.com', service: 'http://a:80' }, { service: 'http_status:404' }] };
    const written = await gateway.putTunnelConfiguration(ACCOUNT_ID, tunnel.id, config);
    expect(written.version).toBe(2); // the lost PUT and its retry
    expect((await gateway.getTunnelConfiguration(ACCOUNT_ID, tunnel.id)).config?.ingress).toHaveLength(2);

    expect(await gateway.deleteTunnel(ACCOUNT_ID, tunnel.id)).toMatch(/^(deleted|alreadyGone)$/);
    expect((await gateway.getTunnel(ACCOUNT_ID, tunnel.id))?.deletedAt).toBeDefined();
    expect(await callsTo(emulator(), 'DELETE /accounts/:account_id/cfd_tunnel/:tunnel_id')).toBe(2);
  });
});
