// The Tunnel reconciler in a small world for contract tests: Kubernetes is a FakeKube (its objects are also the
// watch caches), Cloudflare the emulator through the real SDK. The world holds the credentials Secret and the sample
// Tunnel shop/web; Services put into it are routed as the Service watch would.
import type { V1Service } from '@kubernetes/client-node';
import { ServiceAnnotation } from '../../src/api/annotations.js';
import type { Condition, Tunnel, TunnelSpec } from '../../src/api/types.js';
import type { CloudflareGateway } from '../../src/cloudflare/index.js';
import { SECRET, SERVICE, TUNNEL } from '../../src/controllers/shared/resources.js';
import { TunnelReconciler } from '../../src/controllers/tunnel/reconciler.js';
import type { CacheReader } from '../../src/operator/types.js';
import { sampleTunnel } from '../../src/render/testing/fixtures.js';
import { systemClock } from '../../src/runtime/clock.js';
import type { ReconcileResult } from '../../src/runtime/controller.js';
import type { EventInput } from '../../src/runtime/events.js';
import { ResourceClient, resourcePath, type KubeTransport, type ResourceType } from '../../src/runtime/kube-client.js';
import { nullLogger } from '../../src/runtime/logger.js';
import { FakeKube } from '../../src/runtime/testing/fake-kube.js';
import { DEFAULT_TOKEN, type RunningEmulator } from '../cloudflare-emulator/index.js';
import { harness } from './support.js';

export const OWNER_ID = 'contract';
export const TUNNEL_PATH = resourcePath(TUNNEL, 'shop', 'web');
const CREDENTIALS_PATH = resourcePath(SECRET, 'shop', 'cf-credentials');

export interface WorldOptions {
  /** Changes to the sample Tunnel's spec. */
  spec?: Partial<TunnelSpec>;
  /** Stands between the reconciler and the emulator's gateway (to watch its calls). */
  gateway?: (gateway: CloudflareGateway) => CloudflareGateway;
  /** Stands between the reconciler and the fake API server (to watch its requests). */
  transport?: (kube: FakeKube) => KubeTransport;
}

export interface ReconcilerWorld {
  kube: FakeKube;
  /** The Events the reconciler recorded, in order. */
  events: EventInput[];
  /** The Tunnel as stored now. */
  tunnel(): Tunnel;
  /** One reconcile of the Tunnel. */
  reconcile(): Promise<ReconcileResult | void>;
  /** An edit of the spec, as a user's PUT would store it when no admission rule stops it. */
  edit(change: (t: Tunnel) => void): void;
  /** `kubectl delete`: the API server sets deletionTimestamp and waits for the finalizers. */
  markDeleted(): void;
  /** A Service shop/`name` exposing `hostname` through the Tunnel (its DNS record managed). */
  expose(name: string, hostname: string): void;
  condition(type: string): Condition | undefined;
}

export function reconcilerWorld(emulator: RunningEmulator, options: WorldOptions = {}): ReconcilerWorld {
  const kube = new FakeKube();
  const events: EventInput[] = [];
  const { gateway } = harness(emulator);
  const watched = options.gateway?.(gateway) ?? gateway;
  const cache: CacheReader = {
    get: (type: ResourceType, key: string) => {
      const [namespace, name] = key.includes('/') ? key.split('/') : [undefined, key];
      return kube.get(resourcePath(type, namespace, name));
    },
    list: (type: ResourceType) => [...kube.objects.values()].filter((o) => o.kind === type.kind),
  };
  const reconciler = new TunnelReconciler(
    {
      client: new ResourceClient(options.transport?.(kube) ?? kube),
      gateways: { get: () => watched },
      events: { record: (_object, event) => events.push(event) },
      clock: systemClock,
      ownerId: OWNER_ID,
      operatorNamespace: 'cloudflare-operator',
      cache,
      clusterDomain: 'cluster.local',
      verifyPeriodMs: 0,
      newSecret: () => Buffer.alloc(32, 5).toString('base64'),
    },
    TUNNEL,
  );
  kube.put(CREDENTIALS_PATH, {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'cf-credentials', namespace: 'shop' },
    data: { apiToken: Buffer.from(DEFAULT_TOKEN).toString('base64') },
  });
  kube.put(TUNNEL_PATH, sampleTunnel(options.spec) as unknown as Record<string, unknown>);

  const tunnel = (): Tunnel => kube.get(TUNNEL_PATH) as unknown as Tunnel;
  return {
    kube,
    events,
    tunnel,
    reconcile: () =>
      reconciler.reconcile({
        key: 'shop/web',
        reconcileId: 'r',
        signal: new AbortController().signal,
        log: nullLogger,
      }),
    edit: (change: (t: Tunnel) => void): void => {
      const next = tunnel();
      change(next);
      next.metadata.generation = (next.metadata.generation ?? 1) + 1;
      kube.put(TUNNEL_PATH, next as unknown as Record<string, unknown>);
    },
    markDeleted: (): void => {
      const next = tunnel();
      next.metadata.deletionTimestamp = new Date();
      kube.put(TUNNEL_PATH, next as unknown as Record<string, unknown>);
    },
    expose: (name: string, hostname: string): void => {
      const service: V1Service = {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: {
          name,
          namespace: 'shop',
          uid: `uid-${name}`,
          annotations: { [ServiceAnnotation.tunnel]: 'web', [ServiceAnnotation.hostnames]: hostname },
        },
        spec: { selector: { app: name }, ports: [{ name: 'http', port: 80, targetPort: 8080 }] },
      };
      kube.put(resourcePath(SERVICE, 'shop', name), service as unknown as Record<string, unknown>);
    },
    condition: (type: string) => tunnel().status?.conditions?.find((c) => c.type === type),
  };
}
