// POST /zones/:zone_id/dns_records/batch: one transaction, applied in the order
// deletes → patches → puts → posts; any failure leaves the zone untouched.
import { ApiFailure, fail, success, type ErrorItem } from '../envelope.js';
import type { RecordState, ZoneState } from '../state.js';
import { objectBody, zoneOf, type Handler, type RequestContext } from './common.js';
import { newRecord, readFields, recordNotFound, validate, wireRecord } from './dns-rules.js';

/** Record operations allowed per request (Free 200, paid plans 3,500). */
export function batchLimit(zone: ZoneState): number {
  return zone.plan === 'free' ? 200 : 3500;
}

type Section = 'deletes' | 'patches' | 'puts' | 'posts';
const SECTIONS: Section[] = ['deletes', 'patches', 'puts', 'posts'];

function section(body: Record<string, unknown>, name: Section): Record<string, unknown>[] {
  const value = body[name];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'object' && v !== null && !Array.isArray(v))) {
    throw fail(400, 1004, `DNS Validation Error: ${name} must be an array of objects.`);
  }
  return value as Record<string, unknown>[];
}

export const batchRecords: Handler = (ctx) => {
  const zone = zoneOf(ctx);
  const body = objectBody(ctx);
  const ops = Object.fromEntries(SECTIONS.map((s) => [s, section(body, s)])) as Record<
    Section,
    Record<string, unknown>[]
  >;
  const size = SECTIONS.reduce((n, s) => n + ops[s].length, 0);
  const limit = batchLimit(zone);
  if (size > limit) {
    throw fail(400, 1004, `DNS Validation Error: a batch may hold at most ${limit} record operations on this plan.`);
  }
  // Work on a copy; commit only when every operation succeeded.
  const working = ctx.state.zoneRecords(zone.id).map((r) => ({ ...r }));
  const result: Record<Section, RecordState[]> = { deletes: [], patches: [], puts: [], posts: [] };
  for (const name of SECTIONS) {
    ops[name].forEach((op, i) => {
      try {
        result[name].push(apply(ctx, zone, working, name, op));
      } catch (err) {
        throw locate(err, name, i);
      }
    });
  }
  ctx.state.records.set(zone.id, working);
  return success(Object.fromEntries(SECTIONS.map((s) => [s, result[s].map(wireRecord)])));
};

function apply(
  ctx: RequestContext,
  zone: ZoneState,
  working: RecordState[],
  name: Section,
  op: Record<string, unknown>,
): RecordState {
  if (name === 'posts') {
    const fields = readFields(op, zone);
    validate(fields, zone, working);
    const record = newRecord(ctx.state, zone, fields);
    working.push(record);
    return record;
  }
  const index = working.findIndex((r) => r.id === op['id']);
  if (index < 0) throw recordNotFound();
  const current = working[index] as RecordState;
  if (name === 'deletes') {
    working.splice(index, 1);
    return current;
  }
  const fields = readFields(op, zone, name === 'patches' ? current : undefined);
  validate(
    fields,
    zone,
    working.filter((r) => r.id !== current.id),
  );
  const updated = { ...current, ...fields, modifiedOn: ctx.state.timestamp() };
  working[index] = updated;
  return updated;
}

/** Prefixes the failing operation's position, e.g. `posts[3]: ...`, keeping status and code. */
function locate(err: unknown, name: Section, index: number): unknown {
  if (!(err instanceof ApiFailure)) return err;
  const errors: ErrorItem[] = err.errors.map((e) => ({ ...e, message: `${name}[${index}]: ${e.message}` }));
  return new ApiFailure(err.status === 404 ? 400 : err.status, errors, err.headers);
}
