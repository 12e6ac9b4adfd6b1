// What a controller registers with the operator: its primary resource, the kinds it owns, other watched kinds
// with a mapping to primary keys, and its reconcile function.
import type { KubernetesObject } from '@kubernetes/client-node';
import type { BackoffOptions } from '../runtime/backoff.js';
import type { CoalesceOptions, Reconciler } from '../runtime/controller.js';
import type { ResourceType } from '../runtime/kube-client.js';

/**
 * Which namespaces a namespaced resource is watched in: the configured watch scope, the operator's own
 * namespace (e.g. the Deployment of a ClusterTunnel), or both. Cluster-scoped types ignore this.
 */
export type NamespaceScope = 'watched' | 'operator' | 'watched-and-operator';

/** Read access to what the watches have cached, for mapping functions. Objects are shared: do not edit. */
export interface CacheReader {
  get(type: ResourceType, key: string): KubernetesObject | undefined;
  list(type: ResourceType): KubernetesObject[];
}

/**
 * Maps an object of a watched kind to keys of the controller's primary kind. On a change it is called for the
 * new and for the previously cached version, and the union of keys is queued (a reference that moved
 * concerns its old target too). It must rely only on apiVersion, kind and metadata: the previous version and
 * an object that vanished while the watch was down come from the cache, which for `cache: 'metadata'`
 * watches holds nothing else.
 */
export type KeyMapper = (object: KubernetesObject, cache: CacheReader) => Iterable<string>;

export interface WatchSpec {
  type: ResourceType;
  /** Only objects with these labels are watched (and cached): keeps memory low for Secrets, ConfigMaps. */
  labelSelector?: string;
  namespaces?: NamespaceScope;
  /** What the cache keeps: everything but managedFields, or metadata only. Default: metadata. */
  cache?: 'full' | 'metadata';
  /**
   * Queue the keys of this watch's events after bursts (the controller's coalescing window) rather than at
   * once: e.g. many Services changing together reconcile their Tunnel once. Default false.
   */
  coalesce?: boolean;
}

export interface MappedWatch extends WatchSpec {
  map: KeyMapper;
}

export interface OwnedWatch extends WatchSpec {
  /** Default: the ownerReferences pointing at the primary kind. */
  map?: KeyMapper;
}

export interface ControllerRegistration {
  /** Names the controller in logs and metric labels, e.g. `tunnel`. */
  name: string;
  /** Its keys are the queue's keys. Cached in full by default, since reconcilers may read it from the cache. */
  primary: WatchSpec;
  /** Objects it creates (Deployment, ConfigMap, Secret): changes requeue the owner. */
  owns?: OwnedWatch[];
  /** Other kinds whose changes concern some primary objects (e.g. Service → its Tunnel). */
  watches?: MappedWatch[];
  reconcile: Reconciler;
  /** Default: the configured concurrency. */
  concurrency?: number;
  /** Default: the configured resync period. */
  resyncPeriodMs?: number;
  /** How watches with `coalesce: true` wait out bursts. Default: from the configured coalescing window. */
  coalesce?: CoalesceOptions;
  backoff?: BackoffOptions;
}
