// The route list a tunnel reports, and the Events its Services get when their part of it changes. Pure.
import type { RouteState, RouteStatus } from '../../api/types.js';
import type { EventInput } from '../../runtime/events.js';
import type { Route } from '../../render/index.js';
import type { TunnelRouteEntry } from '../../routes/route-table.js';
import { sameTunnel, sourceRef, type RouteClaim, type TunnelRef } from '../../routes/types.js';

/** What the apply steps found per route: DNS trouble per hostname, rules not yet live per rule key. */
export interface RouteOutcomes {
  dns: ReadonlyMap<string, { state: 'Conflict' | 'Pending'; message: string }>;
  /** Rules (ruleKey) the configuration cloudflared runs with does not carry yet. */
  notLive: ReadonlySet<string>;
  notLiveMessage: string;
}

/** Identifies an ingress rule: hostname, path and origin. */
export function ruleKey(route: { hostname: string; path?: string | undefined; service: string }): string {
  return `${route.hostname} ${route.path ?? ''} ${route.service}`;
}

export function renderRoute(claim: RouteClaim): Route {
  const route: Route = { hostname: claim.hostname, service: claim.service, source: sourceRef(claim.source) };
  if (claim.path) route.path = claim.path;
  if (claim.originRequest) route.originRequest = claim.originRequest;
  return route;
}

export function tunnelLabel(ref: TunnelRef): string {
  return ref.kind === 'Tunnel' ? `Tunnel ${ref.namespace ?? ''}/${ref.name}` : `ClusterTunnel ${ref.name}`;
}

function servedStatus(claim: RouteClaim, outcomes: RouteOutcomes): Pick<RouteStatus, 'state' | 'message'> {
  const dns = claim.dns ? outcomes.dns.get(claim.hostname) : undefined;
  if (dns?.state === 'Conflict') return dns;
  if (outcomes.notLive.has(ruleKey(claim))) return { state: 'Pending', message: outcomes.notLiveMessage };
  if (dns) return dns;
  return { state: 'Active', message: claim.dns ? 'served; DNS record in place' : 'served; DNS managed elsewhere' };
}

function entryStatus(entry: TunnelRouteEntry, outcomes: RouteOutcomes): RouteStatus {
  if (entry.kind === 'invalid') {
    const message = entry.problems.map((p) => `${p.annotation}: ${p.message}`).join('; ');
    return { hostname: '', service: '', source: sourceRef(entry.source), state: 'Invalid', message };
  }
  const { claim } = entry;
  const base: RouteStatus = {
    hostname: claim.hostname,
    service: claim.service,
    source: sourceRef(claim.source),
    state: 'Active',
  };
  if (claim.path) base.path = claim.path;
  if (entry.kind === 'lost') {
    const where = sameTunnel(entry.winnerTunnel, claim.tunnel) ? '' : ` on ${tunnelLabel(entry.winnerTunnel)}`;
    return { ...base, state: 'Conflict', message: `hostname held by the older ${sourceRef(entry.winner)}${where}` };
  }
  return { ...base, ...servedStatus(claim, outcomes) };
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** The status routes, sorted by hostname, path and source. */
export function routeStatuses(entries: readonly TunnelRouteEntry[], outcomes: RouteOutcomes): RouteStatus[] {
  return entries
    .map((entry) => entryStatus(entry, outcomes))
    .sort(
      (a, b) => compare(a.hostname, b.hostname) || compare(a.path ?? '', b.path ?? '') || compare(a.source, b.source),
    );
}

const SEVERITY: Record<RouteState, number> = { Invalid: 3, Conflict: 2, Pending: 1, Active: 0 };

function fingerprint(routes: readonly RouteStatus[]): string {
  return JSON.stringify(routes.map((r) => [r.hostname, r.path ?? '', r.state, r.message ?? '']));
}

/** An Event for one Service (by its `Service namespace/name` source). */
export interface ServiceNotice {
  source: string;
  event: EventInput;
}

function notice(source: string, routes: readonly RouteStatus[], tunnel: TunnelRef): ServiceNotice | undefined {
  const worst = routes.reduce((w, r) => (SEVERITY[r.state] > SEVERITY[w] ? r.state : w), 'Active' as RouteState);
  const where = tunnelLabel(tunnel);
  const problems = [...new Set(routes.filter((r) => r.state === worst).map((r) => r.message ?? ''))].join('; ');
  const hosts = [...new Set(routes.map((r) => r.hostname))].join(', ');
  switch (worst) {
    case 'Invalid':
      return {
        source,
        event: {
          type: 'Warning',
          reason: 'InvalidAnnotations',
          action: 'Route',
          note: `not published through ${where}: ${problems}`,
        },
      };
    case 'Conflict':
      return {
        source,
        event: {
          type: 'Warning',
          reason: 'HostnameConflict',
          action: 'Route',
          note: `${hosts} not published through ${where}: ${problems}`,
        },
      };
    case 'Pending':
      return undefined;
    case 'Active':
      return {
        source,
        event: { type: 'Normal', reason: 'Published', action: 'Route', note: `${hosts} published through ${where}` },
      };
  }
}

/**
 * Events for the Services whose routes on this tunnel changed since the last status (the status is the memory,
 * so a resync or a restart repeats nothing). A Service whose routes left the tunnel gets `Unpublished`.
 */
export function serviceNotices(
  tunnel: TunnelRef,
  previous: readonly RouteStatus[] | undefined,
  next: readonly RouteStatus[],
): ServiceNotice[] {
  const group = (routes: readonly RouteStatus[]): Map<string, RouteStatus[]> => {
    const bySource = new Map<string, RouteStatus[]>();
    for (const r of routes) bySource.set(r.source, [...(bySource.get(r.source) ?? []), r]);
    return bySource;
  };
  const before = group(previous ?? []);
  const after = group(next);
  const notices: ServiceNotice[] = [];
  for (const [source, routes] of after) {
    const old = before.get(source);
    if (old && fingerprint(old) === fingerprint(routes)) continue;
    const made = notice(source, routes, tunnel);
    if (made) notices.push(made);
  }
  for (const source of before.keys()) {
    if (after.has(source)) continue;
    const note = `no longer published through ${tunnelLabel(tunnel)}`;
    notices.push({ source, event: { type: 'Normal', reason: 'Unpublished', action: 'Route', note } });
  }
  return notices.sort((a, b) => compare(a.source, b.source));
}
