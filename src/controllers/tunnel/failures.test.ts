import { ConditionType, Reason } from '../../api/conditions.js';
import { CloudflareApiError } from '../../cloudflare/index.js';
import { apiError } from '../../cloudflare/testing/fake-cloudflare.js';
import { TerminalError } from '../../runtime/errors.js';
import { failed } from './conditions.js';
import { outcomeOf } from './failures.js';
import { Report, StepFailure } from './report.js';

function rateLimited(retryAfterMs: number | undefined): CloudflareApiError {
  return new CloudflareApiError({
    kind: 'rateLimited',
    operation: 'fake',
    status: 429,
    codes: [],
    retryAfterMs,
    cause: undefined,
  });
}

describe('outcomeOf', () => {
  it('a StepFailure is already reported: retried as it says, terminal ones as a TerminalError', () => {
    const report = new Report();
    const backoff = new StepFailure('no credentials', 'backoff');
    expect(outcomeOf(backoff, report, false)).toEqual({ error: backoff });
    const terminal = outcomeOf(new StepFailure('another account', 'terminal'), report, false);
    expect('error' in terminal && terminal.error).toBeInstanceOf(TerminalError);
    expect('error' in terminal && terminal.error.cause).toBeInstanceOf(StepFailure);
    expect(report.conditions).toEqual([]);
    expect(report.events).toEqual([]);
    expect(report.ready).toBeUndefined();
  });

  it('refused credentials: CredentialsValid False and a Warning, retried with backoff', () => {
    const report = new Report();
    const err = apiError('auth');
    expect(outcomeOf(err, report, false)).toEqual({ error: err });
    expect(report.conditions).toEqual([
      expect.objectContaining({ type: ConditionType.CredentialsValid, status: 'False' }),
    ]);
    expect(report.events).toEqual([expect.objectContaining({ type: 'Warning', action: 'CallCloudflare' })]);
    expect(report.ready).toBeUndefined();
  });

  it('refused credentials while deleting: the deletion is blocked, saying why', () => {
    const report = new Report();
    const err = apiError('auth');
    expect(outcomeOf(err, report, true)).toEqual({ error: err });
    expect(report.ready).toMatchObject({
      type: ConditionType.Ready,
      status: 'False',
      reason: Reason.DeletionBlocked,
      message: `${err.message}: cannot remove the tunnel's Cloudflare objects`,
    });
    expect(report.events).toEqual([expect.objectContaining({ type: 'Warning', reason: Reason.DeletionBlocked })]);
  });

  it('rate limited: Ready False RateLimited, no error, back after Retry-After (30 s without one)', () => {
    const report = new Report();
    expect(outcomeOf(rateLimited(7000), report, false)).toEqual({ result: { requeueAfterMs: 7000 } });
    expect(report.ready).toMatchObject({ status: 'False', reason: Reason.RateLimited });
    expect(report.events).toEqual([]);
    expect(outcomeOf(rateLimited(undefined), new Report(), false)).toEqual({ result: { requeueAfterMs: 30_000 } });
  });

  it('Cloudflare unavailable: Ready False CloudflareUnavailable and a Warning, retried with backoff', () => {
    const report = new Report();
    const err = apiError('transient');
    expect(outcomeOf(err, report, false)).toEqual({ error: err });
    expect(report.ready).toMatchObject({ status: 'False', reason: Reason.CloudflareUnavailable, message: err.message });
    expect(report.events).toEqual([
      { type: 'Warning', reason: Reason.CloudflareUnavailable, action: 'CallCloudflare', note: err.message },
    ]);
  });

  it('anything else: Ready False ReconcileError and a Warning with the error', () => {
    const report = new Report();
    const outcome = outcomeOf(new Error('boom'), report, false);
    expect('error' in outcome && outcome.error.message).toBe('boom');
    expect(report.ready).toMatchObject({ status: 'False', reason: Reason.ReconcileError, message: 'boom' });
    expect(report.events).toEqual([
      { type: 'Warning', reason: Reason.ReconcileError, action: 'Reconcile', note: 'boom' },
    ]);
  });

  it('a Cloudflare error of another kind is reported like anything else', () => {
    const report = new Report();
    outcomeOf(apiError('conflict'), report, false);
    expect(report.ready).toMatchObject({ reason: Reason.ReconcileError });
  });

  it('while deleting, an error after the deletion was reported blocked keeps the blocked verdict', () => {
    const report = new Report();
    report.ready = failed(ConditionType.Ready, Reason.DeletionBlocked, 'records held');
    outcomeOf(new Error('boom'), report, true);
    expect(report.ready).toMatchObject({ reason: Reason.DeletionBlocked, message: 'records held' });
    expect(report.events).toEqual([expect.objectContaining({ reason: Reason.ReconcileError, note: 'boom' })]);
  });

  it('while deleting, any other verdict (or none) is replaced by the error', () => {
    const deleting = new Report();
    deleting.ready = failed(ConditionType.Ready, Reason.Deleting, 'removing');
    outcomeOf(new Error('boom'), deleting, true);
    expect(deleting.ready).toMatchObject({ reason: Reason.ReconcileError });
    const none = new Report();
    outcomeOf(new Error('boom'), none, true);
    expect(none.ready).toMatchObject({ reason: Reason.ReconcileError });
  });

  it('not deleting, even a blocked verdict is replaced by the error', () => {
    const report = new Report();
    report.ready = failed(ConditionType.Ready, Reason.DeletionBlocked, 'records held');
    outcomeOf(new Error('boom'), report, false);
    expect(report.ready).toMatchObject({ reason: Reason.ReconcileError });
  });
});
