// The runtime's public surface, for controllers and main.
export { systemClock, systemRandom, sleep, type Clock, type Random, type Timer } from './clock.js';
export { KeyedBackoff, defaultReconcileBackoff, type BackoffOptions } from './backoff.js';
export { WorkQueue, type WorkQueueObserver } from './work-queue.js';
export {
  Controller,
  coalesceWindow,
  type CoalesceOptions,
  type ControllerOptions,
  type ReconcileContext,
  type ReconcileOutcome,
  type ReconcileResult,
  type Reconciler,
} from './controller.js';
export { TerminalError, apiStatusCode, describeError, isConflict, isInvalid, isNotFound, toError } from './errors.js';
export { keyOf, objectKey, parseKey, type ObjectName } from './keys.js';
export {
  FIELD_MANAGER,
  ResourceClient,
  apiVersionOf,
  createKubeTransport,
  resourceId,
  resourcePath,
  type JsonPatchOp,
  type KubeTransport,
  type ResourceType,
} from './kube-client.js';
export { addFinalizer, finalizerPatch, hasFinalizer, removeFinalizer } from './finalizers.js';
export { jsonEqual, statusPatch, updateStatus, type WithStatus } from './status.js';
export { ConflictRetriesExhaustedError, type WriteResult } from './write-retry.js';
export {
  findCondition,
  isConditionTrue,
  removeCondition,
  rfc3339,
  setCondition,
  setConditions,
  type Condition,
  type ConditionStatus,
  type ConditionUpdate,
} from './conditions.js';
export { KubeEventRecorder, REPORTING_CONTROLLER, type EventInput, type EventRecorder } from './events.js';
export { CloudflareMetrics, RuntimeMetrics, type CloudflareCallObserver } from './metrics.js';
export { createLogger, nullLogger, type LogLevel, type Logger, type LogMeta } from './logger.js';
export { ConfigError, HelpRequested, configHelp, parseConfig, type OperatorConfig } from './config.js';
export { LeaderElector, type LeaseApi, type LeaseRecord, type LeaderState } from './leader-election.js';
export { Reflector, type ListWatchSource } from './reflector.js';
