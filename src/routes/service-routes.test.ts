import type { V1Service, V1ServiceSpec } from '@kubernetes/client-node';
import { ServiceAnnotation } from '../api/annotations.js';
import { serviceRoutes, type ServiceRoutes, type TunnelInfo } from './service-routes.js';
import type { RouteClaim } from './types.js';

const A = ServiceAnnotation;
const CREATED = '2024-05-01T10:00:00Z';
const tunnel: TunnelInfo = { ref: { kind: 'Tunnel', namespace: 'shop', name: 'edge' }, zones: ['example.com'] };
const twoZones: TunnelInfo = { ...tunnel, zones: ['example.com', 'b.example.com'] };
const options = { clusterDomain: 'cluster.local' };

function service(annotations: Record<string, string>, spec: V1ServiceSpec = {}): V1Service {
  return {
    metadata: {
      name: 'web',
      namespace: 'shop',
      uid: 'uid-web',
      creationTimestamp: new Date(CREATED),
      annotations: { [A.tunnel]: 'edge', ...annotations },
    },
    spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 8080 }], ...spec },
  };
}

function claims(result: ServiceRoutes): RouteClaim[] {
  if (!result.ok) throw new Error(`unexpected problems: ${JSON.stringify(result.problems)}`);
  return result.claims;
}

const field = <K extends keyof RouteClaim>(result: ServiceRoutes, key: K): RouteClaim[K][] =>
  claims(result).map((claim) => claim[key]);

function problems(result: ServiceRoutes): { annotation: string; message: string }[] {
  if (result.ok) throw new Error(`unexpected claims: ${JSON.stringify(result.claims)}`);
  return result.problems;
}

describe('serviceRoutes', () => {
  it('makes one claim per hostname, with everything the annotations say', () => {
    const result = serviceRoutes(
      service({
        [A.hostnames]: 'shop.example.com,api.example.com',
        [A.path]: '^/api/',
        [A.originRequest]: '{"connectTimeout": "5s"}',
      }),
      tunnel,
      options,
    );
    const common = {
      tunnel: tunnel.ref,
      zone: 'example.com',
      path: '^/api/',
      service: 'http://web.shop.svc.cluster.local:80',
      originRequest: { connectTimeout: '5s' },
      dns: true,
      source: { kind: 'Service', namespace: 'shop', name: 'web', uid: 'uid-web', createdAt: CREATED },
      backend: { kind: 'pods', namespace: 'shop', selector: { app: 'web' }, port: 8080, protocol: 'TCP' },
    };
    expect(claims(result)).toStrictEqual([
      { ...common, hostname: 'shop.example.com' },
      { ...common, hostname: 'api.example.com' },
    ]);
  });

  it('leaves out the path and options not given, and copies dns "false"', () => {
    const [claim] = claims(serviceRoutes(service({ [A.dns]: 'false' }), tunnel, options));
    expect(claim).not.toHaveProperty('path');
    expect(claim).not.toHaveProperty('originRequest');
    expect(claim?.dns).toBe(false);
  });

  it.each([
    ['a Date', new Date('2024-05-01T10:00:00.000Z'), CREATED],
    ['a string', CREATED, CREATED],
    ['a string with an offset', '2024-05-01T12:00:00+02:00', CREATED],
  ])('takes the creation time from %s', (_name, creationTimestamp, createdAt) => {
    const input = service({});
    input.metadata!.creationTimestamp = creationTimestamp as Date;
    expect(field(serviceRoutes(input, tunnel, options), 'source')[0]?.createdAt).toBe(createdAt);
  });

  describe('hostnames', () => {
    it.each<[string, Record<string, string>, TunnelInfo, string[], string[]]>([
      ['default with one zone', {}, tunnel, ['web.example.com'], ['example.com']],
      ['normalised', { [A.hostnames]: 'Shop.Example.COM.' }, tunnel, ['shop.example.com'], ['example.com']],
      ['IDN', { [A.hostnames]: 'bücher.example.com' }, tunnel, ['xn--bcher-kva.example.com'], ['example.com']],
      ['apex', { [A.hostnames]: 'example.com' }, tunnel, ['example.com'], ['example.com']],
      ['a wildcard', { [A.hostnames]: '*.x.example.com' }, tunnel, ['*.x.example.com'], ['example.com']],
      ['longest zone', { [A.hostnames]: 'a.b.example.com' }, twoZones, ['a.b.example.com'], ['b.example.com']],
      ['outer zone', { [A.hostnames]: 'a.example.com' }, twoZones, ['a.example.com'], ['example.com']],
      [
        'duplicates after normalisation dropped, order kept',
        { [A.hostnames]: 'b.example.com, A.example.com, B.EXAMPLE.COM., a.example.com' },
        tunnel,
        ['b.example.com', 'a.example.com'],
        ['example.com', 'example.com'],
      ],
      ['zone written with a dot', {}, { ...tunnel, zones: ['Example.com.'] }, ['web.example.com'], ['example.com']],
    ])('%s', (_name, annotations, info, hostnames, zones) => {
      const result = serviceRoutes(service(annotations), info, options);
      expect(field(result, 'hostname')).toEqual(hostnames);
      expect(field(result, 'zone')).toEqual(zones);
    });

    it.each<[string, Record<string, string>, TunnelInfo, RegExp[]]>([
      ['no default with two zones', {}, twoZones, [/required because the tunnel has 2 zones/]],
      ['no default with no zone', {}, { ...tunnel, zones: [] }, [/required because the tunnel has 0 zones/]],
      ['an empty list', { [A.hostnames]: ' , ' }, tunnel, [/at least one hostname/]],
      [
        'outside every zone',
        { [A.hostnames]: 'shop.example.org' },
        twoZones,
        [/"shop.example.org" is in none of the tunnel's zones \(example.com, b.example.com\)/],
      ],
      ['a suffix that is no zone', { [A.hostnames]: 'badexample.com' }, tunnel, [/"badexample.com" is in none/]],
      [
        'every bad hostname',
        { [A.hostnames]: '*.*.example.com, ok.example.com, a.example.org' },
        tunnel,
        [/"\*\.\*\.example\.com" may use "\*" only/, /"a.example.org" is in none/],
      ],
    ])('refuses %s', (_name, annotations, info, messages) => {
      const found = problems(serviceRoutes(service(annotations), info, options));
      expect(found).toEqual(
        messages.map((message) => ({ annotation: A.hostnames, message: expect.stringMatching(message) as string })),
      );
    });
  });

  describe('origin', () => {
    const ports = [
      { name: 'http', port: 80, targetPort: 8080 },
      { name: 'https', port: 443, targetPort: 'web-tls' },
      { name: 'h2', port: 8443, targetPort: 9443 },
    ];
    it.each<[string, Record<string, string>, V1ServiceSpec, string]>([
      ['the first port by default', {}, { ports }, 'http://web.shop.svc.cluster.local:80'],
      ['a port by name', { [A.port]: 'https' }, { ports }, 'https://web.shop.svc.cluster.local:443'],
      ['a port by number', { [A.port]: '443' }, { ports }, 'https://web.shop.svc.cluster.local:443'],
      ['a port name with digits', { [A.port]: 'h2' }, { ports }, 'https://web.shop.svc.cluster.local:8443'],
      ['the protocol annotation', { [A.protocol]: 'tcp' }, { ports }, 'tcp://web.shop.svc.cluster.local:80'],
      ['a NodePort Service', {}, { type: 'NodePort', ports }, 'http://web.shop.svc.cluster.local:80'],
      ['a LoadBalancer Service', {}, { type: 'LoadBalancer', ports }, 'http://web.shop.svc.cluster.local:80'],
      ['headless, numeric targetPort', {}, { clusterIP: 'None', ports }, 'http://web.shop.svc.cluster.local:8080'],
      [
        'headless, named targetPort',
        { [A.port]: 'https' },
        { clusterIP: 'None', ports },
        'https://web.shop.svc.cluster.local:443',
      ],
      [
        'headless, no targetPort',
        {},
        { clusterIP: 'None', ports: [{ port: 22 }] },
        'ssh://web.shop.svc.cluster.local:22',
      ],
      [
        'headless without ports',
        { [A.port]: '5432' },
        { clusterIP: 'None', ports: [] },
        'http://web.shop.svc.cluster.local:5432',
      ],
      [
        'ExternalName with ports',
        {},
        { type: 'ExternalName', externalName: 'DB.Example.net.', ports: [{ port: 443 }] },
        'https://db.example.net:443',
      ],
      [
        'ExternalName without ports',
        { [A.port]: '3389' },
        { type: 'ExternalName', externalName: 'desk.example.net', ports: undefined },
        'rdp://desk.example.net:3389',
      ],
      ['a UDP port', {}, { ports: [{ port: 53, protocol: 'UDP' }] }, 'udp://web.shop.svc.cluster.local:53'],
    ])('%s', (_name, annotations, spec, url) => {
      expect(field(serviceRoutes(service(annotations, spec), tunnel, options), 'service')).toEqual([url]);
    });

    it('names the pods and the target port of the chosen Service port', () => {
      const result = serviceRoutes(service({ [A.port]: 'https' }, { ports }), tunnel, options);
      expect(field(result, 'backend')).toEqual([
        { kind: 'pods', namespace: 'shop', selector: { app: 'web' }, port: 'web-tls', protocol: 'TCP' },
      ]);
    });

    it('an ExternalName Service: a backend no policy can select, naming the Service', () => {
      const spec: V1ServiceSpec = { type: 'ExternalName', externalName: 'db.example.net', ports };
      expect(field(serviceRoutes(service({}, spec), tunnel, options), 'backend')).toEqual([
        {
          kind: 'unselectable',
          source: 'Service shop/web',
          reason: 'an ExternalName Service (db.example.net) has no pods to select',
        },
      ]);
    });

    it('uses the cluster domain', () => {
      const result = serviceRoutes(service({}), tunnel, { clusterDomain: 'corp.internal' });
      expect(field(result, 'service')).toEqual(['http://web.shop.svc.corp.internal:80']);
    });

    it.each<[string, Record<string, string>, V1ServiceSpec, RegExp]>([
      [
        'a port the Service lacks',
        { [A.port]: 'grpc' },
        { ports },
        /no port "grpc"; its ports: http \(80\), https \(443\), h2 \(8443\)/,
      ],
      ['a number the Service lacks', { [A.port]: '8080' }, { ports }, /no port "8080"/],
      ['no ports and no annotation', {}, { ports: [] }, /no ports: set this annotation to a port number/],
      [
        'no ports and a port name',
        { [A.port]: 'http' },
        { type: 'ExternalName', externalName: 'x.net', ports: undefined },
        /no ports/,
      ],
    ])('refuses %s', (_name, annotations, spec, message) => {
      expect(problems(serviceRoutes(service(annotations, spec), tunnel, options))).toEqual([
        { annotation: A.port, message: expect.stringMatching(message) as string },
      ]);
    });
  });

  it('reports hostname and port problems together', () => {
    const result = serviceRoutes(service({ [A.hostnames]: 'a.example.org', [A.port]: 'grpc' }), tunnel, options);
    expect(problems(result).map((problem) => problem.annotation)).toEqual([A.hostnames, A.port]);
  });

  it.each([
    ['bad JSON', '{nope}', /not valid JSON/],
    ['an unknown key', '{"noTlsVerify": true}', /unknown key "noTlsVerify"/],
  ])('refuses origin-request with %s', (_name, value, message) => {
    expect(problems(serviceRoutes(service({ [A.originRequest]: value }), tunnel, options))).toEqual([
      { annotation: A.originRequest, message: expect.stringMatching(message) as string },
    ]);
  });

  it('refuses both tunnel annotations', () => {
    const result = serviceRoutes(service({ [A.clusterTunnel]: 'shared' }), tunnel, options);
    expect(problems(result)).toEqual([
      { annotation: A.clusterTunnel, message: expect.stringMatching(/only one of/) as string },
    ]);
  });
});
