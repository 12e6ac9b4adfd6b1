// Deletion: stop cloudflared, remove the DNS records this object owns, delete the tunnels it created (adopted ones
// are left in place), then read Cloudflare back: the finalizer is released only once nothing this object created
// remains. Every call uses the account on record, never the spec's (which may name another account). Without
// usable credentials nothing can be removed from Cloudflare: the caller reports DeletionBlocked and retries
// (docs/tunnels.md explains the way out).
import { ConditionType, Reason } from '../../api/conditions.js';
import type { TunnelLike } from '../../api/types.js';
import { isOurs, ownerComment, type CloudflareGateway, type Zone } from '../../cloudflare/index.js';
import { decodeTunnelToken, objectNames } from '../../render/index.js';
import type { ResourceClient } from '../../runtime/kube-client.js';
import { deleteIfExists } from '../shared/apply.js';
import { DEPLOYMENT } from '../shared/resources.js';
import { lookupZones } from './account-step.js';
import { failed } from './conditions.js';
import { recordOwner, syncDns } from './dns-step.js';
import { StepFailure, type Report } from './report.js';
import { describeRecorded, type IdentifiedTunnel, type PendingCreate, type RecordedTunnel } from './tunnel-identity.js';
import { recoverPending } from './tunnel-plan.js';

export function deletingCondition(message: string): ReturnType<typeof failed> {
  return failed(ConditionType.Ready, Reason.Deleting, message);
}

/** The Deleting message for what is on record. */
export function deletingWhat(found: readonly RecordedTunnel[]): string {
  if (found.length === 0) return 'removing cloudflared (nothing was created on Cloudflare)';
  return `removing DNS records, cloudflared and ${found.map(describeRecorded).join(', ')}`;
}

export function deletionBlocked(report: Report, message: string): void {
  report.ready = failed(ConditionType.Ready, Reason.DeletionBlocked, message);
  report.warning(Reason.DeletionBlocked, 'Delete', message);
}

export interface CleanupInput {
  client: ResourceClient;
  gateway: CloudflareGateway;
  ownerId: string;
  tunnel: TunnelLike;
  namespace: string;
  /** What is on record (leftovers.ts). */
  found: readonly RecordedTunnel[];
  report: Report;
}

/** Removes what the object created; throws (keeping the finalizer) unless Cloudflare confirms it is all gone. */
export async function cleanUp(input: CleanupInput): Promise<void> {
  const { client, found, report, tunnel } = input;
  await deleteIfExists(client, DEPLOYMENT, input.namespace, objectNames(tunnel).deployment);
  if (found.length === 0) return;
  const zones = await recordedZones(input);
  const removed = await deleteRecords(input, zones);
  if (removed > 0) report.normal('DNSRecordsDeleted', 'Delete', `deleted ${removed} DNS record(s)`);
  const tunnels = await knownTunnels(input);
  for (const known of tunnels) await removeTunnel(input, known);
  const remaining = await whatRemains(input, zones, tunnels);
  if (remaining.length > 0) throw deletionIncomplete(report, remaining);
}

/** The zones of the spec and of status, in each account on record. */
async function recordedZones(input: CleanupInput): Promise<Zone[]> {
  const { gateway, found, tunnel } = input;
  const names = new Set([...(tunnel.spec.cloudflare.zones ?? []), ...(tunnel.status?.zones ?? []).map((z) => z.name)]);
  const zones = new Map<string, Zone>();
  for (const accountId of new Set(found.map((r) => r.accountId))) {
    for (const zone of (await lookupZones(gateway, [...names], accountId)).zones) zones.set(zone.id, zone);
  }
  return [...zones.values()];
}

/** Deletes every record this object owns (whatever it points at). */
async function deleteRecords(input: CleanupInput, zones: readonly Zone[]): Promise<number> {
  const { gateway, ownerId, tunnel } = input;
  const owner = recordOwner(ownerId, tunnel);
  // No hostname is wanted, so no record is written and the tunnel ID is not used.
  const outcome = await syncDns({ gateway, zones, owner, tunnelId: '', hostnames: [], adoptUnmanaged: false });
  if (outcome.problems.size > 0) {
    const [hostname, problem] = [...outcome.problems][0] ?? [];
    throw new Error(`could not delete ${outcome.problems.size} DNS record(s), e.g. ${hostname}: ${problem?.message}`);
  }
  return outcome.deleted;
}

/** The recorded tunnels by ID: a pending create is resolved to the tunnel of its name, if that one is ours. */
async function knownTunnels(input: CleanupInput): Promise<IdentifiedTunnel[]> {
  const byId = new Map<string, IdentifiedTunnel>();
  for (const recorded of input.found) {
    const known = recorded.kind === 'tunnel' ? recorded : await pendingTunnel(input.gateway, recorded);
    if (known) byId.set(`${known.accountId}/${known.tunnelId}`, known);
  }
  return [...byId.values()];
}

/** A crash left a pending secret: the tunnel of that name is ours (to delete) only if its secret matches. */
async function pendingTunnel(
  gateway: CloudflareGateway,
  pending: PendingCreate,
): Promise<IdentifiedTunnel | undefined> {
  const { accountId, name } = pending;
  const found = await gateway.findTunnelByName(accountId, name);
  if (!found) return undefined;
  const secret = decodeTunnelToken(await gateway.getTunnelToken(accountId, found.id)).tunnelSecret;
  const verdict = recoverPending({ name, accountTag: accountId, secret: pending.secret }, found, secret);
  return verdict === 'ours' ? { kind: 'tunnel', accountId, tunnelId: found.id, created: true } : undefined;
}

async function removeTunnel(input: CleanupInput, known: IdentifiedTunnel): Promise<void> {
  const { accountId, tunnelId } = known;
  if (!known.created) {
    input.report.normal('TunnelReleased', 'Delete', `tunnel ${tunnelId} was adopted: left in place`);
    return;
  }
  const outcome = await input.gateway.deleteTunnel(accountId, tunnelId);
  const what = outcome === 'deleted' ? 'deleted' : 'was already gone';
  input.report.normal('TunnelDeleted', 'Delete', `tunnel ${tunnelId} in account ${accountId} ${what}`);
}

/** Reads Cloudflare back: the created tunnels still alive and the records still owned, in words. */
async function whatRemains(
  input: CleanupInput,
  zones: readonly Zone[],
  tunnels: IdentifiedTunnel[],
): Promise<string[]> {
  const { gateway, ownerId, tunnel } = input;
  const remaining: string[] = [];
  for (const { accountId, tunnelId } of tunnels.filter((t) => t.created)) {
    const found = await gateway.getTunnel(accountId, tunnelId);
    if (found && !found.deletedAt) remaining.push(`tunnel ${tunnelId} in account ${accountId}`);
  }
  const owner = recordOwner(ownerId, tunnel);
  for (const zone of zones) {
    const listed = await gateway.listDnsRecords(zone.id, { commentStartsWith: ownerComment(owner) });
    const ours = listed.filter((r) => isOurs(r, owner)).map((r) => r.name);
    if (ours.length > 0) remaining.push(`${ours.length} DNS record(s) in zone ${zone.name} (${sample(ours)})`);
  }
  return remaining;
}

/** The first few names, enough to find the rest. */
function sample(names: string[], shown = 3): string {
  return names.length > shown ? `${names.slice(0, shown).join(', ')}, …` : names.join(', ');
}

function deletionIncomplete(report: Report, remaining: string[]): StepFailure {
  const message = `Cloudflare still shows ${remaining.join('; ')} after deleting: kept, retrying`;
  report.ready = failed(ConditionType.Ready, Reason.DeletionIncomplete, message);
  report.warning(Reason.DeletionIncomplete, 'Delete', message);
  return new StepFailure(message, 'backoff');
}
