// A Service's annotations → the route claims it makes on its tunnel. Pure; the caller has found the tunnel
// the annotations name and passes its zones. Problems name the annotation to fix.
import type { V1Service } from '@kubernetes/client-node';
import { ServiceAnnotation } from '../api/annotations.js';
import { quote } from '../api/quote.js';
import { readServiceAnnotations, type AnnotationProblem } from '../api/service-annotations.js';
import { findZoneForHostname, normalizeHostname } from '../cloudflare/index.js';
import { normalizeRouteHostname } from './hostnames.js';
import { choosePort, originBackend, originHost, originPort, originProtocol, originUrl } from './origin.js';
import { sourceRef, type RouteClaim, type RouteSource, type TunnelRef } from './types.js';

export interface TunnelInfo {
  ref: TunnelRef;
  /** The tunnel's spec.cloudflare.zones. */
  zones: readonly string[];
}

export interface ServiceRouteOptions {
  /** The cluster's DNS domain, e.g. `cluster.local`. */
  clusterDomain: string;
}

export type ServiceRoutes = { ok: true; claims: RouteClaim[] } | { ok: false; problems: AnnotationProblem[] };

interface ZonedHostname {
  hostname: string;
  zone: string;
}

type HostnamesResult = { ok: true; value: ZonedHostname[] } | { ok: false; problems: AnnotationProblem[] };

function zonesText(zones: readonly string[]): string {
  return zones.length === 0 ? 'it has none' : zones.join(', ');
}

/**
 * The hostnames asked for, else `<service>.<zone>` when the tunnel has exactly one zone; normalised, first
 * occurrence kept, each with the longest of the tunnel's zones it is in.
 */
function zonedHostnames(serviceName: string, asked: string[] | undefined, zones: readonly string[]): HostnamesResult {
  const annotation = ServiceAnnotation.hostnames;
  if (asked === undefined && zones.length !== 1) {
    const message = `is required because the tunnel has ${zones.length} zones (no default hostname)`;
    return { ok: false, problems: [{ annotation, message }] };
  }
  const problems: AnnotationProblem[] = [];
  const found = new Map<string, ZonedHostname>();
  for (const raw of asked ?? [`${serviceName}.${zones[0]}`]) {
    const normal = normalizeRouteHostname(raw);
    if (!normal.ok) {
      problems.push({ annotation, message: normal.message });
      continue;
    }
    const zone = findZoneForHostname(
      normal.hostname,
      zones.map((name) => ({ name })),
    );
    if (!zone) {
      const message = `hostname ${quote(raw.trim())} is in none of the tunnel's zones (${zonesText(zones)})`;
      problems.push({ annotation, message });
      continue;
    }
    found.set(normal.hostname, { ...normal, zone: normalizeHostname(zone.name) }); // a duplicate keeps its first place
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, value: [...found.values()] };
}

/** RFC 3339 in UTC as Kubernetes writes it (`2024-05-01T10:00:00Z`); a string that is no date is kept as is. */
function timestamp(value: Date | string | undefined): string {
  if (value === undefined) return '';
  const date = value instanceof Date ? value : new Date(value);
  return Number.isNaN(date.getTime()) ? String(value) : date.toISOString().replace(/\.000Z$/, 'Z');
}

export function sourceOf(service: V1Service): RouteSource {
  const metadata = service.metadata ?? {};
  return {
    kind: 'Service',
    namespace: metadata.namespace ?? '',
    name: metadata.name ?? '',
    uid: metadata.uid ?? '',
    // client-node gives a Date; an object read as plain JSON carries the string.
    createdAt: timestamp(metadata.creationTimestamp),
  };
}

/** The claims of `service` on `tunnel`: one per hostname, all to the same origin. */
export function serviceRoutes(service: V1Service, tunnel: TunnelInfo, options: ServiceRouteOptions): ServiceRoutes {
  const read = readServiceAnnotations(service.metadata?.annotations);
  if (!read.ok) return read;
  const { hostnames: asked, port: portAnnotation, protocol, path, originRequest, dns } = read.value;
  const hostnames = zonedHostnames(service.metadata?.name ?? '', asked, tunnel.zones);
  const port = choosePort(service.spec?.ports ?? [], portAnnotation);
  if (!hostnames.ok || !port.ok) {
    const problems = hostnames.ok ? [] : [...hostnames.problems];
    if (!port.ok) problems.push({ annotation: ServiceAnnotation.port, message: port.message });
    return { ok: false, problems };
  }
  const host = originHost(service, options.clusterDomain);
  const url = originUrl(originProtocol(port.value, protocol), host, originPort(service, port.value));
  const source = sourceOf(service);
  const backend = originBackend(service, port.value, sourceRef(source));
  const claims = hostnames.value.map(({ hostname, zone }) => ({
    tunnel: tunnel.ref,
    hostname,
    zone,
    ...(path === undefined ? {} : { path }),
    service: url,
    ...(originRequest === undefined ? {} : { originRequest }),
    dns,
    source,
    backend,
  }));
  return { ok: true, claims };
}
