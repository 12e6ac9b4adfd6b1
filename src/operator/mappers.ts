// Key mappers for owned and related objects.
import type { KubernetesObject } from '@kubernetes/client-node';
import { keyOf } from '../runtime/keys.js';
import type { ResourceType } from '../runtime/kube-client.js';
import type { KeyMapper } from './types.js';

/** The group of an apiVersion (`apps/v1` → `apps`, `v1` → ''). */
function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

/**
 * Maps an object to the owners of kind `owner` in its ownerReferences (any version of the owner's group).
 * A namespaced owner lives in the object's namespace; a cluster-scoped owner has a bare-name key.
 */
export function mapOwnerReferences(owner: ResourceType, options: { controllerOnly?: boolean } = {}): KeyMapper {
  return (object: KubernetesObject): string[] => {
    const refs = object.metadata?.ownerReferences ?? [];
    return refs
      .filter((ref) => ref.kind === owner.kind && groupOf(ref.apiVersion) === owner.group)
      .filter((ref) => !options.controllerOnly || ref.controller === true)
      .map((ref) => keyOf({ namespace: owner.namespaced ? object.metadata?.namespace : undefined, name: ref.name }));
  };
}

/**
 * Maps an object to its owner through labels, for owners ownerReferences cannot express (an owner in another
 * namespace). `namespaceLabel` is omitted for a cluster-scoped owner.
 */
export function mapOwnerLabels(labels: { nameLabel: string; namespaceLabel?: string }): KeyMapper {
  return (object: KubernetesObject): string[] => {
    const all = object.metadata?.labels ?? {};
    const name = all[labels.nameLabel];
    if (!name) return [];
    if (!labels.namespaceLabel) return [keyOf({ name })];
    const namespace = all[labels.namespaceLabel];
    return namespace ? [keyOf({ namespace, name })] : [];
  };
}

/** Tries the mappers in order and returns the union of their keys. */
export function mapAny(...mappers: KeyMapper[]): KeyMapper {
  return (object, cache): string[] => {
    const keys = new Set<string>();
    for (const mapper of mappers) for (const key of mapper(object, cache)) keys.add(key);
    return [...keys];
  };
}
