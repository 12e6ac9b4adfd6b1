// Route claims: what Services ask of tunnels, and which requests are served when they conflict.
export { resolveClaims, type LossReason, type ResolvedClaim } from './claims.js';
export { normalizeRouteHostname, type HostnameResult } from './hostnames.js';
export { inferProtocol } from './protocol.js';
export { serviceRoutes, type ServiceRouteOptions, type ServiceRoutes, type TunnelInfo } from './service-routes.js';
export * from './types.js';
