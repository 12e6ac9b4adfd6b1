// In `local` mode cloudflared cannot reload its config file, so a route change is a rolling restart. A second
// rollout must never start while one is in progress: the change waits, and the next rollout carries everything
// accumulated meanwhile. Pure.
import type { V1ConfigMap, V1Deployment } from '@kubernetes/client-node';
import { parse } from 'yaml';
import { CONFIG_HASH_ANNOTATION } from '../../api/constants.js';
import { CONFIG_FILE } from '../../render/paths.js';
import { deploymentCondition } from './conditions.js';
import { ruleKey } from './route-status.js';

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

/** Rule keys (hostname, path, service) of the config.yaml in a ConfigMap; empty when absent or unreadable. */
export function liveRuleKeys(configMap: V1ConfigMap | undefined): Set<string> {
  const text = configMap?.data?.[CONFIG_FILE];
  if (!text) return new Set();
  try {
    const config = parse(text) as { ingress?: { hostname?: string; path?: string; service?: string }[] } | null;
    const rules = (config?.ingress ?? []).filter((r) => r.hostname);
    return new Set(rules.map((r) => ruleKey({ hostname: r.hostname ?? '', path: r.path, service: r.service ?? '' })));
  } catch {
    return new Set();
  }
}
