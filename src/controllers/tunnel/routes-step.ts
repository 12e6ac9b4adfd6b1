// Publishes a tunnel's routes: the configuration cloudflared gets (ConfigMap, or pushed remotely) and the DNS
// records, then reads the connectors Cloudflare reports and makes the route list for the status (in `cloudflare`
// mode a route is Active once the connectors run the version that carries it). Steps whose inputs match what was
// last confirmed on Cloudflare are skipped (see cloudflare-memo.ts), so a pass that changes nothing costs no
// Cloudflare call.
import { withDefaults } from '../../api/defaults.js';
import type { TunnelLike } from '../../api/types.js';
import type { CloudflareGateway } from '../../cloudflare/index.js';
import { hash, type RenderContext } from '../../render/index.js';
import type { ResourceClient } from '../../runtime/kube-client.js';
import type { TunnelRouteEntry } from '../../routes/route-table.js';
import type { ResolvedAccount } from './account-step.js';
import type { CloudflareMemo } from './cloudflare-memo.js';
import { connectorsStatus, remoteLiveness } from './config-pickup.js';
import { observeConnectors } from './connectors-step.js';
import { desiredState, type DesiredState } from './desired.js';
import { dnsCondition } from './dns-condition.js';
import { recordOwner, syncDns, type DnsOutcome, type DnsStepInput } from './dns-step.js';
import { applyObjects, type ActualObjects, type Liveness } from './objects-step.js';
import type { Report } from './report.js';
import { renderRoute, routeStatuses, ruleKey } from './route-status.js';
import type { ObtainedTunnel } from './tunnel-step.js';

/** How soon to look again while another tunnel of this installation still holds a hostname we now win. */
export const SIBLING_RECHECK_MS = 2000;

export interface PublishInput {
  client: ResourceClient;
  gateway: CloudflareGateway;
  tunnel: TunnelLike;
  /** This tunnel's lines of the cluster's route table. */
  entries: readonly TunnelRouteEntry[];
  obtained: ObtainedTunnel;
  account: ResolvedAccount;
  actual: ActualObjects;
  ctx: RenderContext;
  ownerId: string;
  memo: CloudflareMemo;
  /** The tunnel object's entry in the memo. */
  memoTunnel: string;
  /** Identifies the credentials and the Cloudflare tunnel in memo fingerprints. */
  memoKey: string;
  zoneInDoubt?: DnsStepInput['zoneInDoubt'];
  report: Report;
  signal: AbortSignal;
}

const nothingDone = (): DnsOutcome => ({
  problems: new Map(),
  created: 0,
  updated: 0,
  deleted: 0,
  waitingForSibling: false,
});

export async function publishRoutes(input: PublishInput): Promise<void> {
  const { tunnel, obtained, account, report, memo, signal } = input;
  const uid = input.memoTunnel;
  const served = input.entries.flatMap((e) => (e.kind === 'served' ? [e.claim] : []));
  const routes = served.map(renderRoute);
  const desired = desiredState({
    tunnel,
    credentials: obtained.credentials,
    created: obtained.created,
    routes,
    backends: served.map((claim) => claim.backend),
    ctx: input.ctx,
  });
  Object.assign(report.fields, { configSource: desired.mode, configHash: desired.configHash });
  const configPrint = `${input.memoKey} ${hash(desired.remoteConfig ?? null)}`;
  const previouslyLive = new Set((tunnel.status?.routes ?? []).filter((r) => r.state === 'Active').map(ruleKey));
  signal.throwIfAborted();
  const rolledOut = await applyObjects({
    client: input.client,
    gateway: input.gateway,
    accountId: account.accountId,
    tunnelId: obtained.credentials.tunnelId,
    desired,
    actual: input.actual,
    rules: routes,
    remoteConfirmed: memo.recall(uid, 'config', configPrint) === true,
    previouslyLive,
    pushes: { pushes: memo.pushes, key: input.memoKey },
    previousConditions: tunnel.status?.conditions,
    report,
  });
  memo.remember(uid, 'config', configPrint); // (read only when there is a remote configuration)

  const hostnames = [
    ...new Map(served.filter((c) => c.dns).map((c) => [c.hostname, { hostname: c.hostname, zone: c.zone }])).values(),
  ];
  let dns: DnsOutcome | undefined;
  // While a rollout holds the configuration, the records wait with it: they are published with the rules that
  // serve them (no hostname resolving to a tunnel that answers 404), and a burst costs one DNS batch per rollout.
  if (!rolledOut.held) {
    signal.throwIfAborted();
    dns = await syncRecords(input, hostnames);
    if (account.missingZones.length === 0) report.set(dnsCondition(dns, hostnames.length));
    if (dns.waitingForSibling) recheckAfter(report, SIBLING_RECHECK_MS);
  }
  signal.throwIfAborted();
  const liveness = await connectorLiveness(input, { desired, rules: routes.map(ruleKey), rolledOut, previouslyLive });
  const statuses = routeStatuses(input.entries, { dns: dns?.problems ?? new Map(), ...liveness });
  report.fields.routes = statuses;
  report.fields.routeCount = statuses.filter((r) => r.state === 'Active').length;
}

/**
 * Reads the connectors into the status; in `cloudflare` mode they decide which rules are live, in `local` mode the
 * rollout does (`rolledOut`, from the objects step).
 */
async function connectorLiveness(
  input: PublishInput,
  pass: { desired: DesiredState; rules: string[]; rolledOut: Liveness; previouslyLive: ReadonlySet<string> },
): Promise<Liveness> {
  const { memo, report } = input;
  const { desired } = pass;
  const pushedVersion = desired.remoteConfig ? memo.pushes.get(input.memoKey)?.version : undefined;
  const observed = await observeConnectors({
    gateway: input.gateway,
    accountId: input.account.accountId,
    tunnelId: input.obtained.credentials.tunnelId,
    memo,
    memoTunnel: input.memoTunnel,
    memoKey: input.memoKey,
    readyReplicas: report.fields.readyReplicas ?? 0,
    pushedVersion,
  });
  report.fields.connectors = connectorsStatus(observed.connectors, desired.mode);
  if (observed.recheckAfterMs !== undefined) recheckAfter(report, observed.recheckAfterMs);
  if (desired.mode === 'local') return pass.rolledOut;
  return remoteLiveness({
    rules: pass.rules,
    previouslyLive: pass.previouslyLive,
    pushedVersion,
    connectors: observed.connectors,
    wantedReplicas: desired.deployment.spec?.replicas ?? 0,
  });
}

/** Come back after `ms` at the latest. */
function recheckAfter(report: Report, ms: number): void {
  report.recheckAfterMs = Math.min(report.recheckAfterMs ?? ms, ms);
}

/** The DNS step, skipped while the same records were confirmed in place without a problem. */
async function syncRecords(input: PublishInput, hostnames: { hostname: string; zone: string }[]): Promise<DnsOutcome> {
  const { tunnel, account, memo, report } = input;
  const uid = input.memoTunnel;
  // Only a pass without problems is remembered, and after it every hostname has its record whatever the adoption
  // setting: the zones and hostnames are all that can make the next pass differ.
  const print = `${input.memoKey} ${JSON.stringify([account.zones.map((z) => z.id), hostnames])}`;
  if (memo.recall(uid, 'dns', print)) return nothingDone();
  const dns = await syncDns({
    gateway: input.gateway,
    zones: account.zones,
    owner: recordOwner(input.ownerId, tunnel),
    tunnelId: input.obtained.credentials.tunnelId,
    hostnames,
    adoptUnmanaged: withDefaults(tunnel.spec).dns.adoptUnmanaged,
    signal: input.signal,
    zoneInDoubt: input.zoneInDoubt,
  });
  if (dns.problems.size === 0) memo.remember(uid, 'dns', print);
  if (dns.created + dns.updated + dns.deleted > 0) {
    report.normal(
      'DNSRecordsChanged',
      'SyncDNS',
      `DNS records: ${dns.created} created, ${dns.updated} updated, ${dns.deleted} deleted`,
    );
  }
  return dns;
}
