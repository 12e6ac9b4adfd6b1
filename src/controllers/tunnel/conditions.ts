// Pure decisions for the status conditions: one function per condition whose inputs are gathered elsewhere, and
// the Ready summary over the others.
import type { V1Deployment } from '@kubernetes/client-node';
import { ConditionType, Reason } from '../../api/conditions.js';
import type { CloudflareApiError } from '../../cloudflare/index.js';
import type { UnselectableBackend } from '../../render/index.js';
import type { Condition, ConditionUpdate } from '../../runtime/conditions.js';

/** The conditions Ready sums up, in the order they are reported. */
export const DETAIL_CONDITIONS: readonly string[] = [
  ConditionType.CredentialsValid,
  ConditionType.TunnelReady,
  ConditionType.ConfigReady,
  ConditionType.DNSReady,
  ConditionType.DeploymentReady,
];

/** Reported after the others, and not part of Ready (see ConditionType.NetworkPolicyReady). */
export const ADVISORY_CONDITIONS: readonly string[] = [ConditionType.NetworkPolicyReady];

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

/** Gaps named in the message; the rest are counted. */
const GAPS_NAMED = 5;

/**
 * NetworkPolicyReady from the policy's name (none: switched off) and the origins it cannot allow. False names them
 * and the two ways out, as such a route is blocked wherever policies are enforced.
 */
export function networkPolicyCondition(
  policyName: string | undefined,
  gaps: readonly UnselectableBackend[],
): ConditionUpdate {
  const type = ConditionType.NetworkPolicyReady;
  if (policyName === undefined) {
    return ok(
      type,
      Reason.NetworkPolicyDisabled,
      "spec.cloudflared.networkPolicy.enabled is false: cloudflared's egress is not restricted",
    );
  }
  if (gaps.length === 0) {
    return ok(
      type,
      Reason.NetworkPolicyApplied,
      `NetworkPolicy ${policyName} lets cloudflared reach its routes' pods, cluster DNS and Cloudflare's edge only`,
    );
  }
  const named = gaps.slice(0, GAPS_NAMED).map((gap) => `${gap.source} (${gap.reason})`);
  if (gaps.length > GAPS_NAMED) named.push(`${gaps.length - GAPS_NAMED} more`);
  return failed(
    type,
    Reason.OriginNotSelectable,
    `NetworkPolicy ${policyName} cannot allow ${named.join(', ')}: where NetworkPolicies are enforced cloudflared ` +
      `cannot reach them; allow them with a NetworkPolicy of your own (policies add up) or set ` +
      `spec.cloudflared.networkPolicy.enabled to false`,
  );
}

/**
 * Cloudflare answers that concern the credentials, mapped to CredentialsValid reasons; undefined otherwise. The
 * message names the code and what to change (a missing permission, a malformed token), never the credential.
 *
 *   answer                                         | reason             | says
 *   -----------------------------------------------+--------------------+------------------------------------------
 *   400 6003 / 6111 (malformed Authorization)      | InvalidCredentials | the token is not in the token format
 *   400 9106 (no credentials)                      | InvalidCredentials | no credentials reached Cloudflare
 *   403 9109 (IP-restricted token)                 | PermissionDenied   | the token refuses this client's address
 *   accounts.list 1001 (account-owned token)       | PermissionDenied   | use spec.cloudflare.accountId
 *   403 10000, token verified valid                | PermissionDenied   | the permission group the call needs
 *   403 10000 / 9103, 401, token unknown           | InvalidCredentials | Cloudflare does not know the credentials
 *   other 401/403                                  | PermissionDenied   | the credentials lack a permission
 *   accounts.* not found / ambiguous               | AccountNotFound / AccountAmbiguous
 */
export function credentialsFailure(err: CloudflareApiError): ConditionUpdate | undefined {
  return byCode(err) ?? byKind(err);
}

const invalid = (message: string): ConditionUpdate =>
  failed(ConditionType.CredentialsValid, Reason.InvalidCredentials, message);
const denied = (message: string): ConditionUpdate =>
  failed(ConditionType.CredentialsValid, Reason.PermissionDenied, message);

/** Answers whose code says what is wrong with the credentials. */
function byCode(err: CloudflareApiError): ConditionUpdate | undefined {
  if (err.hasCode(6003) || err.hasCode(6111)) {
    return invalid(
      `Cloudflare refused the API token as malformed (code 6003: it is not in the token format; look for stray ` +
        `spaces, quotes or line breaks in the Secret's value): ${err.message}`,
    );
  }
  if (err.hasCode(9106)) return invalid(`no credentials reached Cloudflare (code 9106): ${err.message}`);
  if (err.hasCode(9109)) {
    return denied(`the API token's client IP filtering refuses the operator's address (code 9109): ${err.message}`);
  }
  if (err.operation === 'accounts.list' && err.hasCode(1001)) {
    return denied(
      `account-owned API tokens cannot list accounts (code 1001): set spec.cloudflare.accountId instead of ` +
        `accountName, or use a user-owned token with Account · Account Settings · Read: ${err.message}`,
    );
  }
  return undefined;
}

function byKind(err: CloudflareApiError): ConditionUpdate | undefined {
  if (err.kind === 'auth') {
    if (err.auth?.tokenValid === true) {
      const permission = err.auth.permission ?? 'a permission this call needs';
      return denied(
        `the API token is valid but lacks ${permission} (or the resource is outside its scope): ${err.message}`,
      );
    }
    const unknownCredential =
      err.auth?.tokenValid === false || err.status === 401 || err.hasCode(10000) || err.hasCode(9103);
    return unknownCredential
      ? invalid(`Cloudflare does not know the credentials: ${err.message}`)
      : denied(`the credentials lack a permission: ${err.message}`);
  }
  if (err.operation.startsWith('accounts.')) {
    const type = ConditionType.CredentialsValid;
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
