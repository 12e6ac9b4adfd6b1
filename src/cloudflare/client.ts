// Builds the SDK client for one credential. The only place that constructs `Cloudflare`.
import Cloudflare from 'cloudflare';
import { OPERATOR_VERSION } from '../version.js';
import type { CloudflareCredentials } from './types.js';

export const DEFAULT_BASE_URL = 'https://api.cloudflare.com/client/v4';

export interface SdkClientOptions {
  baseURL?: string;
  /** Default per-request timeout; the gateway also passes one with every call. */
  timeoutMs: number;
  /** Replaces global fetch (tests). */
  fetch?: typeof fetch;
}

export function createSdkClient(credentials: CloudflareCredentials, options: SdkClientOptions): Cloudflare {
  const token = 'apiToken' in credentials ? credentials.apiToken : null;
  return new Cloudflare({
    // Every credential field is set explicitly (null when unused) so the SDK never falls back to
    // CLOUDFLARE_* environment variables.
    apiToken: token,
    apiKey: 'apiKey' in credentials ? credentials.apiKey : null,
    apiEmail: 'email' in credentials ? credentials.email : null,
    userServiceKey: null,
    baseURL: options.baseURL ?? DEFAULT_BASE_URL,
    timeout: options.timeoutMs,
    // Our retry layer is the only one (retry.ts).
    maxRetries: 0,
    // The SDK's own logger would print request details; ours logs what it needs.
    logLevel: 'off',
    defaultHeaders: { 'User-Agent': `cloudflare-operator/${OPERATOR_VERSION}` },
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
}
