// Leader election on a coordination.k8s.io/v1 Lease, with client-go's timing rules:
// - a candidate takes a lease that is free (no holder) or whose holder has not renewed it for leaseDuration;
// - the leader renews every retryPeriod and steps down at once when it sees another holder, or when
//   renewDeadline has passed since the start of its last successful renew attempt;
// - on shutdown the leader releases the lease (empty holder), so a standby takes over within one retryPeriod.
// Expiry is judged on OUR clock. client-go counts from when it first saw the record change, which can be up to
// one poll interval after the actual renew; we also use the record's renewTime, but trust it only within that
// poll interval (clamped to [seen − poll, seen]). A skewed clock can thus shorten the wait by at most one poll,
// which the rule leaseDuration − renewDeadline > poll absorbs: the old leader has stopped before anyone may take
// over. In return a dead leader is replaced within leaseDuration + one poll (retryPeriod × 1.2).
import { sleep, systemRandom, type Clock, type Random, type Timer } from './clock.js';
import { describeError, isConflict } from './errors.js';
import { nullLogger, type Logger } from './logger.js';

export interface LeaseRecord {
  /** '' when nobody holds the lease. */
  holderIdentity: string;
  leaseDurationSeconds: number;
  /** Epoch milliseconds. */
  acquireTime?: number;
  renewTime?: number;
  leaseTransitions: number;
  /** Opaque; update() fails with 409 when it is stale. */
  resourceVersion?: string;
}

/** The three calls leader election needs; `signal` bounds each call. */
export interface LeaseApi {
  /** undefined when the Lease does not exist. */
  get(signal: AbortSignal): Promise<LeaseRecord | undefined>;
  /** Fails with 409 when it exists already. */
  create(record: LeaseRecord, signal: AbortSignal): Promise<LeaseRecord>;
  /** Compare-and-swap on resourceVersion; fails with 409 when stale. */
  update(record: LeaseRecord, signal: AbortSignal): Promise<LeaseRecord>;
}

export type LeaderState = 'stopped' | 'standby' | 'leader';

export interface LeaderElectionOptions {
  identity: string;
  leaseDurationMs: number;
  renewDeadlineMs: number;
  retryPeriodMs: number;
  api: LeaseApi;
  clock: Clock;
  random?: Random;
  logger?: Logger;
  /** Called on becoming leader; the signal aborts when leadership ends. */
  onStartedLeading: (signal: AbortSignal) => void;
  /** Called on losing leadership or releasing it. */
  onStoppedLeading: () => void;
}

/** How far the standby retry period is stretched at most (client-go's JitterFactor 1.2). */
const JITTER = 0.2;

export function validateLeaderTimings(leaseMs: number, renewMs: number, retryMs: number): string[] {
  const problems: string[] = [];
  if (!(retryMs > 0)) problems.push('retry period must be > 0');
  if (!(renewMs > retryMs * (1 + JITTER))) problems.push('renew deadline must be > 1.2 × retry period');
  if (!(leaseMs - renewMs > retryMs * (1 + JITTER))) {
    problems.push('lease duration must exceed renew deadline by more than 1.2 × retry period');
  }
  return problems;
}

/** Tells two reads of the lease apart, as client-go compares the whole record. */
function recordVersion(record: LeaseRecord): string {
  const { holderIdentity, leaseDurationSeconds, acquireTime, renewTime, leaseTransitions, resourceVersion } = record;
  return JSON.stringify([
    holderIdentity,
    leaseDurationSeconds,
    acquireTime,
    renewTime,
    leaseTransitions,
    resourceVersion,
  ]);
}

export class LeaderElector {
  private current: LeaderState = 'stopped';
  private loop: Promise<void> | undefined;
  private stopSignal = new AbortController();
  private leadership: AbortController | undefined;
  private deadline: Timer | undefined;
  private observed: { version: string; at: number } | undefined;
  private readonly random: Random;
  private readonly log: Logger;

  constructor(private readonly options: LeaderElectionOptions) {
    const problems = validateLeaderTimings(options.leaseDurationMs, options.renewDeadlineMs, options.retryPeriodMs);
    if (problems.length > 0) throw new Error(`leader election: ${problems.join('; ')}`);
    this.random = options.random ?? systemRandom;
    this.log = (options.logger ?? nullLogger).child({ component: 'leader-election', identity: options.identity });
  }

  get state(): LeaderState {
    return this.current;
  }

  isLeader(): boolean {
    return this.current === 'leader';
  }

  /** Starts campaigning in the background. */
  start(): void {
    if (this.loop) return;
    this.stopSignal = new AbortController();
    this.current = 'standby';
    this.loop = this.run(this.stopSignal.signal);
  }

  /**
   * Stops campaigning (a no-op when not started); a leader steps down and, if `release`, frees the lease for the
   * others. A replica that is not leading never writes the lease.
   */
  async stop(options: { release: boolean }): Promise<void> {
    // Stryker disable next-line StringLiteral: message text
    this.stopSignal.abort(new Error('leader election stopped'));
    await this.loop;
    this.loop = undefined;
    const wasLeader = this.isLeader();
    this.stepDown('stopping');
    this.current = 'stopped';
    if (wasLeader && options.release) await this.release();
  }

  private async run(stop: AbortSignal): Promise<void> {
    while (!stop.aborted) {
      await this.attempt();
      const period = this.isLeader() ? this.options.retryPeriodMs : this.jittered();
      await sleep(this.options.clock, period, stop).catch(() => undefined); // stopped: the loop ends
    }
  }

  private jittered(): number {
    return Math.round(this.options.retryPeriodMs * (1 + JITTER * this.random()));
  }

  /** An AbortSignal that fires after `ms` on our clock or when stopping, whichever comes first. */
  private bounded(ms: number): { signal: AbortSignal; done: () => void } {
    const timeout = new AbortController();
    // Stryker disable next-line StringLiteral: message text
    const timer = this.options.clock.schedule(ms, () => timeout.abort(new Error('lease request timed out')));
    return { signal: AbortSignal.any([timeout.signal, this.stopSignal.signal]), done: () => timer.cancel() };
  }

  private async attempt(): Promise<void> {
    const started = this.options.clock.now();
    const { signal, done } = this.bounded(this.options.renewDeadlineMs);
    try {
      const outcome = await this.tryAcquireOrRenew(signal);
      if (outcome === 'held') this.stepDown('another replica holds the lease');
      if (outcome === 'ok' && !this.stopSignal.signal.aborted) this.onRenewed(started);
    } catch (err: unknown) {
      const level = isConflict(err) || this.stopSignal.signal.aborted ? 'debug' : 'warn';
      this.log[level]('lease acquire/renew failed', { error: describeError(err), state: this.current });
    } finally {
      done();
    }
  }

  private async tryAcquireOrRenew(signal: AbortSignal): Promise<'ok' | 'held'> {
    const { api, clock, identity } = this.options;
    const now = clock.now();
    const existing = await api.get(signal);
    const leaseDurationSeconds = Math.ceil(this.options.leaseDurationMs / 1000);
    if (!existing) {
      // What we write ourselves need not be observed: only another holder's record is ever judged expired.
      await api.create(
        { holderIdentity: identity, leaseDurationSeconds, acquireTime: now, renewTime: now, leaseTransitions: 0 },
        signal,
      );
      return 'ok';
    }
    this.observe(existing, now);
    const mine = existing.holderIdentity === identity;
    if (!mine && existing.holderIdentity !== '' && !this.expired(existing, now)) return 'held';
    await api.update(
      {
        holderIdentity: identity,
        leaseDurationSeconds,
        acquireTime: mine ? existing.acquireTime : now,
        renewTime: now,
        leaseTransitions: mine ? existing.leaseTransitions : existing.leaseTransitions + 1,
        resourceVersion: existing.resourceVersion,
      },
      signal,
    );
    return 'ok';
  }

  /** Remembers when we first saw this version of the record (on our clock): any change to it restarts the wait. */
  private observe(record: LeaseRecord, at: number): void {
    if (this.observed?.version !== recordVersion(record)) this.observed = { version: recordVersion(record), at };
  }

  private expired(record: LeaseRecord, now: number): boolean {
    const seenAt = this.observed?.at ?? now;
    const poll = this.options.retryPeriodMs * (1 + JITTER);
    const renewedAt = Math.min(seenAt, Math.max(seenAt - poll, record.renewTime ?? seenAt));
    return renewedAt + record.leaseDurationSeconds * 1000 <= now;
  }

  /** Leadership holds until renewDeadline after the start of the attempt that renewed it. */
  private onRenewed(attemptStarted: number): void {
    this.deadline?.cancel();
    const remaining = attemptStarted + this.options.renewDeadlineMs - this.options.clock.now();
    this.deadline = this.options.clock.schedule(remaining, () =>
      this.stepDown('could not renew the lease within the renew deadline'),
    );
    if (this.current === 'leader') return;
    this.current = 'leader';
    this.leadership = new AbortController();
    this.log.info('became leader');
    this.options.onStartedLeading(this.leadership.signal);
  }

  private stepDown(reason: string): void {
    this.deadline?.cancel();
    this.deadline = undefined;
    if (this.current !== 'leader') return;
    this.current = this.stopSignal.signal.aborted ? 'stopped' : 'standby';
    this.leadership?.abort(new Error(`leadership lost: ${reason}`));
    this.leadership = undefined;
    this.log.warn('stopped leading', { reason });
    this.options.onStoppedLeading();
  }

  /** Frees the lease if we still hold it; failures are logged, the lease then simply expires. */
  private async release(): Promise<void> {
    // Runs after stop: bounded by its own timer only.
    const controller = new AbortController();
    const timer = this.options.clock.schedule(this.options.renewDeadlineMs, () => controller.abort());
    try {
      const existing = await this.options.api.get(controller.signal);
      if (!existing || existing.holderIdentity !== this.options.identity) return;
      await this.options.api.update(
        { ...existing, holderIdentity: '', leaseDurationSeconds: 1, renewTime: this.options.clock.now() },
        controller.signal,
      );
      this.log.info('released the lease');
    } catch (err: unknown) {
      this.log.warn('could not release the lease; it will expire', { error: describeError(err) });
    } finally {
      timer.cancel();
    }
  }
}
