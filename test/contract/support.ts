// Shared setup for contract tests: the real SDK, through the gateway, against the emulator.
import { Writable } from 'node:stream';
import winston from 'winston';
import { createGateway, type CloudflareGateway, type GatewayOptions } from '../../src/cloudflare/gateway.js';
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

export interface Harness {
  gateway: CloudflareGateway;
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
  const gateway = createGateway({
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
