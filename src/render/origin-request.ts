// originRequest blocks as cloudflared reads them: the tunnel's defaults (with the CA Secret turned into a
// file path) and each route's overrides merged over them. Keys are emitted in sorted order so that the
// rendered text, and so its hash, does not depend on the order the user wrote them in.
import type { OriginRequestOptions, OriginRequestSpec } from '../api/types.js';
import { CA_POOL_PATH } from './paths.js';

/** cloudflared's originRequest: our options plus `caPool`, a path to a CA bundle in the pod. */
export interface CloudflaredOriginRequest extends OriginRequestOptions {
  caPool?: string;
}

const DURATION_KEYS = ['connectTimeout', 'tlsTimeout', 'tcpKeepAlive', 'keepAliveTimeout'] as const;

function sortedDefined<T extends object>(value: T): T {
  const entries = Object.entries(value).filter(([, inner]) => inner !== undefined);
  entries.sort(([a], [b]) => (a < b ? -1 : 1));
  return Object.fromEntries(entries) as T;
}

/** The tunnel-wide defaults: spec.originRequest without caPoolSecretRef, plus caPool when that is set. */
export function defaultOriginRequest(spec: OriginRequestSpec | undefined): CloudflaredOriginRequest {
  const { caPoolSecretRef, ...options } = spec ?? {};
  const out: CloudflaredOriginRequest = { ...options };
  if (caPoolSecretRef) out.caPool = CA_POOL_PATH;
  return sortedDefined(out);
}

/** A route's effective originRequest: its overrides over the tunnel defaults. */
export function mergeOriginRequest(
  defaults: CloudflaredOriginRequest,
  overrides: OriginRequestOptions | undefined,
): CloudflaredOriginRequest {
  return sortedDefined({ ...defaults, ...sortedDefined(overrides ?? {}) });
}

const UNIT_SECONDS: Record<string, number> = { h: 3600, m: 60, s: 1, ms: 1e-3, us: 1e-6, ns: 1e-9 };

/**
 * Whole seconds in a Go duration string ("1m30s" → 90), rounded up so that a short timeout never becomes 0.
 * Cloudflare's configuration API takes durations as integer seconds.
 */
export function durationSeconds(text: string): number {
  let total = 0;
  let matched = '';
  for (const match of text.matchAll(/([0-9]+(?:\.[0-9]+)?)(ns|us|ms|s|m|h)/g)) {
    total += Number(match[1]) * (UNIT_SECONDS[match[2] ?? ''] ?? 0);
    matched += match[0];
  }
  if (matched !== text || text === '') throw new Error(`not a duration: "${text}"`);
  const seconds = Math.ceil(total - 1e-9);
  return total > 0 ? Math.max(1, seconds) : 0;
}

/** The originRequest for Cloudflare's configuration API: durations as integer seconds. */
export type RemoteOriginRequest = Omit<CloudflaredOriginRequest, (typeof DURATION_KEYS)[number]> &
  Partial<Record<(typeof DURATION_KEYS)[number], number>>;

export function toRemoteOriginRequest(options: CloudflaredOriginRequest): RemoteOriginRequest {
  const out: Record<string, unknown> = { ...options };
  for (const key of DURATION_KEYS) {
    const value = options[key];
    if (value !== undefined) out[key] = durationSeconds(value);
  }
  return out;
}
