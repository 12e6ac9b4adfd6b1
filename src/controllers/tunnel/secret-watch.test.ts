import type { KubernetesObject } from '@kubernetes/client-node';
import type { CacheReader } from '../../operator/types.js';
import type { ResourceType } from '../../runtime/kube-client.js';
import { CLUSTER_TUNNEL, TUNNEL } from '../shared/resources.js';
import { tunnelsUsingSecret } from './secret-watch.js';

function tunnel(kind: string, name: string, namespace: string | undefined, secretName: string): KubernetesObject {
  const metadata = namespace ? { name, namespace } : { name };
  return { kind, metadata, spec: { cloudflare: { credentialsSecretRef: { name: secretName } } } } as KubernetesObject;
}

function cacheOf(objects: Map<ResourceType, KubernetesObject[]>): CacheReader {
  return { get: () => undefined, list: (type) => objects.get(type) ?? [] };
}

const secret = (namespace: string, name: string): KubernetesObject => ({
  kind: 'Secret',
  metadata: { namespace, name },
});

const cache = cacheOf(
  new Map([
    [
      TUNNEL,
      [
        tunnel('Tunnel', 'b', 'team', 'cf'),
        tunnel('Tunnel', 'a', 'team', 'cf'),
        tunnel('Tunnel', 'c', 'team', 'other'),
        tunnel('Tunnel', 'd', 'elsewhere', 'cf'),
        // Objects without (a whole) spec: never a match, never a crash.
        { kind: 'Tunnel', metadata: { name: 'e', namespace: 'team' } },
        { kind: 'Tunnel', metadata: { name: 'f', namespace: 'team' }, spec: {} } as KubernetesObject,
        { kind: 'Tunnel', metadata: { name: 'g', namespace: 'team' }, spec: { cloudflare: {} } } as KubernetesObject,
      ],
    ],
    [
      CLUSTER_TUNNEL,
      [tunnel('ClusterTunnel', 'shared', undefined, 'cf'), tunnel('ClusterTunnel', 'x', undefined, 'y')],
    ],
  ]),
);

describe('tunnelsUsingSecret', () => {
  it.each([
    ['Tunnels in the Secret’s namespace that name it', TUNNEL, secret('team', 'cf'), ['team/a', 'team/b']],
    ['no Tunnel for a Secret nobody names', TUNNEL, secret('team', 'unused'), []],
    ['ClusterTunnels for a Secret in the operator namespace', CLUSTER_TUNNEL, secret('operator', 'cf'), ['shared']],
    ['no ClusterTunnel for a same-named Secret elsewhere', CLUSTER_TUNNEL, secret('team', 'cf'), []],
  ])('%s', (_, primary, object, expected) => {
    expect([...tunnelsUsingSecret(primary, 'operator')(object, cache)]).toEqual(expected);
  });
});
