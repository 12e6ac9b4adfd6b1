// The emulator's moving parts in one object: state, clock, rate limiter, faults and call counts.
import { FaultInjector } from './faults.js';
import { CLOUDFLARE_LIMIT, UserRateLimiter, type RateLimitSettings } from './rate-limit.js';
import { Rng } from './rng.js';
import { DEFAULT_SEED, EmulatorState, type SeedInput } from './state.js';

export interface CallRecord {
  method: string;
  /** The matched route pattern, e.g. `POST /zones/:zone_id/dns_records/batch`. */
  route: string;
  path: string;
  status: number;
  /** With an after-commit fault: the status the request really had (its answer was replaced or lost). */
  committedStatus?: number;
  /** The caller's User-Agent (the operator names its replica there). */
  userAgent?: string;
  /** When the emulator handled it: epoch milliseconds on the real clock (not the emulator's, which tests move). */
  at: number;
}

export interface CallStats {
  total: number;
  /** Calls per route pattern (`METHOD /pattern`). */
  byRoute: Record<string, number>;
  byStatus: Record<string, number>;
  /** The most recent calls, oldest first (at most 10,000). */
  recent: CallRecord[];
}

export interface EmulatorOptions {
  /** World to start from (and to return to on reset). Default: DEFAULT_SEED. */
  seed?: SeedInput;
  /** Seed of the PRNG behind IDs and fault draws. Default 1. */
  rngSeed?: number;
  rateLimit?: RateLimitSettings;
}

export class Emulator {
  readonly rng: Rng;
  readonly state: EmulatorState;
  readonly limiter: UserRateLimiter;
  readonly faults: FaultInjector;
  private clockOffsetMs = 0;
  private calls: CallStats = emptyStats();
  private readonly initialSeed: SeedInput;

  constructor(options: EmulatorOptions = {}) {
    this.rng = new Rng(options.rngSeed ?? 1);
    this.state = new EmulatorState(this.rng, () => new Date(this.now()));
    this.limiter = new UserRateLimiter(options.rateLimit ?? CLOUDFLARE_LIMIT);
    this.faults = new FaultInjector(this.rng);
    this.initialSeed = structuredClone(options.seed ?? DEFAULT_SEED);
    this.state.seed(this.initialSeed);
  }

  now(): number {
    return Date.now() + this.clockOffsetMs;
  }

  advanceClock(ms: number): void {
    this.clockOffsetMs += ms;
  }

  /** Back to the initial world (or `seed`), with counters, faults and rate-limit windows cleared. */
  reset(seed?: SeedInput): void {
    this.state.clear();
    this.state.seed(seed ?? this.initialSeed);
    this.calls = emptyStats();
    this.faults.clear();
    this.limiter.reset();
  }

  recordCall(call: CallRecord): void {
    this.calls.total++;
    this.calls.byRoute[call.route] = (this.calls.byRoute[call.route] ?? 0) + 1;
    this.calls.byStatus[String(call.status)] = (this.calls.byStatus[String(call.status)] ?? 0) + 1;
    this.calls.recent.push(call);
    if (this.calls.recent.length > 10_000) this.calls.recent.shift();
  }

  callStats(): CallStats {
    return structuredClone(this.calls);
  }

  clearCalls(): void {
    this.calls = emptyStats();
  }
}

function emptyStats(): CallStats {
  return { total: 0, byRoute: {}, byStatus: {}, recent: [] };
}
