// Pure builders: from a tunnel's spec and its routes to Kubernetes objects and cloudflared configuration.
// No I/O, no clock, no environment: the same input always gives the same output.
export * from './cloudflared-config.js';
export * from './credentials-secret.js';
export * from './deployment.js';
export * from './hash.js';
export * from './names.js';
export * from './network-policy.js';
export * from './origin-request.js';
export * from './paths.js';
export * from './pod.js';
export * from './pod-disruption-budget.js';
export * from './remote-config.js';
export * from './routes.js';
