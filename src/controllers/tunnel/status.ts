// The next status from the current one and what a reconcile found. Pure: the clock comes in as `now`.
import { ConditionType } from '../../api/conditions.js';
import type { Condition, TunnelStatus } from '../../api/types.js';
import { setCondition, setConditions } from '../../runtime/conditions.js';
import { ADVISORY_CONDITIONS, DETAIL_CONDITIONS, readyCondition } from './conditions.js';
import type { Report } from './report.js';

const ORDER = [ConditionType.Ready, ...DETAIL_CONDITIONS, ...ADVISORY_CONDITIONS];

function rank(type: string): number {
  const at = ORDER.indexOf(type);
  return at < 0 ? ORDER.length : at;
}

export function nextStatus(
  current: TunnelStatus | undefined,
  report: Pick<Report, 'conditions' | 'fields' | 'ready'>,
  generation: number | undefined,
  now: number,
): TunnelStatus {
  const previous: Condition[] | undefined = current?.conditions;
  const detail = setConditions(previous, report.conditions, generation, now).conditions;
  const ready = setCondition(detail, readyCondition(detail, report.ready), generation, now).conditions;
  const conditions = [...ready].sort((a, b) => rank(a.type) - rank(b.type));
  const status: TunnelStatus = { ...structuredClone(current ?? {}), ...structuredClone(report.fields), conditions };
  if (generation !== undefined) status.observedGeneration = generation;
  return status;
}
