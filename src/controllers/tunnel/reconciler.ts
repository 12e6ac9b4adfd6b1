// The Tunnel / ClusterTunnel reconciler: one code path, parameterised by the resource type. Each pass reads the
// object from the watch cache, then either finalizes it or syncs it: credentials → account and zones → the tunnel
// → its routes (from the cached Services) → Kubernetes objects (or the remote configuration) → DNS records →
// status, written once and only when it differs, and Events (on the tunnel, and on the Services whose routes
// changed).
import type { V1ConfigMap, V1Deployment, V1PodDisruptionBudget, V1Secret, V1Service } from '@kubernetes/client-node';
import { ConditionType } from '../../api/conditions.js';
import { FINALIZER } from '../../api/constants.js';
import { isClusterTunnel, type TunnelLike } from '../../api/types.js';
import type { CloudflareCredentials, CloudflareGateway } from '../../cloudflare/index.js';
import { objectNames, targetNamespace, type RenderContext } from '../../render/index.js';
import type { Clock } from '../../runtime/clock.js';
import type { ReconcileContext, ReconcileResult } from '../../runtime/controller.js';
import type { EventRecorder } from '../../runtime/events.js';
import { addFinalizer, hasFinalizer, removeFinalizer } from '../../runtime/finalizers.js';
import type { ResourceClient, ResourceType } from '../../runtime/kube-client.js';
import { parseKey } from '../../runtime/keys.js';
import type { CacheReader } from '../../operator/types.js';
import { routeTable, tunnelRefOf, type TunnelRouteEntry } from '../../routes/route-table.js';
import { withDefaults } from '../../api/defaults.js';
import { updateStatus } from '../../runtime/status.js';
import { deleteIfExists, readOptional } from '../shared/apply.js';
import { CLUSTER_TUNNEL, CONFIG_MAP, DEPLOYMENT, POD_DISRUPTION_BUDGET, SECRET, SERVICE, TUNNEL } from '../shared/resources.js';
import { newTunnelSecret } from '../shared/tunnel-secret.js';
import { resolveAccount } from './account-step.js';
import { readApiCredentials } from './api-credentials.js';
import { failed } from './conditions.js';
import { desiredState } from './desired.js';
import { cleanUp, deletingCondition, deletionBlocked } from './finalize.js';
import { leftovers } from './leftovers.js';
import { outcomeOf } from './failures.js';
import { applyObjects } from './objects-step.js';
import { Report, StepFailure } from './report.js';
import { recordOwner, syncDns, type DnsOutcome } from './dns-step.js';
import { dnsCondition } from './dns-condition.js';
import { MissingTunnelNotices } from './missing-tunnel.js';
import { renderRoute, routeStatuses, serviceNotices } from './route-status.js';
import { nextStatus } from './status.js';
import { readStoredTunnel } from './stored-tunnel.js';
import { obtainTunnel } from './tunnel-step.js';

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
  /** Default: 32 random bytes. */
  newSecret?: () => string;
}

/** How soon to look again while another tunnel of this installation still holds a hostname we now win. */
const SIBLING_RECHECK_MS = 2000;

export class TunnelReconciler {
  private readonly ctx: RenderContext;
  private readonly missing: MissingTunnelNotices;

  constructor(
    private readonly deps: TunnelReconcilerDeps,
    private readonly type: ResourceType,
  ) {
    this.ctx = { operatorNamespace: deps.operatorNamespace };
    this.missing = new MissingTunnelNotices(deps.events);
  }

  readonly reconcile = async ({ key, signal }: ReconcileContext): Promise<ReconcileResult | void> => {
    const cached = this.deps.cache.get(this.type, key) as TunnelLike | undefined;
    if (!cached) {
      this.missing.report(this.type.kind, parseKey(key), this.services());
      return undefined;
    }
    this.missing.forget(this.type.kind, parseKey(key));
    let tunnel = structuredClone(cached);
    const report = new Report();
    let run: () => Promise<void>;
    if (tunnel.metadata.deletionTimestamp) {
      if (!hasFinalizer(tunnel, FINALIZER)) return undefined;
      run = () => this.finalize(tunnel, report);
    } else {
      if (!hasFinalizer(tunnel, FINALIZER)) {
        tunnel = (await addFinalizer(this.deps.client, this.type, tunnel, FINALIZER)).object ?? tunnel;
      }
      run = () => this.sync(tunnel, report, signal);
    }
    let outcome: ReturnType<typeof outcomeOf> = { result: undefined };
    try {
      await run();
    } catch (err: unknown) {
      outcome = outcomeOf(err, report, tunnel.metadata.deletionTimestamp !== undefined);
    }
    for (const event of report.events) this.deps.events.record(tunnel, event);
    if (report.released) return undefined;
    signal.throwIfAborted();
    await updateStatus(this.deps.client, this.type, tunnel, (current) =>
      nextStatus(current.status, report, current.metadata.generation, this.deps.clock.now()),
    );
    this.noticeServices(tunnel, report);
    if ('error' in outcome) throw outcome.error;
    return outcome.result ?? (report.recheckAfterMs ? { requeueAfterMs: report.recheckAfterMs } : undefined);
  };

  private services(): V1Service[] {
    return this.deps.cache.list(SERVICE) as V1Service[];
  }

  /** This tunnel's lines of the cluster's route table (computed from the caches). */
  private routeEntries(tunnel: TunnelLike): TunnelRouteEntry[] {
    const tunnels = [...this.deps.cache.list(TUNNEL), ...this.deps.cache.list(CLUSTER_TUNNEL)] as TunnelLike[];
    const table = routeTable({ services: this.services(), tunnels, options: { clusterDomain: this.deps.clusterDomain } });
    const ref = tunnelRefOf(tunnel);
    return table.get(ref.kind === 'Tunnel' ? `${ref.namespace ?? ''}/${ref.name}` : ref.name) ?? [];
  }

  /** Events on the Services whose routes on this tunnel changed, once the status recording them is written. */
  private noticeServices(tunnel: TunnelLike, report: Report): void {
    if (!report.fields.routes) return;
    for (const notice of serviceNotices(tunnelRefOf(tunnel), tunnel.status?.routes, report.fields.routes)) {
      const [namespace, name] = notice.source.replace(/^Service /, '').split('/');
      const service = this.deps.cache.get(SERVICE, `${namespace ?? ''}/${name ?? ''}`);
      if (service) this.deps.events.record(service, notice.event);
    }
  }

  private async sync(tunnel: TunnelLike, report: Report, signal: AbortSignal): Promise<void> {
    const gateway = await this.gateway(tunnel, report);
    const account = await resolveAccount(gateway, tunnel, report);
    const namespace = targetNamespace(tunnel, this.ctx);
    const names = objectNames(tunnel);
    const client = this.deps.client;
    const actual = {
      secret: await readOptional<V1Secret>(client, SECRET, namespace, names.secret),
      configMap: await readOptional<V1ConfigMap>(client, CONFIG_MAP, namespace, names.configMap),
      deployment: await readOptional<V1Deployment>(client, DEPLOYMENT, namespace, names.deployment),
      podDisruptionBudget: await readOptional<V1PodDisruptionBudget>(
        client,
        POD_DISRUPTION_BUDGET,
        namespace,
        names.podDisruptionBudget,
      ),
    };
    const obtained = await obtainTunnel({
      client,
      gateway,
      newSecret: this.deps.newSecret ?? newTunnelSecret,
      tunnel,
      accountId: account.accountId,
      secret: actual.secret,
      ctx: this.ctx,
      report,
    });
    Object.assign(report.fields, {
      tunnelId: obtained.credentials.tunnelId,
      tunnelName: obtained.name,
      created: obtained.created,
    });
    const entries = this.routeEntries(tunnel);
    const served = entries.flatMap((e) => (e.kind === 'served' ? [e.claim] : []));
    const routes = served.map(renderRoute);
    const desired = desiredState({
      tunnel,
      credentials: obtained.credentials,
      created: obtained.created,
      routes,
      ctx: this.ctx,
    });
    Object.assign(report.fields, { configSource: desired.mode, configHash: desired.configHash });
    signal.throwIfAborted();
    const liveness = await applyObjects({
      client,
      gateway,
      accountId: account.accountId,
      tunnelId: obtained.credentials.tunnelId,
      desired,
      actual: { ...actual, secret: obtained.secret },
      rules: routes,
      report,
    });
    const hostnames = uniqueHostnames(served.filter((c) => c.dns));
    signal.throwIfAborted();
    let dns: DnsOutcome | undefined;
    if (account.missingZones.length === 0 || hostnames.length > 0) {
      dns = await syncDns({
        gateway,
        zones: account.zones,
        owner: recordOwner(this.deps.ownerId, tunnel),
        tunnelId: obtained.credentials.tunnelId,
        hostnames,
        adoptUnmanaged: withDefaults(tunnel.spec).dns.adoptUnmanaged,
        signal,
      });
      dnsEvents(report, dns);
      if (account.missingZones.length === 0) report.set(dnsCondition(dns, hostnames.length));
      if (dns.waitingForSibling) report.recheckAfterMs = SIBLING_RECHECK_MS;
    }
    const statuses = routeStatuses(entries, { dns: dns?.problems ?? new Map(), ...liveness });
    report.fields.routes = statuses;
    report.fields.routeCount = statuses.filter((r) => r.state === 'Active').length;
  }

  private async finalize(tunnel: TunnelLike, report: Report): Promise<void> {
    report.ready = deletingCondition('removing DNS records, cloudflared and the tunnel');
    const namespace = targetNamespace(tunnel, this.ctx);
    const secret = await readOptional<V1Secret>(this.deps.client, SECRET, namespace, objectNames(tunnel).secret);
    const found = leftovers(readStoredTunnel(secret), tunnel.status);
    if (found.kind === 'nothing') {
      // Never reached Cloudflare: nothing to remove there, so missing credentials do not block deletion.
      await deleteIfExists(this.deps.client, DEPLOYMENT, namespace, objectNames(tunnel).deployment);
    } else {
      const gateway = await this.gateway(tunnel, report);
      const account = await resolveAccount(gateway, tunnel, report);
      await cleanUp({ ...this.deps, gateway, ...account, tunnel, namespace, found, report });
    }
    await removeFinalizer(this.deps.client, this.type, tunnel, FINALIZER);
    report.released = true;
  }

  /** The gateway for the Tunnel's API credentials, or a reported CredentialsValid failure. */
  private async gateway(tunnel: TunnelLike, report: Report): Promise<CloudflareGateway> {
    const ref = tunnel.spec.cloudflare.credentialsSecretRef;
    const namespace = isClusterTunnel(tunnel) ? this.deps.operatorNamespace : (tunnel.metadata.namespace ?? '');
    const secret = await readOptional<V1Secret>(this.deps.client, SECRET, namespace, ref.name);
    const read = readApiCredentials(secret, ref, namespace);
    if (read.ok) return this.deps.gateways.get(read.credentials);
    report.set(failed(ConditionType.CredentialsValid, read.reason, read.message));
    if (tunnel.metadata.deletionTimestamp) {
      deletionBlocked(report, `${read.message}: cannot remove the tunnel's Cloudflare objects; see docs/tunnels.md`);
    } else {
      report.warning(read.reason, 'ReadCredentials', read.message);
    }
    throw new StepFailure(read.message, 'backoff');
  }
}

function uniqueHostnames(claims: readonly { hostname: string; zone: string }[]): { hostname: string; zone: string }[] {
  const byName = new Map(claims.map((c) => [c.hostname, { hostname: c.hostname, zone: c.zone }]));
  return [...byName.values()];
}

function dnsEvents(report: Report, dns: DnsOutcome): void {
  if (dns.created + dns.updated + dns.deleted === 0) return;
  const note = `DNS records: ${dns.created} created, ${dns.updated} updated, ${dns.deleted} deleted`;
  report.normal('DNSRecordsChanged', 'SyncDNS', note);
}
