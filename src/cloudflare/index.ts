// Public surface of the Cloudflare gateway. Nothing outside src/cloudflare imports the SDK.
export type { AccountRef } from './accounts.js';
export {
  applyInChunks,
  batchOperations,
  batchSize,
  chunkBatch,
  type BatchExecutor,
  type BatchResult,
  type DnsOperation,
  type OperationFailure,
} from './batch.js';
export { DEFAULT_BASE_URL } from './client.js';
export { credentialKey } from './credentials.js';
export {
  CloudflareApiError,
  classifyError,
  isCloudflareApiError,
  parseRetryAfter,
  type CloudflareErrorCode,
  type ErrorKind,
} from './errors.js';
export {
  createGateway,
  DEFAULT_DNS_PAGE_SIZE,
  DEFAULT_TIMEOUT_MS,
  type CloudflareGateway,
  type GatewayOptions,
} from './gateway.js';
export { noopMetrics, type CallObservation, type CallOutcome, type GatewayMetrics } from './metrics.js';
export {
  assertOwnerId,
  classifyRecord,
  isOurs,
  MAX_COMMENT_LENGTH,
  objectRef,
  ownerComment,
  ownerCommentPrefix,
  parseOwnerComment,
  type OwnerMarker,
  type OwnerObject,
  type Ownership,
  type RecordOwner,
} from './ownership.js';
export {
  hasChanges,
  planDns,
  planToBatch,
  recordNeedsUpdate,
  type ConflictReason,
  type DnsPlan,
  type PlanConflict,
  type PlanInput,
  type RecordUpdate,
} from './plan.js';
export { GatewayPool, type PoolOptions } from './pool.js';
export {
  CLOUDFLARE_RATE_LIMIT,
  TokenBucket,
  unlimited,
  type RateLimiter,
  type RateLimitOptions,
} from './rate-limiter.js';
export { tunnelCname, tunnelCnameTarget } from './records.js';
export { backoff, decideRetry, DEFAULT_RETRY_POLICY, type RetryDecision, type RetryPolicy } from './retry.js';
export {
  TUNNEL_HAS_CONNECTIONS_CODE,
  TUNNEL_NAME_TAKEN_CODE,
  type CreateTunnelInput,
  type DeleteOutcome,
} from './tunnels.js';
export type * from './types.js';
export { batchLimit, commentLimit, findZoneForHostname, normalizeHostname, planTierOf } from './zones.js';
