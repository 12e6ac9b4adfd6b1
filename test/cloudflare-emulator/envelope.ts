// Cloudflare v4 response envelopes, errors and pagination.

export interface ErrorItem {
  code: number;
  message: string;
  error_chain?: ErrorItem[];
}

export interface ResultInfo {
  page: number;
  per_page: number;
  count: number;
  total_count: number;
  /** Absent on some lists (tunnels). */
  total_pages?: number;
}

export interface Envelope {
  success: boolean;
  errors: ErrorItem[];
  messages: { code: number; message: string }[];
  result: unknown;
  result_info?: ResultInfo;
}

/** Thrown by handlers; the server turns it into an error envelope with this status. */
export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly errors: ErrorItem[],
    readonly headers: Record<string, string> = {},
  ) {
    super(errors.map((e) => `${e.code} ${e.message}`).join('; '));
    this.name = 'ApiFailure';
  }
}

export function fail(status: number, code: number, message: string, headers?: Record<string, string>): ApiFailure {
  return new ApiFailure(status, [{ code, message }], headers);
}

export function success(result: unknown, resultInfo?: ResultInfo): Envelope {
  return { success: true, errors: [], messages: [], result, ...(resultInfo ? { result_info: resultInfo } : {}) };
}

export function failure(errors: ErrorItem[]): Envelope {
  return { success: false, errors, messages: [], result: null };
}

export interface PageLimits {
  defaultPerPage: number;
  minPerPage: number;
  maxPerPage: number;
}

/** Applies `page` / `per_page` (clamped to the endpoint's limits) and builds `result_info`. */
export function paginate<T>(
  items: readonly T[],
  query: URLSearchParams,
  limits: PageLimits,
): { page: T[]; info: ResultInfo } {
  const page = Math.max(1, Math.floor(Number(query.get('page') ?? '1')) || 1);
  const requested = Math.floor(Number(query.get('per_page') ?? String(limits.defaultPerPage))) || limits.defaultPerPage;
  const perPage = Math.min(limits.maxPerPage, Math.max(limits.minPerPage, requested));
  const slice = items.slice((page - 1) * perPage, page * perPage);
  return {
    page: slice,
    info: {
      page,
      per_page: perPage,
      count: slice.length,
      total_count: items.length,
      total_pages: Math.ceil(items.length / perPage),
    },
  };
}
