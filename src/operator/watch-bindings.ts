// Expands a controller registration into watch bindings: one per (resource type, namespace), each with the
// function that turns an object of that type into keys of the controller's primary kind.
import { objectKey } from '../runtime/keys.js';
import type { ResourceType } from '../runtime/kube-client.js';
import { mapOwnerReferences } from './mappers.js';
import type { ControllerRegistration, KeyMapper, NamespaceScope, WatchSpec } from './types.js';

/** One watch a controller needs, and how its objects map to the controller's keys. */
export interface WatchBinding {
  type: ResourceType;
  /** undefined: all namespaces, or a cluster-scoped type. */
  namespace: string | undefined;
  labelSelector: string | undefined;
  cache: 'full' | 'metadata';
  map: KeyMapper;
  /** Keys are enqueued coalesced (WatchSpec.coalesce). */
  coalesce: boolean;
}

export interface ScopeConfig {
  watchNamespaces: readonly string[];
  operatorNamespace: string;
}

/** The namespaces to watch `type` in; [undefined] means one cluster-wide watch. */
export function namespacesFor(type: ResourceType, scope: NamespaceScope, config: ScopeConfig): (string | undefined)[] {
  if (!type.namespaced) return [undefined];
  const all = config.watchNamespaces.length === 0;
  switch (scope) {
    case 'operator':
      return [config.operatorNamespace];
    case 'watched':
      return all ? [undefined] : [...config.watchNamespaces];
    case 'watched-and-operator':
      return all ? [undefined] : [...new Set([...config.watchNamespaces, config.operatorNamespace])].sort();
  }
}

const identity: KeyMapper = (object) => [objectKey(object)];

function expand(spec: WatchSpec, map: KeyMapper, cache: 'full' | 'metadata', config: ScopeConfig): WatchBinding[] {
  return namespacesFor(spec.type, spec.namespaces ?? 'watched', config).map((namespace) => ({
    type: spec.type,
    namespace,
    labelSelector: spec.labelSelector,
    cache: spec.cache ?? cache,
    map,
    coalesce: spec.coalesce ?? false,
  }));
}

export function watchBindingsFor(registration: ControllerRegistration, config: ScopeConfig): WatchBinding[] {
  const bindings = expand(registration.primary, identity, 'full', config);
  for (const owned of registration.owns ?? []) {
    bindings.push(...expand(owned, owned.map ?? mapOwnerReferences(registration.primary.type), 'metadata', config));
  }
  for (const watched of registration.watches ?? []) {
    bindings.push(...expand(watched, watched.map, 'metadata', config));
  }
  return bindings;
}
