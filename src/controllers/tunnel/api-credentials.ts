// The Cloudflare API credentials from the Secret a Tunnel names. Pure: the caller reads the Secret.
import type { V1Secret } from '@kubernetes/client-node';
import { Reason } from '../../api/conditions.js';
import { credentialKeys } from '../../api/defaults.js';
import type { CredentialsSecretRef } from '../../api/types.js';
import type { CloudflareCredentials } from '../../cloudflare/index.js';

export type CredentialsRead =
  | { ok: true; credentials: CloudflareCredentials }
  | {
      ok: false;
      reason: typeof Reason.SecretNotFound | typeof Reason.SecretKeyMissing | typeof Reason.InvalidCredentials;
      message: string;
    };

function value(secret: V1Secret, key: string): string | undefined {
  const encoded = secret.data?.[key];
  const text = encoded === undefined ? secret.stringData?.[key] : Buffer.from(encoded, 'base64').toString('utf8');
  const trimmed = text?.trim();
  return trimmed ? trimmed : undefined;
}

/** The credentials, or why they cannot be read (never the values themselves). */
export function readApiCredentials(
  secret: V1Secret | undefined,
  ref: CredentialsSecretRef,
  namespace: string,
): CredentialsRead {
  if (!secret) {
    return { ok: false, reason: Reason.SecretNotFound, message: `Secret ${namespace}/${ref.name} not found` };
  }
  const keys = credentialKeys(ref);
  if (keys.kind === 'token') {
    const apiToken = value(secret, keys.tokenKey);
    const flaw = apiToken === undefined ? undefined : tokenFlaw(apiToken);
    if (apiToken && flaw) {
      return {
        ok: false,
        reason: Reason.InvalidCredentials,
        message: `Secret ${namespace}/${ref.name} key "${keys.tokenKey}" is not an API token: it contains ${flaw}`,
      };
    }
    if (apiToken) return { ok: true, credentials: { apiToken } };
    return missing(namespace, ref.name, [keys.tokenKey]);
  }
  const apiKey = value(secret, keys.apiKeyKey);
  const email = value(secret, keys.emailKey);
  if (apiKey && email) return { ok: true, credentials: { apiKey, email } };
  const absent = [apiKey ? undefined : keys.apiKeyKey, email ? undefined : keys.emailKey].filter(
    (k): k is string => k !== undefined,
  );
  return missing(namespace, ref.name, absent);
}

function missing(namespace: string, name: string, keys: string[]): CredentialsRead {
  return {
    ok: false,
    reason: Reason.SecretKeyMissing,
    message: `Secret ${namespace}/${name} has no (or an empty) ${keys.map((k) => `"${k}"`).join(' and ')}`,
  };
}

/**
 * What makes a value unusable as an API token (Cloudflare would answer 400 / 6003), described without the value:
 * characters that cannot be in a token or in an HTTP header, such as an inner space, a line break or quotes.
 */
export function tokenFlaw(token: string): string | undefined {
  if (/\s/.test(token)) return 'whitespace or a line break';
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(token)) return 'control characters';
  if (/["'`]/.test(token)) return 'quotes';
  if (/[^\x21-\x7e]/.test(token)) return 'characters outside printable ASCII';
  return undefined;
}
