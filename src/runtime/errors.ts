// Error classes and classifiers shared by the runtime and the controllers. Branch on types and status codes,
// never on message text.
import { ApiException } from '@kubernetes/client-node';

/**
 * A failure that retrying cannot fix (invalid spec, missing permission the user must grant): the controller
 * counts it and does not requeue the key. A later change to the object enqueues it again.
 */
export class TerminalError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'TerminalError';
  }
}

/** The HTTP status of a Kubernetes API error, or undefined for anything else (network errors, bugs). */
export function apiStatusCode(err: unknown): number | undefined {
  return err instanceof ApiException && typeof err.code === 'number' ? err.code : undefined;
}

export function isNotFound(err: unknown): boolean {
  return apiStatusCode(err) === 404;
}

/** 409 Conflict: a stale resourceVersion or an object that already exists. */
export function isConflict(err: unknown): boolean {
  return apiStatusCode(err) === 409;
}

/** 422: also what a failed JSON-patch `test` operation returns. */
export function isInvalid(err: unknown): boolean {
  return apiStatusCode(err) === 422;
}

/** Normalises a thrown value into an Error so that only Errors travel further. */
/** A 403 because the namespace is being deleted (Status cause `NamespaceTerminating`): nothing can be created in it. */
export function isNamespaceTerminating(err: unknown): boolean {
  if (apiStatusCode(err) !== 403) return false;
  let body: unknown = (err as ApiException<unknown>).body;
  if (typeof body === 'string') {
    try {
      body = JSON.parse(body) as unknown;
    } catch {
      return false;
    }
  }
  // metav1.StatusCause serialises its Type as `reason`.
  const causes = (body as { details?: { causes?: { reason?: string }[] } } | undefined)?.details?.causes ?? [];
  return causes.some((cause) => cause.reason === 'NamespaceTerminating');
}

export function toError(value: unknown): Error {
  if (value instanceof Error) return value;
  return new Error(typeof value === 'string' ? value : 'non-Error value thrown', { cause: value });
}

/**
 * A short description of an error for logs and Events. For API errors it uses the Status message from the
 * body: client-node's own message embeds the whole body and the response headers.
 */
export function describeError(err: unknown): string {
  const code = apiStatusCode(err);
  if (code === undefined) return toError(err).message;
  const status = statusMessage((err as ApiException<unknown>).body);
  return status ? `HTTP ${code}: ${status}` : `HTTP ${code}`;
}

function statusMessage(body: unknown): string | undefined {
  let value = body;
  if (typeof body === 'string') {
    try {
      value = JSON.parse(body) as unknown;
    } catch {
      return body.slice(0, 200);
    }
  }
  if (typeof value === 'object' && value !== null && 'message' in value && typeof value.message === 'string') {
    return value.message;
  }
  return undefined;
}
