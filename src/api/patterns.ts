// Regular expressions shared by the CRD schema (OpenAPI `pattern` and CEL `matches()`, both RE2) and the
// TypeScript validators (ECMAScript). They use only the syntax both engines read the same way: no
// lookaround, no backreferences, no flags. test/render/crds.test.ts checks the CRDs carry these exact strings.

/** A Cloudflare account ID: 32 lowercase hex digits. */
export const ACCOUNT_ID_PATTERN = '^[0-9a-f]{32}$';

/** A tunnel ID as Cloudflare prints it: a lowercase UUID. */
export const UUID_PATTERN = '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$';

/** A DNS zone name: lowercase labels, at least two of them. */
export const ZONE_NAME_PATTERN = '^([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\\.)+[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$';

/** A Kubernetes object name (DNS-1123 subdomain). */
export const OBJECT_NAME_PATTERN = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$';

/** A key in a Secret's data. */
export const SECRET_KEY_PATTERN = '^[-._a-zA-Z0-9]+$';

/** A tunnel name we create: letters, digits, dot, dash, underscore; alphanumeric at both ends. */
export const TUNNEL_NAME_PATTERN = '^[A-Za-z0-9]([-A-Za-z0-9._]*[A-Za-z0-9])?$';

/**
 * The ID of one operator installation (`--owner-id`, the chart's `ownerId`), written into the comment of every DNS
 * record it owns: 1-32 letters, digits, ".", "_" or "-". The one rule for the flag, the chart's values.schema.json
 * (src/api/owner-id.test.ts checks it carries the same pattern and maxLength) and the ownership code.
 */
export const OWNER_ID_MAX_LENGTH = 32;
export const OWNER_ID_PATTERN = `^[A-Za-z0-9._-]{1,${OWNER_ID_MAX_LENGTH}}$`;
export const OWNER_ID_RULE = `1-${OWNER_ID_MAX_LENGTH} characters of letters, digits, ".", "_" or "-"`;

/** A Go duration as cloudflared parses it ("30s", "1m30s", "1.5h", "250ms"). */
export const DURATION_PATTERN = '^([0-9]+(\\.[0-9]+)?(ns|us|ms|s|m|h))+$';

/**
 * A container image reference: [registry[:port]/]path[:tag][@sha256:digest], path components in
 * lowercase with the separators the distribution spec allows.
 */
export const IMAGE_PATTERN =
  '^([a-zA-Z0-9]([-a-zA-Z0-9]*[a-zA-Z0-9])?(\\.[a-zA-Z0-9]([-a-zA-Z0-9]*[a-zA-Z0-9])?)*(:[0-9]+)?/)?' +
  '[a-z0-9]+(([._]|__|-+)[a-z0-9]+)*(/[a-z0-9]+(([._]|__|-+)[a-z0-9]+)*)*' +
  '(:[A-Za-z0-9_][-A-Za-z0-9_.]{0,127})?(@sha256:[a-f0-9]{64})?$';

/**
 * The catch-all service: an HTTP status (`http_status:404`), an http(s) or tcp URL of a host and optional
 * port (cloudflared refuses a path: requests keep their own), or a unix socket (`unix:/path`, `unix+tls:/path`).
 */
export const FALLBACK_SERVICE_PATTERN =
  '^(http_status:[1-5][0-9][0-9]|(https?|tcp)://[-a-zA-Z0-9.\\[\\]:]+|unix(\\+tls)?:/[^\\s]+)$';

/** Compiles one of the patterns above for use in TypeScript. */
export function compile(pattern: string): RegExp {
  return new RegExp(pattern);
}
