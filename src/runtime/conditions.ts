// Status conditions, following apimachinery's meta.SetStatusCondition: lastTransitionTime moves only when the
// status flips; reason, message and observedGeneration are refreshed in place. Pure: returns new arrays.

// The condition shape is the public API's (metav1.Condition as it travels in JSON).
import type { ConditionStatus } from '../api/conditions.js';
import type { Condition } from '../api/types.js';

export type { Condition, ConditionStatus };

/** What a controller decides; the helper fills in the times and the generation. */
export interface ConditionUpdate {
  type: string;
  status: ConditionStatus;
  reason: string;
  message?: string;
}

export interface SetConditionResult {
  conditions: Condition[];
  changed: boolean;
}

/** RFC 3339 with second precision, as metav1.Time serialises. */
export function rfc3339(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

export function findCondition(conditions: readonly Condition[] | undefined, type: string): Condition | undefined {
  return conditions?.find((c) => c.type === type);
}

export function isConditionTrue(conditions: readonly Condition[] | undefined, type: string): boolean {
  return findCondition(conditions, type)?.status === 'True';
}

/**
 * Sets one condition. `now` is epoch milliseconds from the injected clock; `observedGeneration` is the
 * metadata.generation the decision was made from.
 */
export function setCondition(
  conditions: readonly Condition[] | undefined,
  update: ConditionUpdate,
  observedGeneration: number | undefined,
  now: number,
): SetConditionResult {
  const current = conditions ?? [];
  const existing = findCondition(current, update.type);
  const next: Condition = {
    type: update.type,
    status: update.status,
    reason: update.reason,
    message: update.message ?? '',
    lastTransitionTime: existing && existing.status === update.status ? existing.lastTransitionTime : rfc3339(now),
    ...(observedGeneration === undefined ? {} : { observedGeneration }),
  };
  if (existing && sameCondition(existing, next)) {
    return { conditions: current.map((c) => ({ ...c })), changed: false };
  }
  const out = existing
    ? current.map((c) => (c.type === update.type ? next : { ...c }))
    : [...current.map((c) => ({ ...c })), next];
  return { conditions: out, changed: true };
}

/** Sets several conditions in order; `changed` if any of them changed. */
export function setConditions(
  conditions: readonly Condition[] | undefined,
  updates: readonly ConditionUpdate[],
  observedGeneration: number | undefined,
  now: number,
): SetConditionResult {
  let result: SetConditionResult = { conditions: (conditions ?? []).map((c) => ({ ...c })), changed: false };
  for (const update of updates) {
    const step = setCondition(result.conditions, update, observedGeneration, now);
    result = { conditions: step.conditions, changed: result.changed || step.changed };
  }
  return result;
}

/** Removes a condition type; `changed` if it was there. */
export function removeCondition(conditions: readonly Condition[] | undefined, type: string): SetConditionResult {
  const current = conditions ?? [];
  const out = current.filter((c) => c.type !== type).map((c) => ({ ...c }));
  return { conditions: out, changed: out.length !== current.length };
}

function sameCondition(a: Condition, b: Condition): boolean {
  return (
    a.status === b.status &&
    a.reason === b.reason &&
    a.message === b.message &&
    a.lastTransitionTime === b.lastTransitionTime &&
    a.observedGeneration === b.observedGeneration
  );
}
