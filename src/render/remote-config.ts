// The body of Cloudflare's "put tunnel configuration" call for `cloudflare` (remotely managed) mode:
// the same rules as config.yaml, in the same order, with durations as integer seconds as the API wants.
import { withDefaults } from '../api/defaults.js';
import type { TunnelSpec } from '../api/types.js';
import { ingressRules, type IngressRule } from './cloudflared-config.js';
import { defaultOriginRequest, toRemoteOriginRequest, type RemoteOriginRequest } from './origin-request.js';
import type { Route } from './routes.js';

/** The body of the PUT; its `config` is assignable as it is to the gateway's TunnelConfiguration. */
export interface RemoteTunnelConfiguration {
  config: {
    ingress: IngressRule<RemoteOriginRequest>[];
    originRequest?: RemoteOriginRequest;
  };
}

export function remoteConfiguration(routes: readonly Route[], spec: TunnelSpec): RemoteTunnelConfiguration {
  const ingress = ingressRules(routes, spec).map((rule): IngressRule<RemoteOriginRequest> => {
    const { originRequest, ...rest } = rule;
    return originRequest ? { ...rest, originRequest: toRemoteOriginRequest(originRequest) } : rest;
  });
  const defaults = defaultOriginRequest(withDefaults(spec).originRequest);
  const config: RemoteTunnelConfiguration['config'] = { ingress };
  if (Object.keys(defaults).length > 0) config.originRequest = toRemoteOriginRequest(defaults);
  return { config };
}
