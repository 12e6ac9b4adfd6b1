import { Writable } from 'node:stream';
import { ApiException } from '@kubernetes/client-node';
import { createLogger, type LogLevel } from './logger.js';
import { REDACTED, isSecretKey, redactText, redactValue } from './redact.js';

function capture(level: LogLevel = 'debug') {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  return { logger: createLogger({ level, stream, base: { pod: 'op-0' } }), lines };
}

const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('createLogger', () => {
  it('writes JSON lines with level, message, timestamp and base fields', async () => {
    const { logger, lines } = capture();
    logger.info('hello', { n: 1 });
    await flush();
    expect(lines).toEqual([
      { level: 'info', message: 'hello', n: 1, pod: 'op-0', timestamp: expect.any(String) as unknown },
    ]);
  });

  it('filters by level', async () => {
    const { logger, lines } = capture('warn');
    logger.debug('no');
    logger.info('no');
    logger.warn('yes');
    logger.error('yes');
    await flush();
    expect(lines.map((l) => l.level)).toEqual(['warn', 'error']);
  });

  it('child loggers carry the object key and reconcile ID', async () => {
    const { logger, lines } = capture();
    logger.child({ controller: 'tunnel' }).child({ key: 'ns/t', reconcileId: 'r1' }).info('reconciled');
    await flush();
    expect(lines[0]).toMatchObject({ controller: 'tunnel', key: 'ns/t', reconcileId: 'r1', pod: 'op-0' });
  });

  it('never writes a secret, at any depth, and leaves the caller’s objects untouched', async () => {
    const { logger, lines } = capture();
    const meta = {
      apiToken: 'tok-123',
      request: { headers: { Authorization: 'Bearer abc.def', 'X-Auth-Key': 'k-456' }, url: '/zones' },
      credentials: { accountTag: 'a', tunnelSecret: 's' },
      items: [{ password: 'pw' }, { secretName: 'cf-creds' }],
    };
    logger.error('call failed: Authorization: Bearer xyz789', meta);
    await flush();
    const text = JSON.stringify(lines[0]);
    for (const secret of ['tok-123', 'abc.def', 'k-456', 'xyz789', '"s"', 'pw']) expect(text).not.toContain(secret);
    expect(lines[0]).toMatchObject({
      apiToken: REDACTED,
      credentials: REDACTED,
      request: { headers: { Authorization: REDACTED, 'X-Auth-Key': REDACTED }, url: '/zones' },
      items: [{ password: REDACTED }, { secretName: 'cf-creds' }],
    });
    expect(meta.apiToken).toBe('tok-123');
    expect(meta.request.headers.Authorization).toBe('Bearer abc.def');
  });

  it('logs errors as name, message, code and a short stack, without the API response body', async () => {
    const { logger, lines } = capture();
    const err = new ApiException(
      409,
      'HTTP-Code: 409 Body: {"token":"leak"}',
      { message: 'the object has been modified' },
      {
        authorization: 'Bearer leak',
      },
    );
    logger.warn('write failed', { err: new Error('wrapped', { cause: err }) });
    await flush();
    const logged = lines[0]!.err as Record<string, unknown>;
    expect(logged).toMatchObject({
      name: 'Error',
      message: 'wrapped',
      cause: { code: 409, message: 'HTTP 409: the object has been modified' },
    });
    expect(JSON.stringify(lines[0])).not.toContain('leak');
  });
});

describe('redaction helpers', () => {
  it.each([
    ['token', true],
    ['apiToken', true],
    ['CF_API_KEY', true],
    ['api-key', true],
    ['tunnelSecret', true],
    ['Authorization', true],
    ['credentials', true],
    ['privateKey', true],
    ['secretName', false],
    ['tokenRef', false],
    ['key', false],
    ['ownerId', false],
  ])('isSecretKey(%s) = %s', (key, expected) => {
    expect(isSecretKey(key)).toBe(expected);
  });

  it('scrubs credentials inside free text', () => {
    expect(redactText('sent Authorization: Bearer abc and X-Auth-Key=def')).toBe(
      `sent Authorization: Bearer ${REDACTED} and X-Auth-Key=${REDACTED}`,
    );
  });

  it('survives cycles and deep nesting', () => {
    const a: Record<string, unknown> = { name: 'a' };
    a.self = a;
    expect(redactValue(a)).toEqual({ name: 'a', self: '[Circular]' });
    let deep: Record<string, unknown> = { v: 1 };
    for (let i = 0; i < 20; i++) deep = { d: deep };
    expect(JSON.stringify(redactValue(deep))).toContain('[Truncated]');
  });
});
