// GET/PUT /accounts/:account_id/cfd_tunnel/:tunnel_id/configurations
import type { ConfigurationGetResponse } from 'cloudflare/resources/zero-trust/tunnels/cloudflared/configurations';
import { fail, success } from '../envelope.js';
import type { TunnelState } from '../state.js';
import { objectBody, tunnelOf, type Handler } from './common.js';

function wireConfiguration(tunnel: TunnelState): ConfigurationGetResponse {
  return {
    account_id: tunnel.accountId,
    tunnel_id: tunnel.id,
    version: tunnel.config.version,
    config: (tunnel.config.config ?? null) as ConfigurationGetResponse['config'],
    source: tunnel.configSrc,
    created_at: tunnel.config.updatedAt,
  };
}

export const getConfiguration: Handler = (ctx) => success(wireConfiguration(tunnelOf(ctx)));

export const putConfiguration: Handler = (ctx) => {
  const tunnel = tunnelOf(ctx);
  if (tunnel.deletedAt !== undefined) throw fail(404, 1003, 'Tunnel not found.');
  const config = objectBody(ctx)['config'];
  if (typeof config !== 'object' || config === null || Array.isArray(config)) {
    throw fail(400, 1001, 'Invalid request: config must be an object.');
  }
  const ingress = (config as { ingress?: unknown }).ingress;
  if (ingress !== undefined && !isIngressList(ingress)) {
    throw fail(400, 1001, 'Invalid request: every ingress rule needs a service.');
  }
  tunnel.config = {
    version: tunnel.config.version + 1,
    config: structuredClone(config as Record<string, unknown>),
    updatedAt: ctx.state.timestamp(),
  };
  return success(wireConfiguration(tunnel));
};

function isIngressList(value: unknown): boolean {
  return (
    Array.isArray(value) &&
    value.every(
      (rule) =>
        typeof rule === 'object' && rule !== null && typeof (rule as { service?: unknown }).service === 'string',
    )
  );
}
