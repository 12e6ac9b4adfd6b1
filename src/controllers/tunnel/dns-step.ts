// Brings the DNS records of one tunnel to what its routes want: per zone, read the zone's records, plan with
// per-installation-and-tunnel ownership, and send the changes in as few batch calls as the zone's plan allows.
// Records this tunnel does not own are never changed; hostnames they hold are reported per route.
import {
  hasChanges,
  ownerComment,
  planDns,
  planToBatch,
  tunnelCname,
  type CloudflareGateway,
  type DnsPlan,
  type DnsRecordInput,
  type PlanConflict,
  type RecordOwner,
  type Zone,
} from '../../cloudflare/index.js';
import { normalizeHostname } from '../../cloudflare/index.js';

export interface DnsStepInput {
  gateway: CloudflareGateway;
  /** The tunnel's zones found in the account. */
  zones: readonly Zone[];
  owner: RecordOwner;
  tunnelId: string;
  /** Hostnames that must point at the tunnel, with their zone names. Empty: remove every record of ours. */
  hostnames: readonly { hostname: string; zone: string }[];
  adoptUnmanaged: boolean;
  signal?: AbortSignal;
  /**
   * Told when a zone's plan has a conflict: someone else (another tunnel, a person) may resolve it, so a kept
   * copy of the zone's records must not hide that (see zone-records.ts).
   */
  zoneInDoubt?: (zoneId: string) => void;
}

export interface HostnameProblem {
  state: 'Conflict' | 'Pending';
  message: string;
}

export interface DnsOutcome {
  problems: Map<string, HostnameProblem>;
  created: number;
  updated: number;
  deleted: number;
  /** Another tunnel of this installation still holds a hostname we now win: come back soon. */
  waitingForSibling: boolean;
}

function conflictProblem(conflict: PlanConflict): HostnameProblem {
  const record = conflict.records[0];
  const what = record ? `${record.type} record ${record.name}` : 'a record';
  switch (conflict.reason) {
    case 'sibling':
      return { state: 'Pending', message: `waiting for the ${what} of another tunnel of this operator to be released` };
    case 'foreignOwner':
      return { state: 'Conflict', message: `the ${what} belongs to another installation of cloudflare-operator` };
    case 'unmanaged':
      return {
        state: 'Conflict',
        message: `the ${what} was not created by cloudflare-operator; ${unmanagedWayOut(conflict)}`,
      };
    case 'duplicateDesired':
      return { state: 'Conflict', message: 'asked for twice' };
  }
}

/** spec.dns.adoptUnmanaged takes over a lone CNAME only; other records (an apex's A, MX or TXT) must go by hand. */
function unmanagedWayOut(conflict: PlanConflict): string {
  const [record, ...others] = conflict.records;
  return record?.type === 'CNAME' && others.length === 0
    ? 'delete it, or set spec.dns.adoptUnmanaged'
    : 'delete it (spec.dns.adoptUnmanaged takes over a lone CNAME only): a CNAME cannot share its name';
}

export async function syncDns(input: DnsStepInput): Promise<DnsOutcome> {
  const outcome: DnsOutcome = { problems: new Map(), created: 0, updated: 0, deleted: 0, waitingForSibling: false };
  const comment = ownerComment(input.owner);
  const found = new Set(input.zones.map((z) => normalizeHostname(z.name)));
  for (const { hostname, zone } of input.hostnames) {
    if (!found.has(normalizeHostname(zone))) {
      outcome.problems.set(hostname, { state: 'Pending', message: `zone ${zone} was not found in the account` });
    }
  }
  for (const zone of input.zones) {
    const wanted = input.hostnames.filter((h) => normalizeHostname(h.zone) === normalizeHostname(zone.name));
    const desired = wanted.map((h) => tunnelCname(h.hostname, input.tunnelId, comment));
    const plan = await planZone(input, zone, desired);
    reportConflicts(plan, outcome);
    if (hasChanges(plan)) await apply(input, zone, plan, desired, outcome);
  }
  return outcome;
}

async function planZone(input: DnsStepInput, zone: Zone, desired: DnsRecordInput[]): Promise<DnsPlan> {
  const current = await input.gateway.listDnsRecords(zone.id);
  const plan = planDns({ current, desired, owner: input.owner, adoptUnmanaged: input.adoptUnmanaged });
  if (plan.conflicts.length > 0) input.zoneInDoubt?.(zone.id);
  return plan;
}

function reportConflicts(plan: DnsPlan, outcome: DnsOutcome): void {
  for (const conflict of plan.conflicts) {
    outcome.problems.set(conflict.name, conflictProblem(conflict));
    if (conflict.reason === 'sibling') outcome.waitingForSibling = true;
  }
}

async function apply(
  input: DnsStepInput,
  zone: Zone,
  plan: DnsPlan,
  desired: DnsRecordInput[],
  outcome: DnsOutcome,
): Promise<void> {
  input.signal?.throwIfAborted();
  const result = await input.gateway.applyDnsBatch(zone, planToBatch(plan, input.owner));
  // A refused change may be one that took effect: Cloudflare can commit a batch and lose its answer, and the retry
  // is then refused (the CNAME exists, the record is gone). Or the zone changed since it was read (someone made a
  // record at the name). Read the zone again: keep only what is still to do, and say who holds a name now.
  const fresh = result.failures.length > 0 ? await planZone(input, zone, desired) : undefined;
  if (fresh) reportConflicts(fresh, outcome);
  const still = fresh && stillToChange(fresh);
  const conflicted = new Set(fresh?.conflicts.map((c) => normalizeHostname(c.name)));
  const failed = new Set<string>();
  for (const failure of result.failures) {
    const op = failure.operation;
    const name = op.kind === 'delete' ? plan.deletes.find((d) => d.id === op.id)?.name : op.record.name;
    if (!name) continue;
    const hostname = normalizeHostname(name);
    // Done after all (its answer was lost): it counts. Still to do: it failed, and says why.
    if (still && !still.has(hostname) && !conflicted.has(hostname)) continue;
    failed.add(hostname);
    if (!outcome.problems.has(hostname)) {
      outcome.problems.set(hostname, { state: 'Pending', message: `DNS change refused: ${failure.error.message}` });
    }
  }
  outcome.created += plan.creates.filter((c) => !failed.has(normalizeHostname(c.name))).length;
  outcome.updated += plan.updates.filter((u) => !failed.has(normalizeHostname(u.current.name))).length;
  outcome.deleted += plan.deletes.filter((d) => !failed.has(normalizeHostname(d.name))).length;
}

/** Hostnames the plan has to change. */
function stillToChange(plan: DnsPlan): Set<string> {
  return new Set(
    [
      ...plan.creates.map((c) => c.name),
      ...plan.updates.map((u) => u.current.name),
      ...plan.deletes.map((d) => d.name),
    ].map(normalizeHostname),
  );
}

/** The owner of a tunnel's records: this installation, on behalf of that Tunnel or ClusterTunnel. */
export function recordOwner(
  ownerId: string,
  tunnel: { kind: string; metadata: { namespace?: string; name?: string } },
): RecordOwner {
  const name = tunnel.metadata.name ?? '';
  const namespace = tunnel.kind === 'Tunnel' ? tunnel.metadata.namespace : undefined;
  return { ownerId, tunnel: namespace ? { kind: tunnel.kind, namespace, name } : { kind: tunnel.kind, name } };
}
