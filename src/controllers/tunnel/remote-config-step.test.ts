import { FakeCloudflare } from '../../cloudflare/testing/fake-cloudflare.js';
import { hash } from '../../render/index.js';
import { pushedConfigs, remoteConfigUpToDate, syncRemoteConfig } from './remote-config-step.js';

const wanted = { ingress: [{ service: 'http_status:404' }] };
const echoed = { ingress: [{ service: 'http_status:404', originRequest: {} }], originRequest: {} };

describe('remoteConfigUpToDate', () => {
  it.each([
    ['nothing pushed, nothing there', undefined, { version: 0, config: undefined }, false],
    ['nothing pushed, the same fields there', undefined, { version: 4, config: echoed }, true],
    ['pushed this hash, version unchanged', { hash: 'h', version: 4 }, { version: 4, config: { ingress: [] } }, true],
    ['pushed this hash, version moved', { hash: 'h', version: 4 }, { version: 5, config: { ingress: [] } }, false],
    ['pushed another hash', { hash: 'old', version: 4 }, { version: 4, config: { ingress: [] } }, false],
  ])('%s', (_name, pushed, current, expected) => {
    expect(remoteConfigUpToDate(wanted, 'h', current, pushed)).toBe(expected);
  });
});

describe('syncRemoteConfig', () => {
  const ACCOUNT = 'a'.repeat(32);
  const TUNNEL = 't-1';
  const other = { ingress: [{ hostname: 'x.example.com', service: 'http://x' }, { service: 'http_status:404' }] };

  function setup() {
    const cloudflare = new FakeCloudflare();
    const pushes = pushedConfigs();
    const sync = (config = wanted) =>
      syncRemoteConfig({ gateway: cloudflare, accountId: ACCOUNT, tunnelId: TUNNEL, wanted: config, pushes, key: 'k' });
    const calls = () => cloudflare.calls.map((c) => c.split(' ')[0]);
    return { cloudflare, pushes, sync, calls };
  }

  it('nothing there: reads, then PUTs and remembers the version it got', async () => {
    const { cloudflare, pushes, sync, calls } = setup();
    await expect(sync()).resolves.toBe(1);
    expect(calls()).toEqual(['getTunnelConfiguration', 'putTunnelConfiguration']);
    expect(cloudflare.configurations.get(TUNNEL)?.config).toEqual(wanted);
    expect(pushes.get('k')).toEqual({ hash: hash(wanted), version: 1 });
  });

  it('what it pushed, unchanged since: one read and no PUT', async () => {
    const { sync, calls } = setup();
    await sync();
    await expect(sync()).resolves.toBeUndefined();
    expect(calls()).toEqual(['getTunnelConfiguration', 'putTunnelConfiguration', 'getTunnelConfiguration']);
  });

  it('written by someone else since: PUT again', async () => {
    const { cloudflare, sync, calls } = setup();
    await sync();
    await cloudflare.putTunnelConfiguration(ACCOUNT, TUNNEL, other);
    await expect(sync()).resolves.toBe(3);
    expect(calls().slice(-2)).toEqual(['getTunnelConfiguration', 'putTunnelConfiguration']);
  });

  it("already there in Cloudflare's own form (e.g. after a restart): no PUT, and its version is remembered", async () => {
    const { cloudflare, pushes, sync, calls } = setup();
    cloudflare.configurations.set(TUNNEL, { version: 7, config: echoed });
    await expect(sync()).resolves.toBeUndefined();
    expect(calls()).toEqual(['getTunnelConfiguration']);
    expect(pushes.get('k')).toEqual({ hash: hash(wanted), version: 7 });
  });

  it('what it wants changed since its last push: PUT without reading first', async () => {
    const { sync, calls } = setup();
    await sync();
    await expect(sync(other)).resolves.toBe(2);
    expect(calls()).toEqual(['getTunnelConfiguration', 'putTunnelConfiguration', 'putTunnelConfiguration']);
  });
});
