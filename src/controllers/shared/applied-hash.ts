// The applied-hash annotation and the "would an apply change anything?" test. Pure. A field we stop setting
// changes the hash, which a subset comparison alone would not notice.
import type { KubernetesObject } from '@kubernetes/client-node';
import { GROUP } from '../../api/constants.js';
import { hash } from '../../render/hash.js';
import { isSubset } from './subset.js';

/** On every applied object: the hash of the fields we applied. */
export const APPLIED_HASH_ANNOTATION = `${GROUP}/applied-hash`;

/** The object as we apply it: a copy with the applied-hash annotation. */
export function withAppliedHash<T extends KubernetesObject>(object: T): T {
  const copy = structuredClone(object);
  const digest = hash(object);
  copy.metadata = {
    ...copy.metadata,
    annotations: { ...copy.metadata?.annotations, [APPLIED_HASH_ANNOTATION]: digest },
  };
  return copy;
}

/** Whether applying `desired` (as returned by withAppliedHash) would change `actual`. Pure. */
export function needsApply(desired: KubernetesObject, actual: KubernetesObject | undefined): boolean {
  return !isSubset(desired, actual); // nothing there holds none of it
}
