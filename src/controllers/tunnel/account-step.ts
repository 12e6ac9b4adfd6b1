// Resolves the account and the zones through the gateway. The first Cloudflare call of a reconcile, so it is
// also where bad credentials show up (the caller maps those errors to CredentialsValid).
import { ConditionType, Reason } from '../../api/conditions.js';
import type { TunnelLike, ZoneStatus } from '../../api/types.js';
import type { CloudflareGateway, Zone } from '../../cloudflare/index.js';
import { failed, ok } from './conditions.js';
import type { Report } from './report.js';

export interface ResolvedAccount {
  accountId: string;
  zones: Zone[];
  /** Zones of the spec that the account does not have (reported as DNSReady=False ZoneNotFound). */
  missingZones: string[];
}

/** Looks the account and the zones up (I/O only; reportAccount says what was found). */
export async function lookupAccount(gateway: CloudflareGateway, tunnel: TunnelLike): Promise<ResolvedAccount> {
  const { accountId, accountName, zones: zoneNames = [] } = tunnel.spec.cloudflare;
  const account = await gateway.resolveAccount(accountId ? { id: accountId } : { name: accountName ?? '' });
  return { accountId: account.id, ...(await lookupZones(gateway, zoneNames, account.id)) };
}

/** The zones of these names in the account, and the names it does not have. */
export async function lookupZones(
  gateway: CloudflareGateway,
  names: readonly string[],
  accountId: string,
): Promise<Omit<ResolvedAccount, 'accountId'>> {
  const zones: Zone[] = [];
  const missing: string[] = [];
  for (const name of names) {
    const zone = await gateway.findZoneByName(name, accountId);
    if (zone) zones.push(zone);
    else missing.push(name);
  }
  return { zones, missingZones: missing };
}

/**
 * The conditions, status fields and Events for a resolved account. (status.accountId is the tunnel's account: it
 * is written with the tunnel, so that status stays a record of the tunnel when the spec asks for another.)
 */
export function reportAccount(report: Report, account: ResolvedAccount): void {
  report.set(ok(ConditionType.CredentialsValid, Reason.CredentialsVerified, `account ${account.accountId}`));
  report.fields.zones = account.zones.map((z): ZoneStatus => ({ name: z.name, id: z.id }));
  if (account.missingZones.length > 0) {
    const message = `zone(s) ${account.missingZones.join(', ')} not found in account ${account.accountId}`;
    report.set(failed(ConditionType.DNSReady, Reason.ZoneNotFound, message));
    report.warning(Reason.ZoneNotFound, 'ResolveZones', message);
  }
}
