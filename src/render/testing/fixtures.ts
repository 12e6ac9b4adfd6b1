// Sample objects for the tests of the renderers and controllers (beside the code and in test/). Never built into dist/.
import { API_VERSION } from '../../api/constants.js';
import type { ClusterTunnel, Tunnel, TunnelSpec } from '../../api/types.js';
import type { RenderContext } from '../names.js';
import type { Route } from '../routes.js';

export const ACCOUNT_ID = '0123456789abcdef0123456789abcdef';
export const TUNNEL_ID = '6ff42ae2-765d-4adf-8112-31c55c1551ef';
export const CTX: RenderContext = { operatorNamespace: 'cloudflare-operator' };

export function sampleSpec(overrides: Partial<TunnelSpec> = {}): TunnelSpec {
  return {
    cloudflare: { accountId: ACCOUNT_ID, credentialsSecretRef: { name: 'cf-credentials' }, zones: ['example.com'] },
    ...overrides,
  };
}

export function sampleTunnel(overrides: Partial<TunnelSpec> = {}): Tunnel {
  return {
    apiVersion: API_VERSION,
    kind: 'Tunnel',
    metadata: { name: 'web', namespace: 'shop', uid: '3a1f0c4e-0000-4000-8000-000000000001', generation: 1 },
    spec: sampleSpec(overrides),
  };
}

export function sampleClusterTunnel(overrides: Partial<TunnelSpec> = {}): ClusterTunnel {
  return {
    apiVersion: API_VERSION,
    kind: 'ClusterTunnel',
    metadata: { name: 'shared', uid: '3a1f0c4e-0000-4000-8000-000000000002', generation: 1 },
    spec: sampleSpec(overrides),
  };
}

/** A route to a Service named after the hostname's first label (`wild` for a wildcard). */
export function route(hostname: string, extra: Partial<Route> = {}): Route {
  const service = hostname.replace(/^\*\./, 'wild.').split('.')[0] ?? 'svc';
  return {
    hostname,
    service: `http://${service}.shop.svc.cluster.local:80`,
    source: `Service shop/${service}`,
    ...extra,
  };
}
