// The Tunnel / ClusterTunnel reconciler: one code path, parameterised by the resource type. Each pass reads the
// object from the watch cache, then either finalizes it or syncs it: credentials → account and zones → the tunnel
// → its routes (from the cached Services) → Kubernetes objects (or the remote configuration) → DNS records →
// status, written once and only when it differs, and Events (on the tunnel, and on the Services whose routes
// changed).
import type {
  V1ConfigMap,
  V1Deployment,
  V1NetworkPolicy,
  V1PodDisruptionBudget,
  V1Secret,
  V1Service,
} from '@kubernetes/client-node';
import { ConditionType } from '../../api/conditions.js';
import { FINALIZER } from '../../api/constants.js';
import { isClusterTunnel, type TunnelLike } from '../../api/types.js';
import {
  credentialKey,
  type CloudflareCredentials,
  type CloudflareGateway,
  type CloudflareTunnel,
} from '../../cloudflare/index.js';
import { objectNames, targetNamespace, type RenderContext } from '../../render/index.js';
import type { Clock } from '../../runtime/clock.js';
import type { ReconcileContext, ReconcileResult } from '../../runtime/controller.js';
import type { EventRecorder } from '../../runtime/events.js';
import { addFinalizer, hasFinalizer, removeFinalizer } from '../../runtime/finalizers.js';
import type { ResourceClient, ResourceType } from '../../runtime/kube-client.js';
import { parseKey } from '../../runtime/keys.js';
import type { CacheReader } from '../../operator/types.js';
import { routeTable, tunnelRefOf, type TunnelRouteEntry } from '../../routes/route-table.js';
import { parseSourceRef, tunnelRefKey } from '../../routes/types.js';
import { updateStatus } from '../../runtime/status.js';
import { deleteIfExists, readOptional } from '../shared/apply.js';
import {
  CLUSTER_TUNNEL,
  CONFIG_MAP,
  DEPLOYMENT,
  NETWORK_POLICY,
  POD_DISRUPTION_BUDGET,
  SECRET,
  SERVICE,
  TUNNEL,
} from '../shared/resources.js';
import { newTunnelSecret } from '../shared/tunnel-secret.js';
import { lookupAccount, reportAccount, type ResolvedAccount } from './account-step.js';
import { CloudflareMemo } from './cloudflare-memo.js';
import { publishRoutes } from './routes-step.js';
import { readApiCredentials } from './api-credentials.js';
import { failed } from './conditions.js';
import { cleanUp, deletingCondition, deletingWhat, deletionBlocked } from './finalize.js';
import { leftovers } from './leftovers.js';
import { outcomeOf, type FailureOutcome } from './failures.js';
import { Report, StepFailure } from './report.js';
import { MissingTunnelNotices } from './missing-tunnel.js';
import type { TunnelObserver } from './tunnel-metrics.js';
import { serviceNotices } from './route-status.js';
import { nextStatus } from './status.js';
import { readStoredTunnel } from './stored-tunnel.js';
import { obtainTunnel } from './tunnel-step.js';
import { cachedZoneRecords, ZoneRecordCache, type CachedZoneRecords } from './zone-records.js';

export interface GatewaySource {
  get(credentials: CloudflareCredentials): CloudflareGateway;
}

export interface TunnelReconcilerDeps {
  client: ResourceClient;
  gateways: GatewaySource;
  events: EventRecorder;
  clock: Clock;
  /** This installation's owner ID, in the comment of every DNS record it owns. */
  ownerId: string;
  operatorNamespace: string;
  /** The watch caches: Tunnels, ClusterTunnels and Services are read from here, never with live GETs. */
  cache: CacheReader;
  /** The cluster's DNS domain, for origin URLs (`<service>.<namespace>.svc.<clusterDomain>`). */
  clusterDomain: string;
  /** How long what a pass confirmed on Cloudflare is trusted without asking again (the resync period). */
  verifyPeriodMs: number;
  /** Per-tunnel gauges (Ready, replicas, routes by state). */
  metrics?: TunnelObserver;
  /** Default: 32 random bytes. */
  newSecret?: () => string;
}

/**
 * What passes over tunnels of both kinds learn about Cloudflare, shared: tunnels with the same credentials,
 * account and zones resolve them once, and the tunnels of a zone list its records once per verify period.
 */
export interface CloudflareKnowledge {
  memo: CloudflareMemo;
  zoneRecords: ZoneRecordCache;
}

export function cloudflareKnowledge(deps: Pick<TunnelReconcilerDeps, 'clock' | 'verifyPeriodMs'>): CloudflareKnowledge {
  return {
    memo: new CloudflareMemo(deps.clock, deps.verifyPeriodMs),
    zoneRecords: new ZoneRecordCache(deps.clock, deps.verifyPeriodMs),
  };
}

export class TunnelReconciler {
  private readonly ctx: RenderContext;
  private readonly missing: MissingTunnelNotices;
  private readonly memo: CloudflareMemo;
  private readonly zoneRecords: ZoneRecordCache;

  constructor(
    private readonly deps: TunnelReconcilerDeps,
    private readonly type: ResourceType,
    knowledge: CloudflareKnowledge = cloudflareKnowledge(deps),
  ) {
    this.ctx = { operatorNamespace: deps.operatorNamespace };
    this.missing = new MissingTunnelNotices(deps.events);
    this.memo = knowledge.memo;
    this.zoneRecords = knowledge.zoneRecords;
  }

  readonly reconcile = async ({ key, signal }: ReconcileContext): Promise<ReconcileResult | void> => {
    const ref = parseKey(key);
    const cached = this.deps.cache.get(this.type, key) as TunnelLike | undefined;
    if (!cached) {
      this.deps.metrics?.forget(this.type.kind, ref.namespace, ref.name);
      this.missing.report(this.type.kind, ref, this.services());
      return undefined;
    }
    this.missing.forget(this.type.kind, ref);
    const tunnel = await this.current(structuredClone(cached));
    if (!tunnel) return undefined;
    const report = new Report();
    const deleting = tunnel.metadata.deletionTimestamp !== undefined;
    let outcome: FailureOutcome = { result: undefined };
    try {
      await (deleting ? this.finalize(tunnel, report) : this.sync(tunnel, report, signal));
    } catch (err: unknown) {
      this.memo.forget(memoId(tunnel));
      outcome = outcomeOf(err, report, deleting);
    }
    for (const event of report.events) this.deps.events.record(tunnel, event);
    if (report.released) {
      this.deps.metrics?.forget(tunnel.kind, tunnel.metadata.namespace, tunnel.metadata.name ?? '');
      return undefined;
    }
    await this.writeStatus(tunnel, report, signal); // refuses to write once the signal is aborted
    if ('error' in outcome) throw outcome.error;
    return outcome.result ?? (report.recheckAfterMs ? { requeueAfterMs: report.recheckAfterMs } : undefined);
  };

  /**
   * The object to work on: with our finalizer added; for one being deleted, a live read (the cache may still hold
   * an object whose finalize just completed: no second clean-up) — undefined when there is nothing left to do.
   */
  private async current(tunnel: TunnelLike): Promise<TunnelLike | undefined> {
    const { client } = this.deps;
    if (tunnel.metadata.deletionTimestamp) {
      const live = await readOptional<TunnelLike>(
        client,
        this.type,
        tunnel.metadata.namespace,
        tunnel.metadata.name ?? '',
      );
      return live && hasFinalizer(live, FINALIZER) ? live : undefined;
    }
    // No write when it is already there: the object as it is.
    return (await addFinalizer(client, this.type, tunnel, FINALIZER)).object ?? tunnel;
  }

  /** Writes the status (only when it differs), then the gauges and the Events on Services it implies. */
  private async writeStatus(tunnel: TunnelLike, report: Report, signal: AbortSignal): Promise<void> {
    const written = await updateStatus(
      this.deps.client,
      this.type,
      tunnel,
      (current) => nextStatus(current.status, report, current.metadata.generation, this.deps.clock.now()),
      signal,
    );
    const status = written.object?.status ?? tunnel.status;
    if (status) this.deps.metrics?.observe(tunnel, status);
    this.noticeServices(tunnel, report);
  }

  private services(): V1Service[] {
    return this.deps.cache.list(SERVICE);
  }

  /** This tunnel's lines of the cluster's route table (computed from the caches). */
  private routeEntries(tunnel: TunnelLike): TunnelRouteEntry[] {
    const tunnels = [...this.deps.cache.list(TUNNEL), ...this.deps.cache.list(CLUSTER_TUNNEL)] as TunnelLike[];
    const table = routeTable({
      services: this.services(),
      tunnels,
      options: { clusterDomain: this.deps.clusterDomain },
    });
    return table.get(tunnelRefKey(tunnelRefOf(tunnel))) ?? [];
  }

  /** Events on the Services whose routes on this tunnel changed, once the status recording them is written. */
  private noticeServices(tunnel: TunnelLike, report: Report): void {
    if (!report.fields.routes) return;
    for (const notice of serviceNotices(tunnelRefOf(tunnel), tunnel.status?.routes, report.fields.routes)) {
      const source = parseSourceRef(notice.source);
      const service = source?.kind === 'Service' && this.deps.cache.get(SERVICE, `${source.namespace}/${source.name}`);
      if (service) this.deps.events.record(service, notice.event);
    }
  }

  private async sync(tunnel: TunnelLike, report: Report, signal: AbortSignal): Promise<void> {
    const { gateway, zoneInDoubt, credentialKey: memoKey } = await this.gateway(tunnel, report);
    const uid = memoId(tunnel);
    const account = await this.account(gateway, memoKey, tunnel);
    reportAccount(report, account);
    const namespace = targetNamespace(tunnel, this.ctx);
    const names = objectNames(tunnel);
    const client = this.deps.client;
    // Live reads (the objects this pass may write), sent together: they are independent.
    const [secret, configMap, deployment, podDisruptionBudget, networkPolicy] = await Promise.all([
      readOptional<V1Secret>(client, SECRET, namespace, names.secret),
      readOptional<V1ConfigMap>(client, CONFIG_MAP, namespace, names.configMap),
      readOptional<V1Deployment>(client, DEPLOYMENT, namespace, names.deployment),
      readOptional<V1PodDisruptionBudget>(client, POD_DISRUPTION_BUDGET, namespace, names.podDisruptionBudget),
      readOptional<V1NetworkPolicy>(client, NETWORK_POLICY, namespace, names.networkPolicy),
    ]);
    const actual = { secret, configMap, deployment, podDisruptionBudget, networkPolicy };
    const obtained = await obtainTunnel({
      client,
      gateway: this.verifiedTunnels(gateway, uid, memoKey),
      newSecret: this.deps.newSecret ?? newTunnelSecret,
      tunnel,
      accountId: account.accountId,
      secret: actual.secret,
      ctx: this.ctx,
      report,
    });
    Object.assign(report.fields, {
      accountId: obtained.credentials.accountTag,
      tunnelId: obtained.credentials.tunnelId,
      tunnelName: obtained.name,
      created: obtained.created,
    });
    await publishRoutes({
      client,
      gateway,
      tunnel,
      entries: this.routeEntries(tunnel),
      obtained,
      account,
      actual: { ...actual, secret: obtained.secret },
      ctx: this.ctx,
      ownerId: this.deps.ownerId,
      memo: this.memo,
      memoTunnel: uid,
      memoKey: `${memoKey} ${obtained.credentials.tunnelId}`,
      zoneInDoubt,
      report,
      signal,
    });
  }

  private async finalize(tunnel: TunnelLike, report: Report): Promise<void> {
    const namespace = targetNamespace(tunnel, this.ctx);
    const secret = await readOptional<V1Secret>(this.deps.client, SECRET, namespace, objectNames(tunnel).secret);
    const found = leftovers(readStoredTunnel(secret), tunnel.status);
    report.ready = deletingCondition(deletingWhat(found));
    if (found.length === 0) {
      // Never reached Cloudflare: nothing to remove there, so missing credentials do not block deletion.
      await deleteIfExists(this.deps.client, DEPLOYMENT, namespace, objectNames(tunnel).deployment);
    } else {
      const { gateway } = await this.gateway(tunnel, report);
      await cleanUp({ ...this.deps, gateway, tunnel, namespace, found, report });
    }
    // Only now, with Cloudflare read back and nothing of ours left there (cleanUp throws otherwise).
    await removeFinalizer(this.deps.client, this.type, tunnel, FINALIZER);
    report.released = true;
  }

  /**
   * The account and zones, shared by the tunnels with the same credentials, account and zone names. A lookup that
   * misses a zone is not remembered: the zone may be added any time.
   */
  private async account(gateway: CloudflareGateway, memoKey: string, tunnel: TunnelLike): Promise<ResolvedAccount> {
    const { accountId, accountName, zones } = tunnel.spec.cloudflare;
    const print = `${memoKey} ${JSON.stringify([accountId, accountName, zones ?? []])}`;
    const entry = `account ${print}`;
    const known = this.memo.recall<ResolvedAccount>(entry, 'account', print);
    if (known) return known;
    const account = await lookupAccount(gateway, tunnel);
    if (account.missingZones.length === 0) this.memo.remember(entry, 'account', print, account);
    return account;
  }

  /** The gateway, whose getTunnel answers from the memo while the tunnel is known to exist. */
  private verifiedTunnels(gateway: CloudflareGateway, uid: string, memoKey: string): CloudflareGateway {
    return {
      ...gateway,
      getTunnel: async (accountId, tunnelId) => {
        const fingerprint = `${memoKey} ${accountId} ${tunnelId}`;
        const known = this.memo.recall<CloudflareTunnel>(uid, 'tunnel', fingerprint);
        if (known) return known;
        const found = await gateway.getTunnel(accountId, tunnelId);
        if (found && !found.deletedAt) this.memo.remember(uid, 'tunnel', fingerprint, found);
        return found;
      },
    };
  }

  /** The gateway for the Tunnel's API credentials, or a reported CredentialsValid failure. */
  private async gateway(tunnel: TunnelLike, report: Report): Promise<CachedZoneRecords & { credentialKey: string }> {
    const ref = tunnel.spec.cloudflare.credentialsSecretRef;
    const namespace = isClusterTunnel(tunnel) ? this.deps.operatorNamespace : (tunnel.metadata.namespace ?? '');
    const secret = await readOptional<V1Secret>(this.deps.client, SECRET, namespace, ref.name);
    const read = readApiCredentials(secret, ref, namespace);
    if (read.ok) {
      const key = credentialKey(read.credentials);
      return {
        ...cachedZoneRecords(this.deps.gateways.get(read.credentials), this.zoneRecords, key),
        credentialKey: key,
      };
    }
    report.set(failed(ConditionType.CredentialsValid, read.reason, read.message));
    if (tunnel.metadata.deletionTimestamp) {
      deletionBlocked(report, `${read.message}: cannot remove the tunnel's Cloudflare objects; see docs/tunnels.md`);
    } else {
      report.warning(read.reason, 'ReadCredentials', read.message);
    }
    throw new StepFailure(read.message, 'backoff');
  }
}

/** The memo's key for a tunnel object: its UID (a recreated object starts afresh). */
function memoId(tunnel: TunnelLike): string {
  return tunnel.metadata.uid ?? `${tunnel.kind}/${tunnel.metadata.namespace ?? ''}/${tunnel.metadata.name ?? ''}`;
}
