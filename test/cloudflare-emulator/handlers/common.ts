// What a handler receives, and lookups shared by handlers.
import { canUseZone, requireAccount, type Principal } from '../auth.js';
import { fail, type Envelope } from '../envelope.js';
import type { EmulatorState, TunnelState, ZoneState } from '../state.js';

export interface RequestContext {
  state: EmulatorState;
  principal: Principal;
  params: Record<string, string>;
  query: URLSearchParams;
  body: unknown;
  path: string;
}

export type Handler = (ctx: RequestContext) => Envelope;

export function notRoutable(path: string): ReturnType<typeof fail> {
  return fail(404, 7003, `Could not route to ${path}, perhaps your object identifier is invalid?`);
}

export function param(ctx: RequestContext, name: string): string {
  const value = ctx.params[name];
  if (value === undefined) throw new Error(`route has no :${name}`);
  return value;
}

/** The account in the path, which the credential must be allowed to use. */
export function accountOf(ctx: RequestContext): string {
  const accountId = param(ctx, 'account_id');
  if (!ctx.state.accounts.has(accountId)) throw notRoutable(ctx.path);
  requireAccount(ctx.principal, accountId);
  return accountId;
}

/** The zone in the path, which the credential must be allowed to use (account and zone scope). */
export function zoneOf(ctx: RequestContext): ZoneState {
  const zone = ctx.state.zones.get(param(ctx, 'zone_id'));
  if (!zone) throw notRoutable(ctx.path);
  requireAccount(ctx.principal, zone.accountId);
  if (!canUseZone(ctx.principal, zone)) throw fail(403, 10000, 'Authentication error');
  return zone;
}

/** The tunnel in the path (deleted ones included), in the account of the path. */
export function tunnelOf(ctx: RequestContext): TunnelState {
  const accountId = accountOf(ctx);
  const tunnel = ctx.state.tunnels.get(param(ctx, 'tunnel_id'));
  if (!tunnel || tunnel.accountId !== accountId) throw fail(404, 1003, 'Tunnel not found.');
  return tunnel;
}

export function objectBody(ctx: RequestContext): Record<string, unknown> {
  const body = ctx.body;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw fail(400, 1001, 'Invalid request: the body must be a JSON object.');
  }
  return body as Record<string, unknown>;
}

export function optionalString(obj: Record<string, unknown>, key: string): string | undefined {
  const value = obj[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw fail(400, 1001, `Invalid request: ${key} must be a string.`);
  return value;
}
