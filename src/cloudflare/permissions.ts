// Which API token permission each gateway operation needs, and telling "unknown token" from "missing
// permission": Cloudflare answers both with HTTP 403 and code 10000, so after such an answer the gateway asks
// the token verification endpoint whether the token itself is valid.
import type { Caller } from './caller.js';
import { CloudflareApiError } from './errors.js';
import type Cloudflare from 'cloudflare';

/** Cloudflare's "Authentication error": an unknown token, or a token without the permission the call needs. */
export const AUTHENTICATION_ERROR_CODE = 10000;

/** The permission group (as the dashboard names it) each operation needs; docs/cloudflare.md §1. */
export function permissionFor(operation: string): string | undefined {
  if (operation === 'accounts.list') return 'Account · Account Settings · Read';
  if (operation.startsWith('tunnels.')) return 'Account · Cloudflare Tunnel · Edit';
  if (operation.startsWith('zones.')) return 'Zone · Zone · Read';
  if (operation === 'dns.list') return 'Zone · DNS · Read (or Edit)';
  if (operation.startsWith('dns.')) return 'Zone · DNS · Edit';
  return undefined;
}

/**
 * Wraps a caller so that a 403 / 10000 on an API token says which it was: `tokenValid` from
 * `GET /user/tokens/verify` (true: the token lacks `permission`; false: Cloudflare does not know it).
 */
export function explainingAuthErrors(call: Caller, sdk: Cloudflare, usesToken: boolean): Caller {
  if (!usesToken) return call;
  return async (operation, context, fn) => {
    try {
      return await call(operation, context, fn);
    } catch (err) {
      if (!(err instanceof CloudflareApiError) || err.kind !== 'auth' || !err.hasCode(AUTHENTICATION_ERROR_CODE)) {
        throw err;
      }
      throw err.withAuthDetail({ tokenValid: await tokenValid(call, sdk), permission: permissionFor(operation) });
    }
  };
}

async function tokenValid(call: Caller, sdk: Cloudflare): Promise<boolean | undefined> {
  try {
    const verified = await call('user.tokens.verify', {}, (opts) => sdk.user.tokens.verify(opts));
    return verified.status === 'active';
  } catch (err) {
    return err instanceof CloudflareApiError && err.kind === 'auth' ? false : undefined;
  }
}
