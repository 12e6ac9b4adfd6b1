// The gateway reports every API call here; the runtime adapts it to Prometheus.
import type { ErrorKind } from './errors.js';

export type CallOutcome = 'success' | ErrorKind;

export interface CallObservation {
  /** Stable operation name, e.g. `dns.batch` or `tunnels.create`. */
  operation: string;
  outcome: CallOutcome;
  /** HTTP status, when a response arrived. */
  status: number | undefined;
  durationMs: number;
  /** 1 for the first try, 2 for the first retry, ... */
  attempt: number;
}

export interface GatewayMetrics {
  /** Called once per HTTP attempt, after it completes. Must not throw. */
  observeCall(observation: CallObservation): void;
  /** Called when the client-side rate limiter made a call wait. */
  observeRateLimitWait?(operation: string, waitedMs: number): void;
}

export const noopMetrics: GatewayMetrics = { observeCall: () => undefined };
