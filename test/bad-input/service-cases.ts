// Bad Services of the catalogue: annotations the operator refuses (a Warning Event on the Service and an `Invalid`
// route, both naming the annotation) and Services the API server itself refuses. e2e/services/bad-input.e2e.test.ts
// applies every one of them.
import type { V1Service, V1ServicePort } from '@kubernetes/client-node';

export interface AnnotationCase {
  /** The catalogue's name for the case. */
  name: string;
  /** The Service's name: unique among the cases, a DNS label. */
  service: string;
  /** Without a `tunnel` or `cluster-tunnel` annotation the Service routes through the Tunnel `remote`. */
  annotations: Record<string, string>;
  /** The route is reported on the ClusterTunnel (the test names it) rather than on the Tunnel `remote`. */
  viaClusterTunnel?: true;
  /** The annotation (without the prefix) the Warning and the route's message must name. */
  annotation: string;
  /** Default: one port `http` 80 → 8080. */
  ports?: V1ServicePort[];
  spec?: V1Service['spec'];
}

/** A name of exactly `length` characters in example.com: labels of at most 63 characters. */
export function hostnameOfLength(length: number): string {
  const suffix = '.example.com';
  const labels: string[] = [];
  let left = length - suffix.length;
  while (left > 0) {
    const size = Math.min(63, left - (labels.length > 0 ? 1 : 0));
    labels.push('h'.repeat(size));
    left -= size + (labels.length > 1 ? 1 : 0);
  }
  return `${labels.join('.')}${suffix}`;
}

const noPorts: Pick<AnnotationCase, 'ports'> = { ports: [] };
const externalName: V1Service['spec'] = { type: 'ExternalName', externalName: 'db.internal.example.net' };

export const refusedAnnotations: AnnotationCase[] = [
  {
    name: 'protocol none of the origin schemes',
    service: 'badproto',
    annotations: { hostnames: 'bp.example.com', protocol: 'gopher' },
    annotation: 'protocol',
  },
  { name: 'protocol in upper case', service: 'upperproto', annotations: { protocol: 'HTTP' }, annotation: 'protocol' },
  { name: 'port the Service lacks', service: 'badport', annotations: { port: 'metrics' }, annotation: 'port' },
  { name: 'port number with a leading zero', service: 'zeroport', annotations: { port: '0080' }, annotation: 'port' },
  { name: 'port number above 65535', service: 'bigport', annotations: { port: '70000' }, annotation: 'port' },
  {
    name: 'named port that looks like a number (and is the number of another port)',
    service: 'ambiguousport',
    annotations: { port: '8080' },
    ports: [
      { name: '8080', port: 80 },
      { name: 'http', port: 8080 },
    ],
    annotation: 'port',
  },
  {
    name: 'ExternalName Service without ports or port annotation',
    service: 'extnoport',
    annotations: {},
    ...noPorts,
    spec: externalName,
    annotation: 'port',
  },
  {
    name: 'ExternalName Service without ports, port given by name',
    service: 'extnamedport',
    annotations: { port: 'postgres' },
    ...noPorts,
    spec: externalName,
    annotation: 'port',
  },
  {
    name: 'headless Service without ports or port annotation',
    service: 'headlessnoport',
    annotations: {},
    ...noPorts,
    spec: { clusterIP: 'None' },
    annotation: 'port',
  },
  {
    name: 'hostname outside the tunnel zones',
    service: 'outside',
    annotations: { hostnames: 'app.example.net' },
    annotation: 'hostnames',
  },
  { name: 'wildcard `*.*.x`', service: 'wild', annotations: { hostnames: '*.*.example.com' }, annotation: 'hostnames' },
  {
    name: '64-character label',
    service: 'longlabel',
    annotations: { hostnames: `${'a'.repeat(64)}.example.com` },
    annotation: 'hostnames',
  },
  {
    name: '254-character hostname',
    service: 'longname',
    annotations: { hostnames: hostnameOfLength(254) },
    annotation: 'hostnames',
  },
  {
    name: 'punycode label that does not decode',
    service: 'badpunycode',
    annotations: { hostnames: 'xn--zz.example.com' },
    annotation: 'hostnames',
  },
  {
    name: 'underscore in a hostname',
    service: 'underscore',
    annotations: { hostnames: 'a_b.example.com' },
    annotation: 'hostnames',
  },
  {
    name: 'hostnames with no name in them',
    service: 'nohosts',
    annotations: { hostnames: ' , ' },
    annotation: 'hostnames',
  },
  {
    name: 'hostnames annotation over 65,536 characters',
    service: 'hugehosts',
    annotations: { hostnames: `${'a.example.com,'.repeat(4682)}a.example.com` },
    annotation: 'hostnames',
  },
  {
    name: 'no hostnames on a tunnel with two zones',
    service: 'twozones',
    annotations: {},
    viaClusterTunnel: true,
    annotation: 'hostnames',
  },
  {
    name: 'origin-request not valid JSON',
    service: 'badjson',
    annotations: { 'origin-request': '{"connectTimeout": 5' },
    annotation: 'origin-request',
  },
  {
    name: 'origin-request with an unknown key',
    service: 'unknownkey',
    annotations: { 'origin-request': '{"bogus": true}' },
    annotation: 'origin-request',
  },
  {
    name: 'origin-request with caPoolSecretRef (Tunnel only)',
    service: 'originca',
    annotations: { 'origin-request': '{"caPoolSecretRef": {"name": "ca"}}' },
    annotation: 'origin-request',
  },
  {
    name: 'origin-request duration without a unit',
    service: 'baddur',
    annotations: { 'origin-request': '{"connectTimeout": "5"}' },
    annotation: 'origin-request',
  },
  {
    name: 'origin-request of 5,000 characters',
    service: 'bigorigin',
    annotations: { 'origin-request': `{"httpHostHeader": "${'h'.repeat(4970)}"}` },
    annotation: 'origin-request',
  },
  {
    name: 'path with a lookahead (RE2 lacks it)',
    service: 'lookahead',
    annotations: { path: '^/(?=a)' },
    annotation: 'path',
  },
  {
    name: 'path that is no regular expression',
    service: 'badregex',
    annotations: { path: '^/([' },
    annotation: 'path',
  },
  {
    name: 'path over 1,024 characters',
    service: 'longpath',
    annotations: { path: `^/${'p'.repeat(1023)}` },
    annotation: 'path',
  },
  { name: 'dns neither "true" nor "false"', service: 'dnsno', annotations: { dns: 'no' }, annotation: 'dns' },
  {
    name: 'both tunnel and cluster-tunnel',
    service: 'both',
    annotations: { tunnel: 'remote', 'cluster-tunnel': 'edge-x' },
    annotation: 'cluster-tunnel',
  },
];

export interface ServiceAdmissionCase {
  name: string;
  service: V1Service;
  /** A fragment of the API server's message. */
  refusedWith: string;
}

function service(name: string, spec: V1Service['spec'], annotations: Record<string, string> = {}): V1Service {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name, annotations }, spec };
}

const annotated = (key: string, value: string): Record<string, string> => ({
  'cloudflare-operator.io/tunnel': 'remote',
  [`cloudflare-operator.io/${key}`]: value,
});

/** Services kube-apiserver refuses before the operator sees them (created in the test's namespace). */
export const refusedServices: ServiceAdmissionCase[] = [
  {
    name: 'origin-request of 1 MB (annotations over 256 KiB)',
    service: service(
      'hugeorigin',
      { ports: [{ port: 80 }] },
      annotated('origin-request', `{"httpHostHeader": "${'h'.repeat(1_000_000)}"}`),
    ),
    refusedWith: 'metadata.annotations: Too long',
  },
  {
    name: 'targetPort that looks like a number, given as a string',
    service: service('strtarget', { ports: [{ name: 'http', port: 80, targetPort: '8080' }] }),
    refusedWith: 'must contain at least one letter',
  },
  {
    name: 'ClusterIP Service without ports',
    service: service('portless', { ports: [] }, annotated('port', '80')),
    refusedWith: 'spec.ports: Required value',
  },
  {
    name: 'ExternalName in upper case',
    service: service('upperext', { type: 'ExternalName', externalName: 'DB.example.net' }, annotated('port', '5432')),
    refusedWith: 'spec.externalName: Invalid value',
  },
  {
    name: 'port name in upper case',
    service: service('upperport', { ports: [{ name: 'HTTP', port: 80 }] }, annotated('port', 'HTTP')),
    refusedWith: 'spec.ports[0].name',
  },
];
