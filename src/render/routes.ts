// Routes (hostname [+ path] → origin service) and the order cloudflared must see them in. cloudflared
// tries ingress rules top to bottom and takes the first match, so a rule that matches more must come
// after the rules it would shadow.
import type { OriginRequestOptions } from '../api/types.js';

export interface Route {
  /** A hostname, or a wildcard `*.example.com` (matches any name below example.com). Lowercase. */
  hostname: string;
  /** Origin URL, e.g. `http://web.shop.svc.cluster.local:80`, `tcp://db.shop.svc:5432`. */
  service: string;
  /** A regular expression the request path must match. */
  path?: string;
  /** Overrides of the tunnel's originRequest defaults for this route. */
  originRequest?: OriginRequestOptions;
  /** Where the route comes from: "Service <namespace>/<name>". */
  source: string;
}

export function isWildcard(hostname: string): boolean {
  return hostname.startsWith('*.');
}

function labelCount(hostname: string): number {
  return hostname.split('.').length;
}

/** Code-unit order, the same in every locale. */
export function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

/** Hostnames: exact names first, then wildcards with the deepest suffix first, then alphabetical. */
function compareHostnames(a: string, b: string): number {
  const wildA = isWildcard(a);
  const wildB = isWildcard(b);
  if (wildA !== wildB) return wildA ? 1 : -1;
  if (wildA && labelCount(a) !== labelCount(b)) return labelCount(b) - labelCount(a);
  return compareStrings(a, b);
}

/** Paths of one hostname: a route with a path before the path-less one (which takes every path), longer first. */
function comparePaths(a: string | undefined, b: string | undefined): number {
  if (a === b) return 0;
  if (a === undefined) return 1;
  if (b === undefined) return -1;
  if (a.length !== b.length) return b.length - a.length;
  return compareStrings(a, b);
}

/** The total order of routes in a rendered configuration. */
export function compareRoutes(a: Route, b: Route): number {
  return (
    compareHostnames(a.hostname.toLowerCase(), b.hostname.toLowerCase()) ||
    comparePaths(a.path || undefined, b.path || undefined) ||
    compareStrings(a.service, b.service) ||
    compareStrings(a.source, b.source)
  );
}

/** A sorted copy of `routes`; the input is left alone. */
export function sortRoutes(routes: readonly Route[]): Route[] {
  return [...routes].sort(compareRoutes);
}
