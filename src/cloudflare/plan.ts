// The DNS planner: data in, data out. No I/O, no logging, output sorted.
import { classifyRecord, ownerComment, type RecordOwner } from './ownership.js';
import type { DnsBatch, DnsRecord, DnsRecordInput } from './types.js';
import { normalizeHostname } from './zones.js';

export interface PlanInput {
  /** The zone's current records at the names of interest, and every record this owner has. */
  current: readonly DnsRecord[];
  /** The records wanted; each comment must be this owner's (ownerComment). */
  desired: readonly DnsRecordInput[];
  /** This installation and the tunnel the plan is for: only its records are changed or deleted. */
  owner: RecordOwner;
  /** Take over an unmanaged CNAME at a desired name instead of reporting a conflict. */
  adoptUnmanaged?: boolean;
}

export interface RecordUpdate {
  current: DnsRecord;
  desired: DnsRecordInput;
  /** True when the current record was unmanaged and is being adopted. */
  adopt: boolean;
}

/**
 * `foreignOwner`: another installation's record; `sibling`: another tunnel of this installation holds the name
 * (it releases it when its route goes); `unmanaged`: a record without our marker; `duplicateDesired`: asked twice.
 */
export type ConflictReason = 'foreignOwner' | 'sibling' | 'unmanaged' | 'duplicateDesired';

export interface PlanConflict {
  name: string;
  reason: ConflictReason;
  desired: DnsRecordInput;
  /** The records in the way (empty for duplicateDesired). */
  records: DnsRecord[];
}

export interface DnsPlan {
  creates: DnsRecordInput[];
  updates: RecordUpdate[];
  deletes: DnsRecord[];
  conflicts: PlanConflict[];
}

/**
 * Computes the changes that turn `current` into `desired` for one owner (this installation and one tunnel).
 *
 * Per name (compared lower-case, without trailing dot):
 *
 * | records at the name                 | desired? | result                                          |
 * | ----------------------------------- | -------- | ----------------------------------------------- |
 * | none                                | yes      | create                                          |
 * | ours, equal                         | yes      | nothing                                         |
 * | ours, different                     | yes      | update                                          |
 * | ours, not a CNAME                   | yes      | delete it, create the CNAME                     |
 * | ours                                | no       | delete                                          |
 * | another installation's              | yes      | conflict `foreignOwner`; ours there untouched   |
 * | another tunnel's of ours (sibling)  | yes      | conflict `sibling`; ours there untouched        |
 * | another installation's, or sibling  | no       | nothing                                         |
 * | unmanaged                           | yes      | conflict `unmanaged`                            |
 * | one unmanaged CNAME, adoptUnmanaged | yes      | update with `adopt: true` (writes our marker)   |
 * | unmanaged                           | no       | nothing                                         |
 * | —                                   | twice    | first by content wins; others: conflict `duplicateDesired` |
 */
export function planDns(input: PlanInput): DnsPlan {
  const plan: DnsPlan = { creates: [], updates: [], deletes: [], conflicts: [] };
  const desiredByName = pickDesired(input, plan);
  const currentByName = groupBy(input.current, (r) => normalizeHostname(r.name));
  const names = new Set([...desiredByName.keys(), ...currentByName.keys()]);
  for (const name of names) {
    planName(input, plan, name, currentByName.get(name) ?? [], desiredByName.get(name));
  }
  return sortPlan(plan);
}

function pickDesired(input: PlanInput, plan: DnsPlan): Map<string, DnsRecordInput> {
  const byName = groupBy(input.desired, (d) => normalizeHostname(d.name));
  const picked = new Map<string, DnsRecordInput>();
  const comment = ownerComment(input.owner);
  for (const [name, candidates] of byName) {
    for (const d of candidates) {
      if (d.comment !== comment)
        throw new RangeError(`desired record ${d.name} does not carry the comment "${comment}"`);
    }
    const [winner, ...losers] = [...candidates].sort((a, b) => compare(a.content, b.content));
    picked.set(name, winner as DnsRecordInput);
    for (const loser of losers) plan.conflicts.push({ name, reason: 'duplicateDesired', desired: loser, records: [] });
  }
  return picked;
}

function planName(
  input: PlanInput,
  plan: DnsPlan,
  name: string,
  current: DnsRecord[],
  desired: DnsRecordInput | undefined,
): void {
  const ownership = (r: DnsRecord): ReturnType<typeof classifyRecord> => classifyRecord(r, input.owner);
  const ours = current.filter((r) => ownership(r) === 'ours');
  if (!desired) {
    plan.deletes.push(...ours);
    return;
  }
  const others = current.filter((r) => ownership(r) !== 'ours');
  for (const reason of ['foreign', 'sibling'] as const) {
    const blocking = others.filter((r) => ownership(r) === reason);
    if (blocking.length > 0) {
      plan.conflicts.push({
        name,
        reason: reason === 'foreign' ? 'foreignOwner' : 'sibling',
        desired,
        records: blocking,
      });
      return;
    }
  }
  if (others.length > 0) {
    const adoptable = input.adoptUnmanaged === true && ours.length === 0 && others.length === 1;
    const candidate = others[0] as DnsRecord;
    if (adoptable && candidate.type === 'CNAME') {
      plan.updates.push({ current: candidate, desired, adopt: true });
    } else {
      plan.conflicts.push({ name, reason: 'unmanaged', desired, records: others });
    }
    return;
  }
  const [keep, ...extra] = ours.filter((r) => r.type === desired.type);
  plan.deletes.push(...ours.filter((r) => r.type !== desired.type), ...extra);
  if (!keep) plan.creates.push(desired);
  else if (recordNeedsUpdate(keep, desired)) plan.updates.push({ current: keep, desired, adopt: false });
}

/** True when writing `desired` over `current` would change anything we manage. */
export function recordNeedsUpdate(current: DnsRecord, desired: DnsRecordInput): boolean {
  return (
    current.type !== desired.type ||
    normalizeHostname(current.content) !== normalizeHostname(desired.content) ||
    current.proxied !== desired.proxied ||
    current.ttl !== desired.ttl ||
    (current.comment ?? '') !== desired.comment
  );
}

export function hasChanges(plan: DnsPlan): boolean {
  return plan.creates.length + plan.updates.length + plan.deletes.length > 0;
}

/**
 * The batch for a plan. Ownership is checked a second time here: a delete or update of a record
 * that is not ours (and not an explicit adoption of an unmanaged one) is dropped.
 */
export function planToBatch(plan: DnsPlan, owner: RecordOwner): DnsBatch {
  const deletes = plan.deletes.filter((r) => classifyRecord(r, owner) === 'ours').map((r) => ({ id: r.id }));
  const puts = plan.updates
    .filter((u) => {
      const ownership = classifyRecord(u.current, owner);
      return ownership === 'ours' || (u.adopt && ownership === 'unmanaged');
    })
    .map((u) => ({ id: u.current.id, ...u.desired }));
  return { deletes, patches: [], puts, posts: [...plan.creates] };
}

function sortPlan(plan: DnsPlan): DnsPlan {
  const byRecord = (a: DnsRecord, b: DnsRecord): number =>
    compare(normalizeHostname(a.name), normalizeHostname(b.name)) || compare(a.type, b.type) || compare(a.id, b.id);
  return {
    creates: [...plan.creates].sort((a, b) => compare(normalizeHostname(a.name), normalizeHostname(b.name))),
    updates: [...plan.updates].sort((a, b) => byRecord(a.current, b.current)),
    deletes: [...plan.deletes].sort(byRecord),
    conflicts: [...plan.conflicts].sort(
      (a, b) => compare(a.name, b.name) || compare(a.desired.content, b.desired.content),
    ),
  };
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = map.get(k);
    if (list) list.push(item);
    else map.set(k, [item]);
  }
  return map;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
