// In `local` mode cloudflared cannot reload its config file, so a route change is a rolling restart. A second
// rollout must never start while one is in progress: the change waits, and the next rollout carries everything
// accumulated meanwhile. Pure.
import type { V1Deployment } from '@kubernetes/client-node';
import { CONFIG_HASH_ANNOTATION } from '../../api/constants.js';
import { deploymentCondition } from './conditions.js';

/**
 * True when the Deployment is rolling out a configuration other than `configHash`: applying now would start a
 * second rollout. A rollout that exceeded its progress deadline is stuck, not progressing: it does not hold.
 */
export function holdForRollout(live: V1Deployment | undefined, wanted: number, configHash: string): boolean {
  if (!live) return false;
  const liveHash = live.spec?.template.metadata?.annotations?.[CONFIG_HASH_ANNOTATION];
  if (liveHash === configHash) return false;
  const stuck = live.status?.conditions?.some((c) => c.type === 'Progressing' && c.status === 'False') ?? false;
  return !stuck && deploymentCondition(live, wanted).reason === 'RolloutInProgress';
}
