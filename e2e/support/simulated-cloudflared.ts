// What real cloudflared pods do for the Cloudflare emulator: connect to their tunnel once ready, leave when gone.
// Pods on the local cluster's kwok nodes run nothing, so this follows the cloudflared Deployments the operator
// renders and tells the emulator how many replicas of each tunnel are connected (the Deployment's ready replicas),
// with the tunnel ID read from the credentials the pods get (the Secret their token or credentials.json comes
// from). Without it, a tunnel in the emulator has no connectors and no route of a `cloudflare` mode tunnel is Active.
import type { KubeConfig, V1Deployment, V1Secret } from '@kubernetes/client-node';
import { COMPONENT_NAME, MANAGED_BY, MANAGED_BY_LABEL, NAME_LABEL } from '../../src/api/constants.js';
import { readOptional } from '../../src/controllers/shared/apply.js';
import { DEPLOYMENT, SECRET } from '../../src/controllers/shared/resources.js';
import { readStoredTunnel } from '../../src/controllers/tunnel/stored-tunnel.js';
import { systemClock } from '../../src/runtime/clock.js';
import { createKubeTransport, ResourceClient } from '../../src/runtime/kube-client.js';
import { kubeListWatch } from '../../src/runtime/list-watch.js';
import { Reflector } from '../../src/runtime/reflector.js';
import type { ControlClient } from '../../test/cloudflare-emulator/index.js';

interface Connected {
  tunnelId: string;
  replicas: number;
}

export class SimulatedCloudflared {
  private readonly client: ResourceClient;
  private readonly reflector: Reflector;
  /** What the emulator was last told, per Deployment (namespace/name). */
  private readonly connected = new Map<string, Connected>();
  /** Changes are applied one at a time, in the order they were seen. */
  private queue: Promise<void> = Promise.resolve();

  /** `namespaces`: follow the Deployments of these only (other tests' tunnels may share IDs); default all. */
  constructor(
    private readonly control: ControlClient,
    kubeConfig: KubeConfig,
    private readonly namespaces?: readonly string[],
  ) {
    this.client = new ResourceClient(createKubeTransport(kubeConfig));
    this.reflector = new Reflector({
      name: 'cloudflared deployments',
      source: kubeListWatch(kubeConfig, this.client, {
        type: DEPLOYMENT,
        labelSelector: `${NAME_LABEL}=${COMPONENT_NAME},${MANAGED_BY_LABEL}=${MANAGED_BY}`,
      }),
      clock: systemClock,
      cache: 'full',
    });
    this.reflector.addHandler((_type, object) => {
      const namespace = object.metadata?.namespace ?? '';
      if (this.namespaces && !this.namespaces.includes(namespace)) return;
      const key = `${namespace}/${object.metadata?.name ?? ''}`;
      this.queue = this.queue.then(() => this.sync(key)).catch(() => undefined);
    });
  }

  static start(control: ControlClient, kubeConfig: KubeConfig, namespaces?: readonly string[]): SimulatedCloudflared {
    const simulated = new SimulatedCloudflared(control, kubeConfig, namespaces);
    simulated.reflector.start();
    return simulated;
  }

  async stop(): Promise<void> {
    await this.reflector.stop();
    await this.queue;
  }

  private async sync(key: string): Promise<void> {
    const deployment: V1Deployment | undefined = this.reflector.get(key);
    const before = this.connected.get(key);
    const tunnelId = deployment ? await this.tunnelIdOf(deployment) : before?.tunnelId;
    const replicas = deployment?.status?.readyReplicas ?? 0;
    if (before && before.tunnelId !== tunnelId) await this.tell(before.tunnelId, 0);
    if (!tunnelId) {
      this.connected.delete(key);
      return;
    }
    if (before?.tunnelId === tunnelId && before.replicas === replicas) return;
    await this.tell(tunnelId, replicas);
    this.connected.set(key, { tunnelId, replicas });
  }

  /** The tunnel the pods run: from the Secret holding their token (cloudflare mode) or credentials file (local). */
  private async tunnelIdOf(deployment: V1Deployment): Promise<string | undefined> {
    const pod = deployment.spec?.template.spec;
    const fromEnv = pod?.containers.flatMap((c) => c.env ?? []).find((e) => e.name === 'TUNNEL_TOKEN')?.valueFrom
      ?.secretKeyRef?.name;
    const fromVolume = pod?.volumes?.find((v) => v.name === 'credentials')?.secret?.secretName;
    const name = fromEnv ?? fromVolume;
    if (!name) return undefined;
    const secret = await readOptional<V1Secret>(this.client, SECRET, deployment.metadata?.namespace, name).catch(
      () => undefined,
    );
    const stored = readStoredTunnel(secret);
    return stored.state === 'ready' ? stored.credentials.tunnelId : undefined;
  }

  /** Refusals are expected and ignored: a tunnel deleted meanwhile (409), one of another emulator (404). */
  private async tell(tunnelId: string, replicas: number): Promise<void> {
    await this.control.setConnectors(tunnelId, replicas, { reconnectOnCleanup: true }).catch(() => undefined);
  }
}
