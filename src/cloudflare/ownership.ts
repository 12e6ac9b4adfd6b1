// Ownership of DNS records lives in the record's comment, which only account members can read:
//
//   cloudflare-operator owner=<ownerId> object=<Kind>/<namespace>/<name>
//
// `ownerId` identifies this operator installation (one per cluster); `object` names the Kubernetes
// object that wants the record, for people reading the dashboard. Never a public TXT record.
import { createHash } from 'node:crypto';
import { OWNER_ID_PATTERN, OWNER_ID_RULE } from '../api/patterns.js';

const PREFIX = 'cloudflare-operator owner=';
const OWNER_ID = new RegExp(OWNER_ID_PATTERN);
const MARKER = /^cloudflare-operator owner=([A-Za-z0-9._-]{1,32})(?: object=(\S+))?$/;

/** The smallest comment limit of any plan (Free); every comment we write fits in it. */
export const MAX_COMMENT_LENGTH = 100;

export interface OwnerObject {
  kind: string;
  namespace?: string;
  name: string;
}

export interface OwnerMarker {
  ownerId: string;
  object: string | undefined;
}

export type Ownership = 'ours' | 'foreign' | 'unmanaged';

export function assertOwnerId(ownerId: string): void {
  if (!OWNER_ID.test(ownerId)) {
    throw new RangeError(`owner ID must be ${OWNER_ID_RULE}`);
  }
}

/** `Kind/namespace/name`, or `Kind/name` for cluster-scoped objects. */
export function objectRef(object: OwnerObject): string {
  return object.namespace ? `${object.kind}/${object.namespace}/${object.name}` : `${object.kind}/${object.name}`;
}

/**
 * The comment for a record owned by `ownerId` on behalf of `object`, at most `maxLength` characters.
 * When too long, the object reference is cut and suffixed with a hash of the full reference, so the
 * result is deterministic (the same object always yields the same comment) and still distinct.
 */
export function ownerComment(ownerId: string, object: OwnerObject, maxLength = MAX_COMMENT_LENGTH): string {
  assertOwnerId(ownerId);
  const head = `${PREFIX}${ownerId} object=`;
  const ref = objectRef(object).replace(/\s+/g, '_');
  if (head.length + ref.length <= maxLength) return head + ref;
  const hash = createHash('sha256').update(ref).digest('hex').slice(0, 10);
  const room = maxLength - head.length - hash.length - 1;
  if (room < 1) throw new RangeError(`an owner comment cannot fit in ${maxLength} characters`);
  return `${head}${ref.slice(0, room)}~${hash}`;
}

/** Parses a comment written by `ownerComment`; undefined for any other comment. */
export function parseOwnerComment(comment: string | undefined | null): OwnerMarker | undefined {
  if (!comment) return undefined;
  const match = MARKER.exec(comment.trim());
  if (!match) return undefined;
  return { ownerId: match[1] as string, object: match[2] };
}

/** The prefix shared by all comments of one owner: lists its records with `comment.startswith`. */
export function ownerCommentPrefix(ownerId: string): string {
  assertOwnerId(ownerId);
  return `${PREFIX}${ownerId} `;
}

export function classifyRecord(record: { comment?: string | undefined }, ownerId: string): Ownership {
  const marker = parseOwnerComment(record.comment);
  if (!marker) return 'unmanaged';
  return marker.ownerId === ownerId ? 'ours' : 'foreign';
}

export const isOurs = (record: { comment?: string | undefined }, ownerId: string): boolean =>
  classifyRecord(record, ownerId) === 'ours';
export const isForeign = (record: { comment?: string | undefined }, ownerId: string): boolean =>
  classifyRecord(record, ownerId) === 'foreign';
export const isUnmanaged = (record: { comment?: string | undefined }, ownerId: string): boolean =>
  classifyRecord(record, ownerId) === 'unmanaged';
