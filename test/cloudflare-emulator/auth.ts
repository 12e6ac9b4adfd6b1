// Authentication as Cloudflare does it: a Bearer API token, or X-Auth-Email + X-Auth-Key.
import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { ApiFailure, fail } from './envelope.js';
import type { EmulatorState, Grant } from './state.js';

export interface Principal {
  /** Identifies the credential for rate limiting and call counts; not the secret itself. */
  id: string;
  accounts: Grant;
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
    return { id: `token:${digest(token.token)}`, accounts: token.accounts };
  }
  if (key !== undefined && email !== undefined) {
    const found = state.globalKeys.get(`${email}\0${key}`);
    if (!found) throw fail(403, 9103, 'Unknown X-Auth-Key or X-Auth-Email');
    return { id: `key:${digest(`${email}\0${key}`)}`, accounts: found.accounts };
  }
  throw fail(400, 9106, 'Missing X-Auth-Key, X-Auth-Email or Authorization headers');
}

export function canUseAccount(principal: Principal, accountId: string): boolean {
  return principal.accounts === '*' || principal.accounts.includes(accountId);
}

/** Cloudflare answers a token without access to an account with an authentication error. */
export function requireAccount(principal: Principal, accountId: string): void {
  if (!canUseAccount(principal, accountId)) throw fail(403, 10000, 'Authentication error');
}

function digest(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 12);
}
