// Authentication as Cloudflare does it: a Bearer API token, or X-Auth-Email + X-Auth-Key.
import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { ApiFailure, fail } from './envelope.js';
import { ALL_PERMISSIONS, type EmulatorState, type Grant, type Permission } from './state.js';

export interface Principal {
  /** Identifies the credential; not the secret itself. */
  id: string;
  /** The user the credential belongs to: the rate limit counts per user, across all of its tokens. */
  user: string;
  accounts: Grant;
  /** What a token may do; a global API key may do everything its user can. */
  permissions: readonly Permission[];
  zones: Grant;
  owner: 'user' | 'account';
}

const header = (headers: IncomingHttpHeaders, name: string): string | undefined => {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
};

export function authenticate(headers: IncomingHttpHeaders, state: EmulatorState): Principal {
  const authorization = header(headers, 'authorization');
  const key = header(headers, 'x-auth-key');
  const email = header(headers, 'x-auth-email');
  if (authorization !== undefined) {
    const match = /^Bearer ([A-Za-z0-9._~+/=-]+)$/.exec(authorization.trim());
    if (!match) {
      throw new ApiFailure(400, [
        {
          code: 6003,
          message: 'Invalid request headers',
          error_chain: [{ code: 6111, message: 'Invalid format for Authorization header' }],
        },
      ]);
    }
    const token = state.tokens.get(match[1] as string);
    if (!token) throw fail(403, 10000, 'Authentication error');
    if (token.ipRestricted) throw fail(403, 9109, 'Cannot use the access token from location: 127.0.0.1');
    return {
      id: `token:${digest(token.token)}`,
      user: token.user,
      accounts: token.accounts,
      permissions: token.permissions,
      zones: token.zones,
      owner: token.owner,
    };
  }
  if (key !== undefined && email !== undefined) {
    const found = state.globalKeys.get(`${email}\0${key}`);
    if (!found) throw fail(403, 9103, 'Unknown X-Auth-Key or X-Auth-Email');
    return {
      id: `key:${digest(`${email}\0${key}`)}`,
      user: email,
      accounts: found.accounts,
      permissions: ALL_PERMISSIONS,
      zones: '*',
      owner: 'user',
    };
  }
  throw fail(400, 9106, 'Missing X-Auth-Key, X-Auth-Email or Authorization headers');
}

export function canUseAccount(principal: Principal, accountId: string): boolean {
  return principal.accounts === '*' || principal.accounts.includes(accountId);
}

/** A token lacking every one of `anyOf` gets Cloudflare's authentication error (403, code 10000). */
export function requirePermission(principal: Principal, anyOf: readonly Permission[]): void {
  if (!anyOf.some((p) => principal.permissions.includes(p))) throw fail(403, 10000, 'Authentication error');
}

/** Zone permissions cover only the zones the token is scoped to. */
export function canUseZone(principal: Principal, zone: { id: string; accountId: string }): boolean {
  if (!canUseAccount(principal, zone.accountId)) return false;
  return principal.zones === '*' || principal.zones.includes(zone.id);
}

/** Cloudflare answers a token without access to an account with an authentication error. */
export function requireAccount(principal: Principal, accountId: string): void {
  if (!canUseAccount(principal, accountId)) throw fail(403, 10000, 'Authentication error');
}

function digest(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 12);
}
