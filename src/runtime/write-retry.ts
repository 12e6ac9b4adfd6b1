// The optimistic-concurrency loop shared by the finalizer and status helpers: compute a guarded JSON patch from
// the object as we know it; on a conflict (409, or 422 from a failed `test`) re-read the object and compute again.
import type { KubernetesObject } from '@kubernetes/client-node';
import { isConflict, isInvalid, isNotFound } from './errors.js';
import type { JsonPatchOp, ResourceClient, ResourceType } from './kube-client.js';

export interface WriteResult<T> {
  /** Whether anything was written. */
  changed: boolean;
  /** The object after the write (or as re-read); undefined when it no longer exists. */
  object: T | undefined;
}

export interface WriteOptions {
  subresource?: 'status';
  /** Treat a vanished object as success (removing a finalizer from a deleted object). */
  goneIsDone?: boolean;
  attempts?: number;
  /**
   * The reconcile's signal (leadership lost, shutdown): checked before every read and write and passed to the
   * requests, so an aborted reconcile starts no write, not even the retry after a conflict.
   */
  signal?: AbortSignal;
}

export class ConflictRetriesExhaustedError extends Error {
  constructor(what: string, options?: ErrorOptions) {
    super(`${what}: still conflicting after retries`, options);
    this.name = 'ConflictRetriesExhaustedError';
  }
}

export async function writeWithRetry<T extends KubernetesObject>(
  client: ResourceClient,
  type: ResourceType,
  object: T,
  compute: (current: T) => JsonPatchOp[] | null,
  options: WriteOptions = {},
): Promise<WriteResult<T>> {
  const attempts = options.attempts ?? 5;
  const name = object.metadata?.name;
  if (!name) throw new Error(`${type.kind}: object has no metadata.name`);
  const target = { namespace: object.metadata?.namespace, name, subresource: options.subresource };
  const what = `${type.kind} ${target.namespace ?? ''}/${name}`;
  let current: T | undefined = object;
  const { signal } = options;
  for (let attempt = 1; current; attempt++) {
    const ops = compute(structuredClone(current));
    if (!ops) return { changed: false, object: current };
    signal?.throwIfAborted();
    const written = await patchOrConflict(() => client.jsonPatch<T>(type, target, ops, signal), options);
    if (!(written instanceof Conflict)) {
      return written ? { changed: true, object: written } : { changed: false, object: undefined };
    }
    if (attempt >= attempts) throw new ConflictRetriesExhaustedError(what, { cause: written.error });
    signal?.throwIfAborted();
    current = await readOrGone(() => client.get<T>(type, target.namespace, name, signal), options);
  }
  return { changed: false, object: undefined };
}

class Conflict {
  constructor(readonly error: unknown) {}
}

/** The written object, a Conflict to re-read and retry, or undefined when the object is gone (and that is fine). */
async function patchOrConflict<T>(patch: () => Promise<T>, options: WriteOptions): Promise<T | Conflict | undefined> {
  try {
    return await patch();
  } catch (err: unknown) {
    if (isNotFound(err) && options.goneIsDone) return undefined;
    if (isConflict(err) || isInvalid(err)) return new Conflict(err);
    throw err;
  }
}

async function readOrGone<T>(read: () => Promise<T>, options: WriteOptions): Promise<T | undefined> {
  try {
    return await read();
  } catch (err: unknown) {
    if (isNotFound(err) && options.goneIsDone) return undefined;
    throw err;
  }
}
