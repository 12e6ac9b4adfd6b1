import type { Logger } from 'winston';
import { APIConnectionTimeoutError, BadRequestError, InternalServerError, RateLimitError } from 'cloudflare';
import { createCaller, type CallOptions, type SdkPromise } from './caller.js';
import { FakeClock, flushPromises } from '../runtime/testing/fake-clock.js';
import { InstantClock } from '../runtime/testing/instant-clock.js';
import { CloudflareApiError } from './errors.js';
import type { CallObservation } from './metrics.js';
import { RateLimitPause, unlimited } from './rate-limiter.js';

/** An SDK-like promise resolving to `value` with the given HTTP status, or rejecting with `error`. */
function sdk<T>(outcome: { value: T; status?: number } | { error: Error }): SdkPromise<T> {
  const settled =
    'error' in outcome
      ? Promise.reject(outcome.error)
      : Promise.resolve({ data: outcome.value, response: new Response(null, { status: outcome.status ?? 200 }) });
  settled.catch(() => undefined);
  return {
    withResponse: () => settled,
    then: (ok, fail) => settled.then((r) => r.data).then(ok, fail),
  };
}

function setup() {
  const clock = new InstantClock(1_000);
  const observations: CallObservation[] = [];
  const call = createCaller({
    clock,
    random: () => 0,
    limiter: unlimited,
    pause: new RateLimitPause(clock),
    retry: { maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 1000, maxRetryAfterMs: 10_000 },
    timeoutMs: 1234,
    metrics: { observeCall: (o) => observations.push(o) },
    logger: undefined,
    scrub: (t) => t,
  });
  return { clock, observations, call };
}

describe('the pause after a 429', () => {
  it('sends nothing until Retry-After has passed, then calls again', async () => {
    const { clock, call } = setup();
    let sent = 0;
    const limited = () => {
      sent++;
      return sdk<number>({ error: new RateLimitError(429, undefined, 'slow', new Headers({ 'retry-after': '300' })) });
    };
    await expect(call('a', {}, limited)).rejects.toMatchObject({ kind: 'rateLimited', retryAfterMs: 300_000 });
    clock.advance(100_000);
    await expect(call('b', {}, () => sdk({ value: 1 }))).rejects.toMatchObject({
      kind: 'rateLimited',
      status: undefined,
      retryAfterMs: 200_000,
    });
    expect(sent).toBe(1);
    clock.advance(200_000);
    await expect(call('b', {}, () => sdk({ value: 1 }))).resolves.toBe(1);
  });
});

const h = () => new Headers();

describe('createCaller', () => {
  it('passes the timeout and turns SDK retries off', async () => {
    const { call } = setup();
    const seen: CallOptions[] = [];
    await call('op', {}, (opts) => {
      seen.push(opts);
      return sdk({ value: 1 });
    });
    expect(seen).toEqual([{ timeout: 1234, maxRetries: 0 }]);
  });

  it('retries 5xx and timeouts with backoff, then succeeds', async () => {
    const { call, clock, observations } = setup();
    const outcomes = [
      { error: new InternalServerError(502, undefined, 'bad gateway', h()) },
      { error: new APIConnectionTimeoutError() },
      { value: 'ok', status: 200 },
    ];
    const result = await call('dns.list', {}, () => sdk(outcomes.shift()!));
    expect(result).toBe('ok');
    expect(clock.delays).toEqual([50, 100]);
    expect(observations.map((o) => [o.outcome, o.status, o.attempt])).toEqual([
      ['transient', 502, 1],
      ['transient', undefined, 2],
      ['success', 200, 3],
    ]);
  });

  it('waits for Retry-After on 429', async () => {
    const { call, clock } = setup();
    const outcomes = [
      { error: new RateLimitError(429, undefined, 'slow down', new Headers({ 'retry-after': '2' })) },
      { value: 'ok' },
    ];
    await expect(call('op', {}, () => sdk(outcomes.shift()!))).resolves.toBe('ok');
    expect(clock.delays).toEqual([2000]);
  });

  it('sends the next attempt only after the backoff has elapsed', async () => {
    const clock = new FakeClock(0);
    const call = createCaller({
      clock,
      pause: new RateLimitPause(clock),
      random: () => 0,
      limiter: unlimited,
      retry: { maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 1000, maxRetryAfterMs: 10_000 },
      timeoutMs: 1,
      metrics: { observeCall: () => undefined },
      logger: undefined,
      scrub: (t) => t,
    });
    const outcomes = [{ error: new InternalServerError(503, undefined, 'busy', h()) }, { value: 'ok' }];
    let attempts = 0;
    const result = call('op', {}, () => {
      attempts++;
      return sdk(outcomes.shift()!);
    });
    await flushPromises();
    expect(attempts).toBe(1);
    await clock.advance(49); // backoff for the first failure: 50 ms at random 0
    expect(attempts).toBe(1);
    await clock.advance(1);
    expect(attempts).toBe(2);
    await expect(result).resolves.toBe('ok');
  });

  it('reports how long the rate limiter held a call, and nothing when it did not', async () => {
    const clock = new InstantClock(1_000);
    const waits: number[] = [];
    const observations: CallObservation[] = [];
    let hold = 0;
    const call = createCaller({
      clock,
      pause: new RateLimitPause(clock),
      random: () => 0,
      limiter: { acquire: () => Promise.resolve(clock.advance(hold)) },
      retry: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1, maxRetryAfterMs: 1 },
      timeoutMs: 1,
      metrics: { observeCall: (o) => observations.push(o), observeRateLimitWait: (_op, ms) => waits.push(ms) },
      logger: undefined,
      scrub: (t) => t,
    });
    await call('op', {}, () => sdk({ value: 1 }));
    expect(waits).toEqual([]);
    hold = 250;
    await call('op', {}, () => {
      clock.advance(40); // the request itself takes 40 ms
      return sdk({ value: 2 });
    });
    expect(waits).toEqual([250]);
    expect(observations.map((o) => o.durationMs)).toEqual([0, 40]); // from the start of the request, not the queue
  });

  it('logs each attempt and each retry at debug level, with the call context', async () => {
    const logged: [string, unknown][] = [];
    const logger = { debug: (message: string, meta: unknown) => logged.push([message, meta]) } as unknown as Logger;
    const clock = new InstantClock(1_000);
    const call = createCaller({
      clock,
      pause: new RateLimitPause(clock),
      random: () => 0,
      limiter: unlimited,
      retry: { maxAttempts: 2, baseDelayMs: 100, maxDelayMs: 1000, maxRetryAfterMs: 10_000 },
      timeoutMs: 1,
      metrics: { observeCall: () => undefined },
      logger,
      scrub: (t) => t,
    });
    const outcomes = [{ error: new InternalServerError(503, undefined, 'busy', h()) }, { value: 'ok' }];
    await call('zones.list', { zone: 'z1' }, () => sdk(outcomes.shift()!));
    expect(logged).toEqual([
      [
        'cloudflare call',
        { zone: 'z1', operation: 'zones.list', outcome: 'transient', status: 503, durationMs: 0, attempt: 1 },
      ],
      ['cloudflare call will be retried', { operation: 'zones.list', attempt: 1, delayMs: 50, kind: 'transient' }],
      [
        'cloudflare call',
        { zone: 'z1', operation: 'zones.list', outcome: 'success', status: 200, durationMs: 0, attempt: 2 },
      ],
    ]);
  });

  it('does not retry a validation error and throws it typed', async () => {
    const { call, clock } = setup();
    let calls = 0;
    const err = new BadRequestError(400, { errors: [{ code: 9313, message: 'too long' }] }, undefined, h());
    const promise = call('dns.create', {}, () => {
      calls++;
      return sdk<number>({ error: err });
    });
    await expect(promise).rejects.toMatchObject({ kind: 'invalid', status: 400, operation: 'dns.create' });
    await expect(promise).rejects.toBeInstanceOf(CloudflareApiError);
    expect(calls).toBe(1);
    expect(clock.delays).toEqual([]);
  });

  it('gives up after maxAttempts', async () => {
    const { call } = setup();
    let calls = 0;
    await expect(
      call('op', {}, () => {
        calls++;
        return sdk<number>({ error: new InternalServerError(500, undefined, 'x', h()) });
      }),
    ).rejects.toMatchObject({ kind: 'transient' });
    expect(calls).toBe(3);
  });

  it('survives a metrics adapter that throws', async () => {
    const clock = new InstantClock();
    const call = createCaller({
      clock,
      random: () => 0,
      limiter: unlimited,
      pause: new RateLimitPause(clock),
      retry: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1, maxRetryAfterMs: 1 },
      timeoutMs: 1,
      metrics: {
        observeCall: () => {
          throw new Error('broken adapter');
        },
      },
      logger: undefined,
      scrub: (t) => t,
    });
    await expect(call('op', {}, () => sdk({ value: 3 }))).resolves.toBe(3);
  });
});
