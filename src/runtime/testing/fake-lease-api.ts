// An in-memory Lease for unit tests: the API server's compare-and-swap on resourceVersion, fault injection, and
// a log of every call, so a test can check what a replica did and when (e.g. no write after it lost the lease).
import { ApiException } from '@kubernetes/client-node';
import type { LeaseApi, LeaseRecord } from '../leader-election.js';

export class FakeLeaseApi implements LeaseApi {
  record: LeaseRecord | undefined;
  private version = 0;
  /** The next this many calls fail with 503. */
  failNext = 0;
  /** Calls never answer (until their signal aborts). */
  hang = false;
  calls = 0;
  /** `get`, `create` and `update`, in order, with the holder they asked for (updates and creates). */
  readonly log: string[] = [];

  private async gate(signal: AbortSignal): Promise<void> {
    this.calls++;
    if (this.hang) {
      await new Promise<void>((_, reject) => signal.addEventListener('abort', () => reject(new Error('timeout'))));
    }
    if (this.failNext > 0) {
      this.failNext--;
      throw new ApiException(503, 'unavailable', {}, {});
    }
  }

  async get(signal: AbortSignal): Promise<LeaseRecord | undefined> {
    await this.gate(signal);
    this.log.push('get');
    return this.record && { ...this.record };
  }

  async create(record: LeaseRecord, signal: AbortSignal): Promise<LeaseRecord> {
    await this.gate(signal);
    if (this.record) throw new ApiException(409, 'exists', {}, {});
    this.log.push(`create ${record.holderIdentity}`);
    this.record = { ...record, resourceVersion: String(++this.version) };
    return { ...this.record };
  }

  async update(record: LeaseRecord, signal: AbortSignal): Promise<LeaseRecord> {
    await this.gate(signal);
    if (!this.record || record.resourceVersion !== this.record.resourceVersion) {
      throw new ApiException(409, 'conflict', {}, {});
    }
    this.log.push(`update ${record.holderIdentity}`);
    this.record = { ...record, resourceVersion: String(++this.version) };
    return { ...this.record };
  }

  /** Someone else (a replica, or a person editing the Lease) makes `holder` the holder, renewed at `now`. */
  giveTo(holder: string, now: number): void {
    if (!this.record) throw new Error('no Lease to give away');
    this.record = { ...this.record, holderIdentity: holder, renewTime: now, resourceVersion: String(++this.version) };
  }
}
