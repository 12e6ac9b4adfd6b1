// Status writes: computed from the object, written to the status subresource only when they differ, guarded
// by a `test` of metadata.resourceVersion and recomputed from a fresh read on conflict.
import { isDeepStrictEqual } from 'node:util';
import type { KubernetesObject } from '@kubernetes/client-node';
import type { JsonPatchOp, ResourceClient, ResourceType } from './kube-client.js';
import { writeWithRetry, type WriteResult } from './write-retry.js';

export type WithStatus<S> = KubernetesObject & { status?: S };

/** The guarded patch that sets `status`, or null when it is already equal (JSON-wise). */
export function statusPatch<S>(object: WithStatus<S>, status: S): JsonPatchOp[] | null {
  if (jsonEqual(object.status, status)) return null;
  return [
    { op: 'test', path: '/metadata/resourceVersion', value: object.metadata?.resourceVersion },
    { op: object.status === undefined ? 'add' : 'replace', path: '/status', value: status },
  ];
}

/**
 * Writes the status `compute` derives from the object (it gets a copy and may be called again with a fresher
 * copy after a conflict, so it must be pure: use the injected clock, not Date.now, for condition times).
 * Once `signal` is aborted (the reconcile's: leadership lost, shutdown) no further read or write starts.
 */
export function updateStatus<S, T extends WithStatus<S>>(
  client: ResourceClient,
  type: ResourceType,
  object: T,
  compute: (current: T) => S,
  signal?: AbortSignal,
): Promise<WriteResult<T>> {
  return writeWithRetry(client, type, object, (current) => statusPatch(current, compute(current)), {
    subresource: 'status',
    signal,
  });
}

/** Equality after a JSON round trip, so `undefined` fields and Date objects compare as the server stores them. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  return isDeepStrictEqual(roundTrip(a), roundTrip(b));
}

function roundTrip(value: unknown): unknown {
  return value === undefined ? undefined : (JSON.parse(JSON.stringify(value)) as unknown);
}
