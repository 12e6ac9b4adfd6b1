// Brings the tunnel's Kubernetes objects (and, in `cloudflare` mode, its remote configuration) to the desired
// state, writing only what differs.
import type {
  V1ConfigMap,
  V1Deployment,
  V1NetworkPolicy,
  V1PodDisruptionBudget,
  V1Secret,
} from '@kubernetes/client-node';
import { ConditionType, Reason } from '../../api/conditions.js';
import { CONFIG_HASH_ANNOTATION } from '../../api/constants.js';
import type { Condition } from '../../api/types.js';
import { isCloudflareApiError, type CloudflareGateway } from '../../cloudflare/index.js';
import type { ResourceClient } from '../../runtime/kube-client.js';
import { applyIfChanged, deleteIfExists } from '../shared/apply.js';
import { CONFIG_MAP, DEPLOYMENT, POD_DISRUPTION_BUDGET, SECRET } from '../shared/resources.js';
import { deploymentCondition, failed, ok } from './conditions.js';
import { configSizeProblem } from './config-size.js';
import type { DesiredState } from './desired.js';
import { syncNetworkPolicy } from './network-policy-step.js';
import { syncRemoteConfig, type PushedConfigs } from './remote-config-step.js';
import { StepFailure, type Report } from './report.js';
import { ruleKey } from './route-status.js';
import { holdForRollout } from './rollout-guard.js';

export interface ActualObjects {
  secret: V1Secret | undefined;
  configMap: V1ConfigMap | undefined;
  deployment: V1Deployment | undefined;
  podDisruptionBudget: V1PodDisruptionBudget | undefined;
  networkPolicy: V1NetworkPolicy | undefined;
}

export interface ObjectsStepInput {
  client: ResourceClient;
  gateway: CloudflareGateway;
  accountId: string;
  tunnelId: string;
  desired: DesiredState;
  actual: ActualObjects;
  /** The rules the desired configuration carries (ruleKey). */
  rules: readonly { hostname: string; path?: string; service: string }[];
  /** `cloudflare` mode: this very configuration was confirmed on Cloudflare recently; no need to read it back. */
  remoteConfirmed: boolean;
  /** `local` mode: the rules the last status reported Active, so served by the pods running now. */
  previouslyLive: ReadonlySet<string>;
  /** `cloudflare` mode: what was last pushed, under `key` (the credential and the tunnel). */
  pushes: { pushes: PushedConfigs; key: string };
  /** The conditions of the last status written. */
  previousConditions: readonly Condition[] | undefined;
  report: Report;
}

/** A configuration the API server would refuse stops the pass before any write (nothing half-applied). */
function refuseOversizedConfig(desired: DesiredState, report: Report): void {
  const problem = configSizeProblem(desired);
  if (!problem) return;
  report.set(failed(ConditionType.ConfigReady, Reason.ConfigTooLarge, problem));
  report.warning(Reason.ConfigTooLarge, 'RenderConfig', problem);
  throw new StepFailure(problem, 'terminal');
}

/** Rules of the desired configuration that cloudflared does not run with yet, and why. */
export interface Liveness {
  notLive: Set<string>;
  notLiveMessage: string;
  /** `local` mode: the configuration change waits for the rollout in progress (so do its DNS records). */
  held?: true;
}

export async function applyObjects(input: ObjectsStepInput): Promise<Liveness> {
  const { desired, actual, report } = input;
  refuseOversizedConfig(desired, report);
  // First, and also while a rollout holds the rest: the policy must allow a route's pods by the time cloudflared
  // has the route.
  await syncNetworkPolicy({
    client: input.client,
    desired,
    actual: actual.networkPolicy,
    previousConditions: input.previousConditions,
    report,
  });
  const wanted = desired.deployment.spec?.replicas ?? 0;
  if (desired.mode === 'local' && holdForRollout(actual.deployment, wanted, desired.configHash)) {
    report.set(
      ok(
        ConditionType.ConfigReady,
        Reason.ConfigApplied,
        `${configMessage(desired)}; changes wait for the rollout in progress`,
      ),
    );
    report.set(deploymentCondition(actual.deployment, wanted));
    report.fields.replicas = wanted;
    report.fields.readyReplicas = actual.deployment?.status?.readyReplicas ?? 0;
    return {
      notLive: notYetLive(input),
      notLiveMessage: 'waiting for the cloudflared rollout in progress to finish',
      held: true,
    };
  }
  await applyConfig(input);
  report.set(ok(ConditionType.ConfigReady, Reason.ConfigApplied, configMessage(desired)));
  const deployment = await applyDeployment(input);
  if (desired.mode === 'local' && !rolledOut(deployment, wanted, desired.configHash)) {
    return { notLive: notYetLive(input), notLiveMessage: 'waiting for the cloudflared rollout that carries it' };
  }
  return { notLive: new Set(), notLiveMessage: '' };
}

/** Rules the pods running now do not serve: those not Active before (new, or changed). */
function notYetLive(input: ObjectsStepInput): Set<string> {
  return new Set(input.rules.map(ruleKey).filter((key) => !input.previouslyLive.has(key)));
}

/** `local` mode: the pods run this configuration (a rolled-out Deployment with its hash; none at zero replicas). */
function rolledOut(deployment: V1Deployment | undefined, wanted: number, configHash: string): boolean {
  if (!deployment || configHashOf(deployment) !== configHash) return false;
  return deploymentCondition(deployment, wanted).reason !== Reason.RolloutInProgress;
}

async function applyConfig(input: ObjectsStepInput): Promise<void> {
  const { client, desired, actual } = input;
  await applyIfChanged(client, SECRET, desired.secret, actual.secret);
  if (desired.configMap) {
    await applyIfChanged(client, CONFIG_MAP, desired.configMap, actual.configMap);
  } else if (actual.configMap) {
    await deleteIfExists(client, CONFIG_MAP, namespaceOf(desired), nameOf(actual.configMap));
  }
  if (desired.remoteConfig && !input.remoteConfirmed) await pushRemoteConfig(input);
}

async function applyDeployment(input: ObjectsStepInput): Promise<V1Deployment | undefined> {
  const { client, desired, actual, report } = input;
  const applied = await applyIfChanged(client, DEPLOYMENT, desired.deployment, actual.deployment);
  deploymentEvents(report, applied.outcome, desired.deployment, actual.deployment);
  if (desired.podDisruptionBudget) {
    await applyIfChanged(client, POD_DISRUPTION_BUDGET, desired.podDisruptionBudget, actual.podDisruptionBudget);
  } else if (actual.podDisruptionBudget) {
    await deleteIfExists(client, POD_DISRUPTION_BUDGET, namespaceOf(desired), nameOf(actual.podDisruptionBudget));
  }
  const wanted = desired.deployment.spec?.replicas ?? 0;
  report.set(deploymentCondition(applied.object, wanted));
  report.fields.replicas = wanted;
  report.fields.readyReplicas = applied.object?.status?.readyReplicas ?? 0;
  return applied.object;
}

function namespaceOf(desired: DesiredState): string | undefined {
  return desired.deployment.metadata?.namespace;
}

function nameOf(object: { metadata?: { name?: string } }): string {
  return object.metadata?.name ?? '';
}

function configMessage(desired: DesiredState): string {
  return desired.mode === 'local'
    ? `config.yaml in ConfigMap ${desired.configMap?.metadata?.name ?? ''}`
    : 'pushed to Cloudflare as the remotely-managed configuration';
}

/** PUT the remote configuration only when Cloudflare's is not ours (see remote-config-step.ts). */
async function pushRemoteConfig(input: ObjectsStepInput): Promise<void> {
  const { gateway, accountId, tunnelId, desired, report } = input;
  const wanted = desired.remoteConfig;
  if (!wanted) return;
  try {
    const version = await syncRemoteConfig({ gateway, accountId, tunnelId, wanted, ...input.pushes });
    if (version !== undefined) {
      report.normal('ConfigPushed', 'PushConfiguration', `remote configuration version ${version} pushed`);
    }
  } catch (err: unknown) {
    if (isCloudflareApiError(err)) {
      report.set(failed(ConditionType.ConfigReady, Reason.ConfigPushFailed, err.message));
      report.warning(Reason.ConfigPushFailed, 'PushConfiguration', err.message);
    }
    throw err;
  }
}

function configHashOf(deployment: V1Deployment): string | undefined {
  return deployment.spec?.template.metadata?.annotations?.[CONFIG_HASH_ANNOTATION];
}

function deploymentEvents(
  report: Report,
  outcome: 'created' | 'updated' | 'unchanged',
  desired: V1Deployment,
  actual: V1Deployment | undefined,
): void {
  const name = nameOf(desired);
  if (outcome === 'created') report.normal('DeploymentCreated', 'ApplyDeployment', `created Deployment ${name}`);
  if (outcome !== 'updated' || !actual) return;
  const from = actual.spec?.replicas ?? 0;
  const to = desired.spec?.replicas ?? 0;
  const rolled = configHashOf(actual) !== configHashOf(desired);
  if (from !== to) report.normal('Scaled', 'ApplyDeployment', `scaled Deployment ${name} from ${from} to ${to}`);
  if (rolled) report.normal('ConfigUpdated', 'ApplyDeployment', `configuration changed: rolling ${name}`);
  if (from === to && !rolled) {
    report.normal('DeploymentUpdated', 'ApplyDeployment', `Deployment ${name} brought back to its desired state`);
  }
}
