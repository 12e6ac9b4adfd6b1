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
  /** Who is calling (the leader-election identity), added to the User-Agent. */
  instance?: string;
}

/**
 * `cloudflare-operator/<version>`, with the calling replica as a comment when known: Cloudflare's audit log and the
 * emulator's call log then tell the replicas apart. Characters a header comment cannot hold become `-`.
 */
export function userAgent(instance?: string): string {
  const product = `cloudflare-operator/${OPERATOR_VERSION}`;
  const comment = instance?.replace(/[^A-Za-z0-9._-]/g, '-');
  return comment ? `${product} (${comment})` : product;
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
    defaultHeaders: { 'User-Agent': userAgent(options.instance) },
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
}
