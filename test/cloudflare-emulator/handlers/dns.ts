// /zones/:zone_id/dns_records: list (filters, pages), create, get, put, patch, delete.
import { paginate, success } from '../envelope.js';
import type { RecordState } from '../state.js';
import { objectBody, param, zoneOf, type Handler, type RequestContext } from './common.js';
import { newRecord, readFields, recordNotFound, validate, wireRecord } from './dns-rules.js';

type Matcher = (record: RecordState) => boolean;

/** The list filters the SDK sends: `name`, `name.exact|contains|startswith|endswith`, `comment.*`, ... */
function filters(query: URLSearchParams): Matcher[] {
  const matchers: Matcher[] = [];
  const text = (field: 'name' | 'content' | 'comment', value: (r: RecordState) => string | undefined): void => {
    const exact = query.get(`${field}.exact`) ?? query.get(field);
    // Comment filters ignore case, as name filters do (names also lose a trailing dot).
    const norm = (s: string): string => (field === 'comment' ? s.toLowerCase() : s.toLowerCase().replace(/\.$/, ''));
    if (exact !== null) matchers.push((r) => value(r) !== undefined && norm(value(r) as string) === norm(exact));
    for (const op of ['contains', 'startswith', 'endswith'] as const) {
      const arg = query.get(`${field}.${op}`);
      if (arg === null) continue;
      matchers.push((r) => {
        const v = value(r);
        if (v === undefined) return false;
        if (op === 'contains') return norm(v).includes(norm(arg));
        return op === 'startswith' ? norm(v).startsWith(norm(arg)) : norm(v).endsWith(norm(arg));
      });
    }
  };
  text('name', (r) => r.name);
  text('content', (r) => r.content);
  text('comment', (r) => r.comment);
  if (query.get('comment.present') !== null) matchers.push((r) => r.comment !== undefined);
  if (query.get('comment.absent') !== null) matchers.push((r) => r.comment === undefined);
  const type = query.get('type');
  if (type !== null) matchers.push((r) => r.type === type.toUpperCase());
  const proxied = query.get('proxied');
  if (proxied !== null) matchers.push((r) => r.proxied === (proxied === 'true'));
  return matchers;
}

export const listRecords: Handler = (ctx) => {
  const zone = zoneOf(ctx);
  const matchers = filters(ctx.query);
  const records = ctx.state
    .zoneRecords(zone.id)
    .filter((r) => matchers.every((m) => m(r)))
    .sort((a, b) => a.type.localeCompare(b.type) || a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
  const { page, info } = paginate(records, ctx.query, { defaultPerPage: 100, minPerPage: 1, maxPerPage: 5_000_000 });
  return success(page.map(wireRecord), info);
};

export const createRecord: Handler = (ctx) => {
  const zone = zoneOf(ctx);
  const records = ctx.state.zoneRecords(zone.id);
  const fields = readFields(objectBody(ctx), zone);
  validate(fields, zone, records);
  const record = newRecord(ctx.state, zone, fields);
  records.push(record);
  return success(wireRecord(record));
};

function find(ctx: RequestContext): { records: RecordState[]; index: number; zone: ReturnType<typeof zoneOf> } {
  const zone = zoneOf(ctx);
  const records = ctx.state.zoneRecords(zone.id);
  const index = records.findIndex((r) => r.id === param(ctx, 'record_id'));
  if (index < 0) throw recordNotFound();
  return { records, index, zone };
}

export const getRecord: Handler = (ctx) => {
  const { records, index } = find(ctx);
  return success(wireRecord(records[index] as RecordState));
};

/** PUT replaces every field; PATCH keeps the fields it does not send. */
function write(ctx: RequestContext, partial: boolean): ReturnType<Handler> {
  const { records, index, zone } = find(ctx);
  const current = records[index] as RecordState;
  const fields = readFields(objectBody(ctx), zone, partial ? current : undefined);
  validate(
    fields,
    zone,
    records.filter((r) => r.id !== current.id),
  );
  const updated = { ...current, ...fields, modifiedOn: ctx.state.timestamp() };
  records[index] = updated;
  return success(wireRecord(updated));
}

export const putRecord: Handler = (ctx) => write(ctx, false);
export const patchRecord: Handler = (ctx) => write(ctx, true);

export const deleteRecord: Handler = (ctx) => {
  const { records, index } = find(ctx);
  const [removed] = records.splice(index, 1);
  return success({ id: (removed as RecordState).id });
};
