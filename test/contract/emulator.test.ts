// Wire-level checks of the emulator itself: the shapes the SDK and the gateway rely on.
import { userAgent } from '../../src/cloudflare/client.js';
import { DEFAULT_GLOBAL_KEY, DEFAULT_TOKEN } from '../cloudflare-emulator/index.js';
import { ACCOUNT_ID, FREE_ZONE, harness, raw, useEmulator } from './support.js';

describe('emulator wire format', () => {
  const emulator = useEmulator();

  it('wraps results in the v4 envelope with result_info on lists', async () => {
    const { status, body } = await raw(emulator(), 'GET', '/zones?per_page=1&page=2');
    expect(status).toBe(200);
    expect(body).toMatchObject({
      success: true,
      errors: [],
      messages: [],
      result_info: { page: 2, per_page: 5, count: 0, total_count: 2, total_pages: 1 },
    });
  });

  it('answers a malformed Authorization header with 400 / 6003 and its error chain', async () => {
    const { status, body } = await raw(emulator(), 'GET', '/zones', { headers: { authorization: 'Token x' } });
    expect(status).toBe(400);
    expect(body).toMatchObject({
      success: false,
      result: null,
      errors: [{ code: 6003, error_chain: [{ code: 6111 }] }],
    });
  });

  it('answers missing credentials with 400 / 9106', async () => {
    const response = await fetch(`${emulator().apiBaseUrl}/zones`);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ errors: [{ code: 9106 }] });
  });

  it('answers an unknown route with 400 / 7003 + 7000', async () => {
    const { status, body } = await raw(emulator(), 'GET', '/nothing/here');
    expect(status).toBe(400);
    expect((body['errors'] as { code: number }[]).map((e) => e.code)).toEqual([7003, 7000]);
  });

  it('refuses to delete a tunnel with active connections (400 / 1022)', async () => {
    const created = await raw(emulator(), 'POST', `/accounts/${ACCOUNT_ID}/cfd_tunnel`, { body: { name: 't' } });
    const id = (created.body['result'] as { id: string }).id;
    await emulator().control.setConnectors(id, 1);
    const { status, body } = await raw(emulator(), 'DELETE', `/accounts/${ACCOUNT_ID}/cfd_tunnel/${id}`);
    expect(status).toBe(400);
    expect(body).toMatchObject({ errors: [{ code: 1022 }] });
  });

  it('filters tunnels by is_deleted', async () => {
    const base = `/accounts/${ACCOUNT_ID}/cfd_tunnel`;
    const a = await raw(emulator(), 'POST', base, { body: { name: 'a' } });
    await raw(emulator(), 'POST', base, { body: { name: 'b' } });
    await raw(emulator(), 'DELETE', `${base}/${(a.body['result'] as { id: string }).id}`);
    const names = async (q: string) =>
      ((await raw(emulator(), 'GET', `${base}${q}`)).body['result'] as { name: string }[]).map((t) => t.name);
    expect(await names('?is_deleted=false')).toEqual(['b']);
    expect(await names('?is_deleted=true')).toEqual(['a']);
    expect(await names('')).toEqual(['b']); // deleted tunnels only when asked for
    const page = await raw(emulator(), 'GET', `${base}?name=b&per_page=1`);
    expect(page.body['result_info']).toEqual({ page: 1, per_page: 1, count: 1, total_count: 2 });
  });

  it('deletes a tunnel with its connections when asked to cascade', async () => {
    const created = await raw(emulator(), 'POST', `/accounts/${ACCOUNT_ID}/cfd_tunnel`, { body: { name: 't' } });
    const id = (created.body['result'] as { id: string }).id;
    await emulator().control.setConnectors(id, 2, { reconnectOnCleanup: true });
    const { status } = await raw(emulator(), 'DELETE', `/accounts/${ACCOUNT_ID}/cfd_tunnel/${id}?cascade=true`);
    expect(status).toBe(200);
    const [tunnel] = (await emulator().control.state()).tunnels;
    expect(tunnel?.connectors).toEqual([]);
    expect(tunnel?.deletedAt).toBeDefined();
  });

  it('filters DNS comments without regard to case', async () => {
    await emulator().control.seed({
      records: [
        {
          zoneId: 'f0000000000000000000000000000001',
          name: 'a.example.com',
          type: 'A',
          content: '192.0.2.1',
          comment: 'Cloudflare-Operator owner=x',
        },
      ],
    });
    const list = await raw(
      emulator(),
      'GET',
      '/zones/f0000000000000000000000000000001/dns_records?comment.startswith=cloudflare-operator',
    );
    expect((list.body['result'] as unknown[]).length).toBe(1);
  });

  it('applies nothing of a batch whose delete names a missing record', async () => {
    const { status, body } = await raw(emulator(), 'POST', `/zones/${FREE_ZONE.id}/dns_records/batch`, {
      body: {
        posts: [{ type: 'CNAME', name: 'a', content: 'x.cfargotunnel.com', proxied: true, ttl: 1 }],
        deletes: [{ id: 'ffffffffffffffffffffffffffffffff' }],
      },
    });
    expect(status).toBe(400);
    expect(body).toMatchObject({ errors: [{ code: 81044 }] });
    expect((await emulator().control.state()).records).toEqual([]);
  });

  it('completes relative names with the zone and returns the batch result by section', async () => {
    const { body } = await raw(emulator(), 'POST', `/zones/${FREE_ZONE.id}/dns_records/batch`, {
      body: { posts: [{ type: 'CNAME', name: 'www', content: 'x.cfargotunnel.com.', proxied: true, ttl: 1 }] },
    });
    expect(body['result']).toMatchObject({
      deletes: [],
      patches: [],
      puts: [],
      posts: [{ name: 'www.example.com', content: 'x.cfargotunnel.com', proxied: true, ttl: 1, comment: null }],
    });
  });

  it("records each call's User-Agent and time: the gateway names its replica there", async () => {
    const before = Date.now();
    await harness(emulator(), { instance: 'op-a_0011aabb' }).gateway.findZoneByName('example.com');
    const [call] = (await emulator().control.calls()).recent;
    expect(call?.userAgent).toBe(userAgent('op-a_0011aabb'));
    expect(call?.at).toBeGreaterThanOrEqual(before);
    expect(call?.at).toBeLessThanOrEqual(Date.now());
  });

  it('lists every credential it knows: tokens, global keys, tunnel secrets and tokens', async () => {
    const secret = Buffer.alloc(32, 7).toString('base64');
    const created = await raw(emulator(), 'POST', `/accounts/${ACCOUNT_ID}/cfd_tunnel`, {
      body: { name: 't', tunnel_secret: secret },
    });
    const token = (created.body['result'] as { token: string }).token;
    expect(await emulator().control.secrets()).toEqual(
      expect.arrayContaining([DEFAULT_TOKEN, DEFAULT_GLOBAL_KEY.key, secret, token]),
    );
  });

  it('counts calls by route and resets to the seed', async () => {
    await raw(emulator(), 'GET', '/zones');
    await raw(emulator(), 'GET', `/zones/${FREE_ZONE.id}`);
    const calls = await emulator().control.calls();
    expect(calls.byRoute).toEqual({ 'GET /zones': 1, 'GET /zones/:zone_id': 1 });
    expect(calls.byStatus).toEqual({ '200': 2 });
    await emulator().control.reset();
    expect((await emulator().control.calls()).total).toBe(0);
  });
});
