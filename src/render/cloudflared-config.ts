// cloudflared's config.yaml for `local` mode, and the ConfigMap that carries it.
import type { V1ConfigMap } from '@kubernetes/client-node';
import { stringify } from 'yaml';
import { CONFIG_HASH_ANNOTATION } from '../api/constants.js';
import { withDefaults } from '../api/defaults.js';
import type { TunnelLike, TunnelSpec } from '../api/types.js';
import { hash } from './hash.js';
import { objectMeta, objectNames, type RenderContext } from './names.js';
import { defaultOriginRequest, mergeOriginRequest, type CloudflaredOriginRequest } from './origin-request.js';
import { CONFIG_FILE, CREDENTIALS_PATH, METRICS_ADDRESS } from './paths.js';
import { sortRoutes, type Route } from './routes.js';

/** One cloudflared ingress rule. The last rule has neither hostname nor path: it catches everything. */
export interface IngressRule<O = CloudflaredOriginRequest> {
  hostname?: string;
  path?: string;
  service: string;
  originRequest?: O;
}

/**
 * The ingress rules in cloudflared's order: routes sorted by specificity, each with its effective
 * originRequest (overrides merged over the defaults), then the fallback rule.
 */
export function ingressRules(routes: readonly Route[], spec: TunnelSpec): IngressRule[] {
  const defaulted = withDefaults(spec);
  const defaults = defaultOriginRequest(defaulted.originRequest);
  const rules: IngressRule[] = sortRoutes(routes).map((route) => {
    const rule: IngressRule = route.path
      ? { hostname: route.hostname, path: route.path, service: route.service }
      : { hostname: route.hostname, service: route.service };
    const originRequest = mergeOriginRequest(defaults, route.originRequest);
    if (Object.keys(originRequest).length > 0) rule.originRequest = originRequest;
    return rule;
  });
  rules.push({ service: defaulted.fallbackService });
  return rules;
}

/** The text of config.yaml. Deterministic: the same inputs give the same bytes. */
export function cloudflaredConfig(tunnelId: string, routes: readonly Route[], spec: TunnelSpec): string {
  const originRequest = defaultOriginRequest(withDefaults(spec).originRequest);
  const config: Record<string, unknown> = {
    tunnel: tunnelId,
    'credentials-file': CREDENTIALS_PATH,
    metrics: METRICS_ADDRESS,
    'no-autoupdate': true,
  };
  if (Object.keys(originRequest).length > 0) config.originRequest = originRequest;
  config.ingress = ingressRules(routes, spec);
  return stringify(config, { lineWidth: 0 });
}

/** Hash of a rendered config.yaml, for the pod template annotation that triggers a rollout. */
export function configHash(configYaml: string): string {
  return hash(configYaml);
}

/** The ConfigMap holding config.yaml, annotated with its hash. */
export function configMap(tunnel: TunnelLike, configYaml: string, ctx: RenderContext): V1ConfigMap {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: objectMeta(tunnel, ctx, objectNames(tunnel).configMap, {
      [CONFIG_HASH_ANNOTATION]: configHash(configYaml),
    }),
    data: { [CONFIG_FILE]: configYaml },
  };
}
