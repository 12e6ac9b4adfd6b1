// Scrubs secrets out of log records. Keys are matched after normalising case and separators, by suffix, so
// `apiToken`, `CF_API_KEY`, `tunnelSecret` and `Authorization` are caught but `secretName` and `tokenRef` are not
// (those name where a secret lives, which is useful and harmless).
import { apiStatusCode, describeError } from './errors.js';

export const REDACTED = '[REDACTED]';

const SECRET_SUFFIXES = [
  'token',
  'apikey',
  'authkey',
  'secret',
  'password',
  'passwd',
  'authorization',
  'credentials',
  'credential',
  'cookie',
  'privatekey',
];

const MAX_DEPTH = 8;

export function isSecretKey(key: string): boolean {
  const normalised = key.toLowerCase().replace(/[-_.\s]/g, '');
  return SECRET_SUFFIXES.some((suffix) => normalised.endsWith(suffix));
}

/** Scrubs credentials that appear inside free text (an Authorization header echoed into a message). */
export function redactText(text: string): string {
  return text
    .replace(/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi, `$1 ${REDACTED}`)
    .replace(
      /\b(X-Auth-Key|Authorization)(["']?\s*[:=]\s*["']?)(?!Bearer\b|Basic\b|\[REDACTED\])[^\s"',}]+/gi,
      `$1$2${REDACTED}`,
    );
}

/** Returns a redacted deep copy of `value`; the input is never modified (it may belong to the caller). */
export function redactValue(value: unknown, depth = 0, seen = new WeakSet<object>()): unknown {
  if (typeof value === 'string') return redactText(value);
  if (typeof value !== 'object' || value === null) return value;
  if (depth >= MAX_DEPTH) return '[Truncated]';
  if (seen.has(value)) return '[Circular]';
  seen.add(value);
  if (value instanceof Error) return redactValue(serializeError(value), depth + 1, seen);
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map((item: unknown) => redactValue(item, depth + 1, seen));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    out[key] = isSecretKey(key) ? REDACTED : redactValue(item, depth + 1, seen);
  }
  return out;
}

/** A plain, bounded view of an error: API errors keep their status code, not their (large) body. */
export function serializeError(err: Error): Record<string, unknown> {
  const out: Record<string, unknown> = { name: err.name, message: describeError(err) };
  const code = apiStatusCode(err);
  if (code !== undefined) out.code = code;
  // Only the frames: the stack's first line repeats the message, which for client-node's ApiException embeds
  // the response body and headers.
  const frames = (err.stack ?? '').split('\n').filter((line) => line.trimStart().startsWith('at '));
  if (frames.length > 0) out.stack = frames.slice(0, 8).join('\n');
  if (err.cause !== undefined) out.cause = err.cause instanceof Error ? serializeError(err.cause) : err.cause;
  return out;
}
