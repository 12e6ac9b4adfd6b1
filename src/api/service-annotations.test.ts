import { ServiceAnnotation } from './annotations.js';
import { isExposed, readServiceAnnotations, serviceAnnotationsSchema } from './service-annotations.js';

const A = ServiceAnnotation;

function problemsOf(annotations: Record<string, string>): { annotation: string; message: string }[] {
  const result = readServiceAnnotations(annotations);
  return result.ok ? [] : result.problems;
}

describe('serviceAnnotationsSchema', () => {
  it('has one property per annotation key, and lets other annotations through', () => {
    expect(Object.keys(serviceAnnotationsSchema.properties).sort()).toEqual(Object.values(A).sort());
    expect(serviceAnnotationsSchema.additionalProperties).toBe(true);
  });
});

describe('readServiceAnnotations', () => {
  it.each([
    ['no annotations', undefined, { dns: true }],
    ['unrelated annotations only', { 'example.com/x': '!!' }, { dns: true }],
    [
      'every annotation',
      {
        [A.tunnel]: 'web',
        [A.hostnames]: ' Shop.example.com, ,api.example.com,, ',
        [A.port]: 'https',
        [A.protocol]: 'https',
        [A.path]: '^/api/',
        [A.originRequest]: '{"noTLSVerify": true}',
        [A.dns]: 'false',
      },
      {
        tunnel: 'web',
        hostnames: ['Shop.example.com', 'api.example.com'],
        port: 'https',
        protocol: 'https',
        path: '^/api/',
        originRequest: { noTLSVerify: true },
        dns: false,
      },
    ],
    [
      'a cluster tunnel with a dotted name',
      { [A.clusterTunnel]: 'shared.v2' },
      { clusterTunnel: 'shared.v2', dns: true },
    ],
    ['a tunnel name of 63 characters', { [A.tunnel]: 'a'.repeat(63) }, { tunnel: 'a'.repeat(63), dns: true }],
    ['port 1', { [A.port]: '1' }, { port: '1', dns: true }],
    ['port 65535', { [A.port]: '65535' }, { port: '65535', dns: true }],
    ['a port name of 15 characters', { [A.port]: 'abcdefghij-1234' }, { port: 'abcdefghij-1234', dns: true }],
    ['a port name with digits', { [A.port]: 'h2c' }, { port: 'h2c', dns: true }],
    ['dns "true"', { [A.dns]: 'true' }, { dns: true }],
  ])('reads %s', (_name, annotations, expected) => {
    expect(readServiceAnnotations(annotations)).toStrictEqual({ ok: true, value: expected });
  });

  it.each([
    ['an upper-case tunnel name', A.tunnel, 'Web', /Kubernetes object name.*not "Web"/],
    ['a tunnel name of 64 characters', A.tunnel, 'a'.repeat(64), /Kubernetes object name/],
    ['a tunnel name ending with a hyphen', A.tunnel, 'web-', /Kubernetes object name/],
    ['an empty cluster tunnel name', A.clusterTunnel, '', /Kubernetes object name/],
    ['a cluster tunnel name with an underscore', A.clusterTunnel, 'a_b', /Kubernetes object name/],
    ['hostnames that are only commas', A.hostnames, ' , ,', /at least one hostname/],
    ['hostnames longer than 65536 characters', A.hostnames, 'a'.repeat(65537), /65536 characters at most/],
    ['port 0', A.port, '0', /port number \(1–65535\)/],
    ['port 65536', A.port, '65536', /port number/],
    ['a port number with a leading zero', A.port, '0443', /port number/],
    ['a port name of 16 characters', A.port, 'abcdefghij-12345', /port name/],
    ['a port name in upper case', A.port, 'HTTP', /port name/],
    ['a port name without a letter', A.port, '80-80', /port name/],
    ['a port name with a double hyphen', A.port, 'a--b', /port name/],
    ['a port name starting with a hyphen', A.port, '-http', /port name/],
    ['an unknown protocol', A.protocol, 'ftp', /one of http, https, tcp, udp, ssh, rdp, smb, not "ftp"/],
    ['a protocol in upper case', A.protocol, 'HTTP', /one of http/],
    ['an empty path', A.path, '', /regular expression of 1–1024 characters/],
    ['a path of 1025 characters', A.path, 'a'.repeat(1025), /1–1024 characters/],
    ['a path with a lookahead', A.path, '^/(?=a)', /lookahead.*Go RE2/],
    ['a path with a backreference', A.path, '^/(a)\\1', /backreference/],
    ['an invalid path', A.path, '^/(a', /not a valid regular expression/],
    ['origin-request that is not JSON', A.originRequest, '{noTLSVerify: true}', /not valid JSON/],
    ['origin-request with an unknown key', A.originRequest, '{"noTlsVerify": true}', /unknown key "noTlsVerify"/],
    ['origin-request that is not an object', A.originRequest, '[]', /must be object/],
    ['dns "no"', A.dns, 'no', /"true" or "false", not "no"/],
    ['dns "False"', A.dns, 'False', /"true" or "false"/],
  ])('refuses %s, naming the annotation', (_name, annotation, value, message) => {
    const problems = problemsOf({ [annotation]: value });
    expect(problems).toEqual([{ annotation, message: expect.stringMatching(message) as string }]);
  });

  it('refuses both tunnel annotations, on cluster-tunnel', () => {
    expect(problemsOf({ [A.tunnel]: 'web', [A.clusterTunnel]: 'shared' })).toEqual([
      { annotation: A.clusterTunnel, message: `set only one of ${A.tunnel} and ${A.clusterTunnel}` },
    ]);
  });

  it('reports every problem at once', () => {
    const problems = problemsOf({
      [A.tunnel]: 'Web',
      [A.clusterTunnel]: 'shared',
      [A.port]: '0',
      [A.protocol]: 'ftp',
      [A.path]: '(',
      [A.originRequest]: '{"a": 1, "b": 2}',
      [A.dns]: 'no',
    });
    expect(problems.map((problem) => problem.annotation).sort()).toEqual(
      [A.tunnel, A.clusterTunnel, A.port, A.protocol, A.path, A.originRequest, A.originRequest, A.dns].sort(),
    );
  });

  it('quotes at most 100 characters of a value', () => {
    const [problem] = problemsOf({ [A.tunnel]: 'X'.repeat(5000) });
    expect(problem?.message).toContain(`"${'X'.repeat(100)}…"`);
    expect(problem?.message).not.toContain('X'.repeat(101));
  });
});

describe('isExposed', () => {
  it.each([
    ['no annotations', undefined, false],
    ['other annotations', { [A.hostnames]: 'a.example.com' }, false],
    ['a tunnel', { [A.tunnel]: 'web' }, true],
    ['a cluster tunnel', { [A.clusterTunnel]: 'shared' }, true],
    ['an invalid tunnel name', { [A.tunnel]: 'Not Valid' }, true],
    ['an empty tunnel name', { [A.tunnel]: '' }, true],
  ])('%s → %s', (_name, annotations, expected) => {
    expect(isExposed(annotations)).toBe(expected);
  });
});
