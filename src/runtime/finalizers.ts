// Finalizer writes that never silently drop: a JSON patch guarded by a `test` of the list it edits (or of the
// resourceVersion when there is no list yet). When someone else changed the list meanwhile the server answers
// 422 (failed test) or 409; we re-read and recompute, a bounded number of times, then throw.
import type { KubernetesObject } from '@kubernetes/client-node';
import type { JsonPatchOp, ResourceClient, ResourceType } from './kube-client.js';
import { writeWithRetry, type WriteResult } from './write-retry.js';

/** The patch that adds or removes `finalizer`, or null when the object already is as wanted. */
export function finalizerPatch(
  object: KubernetesObject,
  finalizer: string,
  action: 'add' | 'remove',
): JsonPatchOp[] | null {
  const meta = object.metadata ?? {};
  const current = meta.finalizers;
  const has = current?.includes(finalizer) ?? false;
  if (action === 'add') {
    // The API server refuses new finalizers on an object that is being deleted.
    if (has || meta.deletionTimestamp) return null;
    if (!current) {
      return [
        { op: 'test', path: '/metadata/resourceVersion', value: meta.resourceVersion },
        { op: 'add', path: '/metadata/finalizers', value: [finalizer] },
      ];
    }
    return [
      { op: 'test', path: '/metadata/finalizers', value: current },
      { op: 'add', path: '/metadata/finalizers/-', value: finalizer },
    ];
  }
  if (!current || !has) return null;
  return [
    { op: 'test', path: '/metadata/finalizers', value: current },
    { op: 'replace', path: '/metadata/finalizers', value: current.filter((f) => f !== finalizer) },
  ];
}

export function hasFinalizer(object: KubernetesObject, finalizer: string): boolean {
  return object.metadata?.finalizers?.includes(finalizer) ?? false;
}

/** Adds `finalizer`; `changed` is false when it was there already or the object is being deleted. */
export function addFinalizer<T extends KubernetesObject>(
  client: ResourceClient,
  type: ResourceType,
  object: T,
  finalizer: string,
): Promise<WriteResult<T>> {
  return writeWithRetry(client, type, object, (current) => finalizerPatch(current, finalizer, 'add'));
}

/** Removes `finalizer`; `changed` is false when it was not there or the object is gone. */
export function removeFinalizer<T extends KubernetesObject>(
  client: ResourceClient,
  type: ResourceType,
  object: T,
  finalizer: string,
): Promise<WriteResult<T>> {
  return writeWithRetry(client, type, object, (current) => finalizerPatch(current, finalizer, 'remove'), {
    goneIsDone: true,
  });
}
