// Public surface of the Cloudflare gateway: what the rest of the operator uses, and the types those signatures
// name. Nothing outside src/cloudflare imports the SDK, or this directory's other modules (tests may).
export type { AccountRef } from './accounts.js';
export type { BatchResult, DnsOperation, OperationFailure } from './batch.js';
export { credentialKey } from './credentials.js';
export {
  CloudflareApiError,
  isCloudflareApiError,
  type AuthDetail,
  type CloudflareErrorCode,
  type ErrorKind,
} from './errors.js';
export { createGateway, type CloudflareGateway, type GatewayOptions } from './gateway.js';
export type { CallObservation, CallOutcome, GatewayMetrics } from './metrics.js';
export { isOurs, ownerComment, type RecordOwner } from './ownership.js';
export { hasChanges, planDns, planToBatch, type DnsPlan, type PlanConflict } from './plan.js';
export { GatewayPool, type PoolOptions } from './pool.js';
export type { RateLimitOptions } from './rate-limiter.js';
export { tunnelCname } from './records.js';
export type { RetryPolicy } from './retry.js';
export type { CreateTunnelInput, DeleteOutcome } from './tunnels.js';
export type {
  Account,
  CloudflareCredentials,
  CloudflareTunnel,
  CreatedTunnel,
  DnsBatch,
  DnsRecord,
  DnsRecordFilter,
  DnsRecordInput,
  PlanTier,
  RemoteIngressRule,
  TunnelConfigSource,
  TunnelConfiguration,
  TunnelConnectors,
  VersionedTunnelConfiguration,
  Zone,
} from './types.js';
export { findZoneForHostname, normalizeHostname } from './zones.js';
