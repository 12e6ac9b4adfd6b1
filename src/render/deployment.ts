// The cloudflared Deployment. Rolling updates surge one pod and never take
// one away before its replacement is ready, so route changes in `local` mode cause no downtime.
import type { V1Deployment, V1PodSpec } from '@kubernetes/client-node';
import { CONFIG_HASH_ANNOTATION } from '../api/constants.js';
import { withDefaults, type DefaultedTunnelSpec } from '../api/defaults.js';
import type { ConfigSource, TunnelLike } from '../api/types.js';
import {
  commonLabels,
  objectMeta,
  objectNames,
  selectorLabels,
  type ObjectNames,
  type RenderContext,
} from './names.js';
import { POD_SECURITY_CONTEXT, cloudflaredContainer, volumes } from './pod.js';

export interface DeploymentOptions extends RenderContext {
  /**
   * Hash of everything whose change must restart cloudflared: the config (`local` mode) and the
   * credentials. Changing it rolls the pods; leaving it alone never does.
   */
  configHash: string;
  /** Where cloudflared reads its ingress rules from (normally spec.configSource). */
  mode: ConfigSource;
}

/** cloudflared drains for up to 30 s (its --grace-period) after SIGTERM; leave it room to finish. */
const TERMINATION_GRACE_SECONDS = 45;

function schedulingFields(spec: DefaultedTunnelSpec): Partial<V1PodSpec> {
  const { nodeSelector, tolerations, affinity, priorityClassName } = spec.cloudflared;
  const out: Partial<V1PodSpec> = {};
  if (nodeSelector && Object.keys(nodeSelector).length > 0) out.nodeSelector = nodeSelector;
  if (tolerations && tolerations.length > 0) out.tolerations = tolerations;
  if (affinity) out.affinity = affinity;
  if (priorityClassName) out.priorityClassName = priorityClassName;
  return out;
}

function podSpec(tunnel: TunnelLike, spec: DefaultedTunnelSpec, mode: ConfigSource, names: ObjectNames): V1PodSpec {
  const podVolumes = volumes(spec, mode, names);
  const pod: V1PodSpec = {
    automountServiceAccountToken: false,
    enableServiceLinks: false,
    securityContext: POD_SECURITY_CONTEXT,
    terminationGracePeriodSeconds: TERMINATION_GRACE_SECONDS,
    containers: [cloudflaredContainer(spec, mode, podVolumes, names)],
    // Spread replicas over nodes when possible; a single-node cluster still schedules them all.
    topologySpreadConstraints: [
      {
        maxSkew: 1,
        topologyKey: 'kubernetes.io/hostname',
        whenUnsatisfiable: 'ScheduleAnyway',
        labelSelector: { matchLabels: selectorLabels(tunnel) },
        matchLabelKeys: ['pod-template-hash'],
      },
    ],
    ...schedulingFields(spec),
  };
  if (podVolumes.length > 0) pod.volumes = podVolumes;
  return pod;
}

/**
 * The cloudflared Deployment. User pod labels and annotations are kept, but ours win on a clash. The result
 * shares no object with the tunnel or with module constants, so callers may edit it freely.
 */
export function deployment(tunnel: TunnelLike, options: DeploymentOptions): V1Deployment {
  const spec = withDefaults(tunnel.spec);
  const names = objectNames(tunnel);
  const { podLabels = {}, podAnnotations = {} } = spec.cloudflared;
  return structuredClone<V1Deployment>({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: objectMeta(tunnel, options, names.deployment),
    spec: {
      replicas: spec.cloudflared.replicas,
      revisionHistoryLimit: 3,
      selector: { matchLabels: selectorLabels(tunnel) },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
      template: {
        metadata: {
          labels: { ...podLabels, ...commonLabels(tunnel) },
          annotations: { ...podAnnotations, [CONFIG_HASH_ANNOTATION]: options.configHash },
        },
        spec: podSpec(tunnel, spec, options.mode, names),
      },
    },
  });
}
