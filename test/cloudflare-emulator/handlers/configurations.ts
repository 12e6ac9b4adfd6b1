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
  if (ingress !== undefined && !endsWithCatchAll(ingress)) {
    throw fail(
      400,
      1056,
      'Invalid ingress configuration: the last ingress rule must match all URLs (no hostname or path).',
    );
  }
  tunnel.config = {
    version: tunnel.config.version + 1,
    config: normalize(config as Record<string, unknown>),
    updatedAt: ctx.state.timestamp(),
  };
  tunnel.configHistory.push({ version: tunnel.config.version, at: ctx.state.now().getTime() });
  return success(wireConfiguration(tunnel));
};

interface Rule {
  hostname?: unknown;
  path?: unknown;
  service?: unknown;
  originRequest?: unknown;
}

function isIngressList(value: unknown): value is Rule[] {
  return (
    Array.isArray(value) &&
    value.every(
      (rule) =>
        typeof rule === 'object' && rule !== null && typeof (rule as { service?: unknown }).service === 'string',
    )
  );
}

/** cloudflared's rule: the last ingress rule catches everything (an empty list is left to cloudflared). */
function endsWithCatchAll(rules: Rule[]): boolean {
  const last = rules.at(-1);
  return (
    !last || ((last.hostname === undefined || last.hostname === '') && (last.path === undefined || last.path === ''))
  );
}

const DURATION_KEYS = ['connectTimeout', 'tlsTimeout', 'tcpKeepAlive', 'keepAliveTimeout'];

/**
 * The configuration as the API stores and echoes it (the harsher reading; unconfirmed): every rule and the top
 * level carry an `originRequest` (empty when none was sent), and durations sent as seconds come back as Go
 * duration strings (`30` → `"30s"`).
 */
export function normalize(config: Record<string, unknown>): Record<string, unknown> {
  const copy = structuredClone(config);
  copy['originRequest'] = normalizeOrigin(copy['originRequest']);
  const ingress = copy['ingress'];
  if (Array.isArray(ingress)) {
    copy['ingress'] = ingress.map((rule: Rule) => ({ ...rule, originRequest: normalizeOrigin(rule.originRequest) }));
  }
  return copy;
}

function normalizeOrigin(value: unknown): Record<string, unknown> {
  const origin = typeof value === 'object' && value !== null ? { ...(value as Record<string, unknown>) } : {};
  for (const key of DURATION_KEYS) {
    const v = origin[key];
    if (typeof v === 'number') origin[key] = `${v}s`;
  }
  return origin;
}
