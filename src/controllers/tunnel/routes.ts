// The seam for the Service controller: the routes a tunnel serves. Until that controller exists no Service
// contributes routes, so a tunnel serves only its fallback rule.
import type { TunnelLike } from '../../api/types.js';
import type { Route } from '../../render/index.js';

/** Routes of `tunnel` (sorted later by the renderers). Pure. */
export function desiredRoutes(_tunnel: TunnelLike): Route[] {
  return [];
}
