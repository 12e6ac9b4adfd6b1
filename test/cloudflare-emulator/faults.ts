// Fault injection: errors, latency and hangs on chosen routes, drawn from a seeded RNG.
import type { Rng } from './rng.js';

export interface FaultRule {
  /** HTTP method to match (any when absent). */
  method?: string;
  /** Regular expression tested against the API path (e.g. `/dns_records/batch$`); any when absent. */
  path?: string;
  /** Chance in [0, 1] that a matching call is hit (default 1). */
  probability?: number;
  /** Hits left (unlimited when absent). */
  times?: number;
  /** Answer with this status (one picked at random from a list). */
  status?: number | number[];
  /** Seconds for Retry-After on an injected 429 (default 1). */
  retryAfterSeconds?: number;
  /** Delay before answering (or before going on normally when no status is set). */
  latencyMs?: number;
  /** Never answer: the client's timeout must fire. */
  hang?: boolean;
  /**
   * Run the request first (its change is committed), then answer with `status` or hang: the answer of a
   * write that succeeded is lost, as when Cloudflare commits and its edge still answers 502/504 or times out.
   */
  afterCommit?: boolean;
}

export interface ActiveFault extends FaultRule {
  id: number;
  hits: number;
}

export type FaultAction =
  | { kind: 'none'; latencyMs: number }
  | { kind: 'status'; status: number; retryAfterSeconds: number; latencyMs: number; afterCommit: boolean }
  | { kind: 'hang'; latencyMs: number; afterCommit: boolean };

export class FaultInjector {
  private rules: ActiveFault[] = [];
  private nextId = 1;

  constructor(private readonly rng: Rng) {}

  add(rule: FaultRule): ActiveFault {
    if (rule.path !== undefined) new RegExp(rule.path); // fail early on a bad pattern
    if (rule.afterCommit && rule.status === undefined && !rule.hang)
      throw new Error('afterCommit needs status or hang');
    const active = { ...rule, id: this.nextId++, hits: 0 };
    this.rules.push(active);
    return active;
  }

  clear(): void {
    this.rules = [];
  }

  list(): ActiveFault[] {
    return this.rules.map((r) => ({ ...r }));
  }

  /** The first matching rule that fires decides; latency of fired latency-only rules adds up. */
  decide(method: string, path: string): FaultAction {
    let latencyMs = 0;
    for (const rule of this.rules) {
      if (!this.matches(rule, method, path)) continue;
      if (this.rng.next() >= (rule.probability ?? 1)) continue;
      rule.hits++;
      if (rule.times !== undefined) rule.times--;
      latencyMs += rule.latencyMs ?? 0;
      const afterCommit = rule.afterCommit === true;
      if (rule.hang) return { kind: 'hang', latencyMs, afterCommit };
      if (rule.status !== undefined) {
        const status = Array.isArray(rule.status) ? this.rng.pick(rule.status) : rule.status;
        return { kind: 'status', status, retryAfterSeconds: rule.retryAfterSeconds ?? 1, latencyMs, afterCommit };
      }
    }
    return { kind: 'none', latencyMs };
  }

  private matches(rule: ActiveFault, method: string, path: string): boolean {
    if (rule.times !== undefined && rule.times <= 0) return false;
    if (rule.method && rule.method.toUpperCase() !== method) return false;
    return rule.path === undefined || new RegExp(rule.path).test(path);
  }
}
