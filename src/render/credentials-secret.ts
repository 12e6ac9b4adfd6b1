// The Secret cloudflared authenticates with, rendered from what it is given: credentials.json for a tunnel's
// credentials (`local` mode), `token` for a tunnel token (`cloudflare` mode). The tunnel ID is also set as an
// annotation, for people and tools reading the Secret; the reconciler recovers the tunnel from the data itself.
// Pure: writing it is the controller's job (controllers/tunnel/stored-tunnel.ts), where the same Secret holds
// only the pending tunnel secret before the tunnel is created and is replaced by this rendering once it exists.
import type { V1Secret } from '@kubernetes/client-node';
import { TUNNEL_ID_ANNOTATION } from '../api/constants.js';
import type { TunnelLike } from '../api/types.js';
import { objectMeta, objectNames, type RenderContext } from './names.js';
import { CREDENTIALS_FILE, TOKEN_KEY } from './paths.js';

export interface TunnelCredentials {
  /** The Cloudflare account ID. */
  accountTag: string;
  tunnelId: string;
  /** The tunnel secret, base64-encoded as the Cloudflare API returns and accepts it. */
  tunnelSecret: string;
}

export interface TunnelToken {
  /** The tunnel token (base64 JSON `{"a": account, "t": tunnel ID, "s": secret}`). */
  token: string;
}

export function isTunnelToken(value: TunnelCredentials | TunnelToken): value is TunnelToken {
  return 'token' in value;
}

/** The credentials a token carries. Throws when the text is not a tunnel token. */
export function decodeTunnelToken(token: string): TunnelCredentials {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64').toString('utf8'));
  } catch (error) {
    throw new Error('the tunnel token is not base64-encoded JSON', { cause: error });
  }
  const fields = (parsed ?? {}) as { a?: unknown; t?: unknown; s?: unknown };
  if (typeof fields.a !== 'string' || typeof fields.t !== 'string' || typeof fields.s !== 'string') {
    throw new Error('the tunnel token lacks its account, tunnel ID or secret');
  }
  return { accountTag: fields.a, tunnelId: fields.t, tunnelSecret: fields.s };
}

/** The token for a set of credentials (what Cloudflare's token endpoint returns for the tunnel). */
export function encodeTunnelToken(credentials: TunnelCredentials): string {
  const body = { a: credentials.accountTag, t: credentials.tunnelId, s: credentials.tunnelSecret };
  return Buffer.from(JSON.stringify(body), 'utf8').toString('base64');
}

/** The credentials.json file cloudflared reads in `local` mode. */
export function credentialsJson(credentials: TunnelCredentials): string {
  return JSON.stringify({
    AccountTag: credentials.accountTag,
    TunnelID: credentials.tunnelId,
    TunnelSecret: credentials.tunnelSecret,
  });
}

function base64(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64');
}

/** The credentials Secret, holding `credentials.json` (given credentials) or `token` (given a token). */
export function credentialsSecret(
  tunnel: TunnelLike,
  credentials: TunnelCredentials | TunnelToken,
  ctx: RenderContext,
): V1Secret {
  const tunnelId = isTunnelToken(credentials) ? decodeTunnelToken(credentials.token).tunnelId : credentials.tunnelId;
  const data: Record<string, string> = isTunnelToken(credentials)
    ? { [TOKEN_KEY]: base64(credentials.token) }
    : { [CREDENTIALS_FILE]: base64(credentialsJson(credentials)) };
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    type: 'Opaque',
    metadata: objectMeta(tunnel, ctx, objectNames(tunnel).secret, { [TUNNEL_ID_ANNOTATION]: tunnelId }),
    data,
  };
}
