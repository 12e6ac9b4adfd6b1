// Cloudflare Tunnels (cfd_tunnel): create, find, delete, token, connectors.
import { gatewayError, listAllPages, orUndefinedIfNotFound, type GatewayContext } from './context.js';
import { CloudflareApiError } from './errors.js';
import { toTunnel, toTunnelConnectors } from './mappers.js';
import type { CloudflareTunnel, CreatedTunnel, TunnelConfigSource, TunnelConnectors } from './types.js';

/** Cloudflare refuses to delete a tunnel that still has connections (HTTP 400, this code). */
export const TUNNEL_HAS_CONNECTIONS_CODE = 1022;
/** Cloudflare refuses a second non-deleted tunnel with the same name (HTTP 409, this code). */
export const TUNNEL_NAME_TAKEN_CODE = 1013;

export interface CreateTunnelInput {
  accountId: string;
  name: string;
  configSource: TunnelConfigSource;
  /**
   * The tunnel secret (base64 of 32 bytes). A caller that must save the secret before the tunnel exists
   * (so that a crash cannot lose it) passes it in; otherwise one is generated here.
   */
  secret?: string;
}

/** Creates a tunnel with the given or a freshly generated secret, which is returned, never logged. */
export async function createTunnel(ctx: GatewayContext, input: CreateTunnelInput): Promise<CreatedTunnel> {
  const secret = input.secret ?? ctx.randomBytes(32).toString('base64');
  const tunnel = await ctx.call('tunnels.create', { accountId: input.accountId, name: input.name }, (opts) =>
    ctx.sdk.zeroTrust.tunnels.cloudflared.create(
      { account_id: input.accountId, name: input.name, config_src: input.configSource, tunnel_secret: secret },
      opts,
    ),
  );
  return { tunnel: toTunnel(tunnel), secret };
}

/** The tunnel with this ID (deleted tunnels included: see `deletedAt`), or undefined if unknown. */
export function getTunnel(
  ctx: GatewayContext,
  accountId: string,
  tunnelId: string,
): Promise<CloudflareTunnel | undefined> {
  return orUndefinedIfNotFound(async () =>
    toTunnel(
      await ctx.call('tunnels.get', { accountId, tunnelId }, (opts) =>
        ctx.sdk.zeroTrust.tunnels.cloudflared.get(tunnelId, { account_id: accountId }, opts),
      ),
    ),
  );
}

/** The non-deleted tunnel with exactly this name, or undefined. */
export async function findTunnelByName(
  ctx: GatewayContext,
  accountId: string,
  name: string,
): Promise<CloudflareTunnel | undefined> {
  const tunnels = await listAllPages(ctx, 'tunnels.list', { accountId, name }, 50, (page, opts) =>
    ctx.sdk.zeroTrust.tunnels.cloudflared.list(
      { account_id: accountId, name, is_deleted: false, page, per_page: 50 },
      opts,
    ),
  );
  const match = tunnels.map(toTunnel).find((t) => t.name === name && !t.deletedAt);
  return match;
}

export type DeleteOutcome = 'deleted' | 'alreadyGone';

/**
 * Deletes a tunnel with its connections in one call (`?cascade=true`, as `cloudflared tunnel delete` sends it), so
 * replicas that keep reconnecting while their pods terminate cannot block it. Should Cloudflare still refuse
 * because of connections (1022: cascade not honoured), the connections are cleaned up and the delete tried once
 * more; then the typed error is returned. A tunnel already gone counts as success.
 */
export async function deleteTunnel(ctx: GatewayContext, accountId: string, tunnelId: string): Promise<DeleteOutcome> {
  try {
    return await deleteOnce(ctx, accountId, tunnelId);
  } catch (err) {
    if (!(err instanceof CloudflareApiError && err.hasCode(TUNNEL_HAS_CONNECTIONS_CODE))) throw err;
  }
  const cleaned = await orUndefinedIfNotFound(() => cleanupConnections(ctx, accountId, tunnelId));
  if (cleaned === undefined) return 'alreadyGone';
  return deleteOnce(ctx, accountId, tunnelId);
}

async function deleteOnce(ctx: GatewayContext, accountId: string, tunnelId: string): Promise<DeleteOutcome> {
  const deleted = await orUndefinedIfNotFound(() =>
    ctx.call('tunnels.delete', { accountId, tunnelId }, (opts) =>
      ctx.sdk.zeroTrust.tunnels.cloudflared.delete(
        tunnelId,
        { account_id: accountId },
        { ...opts, query: { cascade: true } },
      ),
    ),
  );
  return deleted === undefined ? 'alreadyGone' : 'deleted';
}

/** Removes every connector of the tunnel (`DELETE .../connections`). Resolves true when done. */
async function cleanupConnections(ctx: GatewayContext, accountId: string, tunnelId: string): Promise<true> {
  await ctx.call('tunnels.connections.delete', { accountId, tunnelId }, (opts) =>
    ctx.sdk.zeroTrust.tunnels.cloudflared.connections.delete(tunnelId, { account_id: accountId }, opts),
  );
  return true;
}

/**
 * The cloudflared connectors of the tunnel (`GET .../connections`: one entry per connector, with its connections,
 * cloudflared version and the remote configuration version it runs), summed up.
 */
export async function getConnectors(
  ctx: GatewayContext,
  accountId: string,
  tunnelId: string,
): Promise<TunnelConnectors> {
  const page = await ctx.call('tunnels.connections.list', { accountId, tunnelId }, (opts) =>
    ctx.sdk.zeroTrust.tunnels.cloudflared.connections.get(tunnelId, { account_id: accountId }, opts),
  );
  return toTunnelConnectors(page.result);
}

/** The token cloudflared runs with (`cloudflared tunnel run --token`). A secret: never log it. */
export async function getTunnelToken(ctx: GatewayContext, accountId: string, tunnelId: string): Promise<string> {
  const token = await ctx.call('tunnels.token', { accountId, tunnelId }, (opts) =>
    ctx.sdk.zeroTrust.tunnels.cloudflared.token.get(tunnelId, { account_id: accountId }, opts),
  );
  if (typeof token !== 'string' || token === '') throw gatewayError('tunnels.token', 'invalid', 'empty tunnel token');
  return token;
}
