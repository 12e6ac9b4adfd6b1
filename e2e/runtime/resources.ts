// The resource types and CRDs the runtime e2e tests use (a group of their own, nothing product-specific).
import type { V1CustomResourceDefinition } from '@kubernetes/client-node';
import type { ResourceType } from '../../src/runtime/kube-client.js';

export const FIXTURE_GROUP = 'runtime.e2e.cloudflare-operator.io';
export const FIXTURE_FINALIZER = `${FIXTURE_GROUP}/cleanup`;

export const PROBE: ResourceType = {
  group: FIXTURE_GROUP,
  version: 'v1',
  plural: 'probes',
  kind: 'Probe',
  namespaced: true,
};
export const FLAKY: ResourceType = {
  group: FIXTURE_GROUP,
  version: 'v1',
  plural: 'flakies',
  kind: 'Flaky',
  namespaced: true,
};
export const CONFIGMAP: ResourceType = {
  group: '',
  version: 'v1',
  plural: 'configmaps',
  kind: 'ConfigMap',
  namespaced: true,
};

function crd(type: ResourceType, singular: string, withStatus: boolean): V1CustomResourceDefinition {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${type.plural}.${type.group}` },
    spec: {
      group: type.group,
      scope: 'Namespaced',
      names: { plural: type.plural, singular, kind: type.kind },
      versions: [
        {
          name: type.version,
          served: true,
          storage: true,
          ...(withStatus ? { subresources: { status: {} } } : {}),
          schema: {
            openAPIV3Schema: {
              type: 'object',
              properties: {
                spec: { type: 'object', properties: { message: { type: 'string' } } },
                status: { type: 'object', x_kubernetes_preserve_unknown_fields: true },
              },
            },
          },
        },
      ],
    },
  };
}

export const probeCrd = crd(PROBE, 'probe', true);
export const flakyCrd = crd(FLAKY, 'flaky', false);
