// The gateway: the narrow interface through which the operator talks to Cloudflare.
import { randomBytes } from 'node:crypto';
import type { Logger } from 'winston';
import { systemClock, type Clock } from '../runtime/clock.js';
import { findZoneByName, resolveAccount, type AccountRef } from './accounts.js';
import type { BatchResult } from './batch.js';
import { createCaller } from './caller.js';
import { createSdkClient } from './client.js';
import { getTunnelConfiguration, putTunnelConfiguration } from './configurations.js';
import type { GatewayContext } from './context.js';
import { assertUsableCredentials, scrubber, secretsOf } from './credentials.js';
import { applyDnsBatch, listDnsRecords } from './dns.js';
import { noopMetrics, type GatewayMetrics } from './metrics.js';
import { explainingAuthErrors } from './permissions.js';
import { CLOUDFLARE_RATE_LIMIT, RateLimitPause, TokenBucket, type RateLimiter } from './rate-limiter.js';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './retry.js';
import {
  createTunnel,
  deleteTunnel,
  findTunnelByName,
  getConnectors,
  getTunnel,
  getTunnelToken,
  type CreateTunnelInput,
  type DeleteOutcome,
} from './tunnels.js';
import type {
  Account,
  CloudflareCredentials,
  CloudflareTunnel,
  CreatedTunnel,
  DnsBatch,
  DnsRecord,
  DnsRecordFilter,
  TunnelConfiguration,
  TunnelConnectors,
  VersionedTunnelConfiguration,
  Zone,
} from './types.js';

/**
 * The operations the operator uses, nothing more. (The per-record DNS writes and the connections cleanup exist
 * inside the gateway, as the fallbacks of applyDnsBatch and deleteTunnel.)
 */
export interface CloudflareGateway {
  resolveAccount(ref: AccountRef): Promise<Account>;
  findZoneByName(name: string, accountId?: string): Promise<Zone | undefined>;

  createTunnel(input: CreateTunnelInput): Promise<CreatedTunnel>;
  getTunnel(accountId: string, tunnelId: string): Promise<CloudflareTunnel | undefined>;
  findTunnelByName(accountId: string, name: string): Promise<CloudflareTunnel | undefined>;
  /** Deletes with the tunnel's connections (cascade); a tunnel already gone counts as deleted. */
  deleteTunnel(accountId: string, tunnelId: string): Promise<DeleteOutcome>;
  getTunnelToken(accountId: string, tunnelId: string): Promise<string>;
  /** The connected cloudflared connectors, summed up (count, colos, versions, lowest configuration version). */
  getConnectors(accountId: string, tunnelId: string): Promise<TunnelConnectors>;
  getTunnelConfiguration(accountId: string, tunnelId: string): Promise<VersionedTunnelConfiguration>;
  putTunnelConfiguration(
    accountId: string,
    tunnelId: string,
    config: TunnelConfiguration,
  ): Promise<VersionedTunnelConfiguration>;

  listDnsRecords(zoneId: string, filter?: DnsRecordFilter): Promise<DnsRecord[]>;
  /** Chunked by the zone's plan, with a per-record fallback for refused chunks. */
  applyDnsBatch(zone: Pick<Zone, 'id' | 'plan'>, batch: DnsBatch): Promise<BatchResult>;
}

export interface GatewayOptions {
  credentials: CloudflareCredentials;
  /** Default: the real API. */
  baseURL?: string;
  /** Per-attempt timeout. Default 30 s. */
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  /** Shared limiter (the pool passes one per credential). Default: a bucket for Cloudflare's limit. */
  limiter?: RateLimiter;
  /** Shared pause after a 429 (the pool passes one per credential). Default: one for this gateway. */
  pause?: RateLimitPause;
  metrics?: GatewayMetrics;
  logger?: Logger;
  /** The calling replica (its leader-election identity), sent in the User-Agent. */
  instance?: string;
  clock?: Clock;
  /** Jitter source in [0, 1). */
  random?: () => number;
  randomBytes?: (size: number) => Buffer;
  /** DNS records per list page. Default 1000. */
  dnsPageSize?: number;
  fetch?: typeof fetch;
}

export const DEFAULT_TIMEOUT_MS = 30_000;
export const DEFAULT_DNS_PAGE_SIZE = 1000;

export function createGateway(options: GatewayOptions): CloudflareGateway {
  return bindGateway(createGatewayContext(options));
}

/** The SDK client and the call wrapper for one credential (tests bind the gateway's internal operations to it). */
export function createGatewayContext(options: GatewayOptions): GatewayContext {
  assertUsableCredentials(options.credentials);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const clock = options.clock ?? systemClock;
  const call = createCaller({
    clock,
    random: options.random ?? Math.random,
    limiter: options.limiter ?? new TokenBucket(CLOUDFLARE_RATE_LIMIT, clock),
    pause: options.pause ?? new RateLimitPause(clock),
    retry: { ...DEFAULT_RETRY_POLICY, ...options.retry },
    timeoutMs,
    metrics: options.metrics ?? noopMetrics,
    logger: options.logger,
    scrub: scrubber(secretsOf(options.credentials)),
  });
  const sdk = createSdkClient(options.credentials, {
    timeoutMs,
    ...(options.baseURL ? { baseURL: options.baseURL } : {}),
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.instance ? { instance: options.instance } : {}),
  });
  return {
    sdk,
    call: explainingAuthErrors(call, sdk, 'apiToken' in options.credentials),
    dnsPageSize: options.dnsPageSize ?? DEFAULT_DNS_PAGE_SIZE,
    randomBytes: options.randomBytes ?? randomBytes,
  };
}

export function bindGateway(ctx: GatewayContext): CloudflareGateway {
  return {
    resolveAccount: (ref) => resolveAccount(ctx, ref),
    findZoneByName: (name, accountId) => findZoneByName(ctx, name, accountId),
    createTunnel: (input) => createTunnel(ctx, input),
    getTunnel: (accountId, tunnelId) => getTunnel(ctx, accountId, tunnelId),
    findTunnelByName: (accountId, name) => findTunnelByName(ctx, accountId, name),
    deleteTunnel: (accountId, tunnelId) => deleteTunnel(ctx, accountId, tunnelId),
    getTunnelToken: (accountId, tunnelId) => getTunnelToken(ctx, accountId, tunnelId),
    getConnectors: (accountId, tunnelId) => getConnectors(ctx, accountId, tunnelId),
    getTunnelConfiguration: (accountId, tunnelId) => getTunnelConfiguration(ctx, accountId, tunnelId),
    putTunnelConfiguration: (accountId, tunnelId, config) => putTunnelConfiguration(ctx, accountId, tunnelId, config),
    listDnsRecords: (zoneId, filter) => listDnsRecords(ctx, zoneId, filter),
    applyDnsBatch: (zone, batch) => applyDnsBatch(ctx, zone, batch),
  };
}
