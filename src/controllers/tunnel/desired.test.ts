import { CONFIG_HASH_ANNOTATION } from '../../api/constants.js';
import { CTX, route, sampleTunnel } from '../../render/testing/fixtures.js';
import { desiredState, type DesiredInput } from './desired.js';

const credentials = {
  accountTag: '0123456789abcdef0123456789abcdef',
  tunnelId: '6ff42ae2-765d-4adf-8112-31c55c1551ef',
  tunnelSecret: Buffer.alloc(32, 1).toString('base64'),
};
const input = (overrides: Partial<DesiredInput> = {}): DesiredInput => ({
  tunnel: sampleTunnel(),
  credentials,
  created: true,
  routes: [],
  backends: [],
  ctx: CTX,
  ...overrides,
});

const localTunnel = (overrides: Parameters<typeof sampleTunnel>[0] = {}): ReturnType<typeof sampleTunnel> =>
  sampleTunnel({ configSource: 'local', ...overrides });

describe('desiredState', () => {
  it('unset configSource: cloudflare mode for a created tunnel, local mode for an adopted one', () => {
    expect(desiredState(input()).mode).toBe('cloudflare');
    const adopted = sampleTunnel({ tunnel: { adopt: { id: credentials.tunnelId } } });
    expect(desiredState(input({ tunnel: adopted, created: false })).mode).toBe('local');
  });

  it('local mode: a ConfigMap, credentials.json, a PDB for 2 replicas, no remote configuration', () => {
    const desired = desiredState(input({ tunnel: localTunnel() }));
    expect(desired.mode).toBe('local');
    expect(desired.configMap?.data?.['config.yaml']).toContain(credentials.tunnelId);
    expect(Object.keys(desired.secret.data ?? {})).toEqual(['credentials.json']);
    expect(desired.podDisruptionBudget).toBeDefined();
    expect(desired.remoteConfig).toBeUndefined();
    expect(desired.deployment.spec?.template.metadata?.annotations?.[CONFIG_HASH_ANNOTATION]).toBe(desired.configHash);
  });

  it('cloudflare mode: the token in the Secret, the rules as remote configuration, no ConfigMap', () => {
    const desired = desiredState(input({ tunnel: sampleTunnel({ configSource: 'cloudflare' }) }));
    expect(desired.configMap).toBeUndefined();
    expect(Object.keys(desired.secret.data ?? {})).toEqual(['token']);
    expect(desired.remoteConfig?.ingress).toEqual([{ service: 'http_status:404' }]);
  });

  it('scale: replicas 1 → no PDB; replicas 3 → a PDB and no rollout', () => {
    const one = desiredState(input({ tunnel: sampleTunnel({ cloudflared: { replicas: 1 } }) }));
    const three = desiredState(input({ tunnel: sampleTunnel({ cloudflared: { replicas: 3 } }) }));
    expect(one.podDisruptionBudget).toBeUndefined();
    expect(three.podDisruptionBudget).toBeDefined();
    expect(three.configHash).toBe(one.configHash);
  });

  it('local mode: origin defaults or routes change the config hash (one rollout)', () => {
    const base = desiredState(input({ tunnel: localTunnel() })).configHash;
    const origin = desiredState(input({ tunnel: localTunnel({ originRequest: { connectTimeout: '10s' } }) }));
    const routed = desiredState(input({ tunnel: localTunnel(), routes: [route('shop.example.com')] }));
    expect(origin.configHash).not.toBe(base);
    expect(routed.configHash).not.toBe(base);
  });

  it('cloudflare mode: a route change never changes the hash (no pod restart)', () => {
    const tunnel = sampleTunnel({ configSource: 'cloudflare' });
    const before = desiredState(input({ tunnel }));
    const after = desiredState(input({ tunnel, routes: [route('shop.example.com')] }));
    expect(after.configHash).toBe(before.configHash);
    expect(after.remoteConfig).not.toEqual(before.remoteConfig);
  });

  it('cloudflare mode: new tunnel credentials change the hash (the pods must restart with the new token)', () => {
    const tunnel = sampleTunnel({ configSource: 'cloudflare' });
    const before = desiredState(input({ tunnel })).configHash;
    const other = { ...credentials, tunnelSecret: Buffer.alloc(32, 2).toString('base64') };
    expect(desiredState(input({ tunnel, credentials: other })).configHash).not.toBe(before);
  });

  it('mode switch local → cloudflare changes the hash (the pods must restart with the token)', () => {
    const local = desiredState(input({ tunnel: localTunnel() })).configHash;
    const remote = desiredState(input({ tunnel: sampleTunnel({ configSource: 'cloudflare' }) })).configHash;
    expect(remote).not.toBe(local);
  });

  it('a NetworkPolicy by default, from the routes’ backends, and the origins it cannot allow', () => {
    const desired = desiredState(
      input({
        backends: [
          { kind: 'pods', namespace: 'shop', selector: { app: 'web' }, port: 8080, protocol: 'TCP' },
          { kind: 'unselectable', source: 'Service shop/db', reason: 'no selector' },
        ],
      }),
    );
    expect(desired.networkPolicy?.metadata?.name).toBe('web-cloudflared');
    expect(desired.networkPolicy?.spec?.egress?.[2]?.to?.[0]?.podSelector?.matchLabels).toEqual({ app: 'web' });
    expect(desired.policyGaps.map((gap) => gap.source)).toEqual(['Service shop/db']);
  });

  it('no NetworkPolicy and no gaps when switched off; a policy change never rolls the pods', () => {
    const off = sampleTunnel({ cloudflared: { networkPolicy: { enabled: false } } });
    const backends = [{ kind: 'unselectable' as const, source: 'Service shop/db', reason: 'no selector' }];
    const desired = desiredState(input({ tunnel: off, backends }));
    expect(desired.networkPolicy).toBeUndefined();
    expect(desired.policyGaps).toEqual([]);
    expect(desired.configHash).toBe(desiredState(input()).configHash);
  });

  it('is deterministic', () => {
    expect(desiredState(input())).toEqual(desiredState(input()));
  });
});
