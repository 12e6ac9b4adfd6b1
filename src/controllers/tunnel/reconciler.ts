// The Tunnel / ClusterTunnel reconciler: one code path, parameterised by the resource type. Each pass reads the
// object, then either finalizes it or syncs it: credentials → account and zones → the tunnel → Kubernetes objects
// (or the remote configuration) → status, written once and only when it differs, and Events.
import type { V1ConfigMap, V1Deployment, V1PodDisruptionBudget, V1Secret } from '@kubernetes/client-node';
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
import { updateStatus } from '../../runtime/status.js';
import { deleteIfExists, readOptional } from '../shared/apply.js';
import { CONFIG_MAP, DEPLOYMENT, POD_DISRUPTION_BUDGET, SECRET } from '../shared/resources.js';
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
import { desiredRoutes } from './routes.js';
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
  /** Default: 32 random bytes. */
  newSecret?: () => string;
}

export class TunnelReconciler {
  private readonly ctx: RenderContext;

  constructor(
    private readonly deps: TunnelReconcilerDeps,
    private readonly type: ResourceType,
  ) {
    this.ctx = { operatorNamespace: deps.operatorNamespace };
  }

  readonly reconcile = async ({ key }: ReconcileContext): Promise<ReconcileResult | void> => {
    const { namespace, name } = parseKey(key);
    const found = await readOptional<TunnelLike>(this.deps.client, this.type, namespace, name);
    if (!found) return undefined;
    let tunnel = found;
    const report = new Report();
    let run: () => Promise<void>;
    if (tunnel.metadata.deletionTimestamp) {
      if (!hasFinalizer(tunnel, FINALIZER)) return undefined;
      run = () => this.finalize(tunnel, report);
    } else {
      if (!hasFinalizer(tunnel, FINALIZER)) {
        tunnel = (await addFinalizer(this.deps.client, this.type, tunnel, FINALIZER)).object ?? tunnel;
      }
      run = () => this.sync(tunnel, report);
    }
    let outcome: ReturnType<typeof outcomeOf> = { result: undefined };
    try {
      await run();
    } catch (err: unknown) {
      outcome = outcomeOf(err, report, tunnel.metadata.deletionTimestamp !== undefined);
    }
    for (const event of report.events) this.deps.events.record(tunnel, event);
    if (report.released) return undefined;
    await updateStatus(this.deps.client, this.type, tunnel, (current) =>
      nextStatus(current.status, report, current.metadata.generation, this.deps.clock.now()),
    );
    if ('error' in outcome) throw outcome.error;
    return outcome.result;
  };

  private async sync(tunnel: TunnelLike, report: Report): Promise<void> {
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
    const routes = desiredRoutes(tunnel);
    const desired = desiredState({
      tunnel,
      credentials: obtained.credentials,
      created: obtained.created,
      routes,
      ctx: this.ctx,
    });
    Object.assign(report.fields, {
      configSource: desired.mode,
      configHash: desired.configHash,
      routes: [],
      routeCount: 0,
    });
    await applyObjects({
      client,
      gateway,
      accountId: account.accountId,
      tunnelId: obtained.credentials.tunnelId,
      desired,
      actual: { ...actual, secret: obtained.secret },
      report,
    });
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
