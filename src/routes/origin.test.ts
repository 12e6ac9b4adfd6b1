import type { V1Service, V1ServicePort } from '@kubernetes/client-node';
import type { RouteBackend } from '../render/network-policy.js';
import { choosePort, originBackend, originHost, originPort, originProtocol } from './origin.js';

const ports: V1ServicePort[] = [
  { name: 'http', port: 80, targetPort: 8080 },
  { name: 'metrics', port: 9090, targetPort: 'prom' },
  { name: 'alt', port: 8080 },
];

describe('choosePort', () => {
  it.each<[string, readonly V1ServicePort[], string | undefined, number]>([
    ['the first port by default', ports, undefined, 80],
    ['by name', ports, 'metrics', 9090],
    ['by number', ports, '8080', 8080],
    ['by number, not by targetPort', ports, '80', 80],
    ['a bare number when the Service has no ports', [], '5432', 5432],
    ['a port named like a number, by that name', [{ name: '8080', port: 80 }], '8080', 80],
    ['a port named like its own number', [{ name: '8080', port: 8080 }, { port: 80 }], '8080', 8080],
  ])('%s', (_name, given, annotation, port) => {
    const choice = choosePort(given, annotation);
    expect(choice.ok && choice.value.port).toBe(port);
  });

  it.each<[string, readonly V1ServicePort[], string | undefined, string]>([
    [
      'a name the Service lacks',
      ports,
      'grpc',
      'the Service has no port "grpc"; its ports: http (80), metrics (9090), alt (8080)',
    ],
    ['a number the Service lacks', [{ port: 443 }], '444', 'the Service has no port "444"; its ports: 443'],
    ['no ports, no annotation', [], undefined, 'the Service has no ports: set this annotation to a port number'],
    ['no ports, a name', [], 'http', 'the Service has no ports: set this annotation to a port number'],
    [
      'a name that is the number of another port',
      [
        { name: '8080', port: 80 },
        { name: 'http', port: 8080 },
      ],
      '8080',
      '"8080" is both the name of port 8080 (80) and the number of port http (8080): rename the port',
    ],
  ])('refuses %s', (_name, given, annotation, message) => {
    expect(choosePort(given, annotation)).toEqual({ ok: false, message });
  });
});

describe('originProtocol', () => {
  it.each([
    ['the annotation first', { port: 443, servicePort: { port: 443 } }, 'tcp' as const, 'tcp'],
    [
      'inferred from the Service port',
      { port: 443, servicePort: { port: 443, appProtocol: 'http' } },
      undefined,
      'http',
    ],
    ['inferred from a bare number', { port: 22 }, undefined, 'ssh'],
  ])('%s', (_name, chosen, annotation, protocol) => {
    expect(originProtocol(chosen, annotation)).toBe(protocol);
  });
});

describe('originHost and originPort', () => {
  const service = (spec: V1Service['spec']): V1Service => ({ metadata: { name: 'web', namespace: 'shop' }, spec });
  const http = { port: 80, servicePort: ports[0] };
  const metrics = { port: 9090, servicePort: ports[1] };
  it.each<[string, V1Service, { port: number; servicePort?: V1ServicePort }, string]>([
    ['ClusterIP', service({ clusterIP: '10.0.0.1' }), http, 'web.shop.svc.cluster.local:80'],
    ['headless, numeric targetPort', service({ clusterIP: 'None' }), http, 'web.shop.svc.cluster.local:8080'],
    ['headless, named targetPort', service({ clusterIP: 'None' }), metrics, 'web.shop.svc.cluster.local:9090'],
    ['headless, bare number', service({ clusterIP: 'None' }), { port: 5432 }, 'web.shop.svc.cluster.local:5432'],
    ['ExternalName', service({ type: 'ExternalName', externalName: 'Db.Example.NET.' }), http, 'db.example.net:80'],
  ])('%s', (_name, given, chosen, hostPort) => {
    expect(`${originHost(given, 'cluster.local')}:${originPort(given, chosen)}`).toBe(hostPort);
  });
});

describe('originBackend', () => {
  const selector = { app: 'web', tier: 'front' };
  const service = (spec: V1Service['spec']): V1Service => ({ metadata: { name: 'web', namespace: 'shop' }, spec });
  const pods = (port: number | string, protocol = 'TCP'): RouteBackend => ({
    kind: 'pods',
    namespace: 'shop',
    selector,
    port,
    protocol: protocol as 'TCP',
  });
  const http = { port: 80, servicePort: ports[0] };
  const metrics = { port: 9090, servicePort: ports[1] };
  const alt = { port: 8080, servicePort: ports[2] };
  it.each<[string, V1Service, { port: number; servicePort?: V1ServicePort }, RouteBackend]>([
    ['ClusterIP: the numeric targetPort', service({ selector, clusterIP: '10.0.0.1' }), http, pods(8080)],
    ['ClusterIP: a named targetPort stays a name', service({ selector }), metrics, pods('prom')],
    ['ClusterIP: no targetPort is the port', service({ selector }), alt, pods(8080)],
    ['NodePort', service({ selector, type: 'NodePort' }), http, pods(8080)],
    ['headless: the numeric targetPort', service({ selector, clusterIP: 'None' }), http, pods(8080)],
    ['headless: the port dialled for a named one', service({ selector, clusterIP: 'None' }), metrics, pods(9090)],
    ['headless without ports: the bare number', service({ selector, clusterIP: 'None' }), { port: 5432 }, pods(5432)],
    [
      'a UDP port',
      service({ selector }),
      { port: 53, servicePort: { port: 53, protocol: 'UDP', targetPort: 5353 } },
      pods(5353, 'UDP'),
    ],
  ])('%s', (_name, given, chosen, backend) => {
    expect(originBackend(given, chosen, 'Service shop/web')).toEqual(backend);
  });

  it.each<[string, V1Service, RegExp]>([
    [
      'ExternalName',
      service({ type: 'ExternalName', externalName: 'db.example.net', selector }),
      /ExternalName Service \(db\.example\.net\) has no pods/,
    ],
    ['no selector', service({ ports }), /no pod selector/],
    ['an empty selector', service({ selector: {}, ports }), /no pod selector/],
  ])('%s: nothing a policy can select, and why', (_name, given, reason) => {
    expect(originBackend(given, http, 'Service shop/web')).toEqual({
      kind: 'unselectable',
      source: 'Service shop/web',
      reason: expect.stringMatching(reason) as string,
    });
  });

  it('copies the selector, so the claim shares nothing with the cached Service', () => {
    const given = service({ selector: { app: 'web' } });
    const backend = originBackend(given, http, 'Service shop/web');
    given.spec!.selector!.app = 'other';
    expect(backend).toMatchObject({ selector: { app: 'web' } });
  });
});
