// Applies objects the operator owns with server-side apply, only when the live object differs from what we
// would apply, so that a reconcile at rest sends no write. The applied fields carry a hash annotation: a field we
// stop setting changes the hash, which a subset comparison alone would not notice.
//
// `force` is used here, and only for objects a Tunnel controls (named by us, labelled by us, controller owner
// reference to the Tunnel): another manager that edits one of our fields (`kubectl edit`, `kubectl scale`) is
// drift to repair, and without `force` the apply would fail with a conflict for ever. Fields we do not set are
// never touched.
import type { KubernetesObject } from '@kubernetes/client-node';
import { isNotFound } from '../../runtime/errors.js';
import { FIELD_MANAGER, resourcePath, type ResourceClient, type ResourceType } from '../../runtime/kube-client.js';
import { needsApply, withAppliedHash } from './applied-hash.js';

export type ApplyOutcome = 'created' | 'updated' | 'unchanged';

export interface Applied<T> {
  outcome: ApplyOutcome;
  /** The live object after the apply (the one read before, when unchanged). */
  object: T | undefined;
}

export async function readOptional<T extends KubernetesObject>(
  client: ResourceClient,
  type: ResourceType,
  namespace: string | undefined,
  name: string,
): Promise<T | undefined> {
  try {
    return await client.get<T>(type, namespace, name);
  } catch (err: unknown) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

/** Applies `object` if it differs from `actual` (already read by the caller). */
export async function applyIfChanged<T extends KubernetesObject>(
  client: ResourceClient,
  type: ResourceType,
  object: T,
  actual: T | undefined,
): Promise<Applied<T>> {
  const desired = withAppliedHash(object);
  if (!needsApply(desired, actual)) return { outcome: 'unchanged', object: actual };
  const name = desired.metadata?.name ?? '';
  const live = await client.transport.request({
    method: 'PATCH',
    path: resourcePath(type, desired.metadata?.namespace, name),
    query: { fieldManager: FIELD_MANAGER, force: true },
    body: desired,
    contentType: 'application/apply-patch+yaml',
  });
  return { outcome: actual ? 'updated' : 'created', object: live as T };
}

/** Deletes an object if it exists; true when something was deleted. */
export async function deleteIfExists(
  client: ResourceClient,
  type: ResourceType,
  namespace: string | undefined,
  name: string,
): Promise<boolean> {
  try {
    await client.transport.request({
      method: 'DELETE',
      path: resourcePath(type, namespace, name),
      body: { propagationPolicy: 'Background' },
    });
    return true;
  } catch (err: unknown) {
    if (isNotFound(err)) return false;
    throw err;
  }
}
