// Deletion: remove the DNS records this tunnel owns, stop cloudflared, delete the tunnel (only one we created,
// which also cleans up its connections), then release the finalizer. Without usable credentials nothing can be
// removed from Cloudflare: the caller reports DeletionBlocked and retries (docs/tunnels.md explains the way out).
import { ConditionType, Reason } from '../../api/conditions.js';
import type { TunnelLike } from '../../api/types.js';
import type { CloudflareGateway, Zone } from '../../cloudflare/index.js';
import { decodeTunnelToken, objectNames } from '../../render/index.js';
import type { ResourceClient } from '../../runtime/kube-client.js';
import { deleteIfExists } from '../shared/apply.js';
import { DEPLOYMENT } from '../shared/resources.js';
import { failed } from './conditions.js';
import { recordOwner, syncDns } from './dns-step.js';
import type { Report } from './report.js';
import type { Leftovers } from './leftovers.js';
import { recoverPending } from './tunnel-plan.js';

export function deletingCondition(message: string): ReturnType<typeof failed> {
  return failed(ConditionType.Ready, Reason.Deleting, message);
}

export function deletionBlocked(report: Report, message: string): void {
  report.ready = failed(ConditionType.Ready, Reason.DeletionBlocked, message);
  report.warning(Reason.DeletionBlocked, 'Delete', message);
}

export interface CleanupInput {
  client: ResourceClient;
  gateway: CloudflareGateway;
  ownerId: string;
  accountId: string;
  zones: Zone[];
  tunnel: TunnelLike;
  namespace: string;
  found: Leftovers;
  report: Report;
}

export async function cleanUp(input: CleanupInput): Promise<void> {
  const { client, gateway, accountId, found, report, tunnel } = input;
  await deleteIfExists(client, DEPLOYMENT, input.namespace, objectNames(tunnel).deployment);
  if (found.kind === 'nothing') return;
  const tunnelId = found.kind === 'tunnel' ? found.tunnelId : await pendingTunnelId(gateway, accountId, found);
  if (!tunnelId) return;
  const removed = await deleteRecords(input, tunnelId);
  if (removed > 0) report.normal('DNSRecordsDeleted', 'Delete', `deleted ${removed} DNS record(s)`);
  if (found.kind === 'tunnel' && !found.created) {
    report.normal('TunnelReleased', 'Delete', `tunnel ${tunnelId} was adopted: left in place`);
    return;
  }
  const outcome = await gateway.deleteTunnel(accountId, tunnelId);
  report.normal(
    'TunnelDeleted',
    'Delete',
    `tunnel ${tunnelId} ${outcome === 'deleted' ? 'deleted' : 'was already gone'}`,
  );
}

/** A crash left a pending secret: the tunnel of that name is ours (to delete) only if its secret matches. */
async function pendingTunnelId(
  gateway: CloudflareGateway,
  accountId: string,
  pending: Extract<Leftovers, { kind: 'pending' }>,
): Promise<string | undefined> {
  const found = await gateway.findTunnelByName(accountId, pending.name);
  if (!found) return undefined;
  const secret = decodeTunnelToken(await gateway.getTunnelToken(accountId, found.id)).tunnelSecret;
  const verdict = recoverPending({ name: pending.name, accountTag: accountId, secret: pending.secret }, found, secret);
  return verdict === 'ours' ? found.id : undefined;
}

/** Deletes every record this tunnel owns (whatever it points at), in every zone of the spec. */
async function deleteRecords(input: CleanupInput, tunnelId: string): Promise<number> {
  const { gateway, ownerId, zones, tunnel } = input;
  const owner = recordOwner(ownerId, tunnel);
  const outcome = await syncDns({ gateway, zones, owner, tunnelId, hostnames: [], adoptUnmanaged: false });
  if (outcome.problems.size > 0) {
    const [hostname, problem] = [...outcome.problems][0] ?? [];
    throw new Error(`could not delete ${outcome.problems.size} DNS record(s), e.g. ${hostname}: ${problem?.message}`);
  }
  return outcome.deleted;
}
