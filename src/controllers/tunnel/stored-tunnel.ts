// What the cloudflared credentials Secret remembers about the tunnel. It is the tunnel's only durable memory
// (status can be lost): the tunnel secret is written here BEFORE the tunnel is created ("pending"), so a crash
// at any point leaves enough to find the tunnel again and prove it is ours.
import type { V1Secret } from '@kubernetes/client-node';
import { GROUP, TUNNEL_ID_ANNOTATION } from '../../api/constants.js';
import type { ConfigSource, TunnelLike } from '../../api/types.js';
import {
  credentialsSecret,
  decodeTunnelToken,
  encodeTunnelToken,
  objectMeta,
  objectNames,
  type RenderContext,
  type TunnelCredentials,
} from '../../render/index.js';
import { CREDENTIALS_FILE, TOKEN_KEY } from '../../render/paths.js';

/** "true" when the operator created the tunnel (and so deletes it); mirrors status.created. */
export const TUNNEL_CREATED_ANNOTATION = `${GROUP}/tunnel-created`;
/** Set while a tunnel of this name is being created with the secret in PENDING_KEY. */
export const PENDING_TUNNEL_ANNOTATION = `${GROUP}/pending-tunnel`;
export const PENDING_KEY = 'pending-tunnel.json';

export interface PendingTunnel {
  name: string;
  accountTag: string;
  /** Base64 tunnel secret the tunnel is (being) created with. */
  secret: string;
}

export type StoredTunnel =
  | { state: 'none' }
  | { state: 'pending'; pending: PendingTunnel }
  | { state: 'ready'; credentials: TunnelCredentials; created: boolean };

function decode(value: string | undefined): string | undefined {
  return value === undefined ? undefined : Buffer.from(value, 'base64').toString('utf8');
}

function parseJsonObject(text: string | undefined): Record<string, unknown> | undefined {
  if (text === undefined) return undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function readyCredentials(secret: V1Secret): TunnelCredentials | undefined {
  const file = parseJsonObject(decode(secret.data?.[CREDENTIALS_FILE]));
  if (file) {
    const { AccountTag, TunnelID, TunnelSecret } = file;
    if (typeof AccountTag === 'string' && typeof TunnelID === 'string' && typeof TunnelSecret === 'string') {
      return { accountTag: AccountTag, tunnelId: TunnelID, tunnelSecret: TunnelSecret };
    }
  }
  const token = decode(secret.data?.[TOKEN_KEY]);
  if (token === undefined) return undefined;
  try {
    return decodeTunnelToken(token);
  } catch {
    return undefined;
  }
}

function pendingTunnel(secret: V1Secret): PendingTunnel | undefined {
  const body = parseJsonObject(decode(secret.data?.[PENDING_KEY]));
  const name = secret.metadata?.annotations?.[PENDING_TUNNEL_ANNOTATION];
  if (!body || !name) return undefined;
  const { AccountTag, TunnelSecret } = body;
  if (typeof AccountTag !== 'string' || typeof TunnelSecret !== 'string') return undefined;
  return { name, accountTag: AccountTag, secret: TunnelSecret };
}

/** Reads the Secret; anything unreadable counts as nothing stored. Pure. */
export function readStoredTunnel(secret: V1Secret | undefined): StoredTunnel {
  if (!secret) return { state: 'none' };
  const credentials = readyCredentials(secret);
  if (credentials) {
    const created = secret.metadata?.annotations?.[TUNNEL_CREATED_ANNOTATION] === 'true';
    return { state: 'ready', credentials, created };
  }
  const pending = pendingTunnel(secret);
  return pending ? { state: 'pending', pending } : { state: 'none' };
}

/** The Secret for a stored state: credentials.json (local) or the token (cloudflare), or the pending secret. */
export function storedTunnelSecret(
  tunnel: TunnelLike,
  stored: Exclude<StoredTunnel, { state: 'none' }>,
  mode: ConfigSource,
  ctx: RenderContext,
): V1Secret {
  if (stored.state === 'pending') {
    const { name, accountTag, secret } = stored.pending;
    const body = JSON.stringify({ AccountTag: accountTag, TunnelName: name, TunnelSecret: secret });
    return {
      apiVersion: 'v1',
      kind: 'Secret',
      type: 'Opaque',
      metadata: objectMeta(tunnel, ctx, objectNames(tunnel).secret, { [PENDING_TUNNEL_ANNOTATION]: name }),
      data: { [PENDING_KEY]: Buffer.from(body, 'utf8').toString('base64') },
    };
  }
  const { credentials, created } = stored;
  const rendered = credentialsSecret(
    tunnel,
    mode === 'cloudflare' ? { token: encodeTunnelToken(credentials) } : credentials,
    ctx,
  );
  rendered.metadata = {
    ...rendered.metadata,
    annotations: {
      ...rendered.metadata?.annotations,
      [TUNNEL_ID_ANNOTATION]: credentials.tunnelId,
      [TUNNEL_CREATED_ANNOTATION]: String(created),
    },
  };
  return rendered;
}
