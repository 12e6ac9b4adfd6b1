// What the last passes over a tunnel confirmed on Cloudflare: the account and zones, that the tunnel exists, the
// remote configuration pushed, the DNS records in place, the connectors. A pass whose inputs are unchanged (a
// Deployment status event, our own status write, an unrelated Service) then calls Cloudflare not at all until
// `ttlMs` has passed (the resync period: each resync verifies everything once), or an entry's own shorter TTL
// (what is still expected to change, like connectors catching up). Any failure forgets the tunnel's entries.
import type { Clock } from '../../runtime/clock.js';
import { pushedConfigs, type PushedConfigs } from './remote-config-step.js';

export type MemoStep = 'account' | 'tunnel' | 'config' | 'dns' | 'connectors';

interface Entry {
  fingerprint: string;
  at: number;
  ttlMs: number;
  value: unknown;
}

export class CloudflareMemo {
  private readonly entries = new Map<string, Map<MemoStep, Entry>>();
  /**
   * The remote configuration last pushed per credential and tunnel. Neither expires nor is forgotten on a failure:
   * it is checked against the version Cloudflare reports, so a stale entry only costs a comparison.
   */
  readonly pushes: PushedConfigs = pushedConfigs();

  constructor(
    private readonly clock: Clock,
    private readonly ttlMs: number,
  ) {}

  /** The value remembered for this tunnel and step under this fingerprint, while fresh. */
  recall<T>(tunnel: string, step: MemoStep, fingerprint: string): T | undefined {
    const entry = this.entries.get(tunnel)?.get(step);
    if (!entry || entry.fingerprint !== fingerprint || this.clock.now() - entry.at >= entry.ttlMs) return undefined;
    return entry.value as T;
  }

  /** The value remembered under this fingerprint, however old (e.g. to continue a backoff). */
  lastKnown<T>(tunnel: string, step: MemoStep, fingerprint: string): T | undefined {
    const entry = this.entries.get(tunnel)?.get(step);
    return entry?.fingerprint === fingerprint ? (entry.value as T) : undefined;
  }

  /** Milliseconds until the entry for this tunnel and step expires (0 when there is none or it has). */
  expiresInMs(tunnel: string, step: MemoStep): number {
    const entry = this.entries.get(tunnel)?.get(step);
    return entry ? Math.max(0, entry.at + entry.ttlMs - this.clock.now()) : 0;
  }

  /** The value last remembered for this tunnel and step, whatever its fingerprint and age. */
  latest<T>(tunnel: string, step: MemoStep): T | undefined {
    return this.entries.get(tunnel)?.get(step)?.value as T | undefined;
  }

  /** Remembers `value` for `ttlMs` (default: the memo's TTL, the resync period). */
  remember(tunnel: string, step: MemoStep, fingerprint: string, value: unknown = true, ttlMs = this.ttlMs): void {
    let steps = this.entries.get(tunnel);
    if (!steps) {
      steps = new Map<MemoStep, Entry>();
      this.entries.set(tunnel, steps);
    }
    steps.set(step, { fingerprint, at: this.clock.now(), ttlMs: Math.min(ttlMs, this.ttlMs), value });
  }

  /** The remembered value, or `load()`'s, remembered. */
  async through<T>(tunnel: string, step: MemoStep, fingerprint: string, load: () => Promise<T>): Promise<T> {
    const known = this.recall<T>(tunnel, step, fingerprint);
    if (known !== undefined) return known;
    const value = await load();
    this.remember(tunnel, step, fingerprint, value);
    return value;
  }

  forget(tunnel: string): void {
    this.entries.delete(tunnel);
  }
}
