// What every operation module receives: the SDK client and the call wrapper around it.
import type Cloudflare from 'cloudflare';
import type { Caller, CallContext, CallOptions, SdkPromise } from './caller.js';
import { CloudflareApiError, type ErrorKind } from './errors.js';

export interface GatewayContext {
  sdk: Cloudflare;
  call: Caller;
  /**
   * Records per page when listing DNS records: the gateway's default is DEFAULT_DNS_PAGE_SIZE (1000). Cloudflare's
   * API schema takes 1 to 5,000,000 for `per_page` and uses 100 when it is omitted.
   */
  dnsPageSize: number;
  randomBytes(size: number): Buffer;
}

/** One page of a Cloudflare list, as the SDK's V4 page classes expose it. */
export interface SdkPage<T> {
  result: T[];
  result_info?: { page?: number; per_page?: number; total_pages?: number; count?: number; total_count?: number };
}

/** Fetches every page of a list, one call per page, stopping at `total_pages` (no extra empty page). */
export async function listAllPages<T>(
  ctx: GatewayContext,
  operation: string,
  context: CallContext,
  perPage: number,
  fetchPage: (page: number, opts: CallOptions) => SdkPromise<SdkPage<T>>,
): Promise<T[]> {
  const items: T[] = [];
  for (let page = 1; ; page++) {
    const result = await ctx.call(operation, { ...context, page }, (opts) => fetchPage(page, opts));
    items.push(...result.result);
    if (isLastPage(page, perPage, result)) return items;
  }
}

/**
 * Whether `page` was the last one. Some list endpoints send `total_pages`; tunnel pages send only a `total_count`
 * that counts every tunnel of the account, not the matches of the filter, so it can only say "no more" (never
 * "more"): a page shorter than its `per_page` is the last.
 */
export function isLastPage(page: number, perPage: number, result: SdkPage<unknown>): boolean {
  if (result.result.length === 0) return true;
  const info = result.result_info;
  if (info?.total_pages !== undefined) return page >= info.total_pages;
  const size = info?.per_page ?? perPage;
  if (result.result.length < size) return true;
  return info?.total_count !== undefined && page * size >= info.total_count;
}

/** An error the gateway raises itself (e.g. "no account with that name"), typed like the others. */
export function gatewayError(operation: string, kind: ErrorKind, message: string): CloudflareApiError {
  return new CloudflareApiError({
    kind,
    operation,
    status: undefined,
    codes: [{ code: 0, message }],
    retryAfterMs: undefined,
    cause: undefined,
  });
}

/** Runs `fn`, turning a `notFound` error into `undefined` (used where absence is a normal answer). */
export async function orUndefinedIfNotFound<T>(fn: () => Promise<T>): Promise<T | undefined> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof CloudflareApiError && err.kind === 'notFound') return undefined;
    throw err;
  }
}
