// What a failed reconcile reports and how it is retried. Pure apart from filling in the report.
//   StepFailure                 → already reported; backoff, or terminal
//   Cloudflare auth / account   → CredentialsValid=False (DeletionBlocked while deleting); backoff
//   Cloudflare 429              → Ready=False RateLimited; come back after Retry-After
//   Cloudflare 5xx / timeouts   → Ready=False CloudflareUnavailable; backoff
//   anything else               → Ready=False ReconcileError + Warning Event; backoff
import { ConditionType, Reason } from '../../api/conditions.js';
import { isCloudflareApiError } from '../../cloudflare/index.js';
import type { ReconcileResult } from '../../runtime/controller.js';
import { describeError, TerminalError, toError } from '../../runtime/errors.js';
import { credentialsFailure, failed } from './conditions.js';
import { deletionBlocked } from './finalize.js';
import { StepFailure, type Report } from './report.js';

export type FailureOutcome = { result: ReconcileResult | undefined } | { error: Error };

const DEFAULT_RATE_LIMIT_WAIT_MS = 30_000;

export function outcomeOf(err: unknown, report: Report, deleting: boolean): FailureOutcome {
  if (err instanceof StepFailure) {
    return { error: err.retry === 'terminal' ? new TerminalError(err.message, { cause: err }) : err };
  }
  if (isCloudflareApiError(err)) {
    const credentials = credentialsFailure(err);
    if (credentials) {
      report.set(credentials);
      if (deleting) deletionBlocked(report, `${err.message}: cannot remove the tunnel's Cloudflare objects`);
      else report.warning(credentials.reason, 'CallCloudflare', credentials.message ?? err.message);
      return { error: err };
    }
    if (err.kind === 'rateLimited') {
      report.ready = failed(ConditionType.Ready, Reason.RateLimited, err.message);
      return { result: { requeueAfterMs: err.retryAfterMs ?? DEFAULT_RATE_LIMIT_WAIT_MS } };
    }
    if (err.kind === 'transient') {
      report.ready = failed(ConditionType.Ready, Reason.CloudflareUnavailable, err.message);
      report.warning(Reason.CloudflareUnavailable, 'CallCloudflare', err.message);
      return { error: err };
    }
  }
  const message = describeError(err);
  if (!deleting || !report.ready || report.ready.reason !== Reason.DeletionBlocked) {
    report.ready = failed(ConditionType.Ready, Reason.ReconcileError, message);
  }
  report.warning(Reason.ReconcileError, 'Reconcile', message);
  return { error: toError(err) };
}
