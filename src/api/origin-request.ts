// Validation of the `cloudflare-operator.io/origin-request` Service annotation: a JSON object with the same
// keys as spec.originRequest, minus caPoolSecretRef (a CA Secret must live beside cloudflared, which a
// Service in another namespace cannot provide; set it on the Tunnel instead).
import { Ajv, type ErrorObject } from 'ajv';
import { DURATION_PATTERN } from './patterns.js';
import { quote } from './quote.js';
import type { OriginRequestOptions } from './types.js';

/** Largest annotation value accepted, well under the 256 KiB Kubernetes allows for all annotations. */
export const MAX_ORIGIN_REQUEST_ANNOTATION_LENGTH = 4096;

const duration = { type: 'string', maxLength: 32, pattern: DURATION_PATTERN } as const;
const hostLike = { type: 'string', minLength: 1, maxLength: 253 } as const;

/** JSON Schema of the annotation; the CRD's spec.originRequest has the same properties (test-enforced). */
export const originRequestOptionsSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    noTLSVerify: { type: 'boolean' },
    originServerName: hostLike,
    connectTimeout: duration,
    tlsTimeout: duration,
    tcpKeepAlive: duration,
    keepAliveTimeout: duration,
    keepAliveConnections: { type: 'integer', minimum: 0, maximum: 65535 },
    http2Origin: { type: 'boolean' },
    httpHostHeader: hostLike,
    disableChunkedEncoding: { type: 'boolean' },
    noHappyEyeballs: { type: 'boolean' },
  },
} as const;

const ajv = new Ajv({ allErrors: true, strict: true });
const validateOptions = ajv.compile<OriginRequestOptions>(originRequestOptionsSchema);

export type AnnotationParseResult<T> = { ok: true; value: T } | { ok: false; errors: string[] };

function describe(error: ErrorObject): string {
  const where = error.instancePath ? error.instancePath.slice(1) : 'value';
  if (error.keyword === 'additionalProperties') {
    const params = error.params as { additionalProperty: string };
    return `unknown key ${quote(params.additionalProperty)}`;
  }
  return `${where} ${error.message ?? 'is invalid'}`;
}

/** Validates an already-parsed value against the annotation schema. */
export function validateOriginRequest(value: unknown): AnnotationParseResult<OriginRequestOptions> {
  if (validateOptions(value)) return { ok: true, value: { ...value } };
  return { ok: false, errors: (validateOptions.errors ?? []).map(describe) };
}

/** Parses and validates the annotation text. Errors are short sentences fit for an Event message. */
export function parseOriginRequestAnnotation(text: string): AnnotationParseResult<OriginRequestOptions> {
  if (text.length > MAX_ORIGIN_REQUEST_ANNOTATION_LENGTH) {
    return { ok: false, errors: [`longer than ${MAX_ORIGIN_REQUEST_ANNOTATION_LENGTH} characters`] };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, errors: [`not valid JSON: ${error instanceof Error ? error.message : String(error)}`] };
  }
  return validateOriginRequest(value);
}
