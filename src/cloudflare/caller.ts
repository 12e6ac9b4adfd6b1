// Runs one SDK call with everything around it: rate limiting, a per-attempt timeout, error
// classification, retries, metrics and a debug log line. Every gateway operation goes through here.
import type { Logger } from 'winston';
import { sleep, type Clock } from '../runtime/clock.js';
import { classifyError, CloudflareApiError } from './errors.js';
import type { CallOutcome, GatewayMetrics } from './metrics.js';
import type { RateLimiter, RateLimitPause } from './rate-limiter.js';
import { decideRetry, type RetryPolicy } from './retry.js';

/** The per-request options the gateway passes to every SDK method. */
export interface CallOptions {
  timeout: number;
  maxRetries: 0;
}

/** What an SDK method returns: a promise that can also expose the raw response. */
export interface SdkPromise<T> extends PromiseLike<T> {
  withResponse(): Promise<{ data: T; response: Response }>;
}

/** Describes the call for logs; must not contain secrets (ids and hostnames only). */
export type CallContext = Record<string, string | number | boolean | undefined>;

export interface CallerDeps {
  clock: Clock;
  random: () => number;
  limiter: RateLimiter;
  /** Set after a 429: calls are not sent until it has passed. */
  pause: RateLimitPause;
  retry: RetryPolicy;
  timeoutMs: number;
  metrics: GatewayMetrics;
  logger: Logger | undefined;
  scrub: (text: string) => string;
}

export type Caller = <T>(
  operation: string,
  context: CallContext,
  call: (opts: CallOptions) => SdkPromise<T>,
) => Promise<T>;

export function createCaller(deps: CallerDeps): Caller {
  return async <T>(operation: string, context: CallContext, call: (opts: CallOptions) => SdkPromise<T>): Promise<T> => {
    for (let attempt = 1; ; attempt++) {
      const result = await attemptOnce(deps, operation, context, attempt, call);
      if (result.ok) return result.value;
      const decision = decideRetry(attempt, result.error, deps.retry, deps.random);
      if (!decision.retry) throw result.error;
      deps.logger?.debug('cloudflare call will be retried', {
        operation,
        attempt,
        delayMs: decision.delayMs,
        kind: result.error.kind,
      });
      await sleep(deps.clock, decision.delayMs);
    }
  };
}

type AttemptResult<T> = { ok: true; value: T } | { ok: false; error: CloudflareApiError };

async function attemptOnce<T>(
  deps: CallerDeps,
  operation: string,
  context: CallContext,
  attempt: number,
  call: (opts: CallOptions) => SdkPromise<T>,
): Promise<AttemptResult<T>> {
  const paused = deps.pause.remainingMs();
  if (paused > 0) return { ok: false, error: pausedError(operation, paused) };
  const queuedAt = deps.clock.now();
  await deps.limiter.acquire();
  const startedAt = deps.clock.now();
  if (startedAt > queuedAt) deps.metrics.observeRateLimitWait?.(operation, startedAt - queuedAt);
  try {
    const { data, response } = await call({ timeout: deps.timeoutMs, maxRetries: 0 }).withResponse();
    recordCall(deps, { operation, context, attempt, startedAt, outcome: 'success', status: response.status });
    return { ok: true, value: data };
  } catch (err) {
    const error = classifyError(err, operation, deps.clock.now(), deps.scrub);
    recordCall(deps, { operation, context, attempt, startedAt, outcome: error.kind, status: error.status });
    if (error.kind === 'rateLimited' && error.retryAfterMs !== undefined) deps.pause.pauseFor(error.retryAfterMs);
    return { ok: false, error };
  }
}

/** The error of a call not sent because the credential's rate limit is tripped (no request, no log line). */
function pausedError(operation: string, remainingMs: number): CloudflareApiError {
  return new CloudflareApiError({
    kind: 'rateLimited',
    operation,
    status: undefined,
    codes: [
      {
        code: 971,
        message: `not sent: Cloudflare's rate limit was hit, calls resume in ${Math.ceil(remainingMs / 1000)} s`,
      },
    ],
    retryAfterMs: remainingMs,
    cause: undefined,
  });
}

/** One finished attempt, as metrics and the debug log see it. */
interface CallReport {
  operation: string;
  context: CallContext;
  attempt: number;
  startedAt: number;
  outcome: CallOutcome;
  status: number | undefined;
}

function recordCall(deps: CallerDeps, r: CallReport): void {
  const durationMs = deps.clock.now() - r.startedAt;
  try {
    deps.metrics.observeCall({
      operation: r.operation,
      outcome: r.outcome,
      status: r.status,
      durationMs,
      attempt: r.attempt,
    });
  } catch {
    // A broken metrics adapter must not break reconciliation.
  }
  deps.logger?.debug('cloudflare call', {
    ...r.context,
    operation: r.operation,
    outcome: r.outcome,
    status: r.status,
    durationMs,
    attempt: r.attempt,
  });
}
