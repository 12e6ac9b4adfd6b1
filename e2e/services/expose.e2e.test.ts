// The product's main job on a real cluster: annotated Services become ingress rules of their tunnel and proxied
// CNAMEs owned by this installation and that tunnel, follow every edit, and go when the Service or annotation goes.
// Three tunnels share the zone example.com: `remote` (cloudflare mode), `local` (local mode) and the ClusterTunnel
// `edge`; each assertion reads the emulator's state and call log, and what the real cloudflared picks.
import { jest } from '@jest/globals';
import type { V1ConfigMap } from '@kubernetes/client-node';
import { ownerComment } from '../../src/cloudflare/index.js';
import { CLUSTER_TUNNEL, CONFIG_MAP, SECRET, TUNNEL } from '../../src/controllers/shared/resources.js';
import type { TunnelLike } from '../../src/api/types.js';
import { waitFor } from '../support/cluster.js';
import {
  ACCOUNT,
  API_TOKEN,
  OWNER_ID,
  apiSecret,
  create,
  getOptional,
  mergePatch,
  remove,
  startTunnelEnvironment,
  tunnelObject,
  waitForCondition,
  waitGone,
  type TunnelEnvironment,
} from '../tunnel/support.js';
import {
  SERVICE,
  cloudflaredRule,
  eventsOf,
  recordsNamed,
  remoteConfigYaml,
  serviceObject,
  waitForNoRecord,
  waitForNoRoute,
  waitForRecord,
  waitForRoute,
  waitForServiceEvent,
} from './support.js';

jest.setTimeout(180_000);

let env: TunnelEnvironment;
let ns: string;
const ids: Record<string, string> = {};
const cloudflare = { accountId: ACCOUNT, credentialsSecretRef: { name: 'cf' }, zones: ['example.com'] };
const owner = (kind: 'Tunnel' | 'ClusterTunnel', name: string) => ({
  ownerId: OWNER_ID,
  tunnel: kind === 'Tunnel' ? { kind, namespace: ns, name } : { kind, name },
});
const target = (tunnel: string) => `${ids[tunnel] ?? '?'}.cfargotunnel.com`;

async function localConfig(): Promise<string> {
  return (await getOptional<V1ConfigMap>(CONFIG_MAP, ns, 'local-cloudflared'))?.data?.['config.yaml'] ?? '';
}

async function ruleFor(tunnel: 'remote' | 'local', url: string): Promise<string> {
  const yaml = tunnel === 'local' ? await localConfig() : await remoteConfigYaml(env.emulator, ids.remote ?? '');
  return cloudflaredRule(yaml, url);
}

function waitForRule(tunnel: 'remote' | 'local', url: string, service: string): Promise<true> {
  return waitFor(async () => (await ruleFor(tunnel, url)) === service || undefined, {
    description: `cloudflared matches ${url} to ${service}`,
    giveUpIf: env.op.gone,
  });
}

beforeAll(async () => {
  env = await startTunnelEnvironment('svc');
  ns = env.ns.name;
  await create(SECRET, apiSecret(env.opNs.name, 'cf', API_TOKEN));
  await create(TUNNEL, tunnelObject('Tunnel', 'remote', ns, { cloudflare, configSource: 'cloudflare' }));
  await create(TUNNEL, tunnelObject('Tunnel', 'local', ns, { cloudflare, configSource: 'local' }));
  await create(
    CLUSTER_TUNNEL,
    tunnelObject('ClusterTunnel', `edge-${ns}`, undefined, {
      cloudflare: { ...cloudflare, zones: ['example.com', 'example.org'] },
      configSource: 'cloudflare',
    }),
  );
  for (const [type, namespace, name] of [
    [TUNNEL, ns, 'remote'],
    [TUNNEL, ns, 'local'],
    [CLUSTER_TUNNEL, undefined, `edge-${ns}`],
  ] as const) {
    const tunnel = await waitForCondition(type, namespace, name, { type: 'Ready', status: 'True', op: env.op });
    ids[name.startsWith('edge') ? 'edge' : name] = tunnel.status?.tunnelId ?? '';
  }
});

// Tunnels go while the operator still runs: a namespace deleted with a finalized Tunnel in it would hang.
afterAll(async () => {
  const tunnels = [
    [TUNNEL, ns, 'remote'],
    [TUNNEL, ns, 'local'],
    [CLUSTER_TUNNEL, undefined, `edge-${ns}`],
  ] as const;
  await Promise.all(tunnels.map(([type, namespace, name]) => remove(type, namespace, name).catch(() => undefined)));
  await Promise.all(tunnels.map(([type, namespace, name]) => waitGone(type, namespace, name).catch(() => undefined)));
  await env?.close();
});

describe('a Service annotated for a cloudflare-mode Tunnel', () => {
  it('gets a proxied CNAME owned by this installation and tunnel, a pushed rule, an Active route and an Event', async () => {
    await create(SERVICE, serviceObject(ns, 'web', { tunnel: 'remote', hostnames: 'Web.Example.com.' }));
    const route = await waitForRoute(TUNNEL, ns, 'remote', { hostname: 'web.example.com', state: 'Active' }, env.op);
    expect(route).toMatchObject({ service: `http://web.${ns}.svc.cluster.local:80`, source: `Service ${ns}/web` });
    const record = await waitForRecord(env.emulator, 'web.example.com', () => true, env.op);
    expect(record).toMatchObject({
      type: 'CNAME',
      content: target('remote'),
      proxied: true,
      comment: ownerComment(owner('Tunnel', 'remote')),
    });
    expect(await ruleFor('remote', 'https://web.example.com/')).toBe(`http://web.${ns}.svc.cluster.local:80`);
    const event = await waitForServiceEvent(ns, 'web', 'Published', env.op);
    expect(event.note).toBe(`web.example.com published through Tunnel ${ns}/remote`);
    const tunnel = await getOptional<TunnelLike>(TUNNEL, ns, 'remote');
    expect(tunnel?.status?.routeCount).toBe(1);
  });

  it('edited hostnames: the old record goes, the new one comes, nothing else moves', async () => {
    const before = await recordsNamed(env.emulator, 'web.example.com');
    await mergePatch(SERVICE, ns, 'web', {
      metadata: { annotations: { 'cloudflare-operator.io/hostnames': 'www.example.com' } },
    });
    await waitForRecord(env.emulator, 'www.example.com', (r) => r.content === target('remote'), env.op);
    await waitForNoRecord(env.emulator, 'web.example.com', env.op);
    await waitForNoRoute(TUNNEL, ns, 'remote', 'web.example.com', env.op);
    expect(before).toHaveLength(1);
    expect(await ruleFor('remote', 'https://web.example.com/')).toBe('http_status:404');
    expect(await ruleFor('remote', 'https://www.example.com/')).toBe(`http://web.${ns}.svc.cluster.local:80`);
  });

  it('follows a port change and a protocol change', async () => {
    await mergePatch(SERVICE, ns, 'web', { spec: { ports: [{ name: 'http', port: 8443, targetPort: 8443 }] } });
    await waitForRule('remote', 'https://www.example.com/', `https://web.${ns}.svc.cluster.local:8443`);
    await mergePatch(SERVICE, ns, 'web', { metadata: { annotations: { 'cloudflare-operator.io/protocol': 'http' } } });
    await waitForRule('remote', 'https://www.example.com/', `http://web.${ns}.svc.cluster.local:8443`);
  });

  it('serves TCP, SSH and UDP routes with the right schemes', async () => {
    await create(
      SERVICE,
      serviceObject(ns, 'db', { tunnel: 'remote', hostnames: 'db.example.com', protocol: 'tcp' }, [
        { name: 'pg', port: 5432 },
      ]),
    );
    await create(
      SERVICE,
      serviceObject(ns, 'git', { tunnel: 'remote', hostnames: 'git.example.com' }, [{ name: 'ssh', port: 22 }]),
    );
    await create(
      SERVICE,
      serviceObject(ns, 'dns', { tunnel: 'remote', hostnames: 'dns.example.com' }, [
        { name: 'dns', port: 53, protocol: 'UDP' },
      ]),
    );
    for (const host of ['db', 'git', 'dns']) {
      await waitForRoute(TUNNEL, ns, 'remote', { hostname: `${host}.example.com`, state: 'Active' }, env.op);
    }
    expect(await ruleFor('remote', 'https://db.example.com/')).toBe(`tcp://db.${ns}.svc.cluster.local:5432`);
    expect(await ruleFor('remote', 'https://git.example.com/')).toBe(`ssh://git.${ns}.svc.cluster.local:22`);
    expect(await ruleFor('remote', 'https://dns.example.com/')).toBe(`udp://dns.${ns}.svc.cluster.local:53`);
  });

  it('dns: "false" gives a rule and no record', async () => {
    await create(
      SERVICE,
      serviceObject(ns, 'nodns', { tunnel: 'remote', hostnames: 'nodns.example.com', dns: 'false' }),
    );
    await waitForRoute(TUNNEL, ns, 'remote', { hostname: 'nodns.example.com', state: 'Active' }, env.op);
    expect(await ruleFor('remote', 'https://nodns.example.com/')).toBe(`http://nodns.${ns}.svc.cluster.local:80`);
    expect(await recordsNamed(env.emulator, 'nodns.example.com')).toEqual([]);
  });
});

describe('a Service annotated for a local-mode Tunnel', () => {
  it('is rendered into the ConfigMap that cloudflared validates and matches', async () => {
    await create(SERVICE, serviceObject(ns, 'shop', { tunnel: 'local', hostnames: 'shop.example.com', path: '^/api' }));
    await waitForRoute(TUNNEL, ns, 'local', { hostname: 'shop.example.com', state: 'Active' }, env.op);
    expect(await ruleFor('local', 'https://shop.example.com/api/x')).toBe(`http://shop.${ns}.svc.cluster.local:80`);
    expect(await ruleFor('local', 'https://shop.example.com/other')).toBe('http_status:404');
    await waitForRecord(env.emulator, 'shop.example.com', (r) => r.content === target('local'), env.op);
  });
});

describe('claims and ownership across tunnels', () => {
  it('the oldest claim wins a hostname; the loser is Conflict with a Warning and takes over when the winner goes', async () => {
    await create(SERVICE, serviceObject(ns, 'first', { tunnel: 'remote', hostnames: 'shared.example.com' }));
    await waitForRecord(env.emulator, 'shared.example.com', (r) => r.content === target('remote'), env.op);
    await create(SERVICE, serviceObject(ns, 'second', { tunnel: 'local', hostnames: 'shared.example.com' }));
    const lost = await waitForRoute(TUNNEL, ns, 'local', { hostname: 'shared.example.com', state: 'Conflict' }, env.op);
    expect(lost.message).toContain(`Service ${ns}/first`);
    const warning = await waitForServiceEvent(ns, 'second', 'HostnameConflict', env.op);
    expect(warning.note).toContain(`Service ${ns}/first`);
    expect(await ruleFor('local', 'https://shared.example.com/')).toBe('http_status:404');

    await remove(SERVICE, ns, 'first');
    await waitForRoute(TUNNEL, ns, 'local', { hostname: 'shared.example.com', state: 'Active' }, env.op);
    const record = await waitForRecord(
      env.emulator,
      'shared.example.com',
      (r) => r.content === target('local'),
      env.op,
    );
    expect(record.comment).toBe(ownerComment(owner('Tunnel', 'local')));
    expect(await ruleFor('local', 'https://shared.example.com/')).toBe(`http://second.${ns}.svc.cluster.local:80`);
  });

  it('two Tunnels and a ClusterTunnel in one zone: each owns its records, none touches the others', async () => {
    await create(
      SERVICE,
      serviceObject(ns, 'viaedge', { 'cluster-tunnel': `edge-${ns}`, hostnames: 'edge.example.com,edge.example.org' }),
    );
    await waitForRecord(env.emulator, 'edge.example.org', (r) => r.content === target('edge'), env.op);
    const state = await env.emulator.control.state();
    const byTunnel = (comment: string) =>
      state.records
        .filter((r) => r.comment === comment)
        .map((r) => r.name)
        .sort();
    expect(byTunnel(ownerComment(owner('ClusterTunnel', `edge-${ns}`)))).toEqual([
      'edge.example.com',
      'edge.example.org',
    ]);
    expect(byTunnel(ownerComment(owner('Tunnel', 'local')))).toEqual(['shared.example.com', 'shop.example.com']);
    expect(byTunnel(ownerComment(owner('Tunnel', 'remote')))).toEqual([
      'db.example.com',
      'dns.example.com',
      'git.example.com',
      'www.example.com',
    ]);
    for (const r of state.records.filter((r) => r.comment?.includes(`owner=${OWNER_ID} `))) {
      const tunnel = r.comment?.includes('edge-') ? 'edge' : r.comment?.endsWith('/local') ? 'local' : 'remote';
      expect(`${r.name} ${r.content}`).toBe(`${r.name} ${target(tunnel)}`);
    }
  });

  it('leaves a foreign-owner record and an unmanaged record alone, and says why', async () => {
    const zoneId = 'f0000000000000000000000000000001';
    await env.emulator.control.seed({
      records: [
        {
          zoneId,
          name: 'theirs.example.com',
          type: 'CNAME',
          content: 'x.cfargotunnel.com',
          proxied: true,
          comment: 'cloudflare-operator owner=other-cluster tunnel=Tunnel/a/b',
        },
        { zoneId, name: 'manual.example.com', type: 'A', content: '192.0.2.10', comment: 'by hand' },
      ],
    });
    const before = (await env.emulator.control.state()).records.filter((r) =>
      ['theirs.example.com', 'manual.example.com'].includes(r.name),
    );
    await create(
      SERVICE,
      serviceObject(ns, 'grabby', { tunnel: 'remote', hostnames: 'theirs.example.com,manual.example.com' }),
    );
    const theirs = await waitForRoute(
      TUNNEL,
      ns,
      'remote',
      { hostname: 'theirs.example.com', state: 'Conflict' },
      env.op,
    );
    const manual = await waitForRoute(
      TUNNEL,
      ns,
      'remote',
      { hostname: 'manual.example.com', state: 'Conflict' },
      env.op,
    );
    expect(theirs.message).toContain('another installation');
    expect(manual.message).toContain('adoptUnmanaged');
    await waitForCondition(TUNNEL, ns, 'remote', {
      type: 'DNSReady',
      status: 'False',
      reason: 'RecordConflict',
      op: env.op,
    });
    const after = (await env.emulator.control.state()).records.filter((r) =>
      ['theirs.example.com', 'manual.example.com'].includes(r.name),
    );
    expect(after).toEqual(before);
    await remove(SERVICE, ns, 'grabby');
    await waitForNoRoute(TUNNEL, ns, 'remote', 'theirs.example.com', env.op);
    expect(
      (await env.emulator.control.state()).records.filter((r) =>
        ['theirs.example.com', 'manual.example.com'].includes(r.name),
      ),
    ).toEqual(before);
  });

  it('moving a Service between Tunnels moves its rule and record', async () => {
    await mergePatch(SERVICE, ns, 'db', { metadata: { annotations: { 'cloudflare-operator.io/tunnel': 'local' } } });
    await waitForRecord(env.emulator, 'db.example.com', (r) => r.content === target('local'), env.op);
    await waitForNoRoute(TUNNEL, ns, 'remote', 'db.example.com', env.op);
    await waitForRoute(TUNNEL, ns, 'local', { hostname: 'db.example.com', state: 'Active' }, env.op);
    expect(await ruleFor('remote', 'https://db.example.com/')).toBe('http_status:404');
    expect(await ruleFor('local', 'https://db.example.com/')).toBe(`tcp://db.${ns}.svc.cluster.local:5432`);
    await waitForServiceEvent(ns, 'db', 'Unpublished', env.op);
  });

  it('removing the annotation, or deleting the Service, removes its rule and record', async () => {
    await mergePatch(SERVICE, ns, 'git', { metadata: { annotations: { 'cloudflare-operator.io/tunnel': null } } });
    await waitForNoRecord(env.emulator, 'git.example.com', env.op);
    expect(await ruleFor('remote', 'https://git.example.com/')).toBe('http_status:404');
    await remove(SERVICE, ns, 'dns');
    await waitForNoRecord(env.emulator, 'dns.example.com', env.op);
    await waitForNoRoute(TUNNEL, ns, 'remote', 'dns.example.com', env.op);
  });
});

describe('a Tunnel that is not there yet', () => {
  it('a Service naming a Tunnel that does not exist gets a Warning, and is picked up when the Tunnel appears', async () => {
    await create(SERVICE, serviceObject(ns, 'early', { tunnel: 'later', hostnames: 'early.example.com' }));
    const warning = await waitForServiceEvent(ns, 'early', 'TunnelNotFound', env.op);
    expect(warning.note).toContain(`Tunnel ${ns}/later does not exist`);
    expect(await recordsNamed(env.emulator, 'early.example.com')).toEqual([]);
    await create(TUNNEL, tunnelObject('Tunnel', 'later', ns, { cloudflare, configSource: 'cloudflare' }));
    await waitForRoute(TUNNEL, ns, 'later', { hostname: 'early.example.com', state: 'Active' }, env.op);
    await waitForRecord(env.emulator, 'early.example.com', () => true, env.op);
  });

  it('deleting a Tunnel removes exactly its records', async () => {
    await remove(TUNNEL, ns, 'later');
    await waitGone(TUNNEL, ns, 'later', env.op);
    expect(await recordsNamed(env.emulator, 'early.example.com')).toEqual([]);
    expect(await recordsNamed(env.emulator, 'www.example.com')).toHaveLength(1);
    expect(await eventsOf(ns, 'Service', 'early')).not.toEqual([]);
  });
});
