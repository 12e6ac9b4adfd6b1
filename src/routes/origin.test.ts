import type { V1Service, V1ServicePort } from '@kubernetes/client-node';
import { choosePort, originHost, originPort, originProtocol } from './origin.js';

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
