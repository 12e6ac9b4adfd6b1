import {
  APIConnectionError,
  APIConnectionTimeoutError,
  AuthenticationError,
  BadRequestError,
  ConflictError,
  InternalServerError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  UnprocessableEntityError,
} from 'cloudflare';
import { classifyError, CloudflareApiError, parseRetryAfter } from './errors.js';

const body = (code: number, message: string) => ({ success: false, errors: [{ code, message }] });
const headers = (h: Record<string, string> = {}) => new Headers(h);

describe('classifyError', () => {
  it.each([
    ['401', new AuthenticationError(401, body(10000, 'Authentication error'), undefined, headers()), 'auth'],
    ['403', new PermissionDeniedError(403, body(10000, 'Authentication error'), undefined, headers()), 'auth'],
    ['404', new NotFoundError(404, body(81044, 'Record does not exist.'), undefined, headers()), 'notFound'],
    [
      '409',
      new ConflictError(409, body(1013, 'You already have a tunnel with this name'), undefined, headers()),
      'conflict',
    ],
    ['429', new RateLimitError(429, body(971, 'Please wait'), undefined, headers()), 'rateLimited'],
    ['500', new InternalServerError(500, body(10001, 'boom'), undefined, headers()), 'transient'],
    ['503', new InternalServerError(503, undefined, 'unavailable', headers()), 'transient'],
    ['400', new BadRequestError(400, body(9313, 'comment too long'), undefined, headers()), 'invalid'],
    [
      '400 6003 (malformed token)',
      new BadRequestError(400, body(6003, 'Invalid request headers'), undefined, headers()),
      'auth',
    ],
    [
      '400 9106 (no credentials)',
      new BadRequestError(400, body(9106, 'Missing X-Auth-Key'), undefined, headers()),
      'auth',
    ],
    ['422', new UnprocessableEntityError(422, body(1004, 'DNS Validation Error'), undefined, headers()), 'invalid'],
    ['400 + 81053', new BadRequestError(400, body(81053, 'record exists'), undefined, headers()), 'conflict'],
    ['400 + 81044', new BadRequestError(400, body(81044, 'no record'), undefined, headers()), 'notFound'],
    ['connection', new APIConnectionError({ message: 'ECONNRESET' }), 'transient'],
    ['timeout', new APIConnectionTimeoutError(), 'transient'],
    ['non-SDK error', new TypeError('bug'), 'invalid'],
  ])('%s → %s', (_label, err, kind) => {
    const classified = classifyError(err, 'op', 0);
    expect(classified).toBeInstanceOf(CloudflareApiError);
    expect(classified.kind).toBe(kind);
    expect(classified.cause).toBe(err);
    expect(classified.operation).toBe('op');
  });

  it('keeps status, Cloudflare codes and Retry-After', () => {
    const err = new RateLimitError(429, body(971, 'Please wait'), undefined, headers({ 'retry-after': '7' }));
    const classified = classifyError(err, 'dns.batch', 0);
    expect(classified.status).toBe(429);
    expect(classified.codes).toEqual([{ code: 971, message: 'Please wait' }]);
    expect(classified.retryAfterMs).toBe(7000);
    expect(classified.hasCode(971)).toBe(true);
    expect(classified.message).toBe('cloudflare dns.batch: rateLimited (HTTP 429): 971 Please wait');
  });

  it('scrubs secrets from the message and codes', () => {
    const err = new BadRequestError(400, body(6003, 'bad header sekrit-token-value'), undefined, headers());
    const classified = classifyError(err, 'zones.get', 0, (t) => t.split('sekrit-token-value').join('[redacted]'));
    expect(classified.message).not.toContain('sekrit-token-value');
    expect(classified.codes[0]?.message).toBe('bad header [redacted]');
  });

  it('returns an already classified error unchanged', () => {
    const first = classifyError(new APIConnectionTimeoutError(), 'a', 0);
    expect(classifyError(first, 'b', 0)).toBe(first);
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2025-01-01T00:00:00Z');
  it.each([
    ['seconds', '30', 30_000],
    ['fractional seconds', '1.5', 1500],
    ['zero', '0', 0],
    ['HTTP date', 'Wed, 01 Jan 2025 00:00:10 GMT', 10_000],
    ['date in the past', 'Tue, 31 Dec 2024 23:59:00 GMT', 0],
    ['garbage', 'soon', undefined],
    ['empty', '', undefined],
    ['absent', null, undefined],
  ])('%s', (_label, value, expected) => {
    expect(parseRetryAfter(value, now)).toBe(expected);
  });
});
