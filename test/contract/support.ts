// Shared setup for contract tests: the real SDK, through the gateway, against the emulator.
import { Writable } from 'node:stream';
import winston from 'winston';
import { batchDnsRecords, createDnsRecord, deleteDnsRecord, updateDnsRecord } from '../../src/cloudflare/dns.js';
import {
  bindGateway,
  createGatewayContext,
  type CloudflareGateway,
  type GatewayOptions,
} from '../../src/cloudflare/gateway.js';
import type { DnsBatch, DnsRecord, DnsRecordInput } from '../../src/cloudflare/types.js';
import type { CallObservation } from '../../src/cloudflare/metrics.js';
import { unlimited } from '../../src/cloudflare/rate-limiter.js';
import { InstantClock } from '../../src/runtime/testing/instant-clock.js';
import {
  DEFAULT_ACCOUNT_ID,
  DEFAULT_TOKEN,
  startEmulator,
  type RunningEmulator,
} from '../cloudflare-emulator/index.js';

export const ACCOUNT_ID = DEFAULT_ACCOUNT_ID;
export const FREE_ZONE = { id: 'f0000000000000000000000000000001', name: 'example.com', plan: 'free' as const };
export const PAID_ZONE = { id: 'f0000000000000000000000000000002', name: 'example.org', plan: 'paid' as const };

/**
 * The gateway plus the operations it keeps inside (the per-record DNS writes behind applyDnsBatch's fallback, one
 * raw batch request), so that contract tests can check each against the emulator.
 */
export interface TestGateway extends CloudflareGateway {
  createDnsRecord(zoneId: string, input: DnsRecordInput): Promise<DnsRecord>;
  updateDnsRecord(zoneId: string, recordId: string, input: DnsRecordInput): Promise<DnsRecord>;
  deleteDnsRecord(zoneId: string, recordId: string): Promise<'deleted' | 'alreadyGone'>;
  batchDnsRecords(zoneId: string, batch: DnsBatch): Promise<DnsRecord[]>;
}

export interface Harness {
  gateway: TestGateway;
  clock: InstantClock;
  observations: CallObservation[];
  logs: string[];
}

/** Starts one emulator for the file and resets it before every test. */
export function useEmulator(): () => RunningEmulator {
  let running: RunningEmulator | undefined;
  beforeAll(async () => {
    running = await startEmulator();
  });
  beforeEach(async () => {
    await running?.control.reset();
  });
  afterAll(async () => {
    await running?.close();
  });
  return () => {
    if (!running) throw new Error('emulator not started');
    return running;
  };
}

/**
 * A gateway against the emulator. Its clock is virtual: backoff and Retry-After waits are recorded
 * in `clock.delays` and take no real time, so retry tests run in milliseconds.
 */
export function harness(running: RunningEmulator, overrides: Partial<GatewayOptions> = {}): Harness {
  const clock = new InstantClock(Date.now());
  const observations: CallObservation[] = [];
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logs.push(chunk.toString('utf8'));
      done();
    },
  });
  const logger = winston.createLogger({
    level: 'debug',
    format: winston.format.json(),
    transports: [new winston.transports.Stream({ stream: sink })],
  });
  const ctx = createGatewayContext({
    credentials: { apiToken: DEFAULT_TOKEN },
    baseURL: running.apiBaseUrl,
    timeoutMs: 2_000,
    retry: { maxAttempts: 4, baseDelayMs: 20, maxDelayMs: 200, maxRetryAfterMs: 5_000 },
    limiter: unlimited,
    clock,
    random: () => 0.5,
    metrics: { observeCall: (o) => observations.push(o) },
    logger,
    ...overrides,
  });
  const gateway: TestGateway = {
    ...bindGateway(ctx),
    createDnsRecord: (zoneId, input) => createDnsRecord(ctx, zoneId, input),
    updateDnsRecord: (zoneId, recordId, input) => updateDnsRecord(ctx, zoneId, recordId, input),
    deleteDnsRecord: (zoneId, recordId) => deleteDnsRecord(ctx, zoneId, recordId),
    batchDnsRecords: (zoneId, batch) => batchDnsRecords(ctx, zoneId, batch),
  };
  return { gateway, clock, observations, logs };
}

/** Calls of one route pattern seen by the emulator, e.g. `POST /zones/:zone_id/dns_records/batch`. */
export async function callsTo(running: RunningEmulator, route: string): Promise<number> {
  return (await running.control.calls()).byRoute[route] ?? 0;
}

/** A raw request to the emulator's API, for checking wire shapes the gateway hides. */
export async function raw(
  running: RunningEmulator,
  method: string,
  path: string,
  init: { body?: unknown; headers?: Record<string, string> } = {},
): Promise<{ status: number; headers: Headers; body: Record<string, unknown> }> {
  const response = await fetch(`${running.apiBaseUrl}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${DEFAULT_TOKEN}`,
      ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...init.headers,
    },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as Record<string, unknown>,
  };
}
