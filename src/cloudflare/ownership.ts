// Ownership of DNS records lives in the record's comment, which only account members can read:
//
//   cloudflare-operator owner=<ownerId> tunnel=<Kind>/<namespace>/<name>
//
// `ownerId` identifies this operator installation (one per cluster); `tunnel` names the Tunnel or ClusterTunnel
// whose routes want the record. A record belongs to one installation AND one tunnel: a tunnel changes or deletes
// only the records whose comment is exactly its own. Never a public TXT record.
import { createHash } from 'node:crypto';
import { OWNER_ID_PATTERN, OWNER_ID_RULE } from '../api/patterns.js';

const PREFIX = 'cloudflare-operator owner=';
const OWNER_ID = new RegExp(OWNER_ID_PATTERN);
const MARKER = new RegExp(
  `^cloudflare-operator owner=(${OWNER_ID_PATTERN.replace(/^\^|\$$/g, '')})(?: tunnel=(\\S+))?$`,
);

/** The smallest comment limit of any plan (Free); every comment we write fits in it. */
export const MAX_COMMENT_LENGTH = 100;

export interface OwnerObject {
  kind: string;
  namespace?: string;
  name: string;
}

/** Who owns a record: this installation, on behalf of one tunnel object. */
export interface RecordOwner {
  ownerId: string;
  tunnel: OwnerObject;
}

export interface OwnerMarker {
  ownerId: string;
  tunnel: string | undefined;
}

/**
 * `ours`: this installation and this tunnel; `sibling`: this installation, another tunnel (left to that tunnel);
 * `foreign`: another installation; `unmanaged`: no marker of this operator at all.
 */
export type Ownership = 'ours' | 'sibling' | 'foreign' | 'unmanaged';

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
 * The comment of a record owned by `owner`, at most `maxLength` characters. When too long, the tunnel reference
 * is cut and suffixed with a hash of the full reference, so the result is deterministic (the same tunnel always
 * yields the same comment) and still distinct.
 */
export function ownerComment(owner: RecordOwner, maxLength = MAX_COMMENT_LENGTH): string {
  assertOwnerId(owner.ownerId);
  const head = `${PREFIX}${owner.ownerId} tunnel=`;
  const ref = objectRef(owner.tunnel).replace(/\s+/g, '_');
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
  return { ownerId: match[1] as string, tunnel: match[2] };
}

/** The prefix shared by all comments of one installation: lists its records with `comment.startswith`. */
export function ownerCommentPrefix(ownerId: string): string {
  assertOwnerId(ownerId);
  return `${PREFIX}${ownerId} `;
}

export function classifyRecord(record: { comment?: string | undefined }, owner: RecordOwner): Ownership {
  const marker = parseOwnerComment(record.comment);
  if (!marker) return 'unmanaged';
  if (marker.ownerId !== owner.ownerId) return 'foreign';
  return record.comment?.trim() === ownerComment(owner) ? 'ours' : 'sibling';
}

export const isOurs = (record: { comment?: string | undefined }, owner: RecordOwner): boolean =>
  classifyRecord(record, owner) === 'ours';
