// The Tunnel reconciler in `local` mode (Kubernetes faked, Cloudflare the emulator through the real SDK): a DNS
// record is published in the pass that writes its rule into the ConfigMap. While a cloudflared rollout holds the
// configuration, the records wait with it (a record published earlier would send visitors to pods that answer 404
// for its hostname); the pass after the rollout writes both.
import type { V1ConfigMap, V1Deployment } from '@kubernetes/client-node';
import { parse } from 'yaml';
import { ConditionType, Reason } from '../../src/api/conditions.js';
import { CONFIG_MAP, DEPLOYMENT } from '../../src/controllers/shared/resources.js';
import { CONFIG_FILE, objectNames } from '../../src/render/index.js';
import { sampleTunnel } from '../../src/render/testing/fixtures.js';
import { resourcePath } from '../../src/runtime/kube-client.js';
import { reconcilerWorld, type ReconcilerWorld } from './reconciler-world.js';
import { callsTo, useEmulator } from './support.js';

const NAMES = objectNames(sampleTunnel());
const CONFIG_MAP_PATH = resourcePath(CONFIG_MAP, 'shop', NAMES.configMap);
const DEPLOYMENT_PATH = resourcePath(DEPLOYMENT, 'shop', NAMES.deployment);
const DNS_BATCH = 'POST /zones/:zone_id/dns_records/batch';

describe('DNS records in local mode, with the rollout of their rules (reconciler against the emulator)', () => {
  const emulator = useEmulator();
  let w: ReconcilerWorld;

  /** What the Deployment controller would report for the current template: rolled out, or half-way through. */
  function rollout(progress: 'finished' | 'inProgress'): void {
    const deployment = w.kube.get(DEPLOYMENT_PATH) as V1Deployment;
    const wanted = deployment.spec?.replicas ?? 0;
    const observedGeneration = deployment.metadata?.generation ?? 0;
    deployment.status =
      progress === 'finished'
        ? { observedGeneration, replicas: wanted, updatedReplicas: wanted, readyReplicas: wanted }
        : { observedGeneration, replicas: wanted + 1, updatedReplicas: 1, readyReplicas: wanted };
    w.kube.put(DEPLOYMENT_PATH, deployment as unknown as Record<string, unknown>);
  }

  const configMap = (): V1ConfigMap | undefined => w.kube.get(CONFIG_MAP_PATH);

  /** The hostnames of the ingress rules in the ConfigMap's config.yaml. */
  function configuredHostnames(): string[] {
    const config = parse(configMap()?.data?.[CONFIG_FILE] ?? '{}') as { ingress?: { hostname?: string }[] };
    return (config.ingress ?? []).flatMap((rule) => (rule.hostname ? [rule.hostname] : []));
  }

  async function recordNames(): Promise<string[]> {
    const { records } = await emulator().control.state();
    return records.map((r) => r.name).sort();
  }

  const route = (hostname: string) => w.tunnel().status?.routes?.find((r) => r.hostname === hostname);

  beforeEach(async () => {
    w = reconcilerWorld(emulator(), { spec: { configSource: 'local' } });
    w.expose('shop', 'shop.example.com');
    await w.reconcile();
    rollout('finished');
    await w.reconcile();
    expect(route('shop.example.com')).toMatchObject({ state: 'Active' });
    expect(await recordNames()).toEqual(['shop.example.com']);
    await emulator().control.clearCalls();
  });

  it('no rollout in progress: the record is created in the pass that writes its rule', async () => {
    w.expose('cart', 'cart.example.com');
    await w.reconcile();

    expect(configuredHostnames()).toEqual(['cart.example.com', 'shop.example.com']);
    expect(await recordNames()).toEqual(['cart.example.com', 'shop.example.com']);
    expect(await callsTo(emulator(), DNS_BATCH)).toBe(1);
  });

  it('a rollout in progress holds the record with the rule; the pass after it publishes both', async () => {
    rollout('inProgress');
    const held = configMap();
    w.expose('cart', 'cart.example.com');
    await w.reconcile();

    expect(w.condition(ConditionType.DeploymentReady)).toMatchObject({ reason: Reason.RolloutInProgress });
    expect(configMap()).toEqual(held);
    expect(await callsTo(emulator(), DNS_BATCH)).toBe(0);
    expect(await recordNames()).toEqual(['shop.example.com']);
    expect(route('cart.example.com')).toMatchObject({
      state: 'Pending',
      message: 'waiting for the cloudflared rollout in progress to finish',
    });
    expect(route('shop.example.com')).toMatchObject({ state: 'Active' });

    rollout('finished');
    await w.reconcile();

    expect(configuredHostnames()).toEqual(['cart.example.com', 'shop.example.com']);
    expect(await recordNames()).toEqual(['cart.example.com', 'shop.example.com']);
    expect(await callsTo(emulator(), DNS_BATCH)).toBe(1);
  });
});
