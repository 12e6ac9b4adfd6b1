import { CTX, route, sampleTunnel } from '../../render/testing/fixtures.js';
import { configMapBytes, configSizeProblem, MAX_CONFIG_MAP_BYTES } from './config-size.js';
import { desiredState } from './desired.js';
import type { Route } from '../../render/index.js';

const credentials = {
  accountTag: '0123456789abcdef0123456789abcdef',
  tunnelId: '6ff42ae2-765d-4adf-8112-31c55c1551ef',
  tunnelSecret: Buffer.alloc(32, 1).toString('base64'),
};

function desiredFor(routes: Route[], configSource: 'local' | 'cloudflare' = 'local') {
  return desiredState({
    tunnel: sampleTunnel({ configSource }),
    credentials,
    created: true,
    routes,
    backends: [],
    ctx: CTX,
  });
}

/** What `count` Services of one tunnel give, one hostname each; `path` makes each rule longer. */
function services(count: number, path?: string): Route[] {
  return Array.from({ length: count }, (_, i) => route(`svc-${i}.example.com`, path ? { path } : {}));
}

describe('configMapBytes', () => {
  it('counts keys and values in UTF-8 bytes', () => {
    expect(configMapBytes({ data: { a: 'xyz', 'ü.yaml': 'é' } })).toBe(1 + 3 + 7 + 2);
    expect(configMapBytes({})).toBe(0);
  });
});

describe('configSizeProblem', () => {
  it('2,000 Services with ordinary hostnames fit in one ConfigMap', () => {
    const desired = desiredFor(services(2000));
    expect(configMapBytes(desired.configMap ?? {})).toBeLessThan(MAX_CONFIG_MAP_BYTES / 2);
    expect(configSizeProblem(desired)).toBeUndefined();
  });

  it('2,000 Services with long paths do not: the problem gives the size and the ways out', () => {
    const desired = desiredFor(services(2000, `^/${'p'.repeat(600)}`));
    const bytes = configMapBytes(desired.configMap ?? {});
    expect(bytes).toBeGreaterThan(MAX_CONFIG_MAP_BYTES);
    expect(configSizeProblem(desired)).toBe(
      `config.yaml would take ${bytes} bytes, more than the 1048576 a ConfigMap can hold: nothing was changed ` +
        `(cloudflared keeps the previous configuration); move some Services to another tunnel, shorten their ` +
        `hostnames, paths or origin-request values, or use configSource: cloudflare`,
    );
  });

  it('the limit itself is allowed, one byte more is not', () => {
    const at = { configMap: { data: { k: 'x'.repeat(MAX_CONFIG_MAP_BYTES - 1) } } };
    const over = { configMap: { data: { k: 'x'.repeat(MAX_CONFIG_MAP_BYTES) } } };
    expect(configSizeProblem(at)).toBeUndefined();
    expect(configSizeProblem(over)).toMatch(/^config.yaml would take 1048577 bytes/);
  });

  it('cloudflare mode has no ConfigMap, so no such limit', () => {
    expect(configSizeProblem(desiredFor(services(2000, `^/${'p'.repeat(600)}`), 'cloudflare'))).toBeUndefined();
  });
});
