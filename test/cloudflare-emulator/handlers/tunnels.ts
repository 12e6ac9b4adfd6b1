// /accounts/:account_id/cfd_tunnel ... : tunnels, their connections and token.
import type { CloudflareTunnel } from 'cloudflare/resources/shared';
import type { Client } from 'cloudflare/resources/zero-trust/tunnels/cloudflared/connections';
import { connect, reportedConfigVersion } from '../connectors.js';
import { fail, paginate, success } from '../envelope.js';
import type { ConnectorState, TunnelState } from '../state.js';
import { accountOf, objectBody, optionalString, tunnelOf, type Handler } from './common.js';

function status(tunnel: TunnelState): CloudflareTunnel['status'] {
  if (activeConnectors(tunnel).length > 0) return 'healthy';
  return tunnel.connsActiveAt ? 'down' : 'inactive';
}

function activeConnectors(tunnel: TunnelState): ConnectorState[] {
  return tunnel.connectors.filter((c) => c.conns.length > 0);
}

/** The SDK's tunnel type, with the timestamps the API sends as null when unset. */
type WireTunnel = Omit<CloudflareTunnel, 'deleted_at' | 'conns_active_at' | 'conns_inactive_at'> & {
  deleted_at: string | null;
  conns_active_at: string | null;
  conns_inactive_at: string | null;
};

export function wireTunnel(tunnel: TunnelState): WireTunnel {
  return {
    id: tunnel.id,
    account_tag: tunnel.accountId,
    name: tunnel.name,
    created_at: tunnel.createdAt,
    deleted_at: tunnel.deletedAt ?? null,
    conns_active_at: tunnel.connsActiveAt ?? null,
    conns_inactive_at: tunnel.connsInactiveAt ?? null,
    connections: [],
    metadata: {},
    tun_type: 'cfd_tunnel',
    status: status(tunnel),
    remote_config: tunnel.configSrc === 'cloudflare',
    config_src: tunnel.configSrc,
  };
}

function wireConnector(tunnel: TunnelState, c: ConnectorState, now: number): Client {
  return {
    id: c.id,
    arch: c.arch,
    version: c.version,
    run_at: c.runAt,
    config_version: reportedConfigVersion(tunnel, c, now),
    features: [],
    conns: c.conns.map((conn) => ({
      id: conn.id,
      uuid: conn.id,
      client_id: c.id,
      client_version: c.version,
      colo_name: conn.colo,
      is_pending_reconnect: false,
      opened_at: conn.openedAt,
      origin_ip: conn.originIp,
    })),
  };
}

export const listTunnels: Handler = (ctx) => {
  const accountId = accountOf(ctx);
  const name = ctx.query.get('name');
  const isDeleted = ctx.query.get('is_deleted');
  const uuid = ctx.query.get('uuid');
  const tunnels = [...ctx.state.tunnels.values()]
    .filter((t) => t.accountId === accountId)
    .filter((t) => name === null || t.name === name)
    .filter((t) => uuid === null || t.id === uuid)
    // Deleted tunnels are left out unless asked for (Cloudflare's default since 2025-12-01).
    .filter((t) => (isDeleted === 'true') === (t.deletedAt !== undefined))
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
  const { page, info } = paginate(tunnels, ctx.query, { defaultPerPage: 20, minPerPage: 1, maxPerPage: 1000 });
  // Tunnel pages carry no total_pages, and their total_count counts the account's tunnels, not the matches.
  const all = [...ctx.state.tunnels.values()].filter((t) => t.accountId === accountId).length;
  return success(page.map(wireTunnel), {
    page: info.page,
    per_page: info.per_page,
    count: info.count,
    total_count: all,
  });
};

export const createTunnel: Handler = (ctx) => {
  const accountId = accountOf(ctx);
  const body = objectBody(ctx);
  const name = optionalString(body, 'name');
  if (!name) throw fail(400, 1001, 'Invalid request: name is required.');
  const configSrc = optionalString(body, 'config_src') ?? 'local';
  if (configSrc !== 'local' && configSrc !== 'cloudflare') {
    throw fail(400, 1001, 'Invalid request: config_src must be local or cloudflare.');
  }
  const secret = optionalString(body, 'tunnel_secret') ?? Buffer.from(ctx.state.rng.hex(64), 'hex').toString('base64');
  if (Buffer.from(secret, 'base64').length < 32) {
    throw fail(400, 1001, 'Invalid request: tunnel_secret must be at least 32 bytes, base64 encoded.');
  }
  const taken = [...ctx.state.tunnels.values()].some(
    (t) => t.accountId === accountId && t.name === name && t.deletedAt === undefined,
  );
  if (taken) {
    throw fail(
      409,
      1013,
      'You already have a tunnel with this name. Delete the existing tunnel, or choose a different name for your new tunnel',
    );
  }
  const now = ctx.state.timestamp();
  const tunnel: TunnelState = {
    id: ctx.state.rng.uuid(),
    accountId,
    name,
    secret,
    configSrc,
    createdAt: now,
    deletedAt: undefined,
    connsActiveAt: undefined,
    connsInactiveAt: now,
    connectors: [],
    reconnectOnCleanup: 0,
    config: { version: 0, config: null, updatedAt: now },
    configHistory: [],
    pickup: { delayMs: 0, holdAt: undefined },
  };
  ctx.state.tunnels.set(tunnel.id, tunnel);
  // Like the real API, the create response also carries the credentials file and the token.
  return success({
    ...wireTunnel(tunnel),
    credentials_file: { AccountTag: accountId, TunnelID: tunnel.id, TunnelName: name, TunnelSecret: secret },
    token: tunnelToken(tunnel),
  });
};

export function tunnelToken(tunnel: TunnelState): string {
  return Buffer.from(JSON.stringify({ a: tunnel.accountId, t: tunnel.id, s: tunnel.secret })).toString('base64');
}

export const getTunnel: Handler = (ctx) => success(wireTunnel(tunnelOf(ctx)));

/**
 * `?cascade=true` (what `cloudflared tunnel delete` sends) removes the tunnel's connections with it; without it a
 * tunnel with connections is refused (1022). A deleted tunnel's replicas cannot reconnect.
 */
export const deleteTunnel: Handler = (ctx) => {
  const tunnel = tunnelOf(ctx);
  if (tunnel.deletedAt !== undefined) throw fail(404, 1003, 'Tunnel not found.');
  const cascade = ctx.query.get('cascade') === 'true';
  if (!cascade && activeConnectors(tunnel).length > 0) throw fail(400, 1022, 'This tunnel has active connections.');
  if (tunnel.connectors.length > 0) tunnel.connsInactiveAt = ctx.state.timestamp();
  tunnel.connectors = [];
  tunnel.reconnectOnCleanup = 0;
  tunnel.deletedAt = ctx.state.timestamp();
  return success(wireTunnel(tunnel));
};

export const listConnections: Handler = (ctx) => {
  const tunnel = tunnelOf(ctx);
  const now = ctx.state.now().getTime();
  return success(tunnel.connectors.map((c) => wireConnector(tunnel, c, now)));
};

export const cleanupConnections: Handler = (ctx) => {
  const tunnel = tunnelOf(ctx);
  const clientId = ctx.query.get('client_id');
  const before = tunnel.connectors.length;
  tunnel.connectors = clientId ? tunnel.connectors.filter((c) => c.id !== clientId) : [];
  if (before > 0 && tunnel.connectors.length === 0) tunnel.connsInactiveAt = ctx.state.timestamp();
  if (tunnel.reconnectOnCleanup > 0 && !clientId) {
    // Running replicas come straight back, as real cloudflared does after a cleanup.
    connect(ctx.state, tunnel, tunnel.reconnectOnCleanup);
  }
  return success(null);
};

export const getToken: Handler = (ctx) => {
  return success(tunnelToken(tunnelOf(ctx)));
};
