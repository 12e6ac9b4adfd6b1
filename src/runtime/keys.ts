// Object keys. Each controller has its own queue holding keys of its primary kind only, so a key needs no kind
// prefix: `namespace/name` for namespaced objects, `name` for cluster-scoped ones (as client-go's
// MetaNamespaceKeyFunc). Names cannot contain '/', so the split is unambiguous.
import type { KubernetesObject } from '@kubernetes/client-node';

export interface ObjectName {
  namespace?: string;
  name: string;
}

export function keyOf(ref: ObjectName): string {
  return ref.namespace ? `${ref.namespace}/${ref.name}` : ref.name;
}

export function objectKey(object: KubernetesObject): string {
  const name = object.metadata?.name;
  if (!name) throw new Error(`object of kind ${object.kind ?? '?'} has no metadata.name`);
  return keyOf({ namespace: object.metadata?.namespace, name });
}

export function parseKey(key: string): ObjectName {
  const parts = key.split('/');
  if (parts.length === 1 && parts[0]) return { name: parts[0] };
  if (parts.length === 2 && parts[0] && parts[1]) return { namespace: parts[0], name: parts[1] };
  throw new Error(`invalid object key "${key}"`);
}
