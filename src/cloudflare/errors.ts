// Errors are classified once, here, from the SDK's error classes and HTTP status. Nothing else in
// the operator looks at SDK errors or at message text.
import {
  APIConnectionError,
  APIError,
  APIUserAbortError,
  AuthenticationError,
  BadRequestError,
  ConflictError,
  InternalServerError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  UnprocessableEntityError,
} from 'cloudflare';

/**
 * - `auth`: the credentials are invalid or lack a permission (401/403). Never retried.
 * - `notFound`: the object does not exist (404).
 * - `conflict`: the change clashes with existing state (409, or a DNS record conflict code).
 * - `rateLimited`: 429; `retryAfterMs` says when to come back.
 * - `transient`: 5xx, connection failures and timeouts. Retried with backoff.
 * - `invalid`: the request itself is wrong (other 4xx). Never retried.
 */
export type ErrorKind = 'auth' | 'notFound' | 'conflict' | 'rateLimited' | 'transient' | 'invalid';

export interface CloudflareErrorCode {
  code: number;
  message: string;
}

export interface CloudflareApiErrorInit {
  kind: ErrorKind;
  operation: string;
  status: number | undefined;
  codes: CloudflareErrorCode[];
  retryAfterMs: number | undefined;
  cause: unknown;
  auth?: AuthDetail;
}

/** What the gateway found out about an authentication error (see permissions.ts). */
export interface AuthDetail {
  /** From the token verification endpoint: true valid, false unknown, undefined when it could not tell. */
  tokenValid: boolean | undefined;
  /** The permission group the failed operation needs. */
  permission: string | undefined;
}

/**
 * Codes Cloudflare sends with HTTP 400 that are about the credentials, not the request: 6003 (with 6111 in its
 * chain) for a malformed Authorization header, 6111 itself, 9106 for missing credentials.
 */
export const CREDENTIAL_FORMAT_CODES: ReadonlySet<number> = new Set([6003, 6111, 9106]);

/** Cloudflare's DNS codes for "a record with that host already exists", sent with HTTP 400. */
export const DNS_CONFLICT_CODES: ReadonlySet<number> = new Set([81053, 81054, 81057, 81058]);
/** Cloudflare's DNS code for "record does not exist". */
export const DNS_RECORD_NOT_FOUND_CODE = 81044;

/** The gateway's only error type. Its message names the operation and Cloudflare's codes, never a secret. */
export class CloudflareApiError extends Error {
  readonly kind: ErrorKind;
  readonly operation: string;
  readonly status: number | undefined;
  readonly codes: CloudflareErrorCode[];
  readonly retryAfterMs: number | undefined;
  readonly auth: AuthDetail | undefined;
  private readonly init: CloudflareApiErrorInit;

  constructor(init: CloudflareApiErrorInit, scrub: (text: string) => string = (t) => t) {
    super(scrub(describe(init)), { cause: init.cause });
    this.name = 'CloudflareApiError';
    this.kind = init.kind;
    this.operation = init.operation;
    this.status = init.status;
    this.codes = init.codes.map((c) => ({ code: c.code, message: scrub(c.message) }));
    this.retryAfterMs = init.retryAfterMs;
    this.auth = init.auth;
    this.init = { ...init, codes: this.codes };
  }

  /** The same error with what the gateway found out about the credentials. */
  withAuthDetail(auth: AuthDetail): CloudflareApiError {
    return new CloudflareApiError({ ...this.init, auth });
  }

  hasCode(code: number): boolean {
    return this.codes.some((c) => c.code === code);
  }
}

function describe(init: CloudflareApiErrorInit): string {
  const status = init.status === undefined ? 'no response' : `HTTP ${init.status}`;
  const codes = init.codes.map((c) => `${c.code} ${c.message}`).join('; ');
  return `cloudflare ${init.operation}: ${init.kind} (${status})${codes ? `: ${codes}` : ''}`;
}

export function isCloudflareApiError(err: unknown): err is CloudflareApiError {
  return err instanceof CloudflareApiError;
}

/**
 * Parses `Retry-After` (delta-seconds or an HTTP date) into milliseconds from `nowMs`.
 * Returns undefined when absent or unparsable; never negative.
 */
export function parseRetryAfter(value: string | null | undefined, nowMs: number): number | undefined {
  if (value == null || value.trim() === '') return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.ceil(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - nowMs);
}

/** Maps anything thrown by an SDK call to a CloudflareApiError. */
export function classifyError(
  err: unknown,
  operation: string,
  nowMs: number,
  scrub?: (text: string) => string,
): CloudflareApiError {
  if (err instanceof CloudflareApiError) return err;
  const status = err instanceof APIError && typeof err.status === 'number' ? err.status : undefined;
  const codes = err instanceof APIError ? extractCodes(err.errors) : [];
  const retryAfterMs = parseRetryAfter(headerOf(err, 'retry-after'), nowMs);
  const kind = kindOf(err, codes);
  return new CloudflareApiError({ kind, operation, status, codes, retryAfterMs, cause: err }, scrub);
}

function headerOf(err: unknown, name: string): string | null {
  if (!(err instanceof APIError)) return null;
  const headers = (err as { headers?: { get(name: string): string | null } }).headers;
  return headers ? headers.get(name) : null;
}

function kindOf(err: unknown, codes: CloudflareErrorCode[]): ErrorKind {
  // User aborts are ours, not the network's; timeouts are a subclass of connection errors.
  if (err instanceof APIUserAbortError) return 'invalid';
  if (err instanceof APIConnectionError) return 'transient';
  if (err instanceof AuthenticationError || err instanceof PermissionDeniedError) return 'auth';
  if (err instanceof RateLimitError) return 'rateLimited';
  if (err instanceof NotFoundError) return 'notFound';
  if (err instanceof ConflictError) return 'conflict';
  if (err instanceof BadRequestError || err instanceof UnprocessableEntityError) return kindOfBadRequest(codes);
  if (err instanceof InternalServerError) return 'transient';
  if (err instanceof APIError) return typeof err.status === 'number' && err.status >= 500 ? 'transient' : 'invalid';
  // Not from the SDK (a bug, or a fetch-level TypeError): do not retry blindly.
  return 'invalid';
}

/** DNS answers some conflicts and missing records with HTTP 400 and a specific code. */
function kindOfBadRequest(codes: CloudflareErrorCode[]): ErrorKind {
  if (codes.some((c) => CREDENTIAL_FORMAT_CODES.has(c.code))) return 'auth';
  if (codes.some((c) => DNS_CONFLICT_CODES.has(c.code))) return 'conflict';
  if (codes.some((c) => c.code === DNS_RECORD_NOT_FOUND_CODE)) return 'notFound';
  return 'invalid';
}

function extractCodes(errors: unknown): CloudflareErrorCode[] {
  if (!Array.isArray(errors)) return [];
  const codes: CloudflareErrorCode[] = [];
  for (const e of errors as unknown[]) {
    if (typeof e !== 'object' || e === null) continue;
    const { code, message } = e as { code?: unknown; message?: unknown };
    if (typeof code === 'number') codes.push({ code, message: typeof message === 'string' ? message : '' });
  }
  return codes;
}
