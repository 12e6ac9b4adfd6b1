// DNS record validation shared by the single-record endpoints and the batch endpoint.
import type { RecordResponse } from 'cloudflare/resources/dns/records';
import { fail } from '../envelope.js';
import type { EmulatorState, RecordState, ZoneState } from '../state.js';

export interface RecordFields {
  name: string;
  type: string;
  content: string;
  proxied: boolean;
  ttl: number;
  comment: string | undefined;
}

const PROXIABLE = new Set(['A', 'AAAA', 'CNAME']);

/** Comment length allowed by the zone's plan (Free 100, paid 500). */
export function commentLimit(zone: ZoneState): number {
  return zone.plan === 'free' ? 100 : 500;
}

/** Names are stored as lower-case FQDNs; `@` and relative names are completed with the zone. */
export function fqdn(name: string, zone: ZoneState): string {
  const n = name.trim().toLowerCase().replace(/\.$/, '');
  if (n === '@' || n === '') return zone.name;
  return n === zone.name || n.endsWith(`.${zone.name}`) ? n : `${n}.${zone.name}`;
}

/** Reads record fields from a request body; `base` fills what a PATCH leaves out. */
export function readFields(body: Record<string, unknown>, zone: ZoneState, base?: RecordFields): RecordFields {
  const type = pick(body, 'type', base?.type);
  const name = pick(body, 'name', base?.name);
  const content = pick(body, 'content', base?.content);
  if (!type || !name || !content) throw fail(400, 1004, 'DNS Validation Error: type, name and content are required.');
  const proxied = body['proxied'] === undefined ? (base?.proxied ?? false) : body['proxied'] === true;
  const ttl = readTtl(body, base);
  return {
    type: type.toUpperCase(),
    name: fqdn(name, zone),
    content: content.replace(/\.$/, ''),
    proxied,
    ttl: proxied ? 1 : ttl,
    comment: readComment(body, base),
  };
}

function readTtl(body: Record<string, unknown>, base: RecordFields | undefined): number {
  const ttl = body['ttl'] === undefined ? (base?.ttl ?? 1) : Number(body['ttl']);
  if (!Number.isInteger(ttl) || (ttl !== 1 && (ttl < 30 || ttl > 86400))) {
    throw fail(400, 1004, 'DNS Validation Error: ttl must be 1 (automatic) or between 30 and 86400.');
  }
  return ttl;
}

/** Absent: keep the base's comment; null: clear it. */
function readComment(body: Record<string, unknown>, base: RecordFields | undefined): string | undefined {
  const value = body['comment'];
  if (value === undefined) return base?.comment;
  if (value === null) return undefined;
  if (typeof value !== 'string') throw fail(400, 1004, 'DNS Validation Error: comment must be a string.');
  return value;
}

function pick(body: Record<string, unknown>, key: string, fallback: string | undefined): string | undefined {
  const value = body[key];
  if (value === undefined) return fallback;
  if (typeof value !== 'string') throw fail(400, 1004, `DNS Validation Error: ${key} must be a string.`);
  return value;
}

/** Refuses what Cloudflare refuses: long comments, unproxiable types, name clashes with `others`. */
export function validate(fields: RecordFields, zone: ZoneState, others: readonly RecordState[]): void {
  const limit = commentLimit(zone);
  if (fields.comment !== undefined && fields.comment.length > limit) {
    throw fail(400, 9313, `DNS record comment exceeds the maximum length of ${limit} characters.`);
  }
  if (fields.proxied && !PROXIABLE.has(fields.type)) throw fail(400, 9004, 'This record type cannot be proxied.');
  const sameName = others.filter((r) => r.name === fields.name);
  if (fields.type === 'CNAME' && sameName.length > 0) {
    throw fail(400, 81053, 'An A, AAAA, or CNAME record with that host already exists.');
  }
  if (fields.type !== 'CNAME' && sameName.some((r) => r.type === 'CNAME')) {
    throw fail(400, 81054, 'A CNAME record with that host already exists.');
  }
  if (sameName.some((r) => r.type === fields.type && r.content === fields.content)) {
    throw fail(400, 81058, 'An identical record already exists.');
  }
}

export function newRecord(state: EmulatorState, zone: ZoneState, fields: RecordFields): RecordState {
  const now = state.timestamp();
  return { id: state.rng.hex(32), zoneId: zone.id, ...fields, tags: [], createdOn: now, modifiedOn: now };
}

export function recordNotFound(): ReturnType<typeof fail> {
  return fail(404, 81044, 'Record does not exist.');
}

export function wireRecord(record: RecordState): RecordResponse {
  return {
    id: record.id,
    name: record.name,
    type: record.type,
    content: record.content,
    proxied: record.proxied,
    proxiable: PROXIABLE.has(record.type),
    ttl: record.ttl,
    comment: record.comment ?? null,
    tags: record.tags,
    settings: {},
    meta: {},
    created_on: record.createdOn,
    modified_on: record.modifiedOn,
  } as RecordResponse;
}
