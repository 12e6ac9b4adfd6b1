// Pure decisions for the status conditions: one function per condition whose inputs are gathered elsewhere, and
// the Ready summary over the others.
import type { V1Deployment } from '@kubernetes/client-node';
import { ConditionType, Reason } from '../../api/conditions.js';
import type { CloudflareApiError } from '../../cloudflare/index.js';
import type { Condition, ConditionUpdate } from '../../runtime/conditions.js';

/** Every condition except Ready, in the order they are reported. */
export const DETAIL_CONDITIONS: readonly string[] = [
  ConditionType.CredentialsValid,
  ConditionType.TunnelReady,
  ConditionType.ConfigReady,
  ConditionType.DNSReady,
  ConditionType.DeploymentReady,
];

export const ok = (type: string, reason: string, message = ''): ConditionUpdate => ({
  type,
  status: 'True',
  reason,
  message,
});
export const failed = (type: string, reason: string, message: string): ConditionUpdate => ({
  type,
  status: 'False',
  reason,
  message,
});

/** DeploymentReady from the live Deployment and the wanted replicas. */
export function deploymentCondition(actual: V1Deployment | undefined, wanted: number): ConditionUpdate {
  const type = ConditionType.DeploymentReady;
  if (wanted === 0) return ok(type, Reason.ScaledToZero, 'cloudflared is scaled to zero');
  if (!actual) return failed(type, Reason.RolloutInProgress, 'the cloudflared Deployment is being created');
  const status = actual.status ?? {};
  const generation = actual.metadata?.generation ?? 0;
  const ready = status.readyReplicas ?? 0;
  const rolling =
    (status.observedGeneration ?? 0) < generation ||
    (status.updatedReplicas ?? 0) < wanted ||
    (status.replicas ?? 0) > wanted;
  if (rolling) return failed(type, Reason.RolloutInProgress, `rollout in progress: ${ready}/${wanted} ready`);
  if (ready < wanted) return failed(type, Reason.ReplicasUnavailable, `${ready}/${wanted} replicas ready`);
  return ok(type, Reason.ReplicasReady, `${ready}/${wanted} replicas ready`);
}

/** Cloudflare answers that concern the credentials, mapped to CredentialsValid reasons; undefined otherwise. */
export function credentialsFailure(err: CloudflareApiError): ConditionUpdate | undefined {
  const type = ConditionType.CredentialsValid;
  if (err.kind === 'auth') {
    const unknownCredential = err.status === 401 || err.hasCode(10000) || err.hasCode(9103) || err.hasCode(6003);
    return unknownCredential
      ? failed(type, Reason.InvalidCredentials, `Cloudflare refused the credentials: ${err.message}`)
      : failed(type, Reason.PermissionDenied, `the credentials lack a permission: ${err.message}`);
  }
  if (err.operation.startsWith('accounts.')) {
    if (err.kind === 'notFound') return failed(type, Reason.AccountNotFound, err.message);
    if (err.kind === 'invalid') return failed(type, Reason.AccountAmbiguous, err.message);
  }
  return undefined;
}

/**
 * The Ready summary: `override` when the reconcile itself failed or the object is being deleted; else True when
 * every other condition is True, else the first one that is not names the reason.
 */
export function readyCondition(
  conditions: readonly Condition[],
  override: ConditionUpdate | undefined,
): ConditionUpdate {
  if (override) return override;
  for (const type of DETAIL_CONDITIONS) {
    const condition = conditions.find((c) => c.type === type);
    if (!condition) return failed(ConditionType.Ready, Reason.Progressing, `${type} is not known yet`);
    if (condition.status === 'True') continue;
    if (condition.reason === Reason.RolloutInProgress) {
      return failed(ConditionType.Ready, Reason.Progressing, `${type}: ${condition.message}`);
    }
    return failed(ConditionType.Ready, Reason.NotReady, `${type} is ${condition.status}: ${condition.message}`);
  }
  return ok(ConditionType.Ready, Reason.Reconciled, 'the tunnel is up and serving its routes');
}
