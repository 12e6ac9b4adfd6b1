import type { KubernetesObject } from '@kubernetes/client-node';
import { mapAny, mapOwnerLabels, mapOwnerReferences } from './mappers.js';
import { namespacesFor } from './watch-bindings.js';
import type { CacheReader } from './types.js';
import {
  EXAMPLE_TUNNEL as TUNNEL,
  EXAMPLE_CLUSTER_TUNNEL as CLUSTER_TUNNEL,
} from '../runtime/testing/resource-types.js';

const cache: CacheReader = { get: () => undefined, list: () => [] };

function deployment(
  ownerReferences: NonNullable<KubernetesObject['metadata']>['ownerReferences'],
  labels = {},
): KubernetesObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'd', namespace: 'ns', ownerReferences, labels },
  };
}

const ref = (kind: string, name: string, apiVersion = 'example.io/v1', controller = true) => ({
  apiVersion,
  kind,
  name,
  uid: `uid-${name}`,
  controller,
});

describe('mapOwnerReferences', () => {
  it('maps to a namespaced owner in the object’s namespace', () => {
    expect([...mapOwnerReferences(TUNNEL)(deployment([ref('Tunnel', 't')]), cache)]).toEqual(['ns/t']);
  });

  it('maps to a cluster-scoped owner by bare name', () => {
    expect([...mapOwnerReferences(CLUSTER_TUNNEL)(deployment([ref('ClusterTunnel', 'c')]), cache)]).toEqual(['c']);
  });

  it('ignores other kinds and groups, and non-controller refs when asked', () => {
    const object = deployment([
      ref('Tunnel', 'other-group', 'elsewhere.io/v1'),
      ref('ReplicaSet', 'rs', 'apps/v1'),
      ref('Tunnel', 'not-controller', 'example.io/v2', false),
    ]);
    expect([...mapOwnerReferences(TUNNEL)(object, cache)]).toEqual(['ns/not-controller']);
    expect([...mapOwnerReferences(TUNNEL, { controllerOnly: true })(object, cache)]).toEqual([]);
  });
});

describe('mapOwnerLabels', () => {
  const mapper = mapOwnerLabels({ nameLabel: 'example.io/tunnel', namespaceLabel: 'example.io/tunnel-namespace' });
  it('maps through labels (an owner in another namespace)', () => {
    const object = deployment([], { 'example.io/tunnel': 't', 'example.io/tunnel-namespace': 'apps' });
    expect([...mapper(object, cache)]).toEqual(['apps/t']);
  });
  it('maps nothing without the labels', () => {
    expect([...mapper(deployment([], { 'example.io/tunnel': 't' }), cache)]).toEqual([]);
  });
  it('combines with ownerReferences without duplicates', () => {
    const both = mapAny(
      mapOwnerReferences(TUNNEL),
      mapOwnerLabels({ nameLabel: 'example.io/tunnel', namespaceLabel: 'ns' }),
    );
    const object = deployment([ref('Tunnel', 't')], { 'example.io/tunnel': 't', ns: 'ns' });
    expect(both(object, cache)).toEqual(['ns/t']);
  });
});

describe('namespacesFor', () => {
  const config = { watchNamespaces: ['b', 'a'], operatorNamespace: 'ops' };
  const all = { watchNamespaces: [], operatorNamespace: 'ops' };
  it.each([
    ['watched', config, ['b', 'a']],
    ['operator', config, ['ops']],
    ['watched-and-operator', config, ['a', 'b', 'ops']],
    ['watched', all, [undefined]],
    ['watched-and-operator', all, [undefined]],
    ['operator', all, ['ops']],
  ] as const)('%s scope with %j', (scope, cfg, expected) => {
    expect(namespacesFor(TUNNEL, scope, cfg)).toEqual(expected);
  });
  it('watches a cluster-scoped type once, cluster-wide', () => {
    expect(namespacesFor(CLUSTER_TUNNEL, 'watched', config)).toEqual([undefined]);
  });
});
