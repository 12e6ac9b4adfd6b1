// Brings the cloudflared NetworkPolicy to the desired state (applied, or deleted once switched off) and reports
// NetworkPolicyReady, with a Warning Event when the origins it cannot allow change (not on every pass).
import type { V1NetworkPolicy } from '@kubernetes/client-node';
import { ConditionType, Reason } from '../../api/conditions.js';
import type { Condition } from '../../api/types.js';
import type { ConditionUpdate } from '../../runtime/conditions.js';
import type { ResourceClient } from '../../runtime/kube-client.js';
import { applyIfChanged, deleteIfExists } from '../shared/apply.js';
import { NETWORK_POLICY } from '../shared/resources.js';
import { networkPolicyCondition } from './conditions.js';
import type { DesiredState } from './desired.js';
import type { Report } from './report.js';

export interface NetworkPolicyStepInput {
  client: ResourceClient;
  desired: Pick<DesiredState, 'networkPolicy' | 'policyGaps'>;
  actual: V1NetworkPolicy | undefined;
  /** The conditions of the last status written. */
  previousConditions: readonly Condition[] | undefined;
  report: Report;
}

export async function syncNetworkPolicy(input: NetworkPolicyStepInput): Promise<void> {
  const { client, desired, actual, report } = input;
  if (desired.networkPolicy) {
    await applyIfChanged(client, NETWORK_POLICY, desired.networkPolicy, actual);
  } else if (actual) {
    await deleteIfExists(client, NETWORK_POLICY, actual.metadata?.namespace, actual.metadata?.name ?? '');
  }
  const condition = networkPolicyCondition(desired.networkPolicy?.metadata?.name, desired.policyGaps);
  report.set(condition);
  if (isNewGap(input.previousConditions, condition)) {
    report.warning(Reason.OriginNotSelectable, 'ApplyNetworkPolicy', condition.message ?? '');
  }
}

/** A False NetworkPolicyReady the last status did not already report with the same message. */
export function isNewGap(previous: readonly Condition[] | undefined, next: ConditionUpdate): boolean {
  if (next.status !== 'False') return false;
  const before = previous?.find((c) => c.type === ConditionType.NetworkPolicyReady);
  return before?.status !== 'False' || before.message !== next.message;
}
