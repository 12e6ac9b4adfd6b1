// What one reconcile found and decided: condition updates, status fields and Events, collected by the steps and
// written once at the end.
import type { TunnelStatus } from '../../api/types.js';
import type { ConditionUpdate } from '../../runtime/conditions.js';
import type { EventInput } from '../../runtime/events.js';

export class Report {
  readonly conditions: ConditionUpdate[] = [];
  readonly fields: Partial<TunnelStatus> = {};
  readonly events: EventInput[] = [];
  /** Replaces the computed Ready summary (reconcile failures, deletion). */
  ready: ConditionUpdate | undefined;
  /** The finalizer is gone: the object may vanish, so there is no status to write. */
  released = false;
  /** Come back after this long even if nothing changes (something outside our watches must be looked at again). */
  recheckAfterMs: number | undefined;

  set(update: ConditionUpdate): void {
    const at = this.conditions.findIndex((c) => c.type === update.type);
    if (at >= 0) this.conditions.splice(at, 1);
    this.conditions.push(update);
  }

  normal(reason: string, action: string, note: string): void {
    this.events.push({ type: 'Normal', reason, action, note });
  }

  warning(reason: string, action: string, note: string): void {
    this.events.push({ type: 'Warning', reason, action, note });
  }
}

/**
 * Stops the reconcile after a problem already written into the report (a condition and an Event). `retry`
 * requeues with backoff; `terminal` waits for the next change to the object (or the periodic resync).
 */
export class StepFailure extends Error {
  constructor(
    message: string,
    readonly retry: 'backoff' | 'terminal',
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'StepFailure';
  }
}
