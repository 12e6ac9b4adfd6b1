// One scenario's world: a namespace with the API credentials, a fresh Cloudflare emulator enforcing Cloudflare's
// rate limit (so each scenario starts with a full budget) with simulated cloudflared connectors following the
// namespace's cloudflared Deployments, tunnels, and the operator process. close() stops the
// operator and removes the namespace (finalizers stripped: the emulator goes with the stage).
import type { V1Deployment, V1Pod } from '@kubernetes/client-node';
import type { ConfigSource, TunnelLike } from '../src/api/types.js';
import type { ResourceType } from '../src/runtime/kube-client.js';
import { DEPLOYMENT, SECRET, TUNNEL } from '../src/controllers/shared/resources.js';
import { CLOUDFLARE_LIMIT } from '../test/cloudflare-emulator/rate-limit.js';
import { startEmulator, type RunningEmulator } from '../test/cloudflare-emulator/index.js';
import { adminKubeConfig, createTestNamespace, waitFor, type TestNamespace } from '../e2e/support/cluster.js';
import { SimulatedCloudflared } from '../e2e/support/simulated-cloudflared.js';
import {
  ACCOUNT,
  API_TOKEN,
  apiSecret,
  client,
  create,
  getOptional,
  mergePatch,
  tunnelObject,
  waitForCondition,
} from '../e2e/tunnel/support.js';
import type { BenchCluster } from './cluster.js';
import { BenchOperator } from './operator.js';

export const ZONE = 'example.com';
const POD: ResourceType = { group: '', version: 'v1', plural: 'pods', kind: 'Pod', namespaced: true };

export interface TunnelPlan {
  name: string;
  mode: ConfigSource;
}

export interface StageOptions {
  tunnels: TunnelPlan[];
  /** Extra operator environment (e.g. RESYNC_PERIOD). */
  operatorEnv?: NodeJS.ProcessEnv;
}

export class Stage {
  readonly cluster: BenchCluster;
  readonly ns: TestNamespace;
  readonly emulator: RunningEmulator;
  op: BenchOperator;
  readonly tunnels: TunnelPlan[];
  private readonly options: StageOptions;
  private readonly cloudflared: SimulatedCloudflared;

  private constructor(parts: {
    cluster: BenchCluster;
    ns: TestNamespace;
    emulator: RunningEmulator;
    cloudflared: SimulatedCloudflared;
    op: BenchOperator;
    options: StageOptions;
  }) {
    this.cluster = parts.cluster;
    this.ns = parts.ns;
    this.emulator = parts.emulator;
    this.cloudflared = parts.cloudflared;
    this.op = parts.op;
    this.options = parts.options;
    this.tunnels = parts.options.tunnels;
  }

  static async open(cluster: BenchCluster, prefix: string, options: StageOptions): Promise<Stage> {
    const ns = await createTestNamespace(`bench-${prefix}`);
    const emulator = await startEmulator({ rateLimit: CLOUDFLARE_LIMIT });
    const cloudflared = SimulatedCloudflared.start(emulator.control, adminKubeConfig(), [ns.name]);
    await create(SECRET, apiSecret(ns.name, 'cf', API_TOKEN));
    const op = await BenchOperator.start({
      kubeconfig: await cluster.operatorKubeconfig(),
      apiBaseUrl: emulator.apiBaseUrl,
      env: options.operatorEnv ?? {},
    });
    const stage = new Stage({ cluster, ns, emulator, cloudflared, op, options });
    try {
      await stage.createTunnels();
    } catch (error) {
      await stage.close();
      throw error;
    }
    return stage;
  }

  get namespace(): string {
    return this.ns.name;
  }

  /** Creates the planned tunnels and waits until each is Ready and its cloudflared rolled out. */
  private async createTunnels(): Promise<void> {
    for (const { name, mode } of this.tunnels) {
      const cloudflare = { accountId: ACCOUNT, credentialsSecretRef: { name: 'cf' }, zones: [ZONE] };
      await create(TUNNEL, tunnelObject('Tunnel', name, this.namespace, { cloudflare, configSource: mode }));
    }
    for (const { name } of this.tunnels) {
      await waitForCondition(TUNNEL, this.namespace, name, {
        type: 'Ready',
        status: 'True',
        op: this.op.process,
        timeoutMs: 180_000,
      });
    }
    await this.settled();
  }

  /** The Cloudflare tunnel ID of each tunnel, by name. */
  async tunnelIds(): Promise<Map<string, string>> {
    const ids = new Map<string, string>();
    for (const { name } of this.tunnels) {
      const tunnel = await getOptional<TunnelLike>(TUNNEL, this.namespace, name);
      if (tunnel?.status?.tunnelId) ids.set(name, tunnel.status.tunnelId);
    }
    return ids;
  }

  /** The cloudflared Deployment's revision (deployment.kubernetes.io/revision) of a tunnel. */
  async revision(tunnel: string): Promise<number> {
    const deployment = await getOptional<V1Deployment>(DEPLOYMENT, this.namespace, `${tunnel}-cloudflared`);
    return Number(deployment?.metadata?.annotations?.['deployment.kubernetes.io/revision'] ?? 0);
  }

  async revisions(): Promise<Map<string, number>> {
    return new Map(await Promise.all(this.tunnels.map(async (t) => [t.name, await this.revision(t.name)] as const)));
  }

  /** Waits until every local-mode tunnel's cloudflared Deployment has finished rolling out. */
  async settled(timeoutMs = 120_000): Promise<void> {
    const local = this.tunnels.filter((t) => t.mode === 'local').map((t) => `${t.name}-cloudflared`);
    await waitFor(
      async () => {
        const { items: deployments } = await client.list<V1Deployment>(DEPLOYMENT, { namespace: this.namespace });
        return local.every((name) => rolledOut(deployments.find((d) => d.metadata?.name === name))) || undefined;
      },
      { intervalMs: 50, timeoutMs, description: `cloudflared rolled out in ${this.namespace}`, giveUpIf: this.op.gone },
    );
  }

  /** The cloudflared Deployments' rollout state and the pods' phases (for a timeout's message). */
  async describeRollouts(): Promise<string> {
    const { items } = await client.list<V1Deployment>(DEPLOYMENT, { namespace: this.namespace });
    const deployments = items.map((d) => {
      const st = d.status ?? {};
      return `${d.metadata?.name}: gen ${d.metadata?.generation}/${st.observedGeneration} updated ${st.updatedReplicas ?? 0} ready ${st.readyReplicas ?? 0} total ${st.replicas ?? 0}`;
    });
    const pods = await client.list<V1Pod>(POD, { namespace: this.namespace });
    const states = new Map<string, number>();
    for (const pod of pods.items) {
      const ready = pod.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True';
      const key = `${pod.status?.phase ?? '?'}${ready ? '/ready' : ''}${pod.metadata?.deletionTimestamp ? '/terminating' : ''}${pod.spec?.nodeName ? '' : '/unscheduled'}`;
      states.set(key, (states.get(key) ?? 0) + 1);
    }
    return `deployments ${deployments.join('; ')}; pods ${JSON.stringify([...states])}`;
  }

  /** Stops the operator and starts a new one against the same emulator; resolves once it is spawned. */
  async restartOperator(): Promise<void> {
    await this.op.stop();
    this.op = await BenchOperator.start({
      kubeconfig: await this.cluster.operatorKubeconfig(),
      apiBaseUrl: this.emulator.apiBaseUrl,
      env: this.options.operatorEnv ?? {},
    });
  }

  async close(): Promise<void> {
    await this.op.stop();
    // With the operator gone, nothing removes its finalizers: the Tunnels' and their credentials Secret's
    // (cloudflare-operator.io/credentials-in-use), either of which would keep the namespace Terminating.
    for (const { name } of this.tunnels) {
      await mergePatch(TUNNEL, this.namespace, name, { metadata: { finalizers: null } }).catch(() => undefined);
    }
    await mergePatch(SECRET, this.namespace, 'cf', { metadata: { finalizers: null } }).catch(() => undefined);
    await this.ns.delete();
    await this.cloudflared.stop();
    await this.emulator.close();
    await waitFor(
      async () =>
        (await client.transport
          .request({ method: 'GET', path: `/api/v1/namespaces/${this.namespace}` })
          .then(() => false)
          .catch(() => true)) || undefined,
      { intervalMs: 500, timeoutMs: 180_000, description: `namespace ${this.namespace} gone` },
    ).catch((error: unknown) => process.stderr.write(`bench: ${String(error)}\n`));
  }
}

export function rolledOut(deployment: V1Deployment | undefined): boolean {
  if (!deployment) return false;
  const wanted = deployment.spec?.replicas ?? 1;
  const s = deployment.status ?? {};
  return (
    (s.observedGeneration ?? 0) >= (deployment.metadata?.generation ?? 0) &&
    (s.updatedReplicas ?? 0) === wanted &&
    (s.readyReplicas ?? 0) === wanted &&
    (s.replicas ?? 0) === wanted
  );
}
