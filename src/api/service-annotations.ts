// The Service annotations as one JSON Schema, and their reading into a typed value. Pure: the Service
// controller turns the problems into an Event and a route state. docs/api.md ("Service annotations") lists
// the same rules.
import { Ajv, type ErrorObject } from 'ajv';
import { ORIGIN_PROTOCOLS, ServiceAnnotation, type OriginProtocol } from './annotations.js';
import { parseOriginRequestAnnotation } from './origin-request.js';
import { pathRegexProblem } from './path-regex.js';
import { OBJECT_NAME_PATTERN } from './patterns.js';
import { quote } from './quote.js';
import type { OriginRequestOptions } from './types.js';

/** A port number, 1–65535, in decimal without leading zeros. */
const PORT_NUMBER_PATTERN = '^([1-9][0-9]{0,3}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5])$';
/** A port name (IANA_SVC_NAME) but for its length and the letter it needs: alphanumerics and single inner hyphens. */
const PORT_NAME_PATTERN = '^[a-z0-9]+(-[a-z0-9]+)*$';

const objectName = {
  type: 'string',
  maxLength: 63,
  pattern: OBJECT_NAME_PATTERN,
  description: 'a Kubernetes object name: 1–63 lowercase letters, digits, "-" and ".", alphanumeric at both ends',
} as const;

/**
 * JSON Schema of the annotations a Service may carry, keyed by their full names. Other annotations are allowed.
 * Each `description` says the expected form; problems quote it.
 */
export const serviceAnnotationsSchema = {
  type: 'object',
  additionalProperties: true,
  properties: {
    [ServiceAnnotation.tunnel]: objectName,
    [ServiceAnnotation.clusterTunnel]: objectName,
    [ServiceAnnotation.hostnames]: {
      type: 'string',
      maxLength: 65536,
      pattern: '[^\\s,]',
      description: 'a comma-separated list of at least one hostname, 65536 characters at most',
    },
    [ServiceAnnotation.port]: {
      type: 'string',
      anyOf: [
        { type: 'string', pattern: PORT_NUMBER_PATTERN },
        { type: 'string', maxLength: 15, pattern: PORT_NAME_PATTERN, not: { type: 'string', pattern: '^[-0-9]*$' } },
      ],
      description:
        'a port number (1–65535) or a port name (1–15 lowercase letters, digits and "-", with a letter, ' +
        'no "-" at either end or twice in a row)',
    },
    [ServiceAnnotation.protocol]: {
      type: 'string',
      enum: ORIGIN_PROTOCOLS,
      description: `one of ${ORIGIN_PROTOCOLS.join(', ')}`,
    },
    [ServiceAnnotation.path]: {
      type: 'string',
      minLength: 1,
      maxLength: 1024,
      description: 'a regular expression of 1–1024 characters',
    },
    [ServiceAnnotation.originRequest]: { type: 'string', description: 'a JSON object' },
    [ServiceAnnotation.dns]: { type: 'string', enum: ['true', 'false'], description: '"true" or "false"' },
  },
} as const;

export interface ServiceAnnotations {
  tunnel?: string;
  clusterTunnel?: string;
  /** Split on commas, trimmed, empty entries dropped, in the order given; not yet normalised. */
  hostnames?: string[];
  /** A port name or number, as written. */
  port?: string;
  protocol?: OriginProtocol;
  path?: string;
  originRequest?: OriginRequestOptions;
  /** False only when the `dns` annotation says "false". */
  dns: boolean;
}

export interface AnnotationProblem {
  /** The full annotation key, e.g. `cloudflare-operator.io/port`. */
  annotation: string;
  /** What is wrong, fit for an Event; quotes at most 100 characters of the value. */
  message: string;
}

export type ServiceAnnotationsResult =
  { ok: true; value: ServiceAnnotations } | { ok: false; problems: AnnotationProblem[] };

const ajv = new Ajv({ allErrors: true, strict: true });
const validate = ajv.compile(serviceAnnotationsSchema);
const descriptions: Record<string, string> = Object.fromEntries(
  Object.entries(serviceAnnotationsSchema.properties).map(([key, schema]) => [key, schema.description]),
);

/** The annotation key an ajv error is about: its instancePath is a JSON pointer (`/` escaped as `~1`). */
function annotationOf(error: ErrorObject): string {
  return error.instancePath.slice(1).replaceAll('~1', '/').replaceAll('~0', '~');
}

function schemaProblems(annotations: Record<string, string>): AnnotationProblem[] {
  if (validate(annotations)) return [];
  const keys = new Set((validate.errors ?? []).map(annotationOf));
  return [...keys].map((annotation) => ({
    annotation,
    message: `must be ${descriptions[annotation] ?? 'valid'}, not ${quote(String(annotations[annotation]))}`,
  }));
}

type OriginRequestResult = ReturnType<typeof parseOriginRequestAnnotation>;

/** Problems the schema cannot see: the two tunnel annotations together, the path's syntax, the JSON options. */
function ruleProblems(
  annotations: Record<string, string>,
  invalid: ReadonlySet<string>,
  options: OriginRequestResult | undefined,
): AnnotationProblem[] {
  const { tunnel, clusterTunnel, path, originRequest } = ServiceAnnotation;
  const problems: AnnotationProblem[] = [];
  if (annotations[tunnel] !== undefined && annotations[clusterTunnel] !== undefined) {
    problems.push({ annotation: clusterTunnel, message: `set only one of ${tunnel} and ${clusterTunnel}` });
  }
  const pathText = annotations[path];
  const pathProblem = pathText === undefined || invalid.has(path) ? undefined : pathRegexProblem(pathText);
  if (pathProblem) problems.push({ annotation: path, message: pathProblem });
  for (const error of options && !options.ok ? options.errors : []) {
    problems.push({ annotation: originRequest, message: error });
  }
  return problems;
}

function splitHostnames(text: string): string[] {
  return text
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as T;
}

/** Reads and validates a Service's annotations; every problem is reported, each naming its annotation. */
export function readServiceAnnotations(annotations: Record<string, string> | undefined): ServiceAnnotationsResult {
  const given = annotations ?? {};
  const { tunnel, clusterTunnel, hostnames, port, protocol, path, originRequest, dns } = ServiceAnnotation;
  const optionsText = given[originRequest];
  const options = optionsText === undefined ? undefined : parseOriginRequestAnnotation(optionsText);
  const invalid = schemaProblems(given);
  const problems = [...invalid, ...ruleProblems(given, new Set(invalid.map((p) => p.annotation)), options)];
  if (problems.length > 0) return { ok: false, problems };
  const hostnamesText = given[hostnames];
  const value: ServiceAnnotations = {
    tunnel: given[tunnel],
    clusterTunnel: given[clusterTunnel],
    hostnames: hostnamesText === undefined ? undefined : splitHostnames(hostnamesText),
    port: given[port],
    protocol: given[protocol] as OriginProtocol | undefined,
    path: given[path],
    originRequest: options?.ok ? options.value : undefined,
    dns: given[dns] !== 'false',
  };
  return { ok: true, value: withoutUndefined(value) };
}

/** True when the Service names a tunnel, valid or not: the Service controller must then report on it. */
export function isExposed(annotations: Record<string, string> | undefined): boolean {
  const { tunnel, clusterTunnel } = ServiceAnnotation;
  return annotations?.[tunnel] !== undefined || annotations?.[clusterTunnel] !== undefined;
}
