// Remotely-managed tunnel configuration (`config_src: cloudflare`): cloudflared pulls it, no restart.
import type { ConfigurationUpdateParams } from 'cloudflare/resources/zero-trust/tunnels/cloudflared/configurations';
import type { GatewayContext } from './context.js';
import type { RemoteIngressRule, TunnelConfiguration, VersionedTunnelConfiguration } from './types.js';

interface WireConfig {
  ingress?: RemoteIngressRule[];
  originRequest?: Readonly<Record<string, unknown>>;
  'warp-routing'?: { enabled: boolean };
}

export async function getTunnelConfiguration(
  ctx: GatewayContext,
  accountId: string,
  tunnelId: string,
): Promise<VersionedTunnelConfiguration> {
  const response = await ctx.call('tunnels.configurations.get', { accountId, tunnelId }, (opts) =>
    ctx.sdk.zeroTrust.tunnels.cloudflared.configurations.get(tunnelId, { account_id: accountId }, opts),
  );
  return { version: response.version ?? 0, config: fromWire(response.config as WireConfig | null | undefined) };
}

export async function putTunnelConfiguration(
  ctx: GatewayContext,
  accountId: string,
  tunnelId: string,
  config: TunnelConfiguration,
): Promise<VersionedTunnelConfiguration> {
  // The SDK types every ingress rule with a hostname, but the catch-all rule has none: the wire
  // shape is built here and handed over as the SDK's parameter type.
  const wire = toWire(config) as ConfigurationUpdateParams.Config;
  const response = await ctx.call('tunnels.configurations.put', { accountId, tunnelId }, (opts) =>
    ctx.sdk.zeroTrust.tunnels.cloudflared.configurations.update(
      tunnelId,
      { account_id: accountId, config: wire },
      opts,
    ),
  );
  return { version: response.version ?? 0, config: fromWire(response.config as WireConfig | null | undefined) };
}

function toWire(config: TunnelConfiguration): WireConfig {
  return {
    ingress: config.ingress.map((rule) => ({ ...rule })),
    ...(config.originRequest ? { originRequest: config.originRequest } : {}),
    ...(config.warpRouting ? { 'warp-routing': config.warpRouting } : {}),
  };
}

function fromWire(wire: WireConfig | null | undefined): TunnelConfiguration | undefined {
  if (!wire) return undefined;
  return {
    ingress: (wire.ingress ?? []).map((rule) => ({ ...rule })),
    ...(wire.originRequest ? { originRequest: wire.originRequest } : {}),
    ...(wire['warp-routing'] ? { warpRouting: wire['warp-routing'] } : {}),
  };
}
