// Credentials are identified by a hash, so that pools and logs never hold or print them.
import { createHash } from 'node:crypto';
import type { CloudflareCredentials } from './types.js';

/** A stable, non-reversible key for a credential (sha256, hex), safe to use in maps and logs. */
export function credentialKey(credentials: CloudflareCredentials): string {
  const material =
    'apiToken' in credentials ? `token\0${credentials.apiToken}` : `key\0${credentials.email}\0${credentials.apiKey}`;
  return createHash('sha256').update(material).digest('hex');
}

/** The secret strings of a credential, for scrubbing them from any text that leaves the gateway. */
export function secretsOf(credentials: CloudflareCredentials): string[] {
  return 'apiToken' in credentials ? [credentials.apiToken] : [credentials.apiKey, credentials.email];
}

/** Returns a function that replaces every occurrence of the given secrets with `[redacted]`. */
export function scrubber(secrets: readonly string[]): (text: string) => string {
  const usable = secrets.filter((s) => s.length >= 4);
  return (text) => usable.reduce((acc, secret) => acc.split(secret).join('[redacted]'), text);
}

export function assertUsableCredentials(credentials: CloudflareCredentials): void {
  if ('apiToken' in credentials) {
    if (!credentials.apiToken) throw new TypeError('Cloudflare credentials: apiToken is empty');
    return;
  }
  if (!credentials.apiKey || !credentials.email) {
    throw new TypeError('Cloudflare credentials: apiKey and email are both required');
  }
}
