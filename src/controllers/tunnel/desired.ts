// The desired state of a tunnel's Kubernetes objects and remote configuration. Pure: same inputs, same output.
import type {
  V1ConfigMap,
  V1Deployment,
  V1NetworkPolicy,
  V1PodDisruptionBudget,
  V1Secret,
} from '@kubernetes/client-node';
import { withDefaults } from '../../api/defaults.js';
import type { ConfigSource, TunnelLike } from '../../api/types.js';
import type { TunnelConfiguration } from '../../cloudflare/index.js';
import {
  cloudflaredConfig,
  configMap,
  deployment,
  hash,
  networkPolicy,
  podDisruptionBudget,
  policyGaps,
  remoteConfiguration,
  wantsNetworkPolicy,
  wantsPodDisruptionBudget,
  type RenderContext,
  type Route,
  type RouteBackend,
  type TunnelCredentials,
  type UnselectableBackend,
} from '../../render/index.js';
import { storedTunnelSecret } from './stored-tunnel.js';

export interface DesiredState {
  mode: ConfigSource;
  secret: V1Secret;
  /** `local` mode only. */
  configMap: V1ConfigMap | undefined;
  deployment: V1Deployment;
  /** Only while replicas ≥ 2. */
  podDisruptionBudget: V1PodDisruptionBudget | undefined;
  /** Unless switched off (spec.cloudflared.networkPolicy.enabled: false). */
  networkPolicy: V1NetworkPolicy | undefined;
  /** With a networkPolicy: what cloudflared must reach that it cannot allow. */
  policyGaps: UnselectableBackend[];
  /** `cloudflare` mode only: what to PUT as the tunnel's remotely-managed configuration. */
  remoteConfig: TunnelConfiguration | undefined;
  /** On the pod template: changes only when cloudflared must restart. */
  configHash: string;
}

export interface DesiredInput {
  tunnel: TunnelLike;
  credentials: TunnelCredentials;
  created: boolean;
  routes: readonly Route[];
  /** Where the routes' traffic goes (one entry per route, in any order). */
  backends: readonly RouteBackend[];
  ctx: RenderContext;
}

/**
 * `local`: the hash covers config.yaml and the credentials, so a route or origin-default change rolls the pods.
 * `cloudflare`: it covers only the token, so route changes (pushed through the API) never roll them.
 */
export function desiredState(input: DesiredInput): DesiredState {
  const { tunnel, credentials, created, routes, backends, ctx } = input;
  const spec = withDefaults(tunnel.spec);
  const mode = spec.configSource;
  const secret = storedTunnelSecret(tunnel, { state: 'ready', credentials, created }, mode, ctx);
  const credentialsHash = hash(secret.data);
  let config: V1ConfigMap | undefined;
  let remoteConfig: TunnelConfiguration | undefined;
  let configHash: string;
  if (mode === 'local') {
    const yaml = cloudflaredConfig(credentials.tunnelId, routes, tunnel.spec);
    config = configMap(tunnel, yaml, ctx);
    configHash = hash({ config: yaml, credentials: credentialsHash });
  } else {
    remoteConfig = remoteConfiguration(routes, tunnel.spec).config;
    configHash = hash({ credentials: credentialsHash });
  }
  return {
    mode,
    secret,
    configMap: config,
    deployment: deployment(tunnel, { ...ctx, configHash, mode }),
    podDisruptionBudget: wantsPodDisruptionBudget(tunnel) ? podDisruptionBudget(tunnel, ctx) : undefined,
    ...egressPolicy(tunnel, backends, ctx),
    remoteConfig,
    configHash,
  };
}

function egressPolicy(
  tunnel: TunnelLike,
  backends: readonly RouteBackend[],
  ctx: RenderContext,
): Pick<DesiredState, 'networkPolicy' | 'policyGaps'> {
  if (!wantsNetworkPolicy(tunnel)) return { networkPolicy: undefined, policyGaps: [] };
  return { networkPolicy: networkPolicy(tunnel, backends, ctx), policyGaps: policyGaps(tunnel, backends) };
}
