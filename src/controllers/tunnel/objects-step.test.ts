import type { V1Deployment } from '@kubernetes/client-node';
import { ConditionType, Reason } from '../../api/conditions.js';
import { CONFIG_HASH_ANNOTATION } from '../../api/constants.js';
import { apiError, FakeCloudflare } from '../../cloudflare/testing/fake-cloudflare.js';
import { CTX, route, sampleTunnel } from '../../render/testing/fixtures.js';
import { objectNames } from '../../render/index.js';
import { ResourceClient, resourcePath, type ResourceType } from '../../runtime/kube-client.js';
import { FakeKube } from '../../runtime/testing/fake-kube.js';
import { CONFIG_MAP, DEPLOYMENT, NETWORK_POLICY, POD_DISRUPTION_BUDGET, SECRET } from '../shared/resources.js';
import { desiredState, type DesiredState } from './desired.js';
import { applyObjects, type ActualObjects } from './objects-step.js';
import { pushedConfigs } from './remote-config-step.js';
import { Report } from './report.js';
import { ruleKey } from './route-status.js';

const credentials = {
  accountTag: '0123456789abcdef0123456789abcdef',
  tunnelId: '6ff42ae2-765d-4adf-8112-31c55c1551ef',
  tunnelSecret: Buffer.alloc(32, 1).toString('base64'),
};
const NAME = objectNames(sampleTunnel()).deployment;
const routes = [route('a.example.com'), route('b.example.com')];
const nothing: ActualObjects = {
  secret: undefined,
  configMap: undefined,
  deployment: undefined,
  podDisruptionBudget: undefined,
  networkPolicy: undefined,
};

function desired(spec: Parameters<typeof sampleTunnel>[0] = {}): DesiredState {
  return desiredState({ tunnel: sampleTunnel(spec), credentials, created: true, routes, backends: [], ctx: CTX });
}

/** A live Deployment as the cluster reports it: `hash` in its pod template, `ready` of `replicas` ready. */
function liveDeployment(
  from: DesiredState,
  options: { hash?: string; replicas?: number; ready?: number; rolling?: boolean } = {},
): V1Deployment {
  const replicas = options.replicas ?? from.deployment.spec?.replicas ?? 0;
  const ready = options.ready ?? replicas;
  const deployment = structuredClone(from.deployment);
  deployment.metadata = { ...deployment.metadata, generation: 2 };
  deployment.spec!.replicas = replicas;
  deployment.spec!.template.metadata!.annotations = {
    ...deployment.spec!.template.metadata!.annotations,
    [CONFIG_HASH_ANNOTATION]: options.hash ?? from.configHash,
  };
  deployment.status = {
    observedGeneration: options.rolling ? 1 : 2,
    replicas,
    updatedReplicas: options.rolling ? 0 : replicas,
    readyReplicas: ready,
  };
  return deployment;
}

function setup() {
  const kube = new FakeKube();
  const cloudflare = new FakeCloudflare();
  const report = new Report();
  const pushes = pushedConfigs();
  const apply = (
    state: DesiredState,
    actual: Partial<ActualObjects> = {},
    options: { remoteConfirmed?: boolean; previouslyLive?: string[] } = {},
  ) =>
    applyObjects({
      client: new ResourceClient(kube),
      gateway: cloudflare,
      accountId: credentials.accountTag,
      tunnelId: credentials.tunnelId,
      desired: state,
      actual: { ...nothing, ...actual },
      rules: routes,
      remoteConfirmed: options.remoteConfirmed ?? false,
      previouslyLive: new Set(options.previouslyLive ?? []),
      pushes: { pushes, key: 'k' },
      previousConditions: undefined,
      report,
    });
  /** `METHOD kind/name` of every write. */
  const writes = () =>
    kube.requests.filter((r) => r.method !== 'GET').map((r) => `${r.method} ${r.path.split('/').slice(-2).join('/')}`);
  const condition = (type: string) => report.conditions.find((c) => c.type === type);
  return { kube, cloudflare, report, apply, writes, condition };
}

describe('applyObjects: local mode', () => {
  const local = () => desired({ configSource: 'local' });

  it('creates the policy first, then the Secret, the ConfigMap, the Deployment and its PDB; new rules wait for the rollout', async () => {
    const { apply, writes, report, condition } = setup();
    const state = local();
    const liveness = await apply(state, {}, { previouslyLive: [ruleKey(routes[0]!)] });
    expect(writes()).toEqual([
      `PATCH networkpolicies/${NAME}`,
      `PATCH secrets/${NAME}-credentials`,
      `PATCH configmaps/${NAME}`,
      `PATCH deployments/${NAME}`,
      `PATCH poddisruptionbudgets/${NAME}`,
    ]);
    expect(condition(ConditionType.ConfigReady)).toMatchObject({
      status: 'True',
      reason: Reason.ConfigApplied,
      message: `config.yaml in ConfigMap ${NAME}`,
    });
    expect(report.events).toEqual([
      expect.objectContaining({
        reason: 'DeploymentCreated',
        action: 'ApplyDeployment',
        note: `created Deployment ${NAME}`,
      }),
    ]);
    expect(report.fields).toMatchObject({ replicas: 2, readyReplicas: 0 });
    expect(liveness).toEqual({
      notLive: new Set([ruleKey(routes[1]!)]),
      notLiveMessage: 'waiting for the cloudflared rollout that carries it',
    });
  });

  it('rolled out with this configuration: everything live, nothing written', async () => {
    const { apply, writes, kube, report, condition } = setup();
    const state = local();
    await apply(state);
    // What the first pass applied is what is live now, with a Deployment rolled out, one pod of two ready.
    const live = <T>(type: ResourceType, name: string): T => kube.get(resourcePath(type, 'shop', name)) as T;
    const deployment = live<V1Deployment>(DEPLOYMENT, NAME);
    deployment.status = {
      observedGeneration: deployment.metadata?.generation,
      replicas: 2,
      updatedReplicas: 2,
      readyReplicas: 1,
    };
    const actual: ActualObjects = {
      secret: live(SECRET, `${NAME}-credentials`),
      configMap: live(CONFIG_MAP, NAME),
      podDisruptionBudget: live(POD_DISRUPTION_BUDGET, NAME),
      networkPolicy: live(NETWORK_POLICY, NAME),
      deployment,
    };
    kube.requests.length = 0;
    report.events.length = 0;
    const liveness = await apply(state, actual);
    expect(writes()).toEqual([]);
    expect(report.events).toEqual([]);
    expect(liveness).toEqual({ notLive: new Set(), notLiveMessage: '' });
    expect(condition(ConditionType.DeploymentReady)).toMatchObject({ reason: Reason.ReplicasUnavailable });
    expect(report.fields).toMatchObject({ replicas: 2, readyReplicas: 1 });
  });

  it('while another configuration rolls out: only the policy is applied, the rest waits', async () => {
    const { apply, writes, report, condition } = setup();
    const state = local();
    const rolling = liveDeployment(state, { hash: 'older', ready: 1, rolling: true });
    const liveness = await apply(state, { deployment: rolling }, { previouslyLive: [ruleKey(routes[0]!)] });
    expect(writes()).toEqual([`PATCH networkpolicies/${NAME}`]);
    expect(condition(ConditionType.ConfigReady)).toMatchObject({
      status: 'True',
      message: `config.yaml in ConfigMap ${NAME}; changes wait for the rollout in progress`,
    });
    expect(condition(ConditionType.DeploymentReady)).toMatchObject({ reason: Reason.RolloutInProgress });
    expect(report.fields).toMatchObject({ replicas: 2, readyReplicas: 1 });
    expect(liveness).toEqual({
      notLive: new Set([ruleKey(routes[1]!)]),
      notLiveMessage: 'waiting for the cloudflared rollout in progress to finish',
      held: true,
    });
  });

  it('a Deployment with this configuration still rolling out: new rules are not live yet', async () => {
    const { apply } = setup();
    const state = local();
    const liveness = await apply(state, { deployment: liveDeployment(state, { rolling: true }) });
    expect(liveness.notLiveMessage).toBe('waiting for the cloudflared rollout that carries it');
    expect(liveness.notLive.size).toBe(2);
  });
});

describe('applyObjects: cloudflare mode', () => {
  const remote = () => desired({ configSource: 'cloudflare' });

  it('pushes the configuration, says so, removes a ConfigMap left from local mode; every rule is live', async () => {
    const { apply, writes, cloudflare, report, condition } = setup();
    const state = remote();
    const leftover = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: NAME, namespace: 'shop' } };
    const liveness = await apply(state, { configMap: leftover });
    expect(writes()).toContain(`DELETE configmaps/${NAME}`);
    expect(cloudflare.configurations.get(credentials.tunnelId)?.config).toEqual(state.remoteConfig);
    expect(report.events).toContainEqual(
      expect.objectContaining({
        reason: 'ConfigPushed',
        action: 'PushConfiguration',
        note: 'remote configuration version 1 pushed',
      }),
    );
    expect(condition(ConditionType.ConfigReady)).toMatchObject({
      status: 'True',
      message: 'pushed to Cloudflare as the remotely-managed configuration',
    });
    expect(liveness).toEqual({ notLive: new Set(), notLiveMessage: '' });
  });

  it('a configuration confirmed recently is not read again; one already there is not pushed', async () => {
    const { apply, cloudflare, report } = setup();
    await apply(remote(), {}, { remoteConfirmed: true });
    expect(cloudflare.calls).toEqual([]);
    cloudflare.configurations.set(credentials.tunnelId, { version: 3, config: remote().remoteConfig });
    await apply(remote());
    expect(cloudflare.calls.map((c) => c.split(' ')[0])).toEqual(['getTunnelConfiguration']);
    expect(report.events.map((e) => e.reason)).not.toContain('ConfigPushed');
  });

  it('a push Cloudflare refuses: ConfigReady False with its message and a Warning, and the pass fails', async () => {
    const { apply, cloudflare, report, condition, writes } = setup();
    const refusal = apiError('invalid', 'tunnels.configurations.update');
    cloudflare.fail('putTunnelConfiguration', refusal);
    await expect(apply(remote())).rejects.toBe(refusal);
    expect(condition(ConditionType.ConfigReady)).toMatchObject({
      status: 'False',
      reason: Reason.ConfigPushFailed,
      message: refusal.message,
    });
    expect(report.events).toEqual([
      expect.objectContaining({ type: 'Warning', reason: Reason.ConfigPushFailed, note: refusal.message }),
    ]);
    expect(writes().some((w) => w.includes('deployments'))).toBe(false);
  });

  it('any other push failure fails the pass without a condition', async () => {
    const { apply, cloudflare, condition } = setup();
    const failure = new Error('socket hang up');
    cloudflare.fail('putTunnelConfiguration', failure);
    await expect(apply(remote())).rejects.toBe(failure);
    expect(condition(ConditionType.ConfigReady)).toBeUndefined();
  });
});

describe('applyObjects: Deployment events', () => {
  it.each<[string, { replicas?: number; hash?: string; drift?: boolean }, string[], string[]]>([
    ['scaled', { replicas: 3 }, ['Scaled'], [`scaled Deployment ${NAME} from 3 to 2`]],
    ['configuration changed', { hash: 'older' }, ['ConfigUpdated'], [`configuration changed: rolling ${NAME}`]],
    [
      'both',
      { replicas: 1, hash: 'older' },
      ['Scaled', 'ConfigUpdated'],
      [`scaled Deployment ${NAME} from 1 to 2`, `configuration changed: rolling ${NAME}`],
    ],
    [
      'edited by hand',
      { drift: true },
      ['DeploymentUpdated'],
      [`Deployment ${NAME} brought back to its desired state`],
    ],
  ])('%s', async (_, change, reasons, notes) => {
    const { apply, report } = setup();
    const state = desired({ configSource: 'cloudflare' });
    const live = liveDeployment(state, { replicas: change.replicas, hash: change.hash });
    if (change.drift) live.spec!.template.spec!.containers[0]!.image = 'someone/else:latest';
    await apply(state, { deployment: live });
    const deploymentEvents = report.events.filter((e) => e.action === 'ApplyDeployment');
    expect(deploymentEvents.map((e) => e.reason)).toEqual(reasons);
    expect(deploymentEvents.map((e) => e.note)).toEqual(notes);
  });

  it('one replica: a PDB left from two replicas is deleted', async () => {
    const { apply, writes } = setup();
    const state = desired({ configSource: 'cloudflare', cloudflared: { replicas: 1 } });
    const pdb = { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: NAME, namespace: 'shop' } };
    await apply(state, { podDisruptionBudget: pdb });
    expect(writes()).toContain(`DELETE poddisruptionbudgets/${NAME}`);
  });
});
