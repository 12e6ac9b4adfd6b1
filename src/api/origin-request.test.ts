import { MAX_ORIGIN_REQUEST_ANNOTATION_LENGTH, parseOriginRequestAnnotation } from './origin-request.js';

describe('parseOriginRequestAnnotation', () => {
  it.each([
    ['an empty object', '{}', {}],
    ['booleans', '{"noTLSVerify": true, "http2Origin": false}', { noTLSVerify: true, http2Origin: false }],
    [
      'durations and numbers',
      '{"connectTimeout": "10s", "keepAliveTimeout": "1m30s", "keepAliveConnections": 10}',
      { connectTimeout: '10s', keepAliveTimeout: '1m30s', keepAliveConnections: 10 },
    ],
    [
      'names',
      '{"originServerName": "origin.internal", "httpHostHeader": "shop.example.com"}',
      { originServerName: 'origin.internal', httpHostHeader: 'shop.example.com' },
    ],
  ])('accepts %s', (_name, text, expected) => {
    expect(parseOriginRequestAnnotation(text)).toEqual({ ok: true, value: expected });
  });

  it.each([
    ['broken JSON', '{noTLSVerify: true}', /not valid JSON/],
    ['an array', '[]', /must be object/],
    ['a string', '"x"', /must be object/],
    ['null', 'null', /must be object/],
    ['an unknown key', '{"noTlsVerify": true}', /unknown key "noTlsVerify"/],
    ['a CA Secret (Tunnel-level only)', '{"caPoolSecretRef": {"name": "ca"}}', /unknown key "caPoolSecretRef"/],
    ['a boolean as a string', '{"noTLSVerify": "true"}', /noTLSVerify must be boolean/],
    ['a duration without unit', '{"connectTimeout": "30"}', /connectTimeout must match pattern/],
    ['a duration as a number', '{"tlsTimeout": 10}', /tlsTimeout must be string/],
    ['a negative pool size', '{"keepAliveConnections": -1}', /keepAliveConnections must be >= 0/],
    ['a fractional pool size', '{"keepAliveConnections": 1.5}', /keepAliveConnections must be integer/],
    ['an empty host header', '{"httpHostHeader": ""}', /httpHostHeader must NOT have fewer than 1 characters/],
  ])('refuses %s', (_name, text, message) => {
    const result = parseOriginRequestAnnotation(text);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors.join('; ')).toMatch(message);
  });

  it('reports every error at once', () => {
    const result = parseOriginRequestAnnotation('{"a": 1, "noTLSVerify": 1, "connectTimeout": "x"}');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors).toHaveLength(3);
  });

  it('refuses values longer than the limit before parsing them', () => {
    const text = JSON.stringify({ httpHostHeader: 'a'.repeat(MAX_ORIGIN_REQUEST_ANNOTATION_LENGTH) });
    expect(parseOriginRequestAnnotation(text)).toEqual({ ok: false, errors: [expect.stringMatching(/longer than/)] });
  });
});
