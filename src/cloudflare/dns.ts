// DNS records: list (all pages), single-record writes, and batches chunked by the zone's plan.
import type { RecordBatchParams, RecordListParams } from 'cloudflare/resources/dns/records';
import { applyInChunks, type BatchResult, type DnsOperation } from './batch.js';
import { listAllPages, orUndefinedIfNotFound, type GatewayContext } from './context.js';
import { toDnsRecord } from './mappers.js';
import type { DnsBatch, DnsRecord, DnsRecordFilter, DnsRecordInput, Zone } from './types.js';
import { batchLimit } from './zones.js';

export async function listDnsRecords(
  ctx: GatewayContext,
  zoneId: string,
  filter: DnsRecordFilter = {},
): Promise<DnsRecord[]> {
  const query: Omit<RecordListParams, 'zone_id'> = {
    ...(filter.name ? { name: { exact: filter.name } } : {}),
    ...(filter.type ? { type: filter.type as RecordListParams['type'] } : {}),
    ...(filter.commentStartsWith ? { comment: { startswith: filter.commentStartsWith } } : {}),
  };
  const records = await listAllPages(
    ctx,
    'dns.list',
    { zoneId, name: filter.name, type: filter.type },
    ctx.dnsPageSize,
    (page, opts) => ctx.sdk.dns.records.list({ zone_id: zoneId, ...query, page, per_page: ctx.dnsPageSize }, opts),
  );
  return records.map(toDnsRecord);
}

export async function createDnsRecord(ctx: GatewayContext, zoneId: string, input: DnsRecordInput): Promise<DnsRecord> {
  const record = await ctx.call('dns.create', { zoneId, name: input.name }, (opts) =>
    ctx.sdk.dns.records.create({ zone_id: zoneId, ...input }, opts),
  );
  return toDnsRecord(record);
}

/** Replaces the record (PUT): every field we manage is written. */
export async function updateDnsRecord(
  ctx: GatewayContext,
  zoneId: string,
  recordId: string,
  input: DnsRecordInput,
): Promise<DnsRecord> {
  const record = await ctx.call('dns.update', { zoneId, recordId, name: input.name }, (opts) =>
    ctx.sdk.dns.records.update(recordId, { zone_id: zoneId, ...input }, opts),
  );
  return toDnsRecord(record);
}

/** Changes some fields of the record (PATCH). */
export async function patchDnsRecord(
  ctx: GatewayContext,
  zoneId: string,
  recordId: string,
  input: Partial<DnsRecordInput>,
): Promise<DnsRecord> {
  const record = await ctx.call('dns.patch', { zoneId, recordId }, (opts) =>
    ctx.sdk.dns.records.edit(
      recordId,
      { zone_id: zoneId, ...input } as Parameters<typeof ctx.sdk.dns.records.edit>[1],
      opts,
    ),
  );
  return toDnsRecord(record);
}

/** Deletes the record; a record already gone counts as success. */
export async function deleteDnsRecord(
  ctx: GatewayContext,
  zoneId: string,
  recordId: string,
): Promise<'deleted' | 'alreadyGone'> {
  const result = await orUndefinedIfNotFound(() =>
    ctx.call('dns.delete', { zoneId, recordId }, (opts) =>
      ctx.sdk.dns.records.delete(recordId, { zone_id: zoneId }, opts),
    ),
  );
  return result === undefined ? 'alreadyGone' : 'deleted';
}

/** One `dns_records/batch` request: all of it applies or none does. Returns the records written. */
export async function batchDnsRecords(ctx: GatewayContext, zoneId: string, batch: DnsBatch): Promise<DnsRecord[]> {
  const params: RecordBatchParams = {
    zone_id: zoneId,
    ...(batch.deletes.length ? { deletes: batch.deletes } : {}),
    // Patches carry only the fields to change; the SDK types them as whole records.
    ...(batch.patches.length ? { patches: batch.patches as RecordBatchParams['patches'] } : {}),
    ...(batch.puts.length ? { puts: batch.puts } : {}),
    ...(batch.posts.length ? { posts: batch.posts } : {}),
  };
  const size = batch.deletes.length + batch.patches.length + batch.puts.length + batch.posts.length;
  const answer = await ctx.call('dns.batch', { zoneId, size }, (opts) => ctx.sdk.dns.records.batch(params, opts));
  return [...(answer.patches ?? []), ...(answer.puts ?? []), ...(answer.posts ?? [])].map(toDnsRecord);
}

/**
 * Applies a batch in as few requests as the zone's plan allows (200 operations on Free, 3,500 on
 * paid plans); a refused chunk is replayed record by record (see batch.ts).
 */
export function applyDnsBatch(
  ctx: GatewayContext,
  zone: Pick<Zone, 'id' | 'plan'>,
  batch: DnsBatch,
): Promise<BatchResult> {
  return applyInChunks(batch, batchLimit(zone.plan), {
    batch: (chunk) => batchDnsRecords(ctx, zone.id, chunk),
    single: (op) => applySingle(ctx, zone.id, op),
  });
}

async function applySingle(ctx: GatewayContext, zoneId: string, op: DnsOperation): Promise<DnsRecord | undefined> {
  if (op.kind === 'delete') {
    await deleteDnsRecord(ctx, zoneId, op.id);
    return undefined;
  }
  if (op.kind === 'patch') return patchDnsRecord(ctx, zoneId, op.record.id, withoutId(op.record));
  if (op.kind === 'put') return updateDnsRecord(ctx, zoneId, op.record.id, withoutId(op.record));
  return createDnsRecord(ctx, zoneId, op.record);
}

function withoutId<T extends { id: string }>(record: T): Omit<T, 'id'> {
  const { id: _id, ...rest } = record;
  return rest;
}
