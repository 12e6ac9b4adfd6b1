// Applies DNS changes in as few requests as the zone's plan allows, and record by record when a
// batch is refused, so that one bad record does not block the others.
import { isCloudflareApiError, type CloudflareApiError } from './errors.js';
import type { DnsBatch, DnsRecord, DnsRecordInput } from './types.js';

export type DnsOperation =
  | { kind: 'delete'; id: string }
  | { kind: 'patch'; record: Partial<DnsRecordInput> & { id: string } }
  | { kind: 'put'; record: DnsRecordInput & { id: string } }
  | { kind: 'post'; record: DnsRecordInput };

/** The batch's operations in the order the server applies them: deletes, patches, puts, posts. */
export function batchOperations(batch: DnsBatch): DnsOperation[] {
  return [
    ...batch.deletes.map((d): DnsOperation => ({ kind: 'delete', id: d.id })),
    ...batch.patches.map((record): DnsOperation => ({ kind: 'patch', record })),
    ...batch.puts.map((record): DnsOperation => ({ kind: 'put', record })),
    ...batch.posts.map((record): DnsOperation => ({ kind: 'post', record })),
  ];
}

export function batchSize(batch: DnsBatch): number {
  return batch.deletes.length + batch.patches.length + batch.puts.length + batch.posts.length;
}

/**
 * Splits a batch into requests of at most `limit` operations. Chunks are cut from the operations in
 * server order and sent one after the other, so every delete still precedes every post (a record
 * can be replaced at the same name across chunk boundaries).
 */
export function chunkBatch(batch: DnsBatch, limit: number): DnsBatch[] {
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError('batch limit must be a positive integer');
  const ops = batchOperations(batch);
  const chunks: DnsBatch[] = [];
  for (let i = 0; i < ops.length; i += limit) chunks.push(toBatch(ops.slice(i, i + limit)));
  return chunks;
}

export function toBatch(ops: readonly DnsOperation[]): DnsBatch {
  const batch: DnsBatch = { deletes: [], patches: [], puts: [], posts: [] };
  for (const op of ops) {
    if (op.kind === 'delete') batch.deletes.push({ id: op.id });
    else if (op.kind === 'patch') batch.patches.push(op.record);
    else if (op.kind === 'put') batch.puts.push(op.record);
    else batch.posts.push(op.record);
  }
  return batch;
}

export interface BatchExecutor {
  /** One `dns_records/batch` request, all or nothing: the records it patched, put and posted, as they now are. */
  batch(chunk: DnsBatch): Promise<DnsRecord[]>;
  /** One operation through the per-record endpoints: the record written (none for a delete). */
  single(op: DnsOperation): Promise<DnsRecord | undefined>;
}

export interface OperationFailure {
  operation: DnsOperation;
  error: CloudflareApiError;
}

export interface BatchResult {
  /** Operations that took effect (a delete of a record already gone counts). */
  applied: number;
  /** The records written, as Cloudflare now holds them. */
  written: DnsRecord[];
  /** IDs of the records deleted (or already gone). */
  removed: string[];
  failures: OperationFailure[];
  /** Batch requests sent. */
  batches: number;
  /** Chunks refused and replayed record by record. */
  fallbacks: number;
}

/** Errors that are about the data in a request, so that other records may still succeed alone. */
function isDataError(err: unknown): err is CloudflareApiError {
  return isCloudflareApiError(err) && (err.kind === 'invalid' || err.kind === 'conflict' || err.kind === 'notFound');
}

/**
 * Sends the batch in chunks of `limit`. A chunk refused for its data is replayed operation by
 * operation; failures are collected, not thrown. Auth, rate-limit and transient errors (already
 * retried by the caller) are thrown: the rest is left for the next reconcile.
 */
export async function applyInChunks(batch: DnsBatch, limit: number, executor: BatchExecutor): Promise<BatchResult> {
  const result: BatchResult = { applied: 0, written: [], removed: [], failures: [], batches: 0, fallbacks: 0 };
  for (const chunk of chunkBatch(batch, limit)) {
    result.batches++;
    try {
      result.written.push(...(await executor.batch(chunk)));
      result.removed.push(...chunk.deletes.map((d) => d.id));
      result.applied += batchSize(chunk);
    } catch (err) {
      if (!isDataError(err)) throw err;
      result.fallbacks++;
      await replay(chunk, executor, result);
    }
  }
  return result;
}

async function replay(chunk: DnsBatch, executor: BatchExecutor, result: BatchResult): Promise<void> {
  for (const operation of batchOperations(chunk)) {
    try {
      const written = await executor.single(operation);
      if (written) result.written.push(written);
      if (operation.kind === 'delete') result.removed.push(operation.id);
      result.applied++;
    } catch (err) {
      if (!isDataError(err)) throw err;
      if (operation.kind === 'delete' && err.kind === 'notFound') {
        result.removed.push(operation.id);
        result.applied++;
      } else result.failures.push({ operation, error: err });
    }
  }
}
